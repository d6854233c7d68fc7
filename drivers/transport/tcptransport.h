#pragma once

#include "drivers/transport/transport.h"

#include <memory>

class QTcpSocket;

namespace hall::drivers {

// A raw-socket ("port 9100", JetDirect) printer. One short connection per job: open() connects
// within the timeout and close() disconnects. The QTcpSocket is created by open() on the calling
// thread and used only through its blocking waitFor* calls; open, use and close on that thread.
class TcpTransport final : public Transport
{
public:
    TcpTransport(QString host, quint16 port);
    ~TcpTransport() override;

    QString describe() const override;
    int bytesPerSecond() const override;
    bool canRead() const override { return true; }

    std::optional<IoError> open(int timeoutMs) override;
    void close() override;
    bool isOpen() const override;

    std::optional<IoError> write(const QByteArray &bytes, int timeoutMs) override;
    std::variant<QByteArray, IoError> read(qsizetype maxBytes, int timeoutMs) override;
    void discardInput() override;

private:
    // Drops the connection and whatever the kernel still holds for it (a failed job's rest).
    void resetConnection();
    IoError socketError(const QString &doing);
    std::optional<IoError> waitUntilAcknowledged(int remainingMs, qsizetype total);

    QString m_host;
    quint16 m_port;
    std::unique_ptr<QTcpSocket> m_socket;
};

} // namespace hall::drivers
