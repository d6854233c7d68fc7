#pragma once

#include "drivers/transport/transport.h"

#include <memory>

class QSerialPort;

namespace hall::drivers {

// A serial printer or keypad: 8N1 at the configured baud, optionally RTS/CTS. The QSerialPort is
// created by open() on the calling thread and used with its blocking waitFor* calls, so the
// worker thread needs no running event loop; open, use and close it on that one thread.
class SerialTransport final : public Transport
{
public:
    SerialTransport(QString port, int baud, bool hardwareFlow);
    ~SerialTransport() override;

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
    IoError portError(const QString &doing);
    IoError gone(const QString &doing);
    std::optional<IoError> drain(int remainingMs);

    QString m_portName;
    int m_baud;
    bool m_hardwareFlow;
    std::unique_ptr<QSerialPort> m_port;
};

} // namespace hall::drivers
