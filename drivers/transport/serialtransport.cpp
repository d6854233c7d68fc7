#include "drivers/transport/serialtransport.h"

#include "drivers/transport/transportlog.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSerialPort>
#include <QThread>

#include <cerrno>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace hall::drivers {

namespace {

int remaining(const QDeadlineTimer &deadline)
{
    return int(qMax<qint64>(0, deadline.remainingTime()));
}

} // namespace

SerialTransport::SerialTransport(QString port, int baud, bool hardwareFlow)
    : m_portName(std::move(port)), m_baud(baud), m_hardwareFlow(hardwareFlow)
{
}

SerialTransport::~SerialTransport()
{
    close();
}

QString SerialTransport::describe() const
{
    return QStringLiteral("serial %1 %2 8N1%3")
        .arg(m_portName)
        .arg(m_baud)
        .arg(m_hardwareFlow ? QStringLiteral(" rts/cts") : QString());
}

int SerialTransport::bytesPerSecond() const
{
    // A start bit, eight data bits and a stop bit per byte.
    return qMax(1, m_baud / 10);
}

bool SerialTransport::isOpen() const
{
    return m_port != nullptr;
}

std::optional<IoError> SerialTransport::open(int timeoutMs)
{
    Q_UNUSED(timeoutMs) // opening a tty does not wait for the far end
    if (m_port)
        return std::nullopt;

    auto port = std::make_unique<QSerialPort>();
    port->setPortName(m_portName);
    if (!port->open(QIODevice::ReadWrite)) {
        const QSerialPort::SerialPortError code = port->error();
        const QString detail = port->errorString();
        switch (code) {
        case QSerialPort::DeviceNotFoundError:
            return IoError{IoError::Kind::NotFound,
                           QStringLiteral("Serial port %1 does not exist: check the cable and the port name "
                                          "(ls /dev/ttyUSB* /dev/ttyACM* /dev/ttyS*).")
                               .arg(m_portName)};
        case QSerialPort::PermissionError:
            // Qt reports a port held by another program (TIOCEXCL, lock file) as a permission
            // error too; the file's own access bits tell the two apart.
            if (::access(QFile::encodeName(m_portName).constData(), R_OK | W_OK) != 0 && errno == EACCES)
                return IoError{IoError::Kind::PermissionDenied,
                               QStringLiteral("No permission to open serial port %1: add the service user to the "
                                              "dialout group (usermod -aG dialout USER) and log in again.")
                                   .arg(m_portName)};
            return IoError{IoError::Kind::Busy,
                           QStringLiteral("Serial port %1 is in use by another program (%2): stop it or pick "
                                          "another port.")
                               .arg(m_portName, detail)};
        default:
            return IoError{IoError::Kind::Io,
                           QStringLiteral("Cannot open serial port %1: %2.").arg(m_portName, detail)};
        }
    }

    const bool configured = port->setBaudRate(m_baud) && port->setDataBits(QSerialPort::Data8)
                            && port->setParity(QSerialPort::NoParity) && port->setStopBits(QSerialPort::OneStop)
                            && port->setFlowControl(m_hardwareFlow ? QSerialPort::HardwareControl
                                                                   : QSerialPort::NoFlowControl);
    if (!configured) {
        const QString detail = port->errorString();
        port->close();
        return IoError{IoError::Kind::Io, QStringLiteral("Cannot set serial port %1 to %2 baud 8N1%3: %4.")
                                              .arg(m_portName)
                                              .arg(m_baud)
                                              .arg(m_hardwareFlow ? QStringLiteral(" with RTS/CTS") : QString(), detail)};
    }

    // Many printers only listen while DTR (and without hardware flow, RTS) is raised. Ptys and
    // some adapters have no modem lines and reject the ioctl; that is no reason to fail.
    if (!port->setDataTerminalReady(true) || (!m_hardwareFlow && !port->setRequestToSend(true))) {
        qCDebug(lcTransport) << "serial port" << m_portName << "has no modem control lines:" << port->errorString();
    }
    port->clearError();
    // Whatever the device sent before we were listening is not an answer to anything of ours.
    port->clear(QSerialPort::Input);
    m_port = std::move(port);
    qCDebug(lcTransport) << "opened" << describe();
    return std::nullopt;
}

void SerialTransport::close()
{
    if (!m_port)
        return;
    m_port->close();
    m_port.reset();
    qCDebug(lcTransport) << "closed" << describe();
}

IoError SerialTransport::gone(const QString &doing)
{
    // Qt's text for this is often a stale errno (end of file sets none), so it is left out.
    qCDebug(lcTransport) << "serial port" << m_portName << "gone:" << m_port->error() << m_port->errorString();
    close();
    return IoError{IoError::Kind::Gone,
                   QStringLiteral("Serial port %1 went away while %2: check the cable or USB adapter.")
                       .arg(m_portName, doing)};
}

