#pragma once

#include "drivers/transport/transport.h"

namespace hall::drivers {

// A printer reached through a device file the kernel's usblp driver provides (/dev/usb/lp0), or
// any writable path. Write-only: usblp's read side is not reliable across printers, and a
// regular file or FIFO has no one to answer.
class FileTransport final : public Transport
{
public:
    explicit FileTransport(QString path);
    ~FileTransport() override;

    QString describe() const override;
    int bytesPerSecond() const override;
    bool canRead() const override { return false; }

    std::optional<IoError> open(int timeoutMs) override;
    void close() override;
    bool isOpen() const override { return m_fd >= 0; }

    std::optional<IoError> write(const QByteArray &bytes, int timeoutMs) override;
    std::variant<QByteArray, IoError> read(qsizetype maxBytes, int timeoutMs) override;
    void discardInput() override {}

private:
    enum class Ready { Yes, Timeout, Failed };
    Ready waitWritable(int timeoutMs);
    IoError writeError(int error, qsizetype written, qsizetype total);

    QString m_path;
    int m_fd = -1;
};

} // namespace hall::drivers
