#include "drivers/transport/tcptransport.h"

#include "drivers/transport/transportlog.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QThread>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace hall::drivers {

namespace {

int remaining(const QDeadlineTimer &deadline)
{
    return int(qMax<qint64>(0, deadline.remainingTime()));
}

} // namespace

TcpTransport::TcpTransport(QString host, quint16 port) : m_host(std::move(host)), m_port(port) {}

TcpTransport::~TcpTransport()
{
    close();
}

QString TcpTransport::describe() const
{
    return QStringLiteral("tcp %1:%2").arg(m_host).arg(m_port);
}

int TcpTransport::bytesPerSecond() const
{
    // Even a 10 Mbit/s printer interface outruns any print head; the figure only has to say
    // "fast enough for raster".
    return 1'000'000;
}

bool TcpTransport::isOpen() const
{
    return m_socket != nullptr;
}

std::optional<IoError> TcpTransport::open(int timeoutMs)
{
    if (m_socket)
        return std::nullopt;
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(m_host, m_port);
    if (socket->waitForConnected(qMax(1, timeoutMs))) {
        // Printers answer status queries with a byte or two; do not let Nagle hold the query.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_socket = std::move(socket);
        qCDebug(lcTransport) << "connected" << describe();
        return std::nullopt;
    }

    const QAbstractSocket::SocketError code = socket->error();
    const QString detail = socket->errorString();
    socket->abort();
    switch (code) {
    case QAbstractSocket::ConnectionRefusedError:
        return IoError{IoError::Kind::Refused,
                       QStringLiteral("Printer %1 port %2 refused the connection: the printer is on the network "
                                      "but nothing listens on that port (check the port, usually 9100, and "
                                      "that raw printing is enabled).")
                           .arg(m_host)
                           .arg(m_port)};
    case QAbstractSocket::HostNotFoundError:
        return IoError{IoError::Kind::NotFound,
                       QStringLiteral("Printer host %1 is not known (%2): check the name or use its IP address.")
                           .arg(m_host, detail)};
    case QAbstractSocket::SocketTimeoutError:
        return IoError{IoError::Kind::Timeout,
                       QStringLiteral("Printer %1 port %2 did not answer within %3 ms: check that it is on and "
                                      "its address.")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(timeoutMs)};
    case QAbstractSocket::SocketAccessError:
        return IoError{IoError::Kind::PermissionDenied,
                       QStringLiteral("Not allowed to connect to printer %1 port %2: %3.").arg(m_host).arg(m_port).arg(detail)};
    case QAbstractSocket::NetworkError:
        return IoError{IoError::Kind::NotFound,
                       QStringLiteral("Printer %1 port %2 cannot be reached: %3.").arg(m_host).arg(m_port).arg(detail)};
    default:
        return IoError{IoError::Kind::Io,
                       QStringLiteral("Cannot connect to printer %1 port %2: %3.").arg(m_host).arg(m_port).arg(detail)};
    }
}

void TcpTransport::close()
{
    if (!m_socket)
        return;
    // Bytes still queued belong to a job that failed; flushing them now would print half a
    // ticket after the caller gave up on it.
    if (m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesToWrite() == 0) {
        // Unread input left in the kernel turns the close into a reset, and some printers drop
        // what they have not printed yet when reset.
        discardInput();
        m_socket->disconnectFromHost();
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->waitForDisconnected(1000);
    }
    m_socket->abort();
    m_socket.reset();
    qCDebug(lcTransport) << "disconnected" << describe();
}

void TcpTransport::resetConnection()
{
    // With SO_LINGER 0 the kernel drops what it still holds for the printer and sends a reset;
    // a plain close would keep delivering it, and the rest of a failed ticket would print later.
    const linger hard{1, 0};
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    m_socket->abort();
    m_socket.reset();
    qCDebug(lcTransport) << "reset" << describe();
}

IoError TcpTransport::socketError(const QString &doing)
{
    const QAbstractSocket::SocketError code = m_socket->error();
    const QString detail = m_socket->errorString();
    const bool dropped = code == QAbstractSocket::RemoteHostClosedError || code == QAbstractSocket::NetworkError
                         || m_socket->state() != QAbstractSocket::ConnectedState;
    if (dropped) {
        close();
        return IoError{IoError::Kind::Gone,
                       QStringLiteral("Printer %1 port %2 dropped the connection while %3 (%4): it may have "
                                      "been switched off or restarted.")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(doing, detail)};
    }
    return IoError{IoError::Kind::Io,
                   QStringLiteral("Printer %1 port %2 failed while %3: %4.").arg(m_host).arg(m_port).arg(doing, detail)};
}