IoError SerialTransport::portError(const QString &doing)
{
    switch (m_port->error()) {
    case QSerialPort::ResourceError:
    case QSerialPort::ReadError:
    case QSerialPort::WriteError:
        // A tty whose other end hung up (unplugged adapter, closed pty) fails reads and writes
        // with EIO or end of file: the link is dead, not merely slow.
        return gone(doing);
    default: {
        const QString detail = m_port->errorString();
        m_port->clearError();
        return IoError{IoError::Kind::Io,
                       QStringLiteral("Serial port %1 failed while %2: %3.").arg(m_portName, doing, detail)};
    }
    }
}

std::optional<IoError> SerialTransport::drain(int remainingMs)
{
    // waitForBytesWritten only means the kernel took the bytes; the tty's output queue still has
    // to reach the wire before the caller may expect an answer or close the port.
    const QDeadlineTimer deadline(remainingMs);
    for (;;) {
        int queued = 0;
        if (::ioctl(int(m_port->handle()), TIOCOUTQ, &queued) != 0 || queued <= 0)
            return std::nullopt;
        if (deadline.hasExpired()) {
            // The rest of a failed job must not go out ahead of the next status query.
            m_port->clear(QSerialPort::Output);
            return IoError{IoError::Kind::Timeout,
                           QStringLiteral("Serial port %1 still had %2 bytes to send when the time ran out: the "
                                          "device is not taking data (flow control held, or wrong baud).")
                               .arg(m_portName)
                               .arg(queued)};
        }
        // Sleep about as long as the queue takes at this baud, in small enough steps to notice
        // the end promptly; there is no event for "output queue empty" short of tcdrain,
        // which cannot time out.
        const qint64 expectedMs = qint64(queued) * 1000 / bytesPerSecond();
        QThread::msleep(ulong(qBound<qint64>(1, expectedMs, qMin<qint64>(20, deadline.remainingTime()))));
    }
}

std::optional<IoError> SerialTransport::write(const QByteArray &bytes, int timeoutMs)
{
    if (!m_port)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("Serial port %1 is not open, so nothing was written.").arg(m_portName)};
    const QDeadlineTimer deadline(timeoutMs);
    if (m_port->write(bytes) != bytes.size())
        return portError(QStringLiteral("writing"));
    while (m_port->bytesToWrite() > 0) {
        if (deadline.hasExpired() || !m_port->waitForBytesWritten(qMax(1, remaining(deadline)))) {
            if (m_port->error() != QSerialPort::NoError && m_port->error() != QSerialPort::TimeoutError)
                return portError(QStringLiteral("writing"));
            const qint64 left = m_port->bytesToWrite();
            // Stale bytes must not trail into the next job.
            m_port->clear(QSerialPort::Output);
            m_port->clearError();
            return IoError{IoError::Kind::Timeout,
                           QStringLiteral("Serial port %1 took only %2 of %3 bytes within %4 ms: the device is "
                                          "not taking data (flow control held, or wrong baud).")
                               .arg(m_portName)
                               .arg(bytes.size() - left)
                               .arg(bytes.size())
                               .arg(timeoutMs)};
        }
    }
    return drain(remaining(deadline));
}

std::variant<QByteArray, IoError> SerialTransport::read(qsizetype maxBytes, int timeoutMs)
{
    if (!m_port)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("Serial port %1 is not open, so nothing can be read.").arg(m_portName)};
    if (maxBytes <= 0)
        return IoError{IoError::Kind::BadConfig,
                       QStringLiteral("A read from serial port %1 asked for %2 bytes.").arg(m_portName).arg(maxBytes)};
    const QDeadlineTimer deadline(timeoutMs);
    while (m_port->bytesAvailable() == 0) {
        if (deadline.hasExpired() || !m_port->waitForReadyRead(qMax(1, remaining(deadline)))) {
            if (m_port->error() != QSerialPort::NoError && m_port->error() != QSerialPort::TimeoutError)
                return portError(QStringLiteral("reading"));
            m_port->clearError();
            if (deadline.hasExpired())
                return IoError{IoError::Kind::Timeout,
                               QStringLiteral("Serial port %1 received nothing within %2 ms: the device is off, "
                                              "not connected, or set to another baud.")
                                   .arg(m_portName)
                                   .arg(timeoutMs)};
        }
    }
    return m_port->read(maxBytes);
}

void SerialTransport::discardInput()
{
    if (!m_port)
        return;
    // Flushes the kernel's queue and the bytes QSerialPort already pulled into its buffer.
    m_port->clear(QSerialPort::Input);
    m_port->clearError();
}

} // namespace hall::drivers
