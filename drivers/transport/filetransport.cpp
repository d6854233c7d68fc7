#include "drivers/transport/filetransport.h"

#include "drivers/transport/transportlog.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

namespace hall::drivers {

namespace {

int remaining(const QDeadlineTimer &deadline)
{
    return int(qMax<qint64>(0, deadline.remainingTime()));
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// A FIFO whose reader went away raises SIGPIPE, which would kill the whole kiosk. Block it on
// this thread only while writing, and swallow one that became pending, instead of changing the
// process-wide disposition behind the application's back.
class SigpipeGuard
{
public:
    SigpipeGuard()
    {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_wasPending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe, &m_old);
    }
    ~SigpipeGuard()
    {
        if (m_raised && !m_wasPending) {
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            const timespec zero{0, 0};
            while (sigtimedwait(&pipe, nullptr, &zero) == -1 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    SigpipeGuard(const SigpipeGuard &) = delete;
    SigpipeGuard &operator=(const SigpipeGuard &) = delete;
    void raised() { m_raised = true; }

private:
    sigset_t m_old;
    bool m_wasPending = false;
    bool m_raised = false;
};

} // namespace

FileTransport::FileTransport(QString path) : m_path(std::move(path)) {}

FileTransport::~FileTransport()
{
    close();
}

QString FileTransport::describe() const
{
    return QStringLiteral("file %1").arg(m_path);
}

int FileTransport::bytesPerSecond() const
{
    // usblp sits on a USB bulk pipe: far faster than any print head.
    return 1'000'000;
}

std::optional<IoError> FileTransport::open(int timeoutMs)
{
    if (m_fd >= 0)
        return std::nullopt;
    const QByteArray path = QFile::encodeName(m_path);
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        // Non-blocking so that writes can be bounded by poll(); a blocking open of a FIFO would
        // also hang until a reader appears.
        const int fd = ::open(path.constData(), O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd >= 0) {
            m_fd = fd;
            qCDebug(lcTransport) << "opened" << describe();
            return std::nullopt;
        }
        const int error = errno;
        switch (error) {
        case EINTR:
            continue;
        case ENXIO:
            // A FIFO without a reader yet, or a device node whose printer is still attaching.
            if (!deadline.hasExpired()) {
                QThread::msleep(ulong(qMin(10, qMax(1, remaining(deadline)))));
                continue;
            }
            return IoError{IoError::Kind::NotFound,
                           QStringLiteral("%1 exists but no device is behind it (%2): check that the printer is "
                                          "on and plugged in.")
                               .arg(m_path, systemError(error))};
        case ENOENT:
        case ENODEV:
            return IoError{IoError::Kind::NotFound,
                           QStringLiteral("%1 does not exist: check that the printer is on and plugged in, and "
                                          "that the usblp driver is loaded (ls /dev/usb/).")
                               .arg(m_path)};
        case EACCES:
        case EPERM:
            return IoError{IoError::Kind::PermissionDenied,
                           QStringLiteral("No permission to write to %1: add the service user to the lp group "
                                          "(usermod -aG lp USER; /dev/usb/lp* is root:lp 0660) and log in again.")
                               .arg(m_path)};
        case EBUSY:
            return IoError{IoError::Kind::Busy,
                           QStringLiteral("%1 is in use by another program (a print spooler such as CUPS?).")
                               .arg(m_path)};
        case EISDIR:
            return IoError{IoError::Kind::BadConfig,
                           QStringLiteral("%1 is a directory, not a printer device.").arg(m_path)};
        default:
            return IoError{IoError::Kind::Io,
                           QStringLiteral("Cannot open %1: %2.").arg(m_path, systemError(error))};
        }
    }
}

void FileTransport::close()
{
    if (m_fd < 0)
        return;
    ::close(m_fd);
    m_fd = -1;
    qCDebug(lcTransport) << "closed" << describe();
}

FileTransport::Ready FileTransport::waitWritable(int timeoutMs)
{
    pollfd p{m_fd, POLLOUT, 0};
    for (;;) {
        const int n = ::poll(&p, 1, timeoutMs);
        if (n > 0)
            return (p.revents & POLLOUT) ? Ready::Yes : Ready::Failed;
        if (n == 0)
            return Ready::Timeout;
        if (errno != EINTR)
            return Ready::Failed;
    }
}

IoError FileTransport::writeError(int error, qsizetype written, qsizetype total)
{
    close();
    if (error == EPIPE || error == ENODEV || error == EIO || error == ENXIO)
        return IoError{IoError::Kind::Gone,
                       QStringLiteral("%1 went away after %2 of %3 bytes (%4): the printer was switched off or "
                                      "unplugged.")
                           .arg(m_path)
                           .arg(written)
                           .arg(total)
                           .arg(systemError(error))};
    return IoError{IoError::Kind::Io, QStringLiteral("Writing to %1 failed after %2 of %3 bytes: %4.")
                                          .arg(m_path)
                                          .arg(written)
                                          .arg(total)
                                          .arg(systemError(error))};
}

std::optional<IoError> FileTransport::write(const QByteArray &bytes, int timeoutMs)
{
    if (m_fd < 0)
        return IoError{IoError::Kind::NotOpen, QStringLiteral("%1 is not open, so nothing was written.").arg(m_path)};
    const QDeadlineTimer deadline(timeoutMs);
    SigpipeGuard guard;
    qsizetype written = 0;
    const qsizetype total = bytes.size();
    auto timedOut = [&] {
        return IoError{IoError::Kind::Timeout,
                       QStringLiteral("%1 took only %2 of %3 bytes within %4 ms: the printer is not taking data "
                                      "(paper out, cover open, or off).")
                           .arg(m_path)
                           .arg(written)
                           .arg(total)
                           .arg(timeoutMs)};
    };
    while (written < total) {
        const ssize_t n = ::write(m_fd, bytes.constData() + written, size_t(total - written));
        if (n > 0) {
            written += n;
            continue;
        }
        const int error = n < 0 ? errno : EIO;
        if (error == EINTR)
            continue;
        if (error == EPIPE)
            guard.raised();
        if (error != EAGAIN)
            return writeError(error, written, total);
        switch (waitWritable(remaining(deadline))) {
        case Ready::Yes:
            break;
        case Ready::Timeout:
            return timedOut();
        case Ready::Failed:
            // POLLERR/POLLHUP: the next write() tells which.
            break;
        }
        if (deadline.hasExpired())
            return timedOut();
    }
    // usblp accepts a non-blocking write as soon as its URB is submitted and reports writable
    // again when the printer took it: that is the "flushed to the device" the caller waits for.
    switch (waitWritable(qMax(1, remaining(deadline)))) {
    case Ready::Yes:
    case Ready::Failed: // a FIFO whose reader left after reading everything is still a success
        return std::nullopt;
    case Ready::Timeout:
        return IoError{IoError::Kind::Timeout,
                       QStringLiteral("%1 had not taken the last bytes of the job within %2 ms: the printer is not "
                                      "taking data (paper out, cover open, or off).")
                           .arg(m_path)
                           .arg(timeoutMs)};
    }
    return std::nullopt;
}

std::variant<QByteArray, IoError> FileTransport::read(qsizetype, int)
{
    if (m_fd < 0)
        return IoError{IoError::Kind::NotOpen, QStringLiteral("%1 is not open, so nothing can be read.").arg(m_path)};
    return IoError{IoError::Kind::Io,
                   QStringLiteral("%1 is written to only: a printer behind a device file cannot answer status "
                                  "queries (use the usb transport for that).")
                       .arg(m_path)};
}

} // namespace hall::drivers