std::optional<IoError> TcpTransport::waitUntilAcknowledged(int remainingMs, qsizetype total)
{
    // The bytes are in the kernel's send queue; only the printer's acknowledgement says they
    // arrived. A printer that stopped reading (paper out, jam) shows here as a stuck queue.
    const QDeadlineTimer deadline(remainingMs);
    int sleepMs = 1;
    for (;;) {
        const int fd = int(m_socket->socketDescriptor());
        int unacknowledged = 0;
        if (::ioctl(fd, SIOCOUTQ, &unacknowledged) != 0)
            return std::nullopt;
        // A reset empties the send queue as well, so an empty queue alone proves nothing.
        tcp_info info{};
        socklen_t length = sizeof info;
        if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0 && info.tcpi_state == TCP_CLOSE) {
            close();
            return IoError{IoError::Kind::Gone,
                           QStringLiteral("Printer %1 port %2 reset the connection while the job was being sent: "
                                          "it may have been switched off or restarted, or it refused the job.")
                               .arg(m_host)
                               .arg(m_port)};
        }
        if (unacknowledged <= 0)
            return std::nullopt;
        if (deadline.hasExpired()) {
            resetConnection();
            return IoError{IoError::Kind::Timeout,
                           QStringLiteral("Printer %1 port %2 had not accepted the last %3 of %4 bytes when the "
                                          "time ran out: it stopped reading (paper out, jammed, or busy).")
                               .arg(m_host)
                               .arg(m_port)
                               .arg(unacknowledged)
                               .arg(total)};
        }
        // There is no event for "acknowledged"; back off from 1 ms so a LAN round trip is seen
        // quickly and a stuck printer does not spin.
        QThread::msleep(ulong(qMin<qint64>(sleepMs, qMax<qint64>(1, deadline.remainingTime()))));
        sleepMs = qMin(sleepMs * 2, 20);
    }
}

std::optional<IoError> TcpTransport::write(const QByteArray &bytes, int timeoutMs)
{
    if (!m_socket)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("The connection to printer %1 port %2 is not open, so nothing was written.")
                           .arg(m_host)
                           .arg(m_port)};
    const QDeadlineTimer deadline(timeoutMs);
    if (m_socket->write(bytes) != bytes.size())
        return socketError(QStringLiteral("writing"));
    while (m_socket->bytesToWrite() > 0) {
        if (deadline.hasExpired() || !m_socket->waitForBytesWritten(qMax(1, remaining(deadline)))) {
            if (m_socket->error() != QAbstractSocket::SocketTimeoutError && !deadline.hasExpired())
                return socketError(QStringLiteral("writing"));
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                return socketError(QStringLiteral("writing"));
            const qint64 left = m_socket->bytesToWrite();
            // Half a job must not be followed by the next one on this connection, nor finish
            // printing after the kiosk told the visitor it did not.
            resetConnection();
            return IoError{IoError::Kind::Timeout,
                           QStringLiteral("Printer %1 port %2 took only %3 of %4 bytes within %5 ms: it stopped "
                                          "reading (paper out, jammed, or busy).")
                               .arg(m_host)
                               .arg(m_port)
                               .arg(bytes.size() - left)
                               .arg(bytes.size())
                               .arg(timeoutMs)};
        }
    }
    return waitUntilAcknowledged(remaining(deadline), bytes.size());
}

std::variant<QByteArray, IoError> TcpTransport::read(qsizetype maxBytes, int timeoutMs)
{
    if (!m_socket)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("The connection to printer %1 port %2 is not open, so nothing can be read.")
                           .arg(m_host)
                           .arg(m_port)};
    if (maxBytes <= 0)
        return IoError{IoError::Kind::BadConfig,
                       QStringLiteral("A read from printer %1 port %2 asked for %3 bytes.").arg(m_host).arg(m_port).arg(maxBytes)};
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket->bytesAvailable() == 0) {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            return socketError(QStringLiteral("reading"));
        if (deadline.hasExpired())
            return IoError{IoError::Kind::Timeout,
                           QStringLiteral("Printer %1 port %2 sent nothing within %3 ms: it may not support status "
                                          "queries on this port.")
                               .arg(m_host)
                               .arg(m_port)
                               .arg(timeoutMs)};
        if (!m_socket->waitForReadyRead(qMax(1, remaining(deadline)))
            && m_socket->error() != QAbstractSocket::SocketTimeoutError)
            return socketError(QStringLiteral("reading"));
    }
    return m_socket->read(maxBytes);
}

void TcpTransport::discardInput()
{
    if (!m_socket)
        return;
    // Pull in whatever the kernel already holds without waiting, then drop it all.
    m_socket->waitForReadyRead(0);
    m_socket->readAll();
}

} // namespace hall::drivers
