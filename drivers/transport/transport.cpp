#include "drivers/transport/transport.h"

#include "drivers/transport/filetransport.h"
#include "drivers/transport/serialtransport.h"
#include "drivers/transport/tcptransport.h"
#include "drivers/transport/transportlog.h"
#include "drivers/transport/usbtransport.h"

namespace hall::drivers {

Q_LOGGING_CATEGORY(lcTransport, "hall.drivers.transport")

QString toString(IoError::Kind kind)
{
    switch (kind) {
    case IoError::Kind::BadConfig: return QStringLiteral("bad configuration");
    case IoError::Kind::NotFound: return QStringLiteral("not found");
    case IoError::Kind::PermissionDenied: return QStringLiteral("permission denied");
    case IoError::Kind::Busy: return QStringLiteral("busy");
    case IoError::Kind::Refused: return QStringLiteral("connection refused");
    case IoError::Kind::Gone: return QStringLiteral("gone");
    case IoError::Kind::Timeout: return QStringLiteral("timeout");
    case IoError::Kind::NotOpen: return QStringLiteral("not open");
    case IoError::Kind::Io: return QStringLiteral("I/O error");
    }
    return QStringLiteral("I/O error");
}

namespace {

std::unique_ptr<Transport> refuse(IoError *error, const QString &message)
{
    if (error)
        *error = IoError{IoError::Kind::BadConfig, message};
    return nullptr;
}

} // namespace

std::unique_ptr<Transport> makeTransport(const TransportConfig &config, IoError *error)
{
    switch (config.kind) {
    case TransportConfig::Kind::Serial:
        if (config.serialPort.isEmpty())
            return refuse(error, QStringLiteral("The serial transport needs a port such as /dev/ttyUSB0."));
        if (config.baud <= 0)
            return refuse(error, QStringLiteral("The baud rate %1 for serial port %2 is not a positive number.")
                                     .arg(config.baud)
                                     .arg(config.serialPort));
        return std::make_unique<SerialTransport>(config.serialPort, config.baud, config.hardwareFlow);
    case TransportConfig::Kind::Tcp:
        if (config.host.isEmpty())
            return refuse(error, QStringLiteral("The TCP transport needs a printer host name or address."));
        if (config.tcpPort == 0)
            return refuse(error, QStringLiteral("Port 0 for TCP printer %1 is not a usable port (raw printers listen on 9100).")
                                     .arg(config.host));
        return std::make_unique<TcpTransport>(config.host, config.tcpPort);
    case TransportConfig::Kind::Usb:
        if (config.vendorId == 0 || config.productId == 0)
            return refuse(error, QStringLiteral("The USB transport needs both a vendor and a product id (see lsusb), got %1:%2.")
                                     .arg(config.vendorId, 4, 16, QLatin1Char('0'))
                                     .arg(config.productId, 4, 16, QLatin1Char('0')));
        return std::make_unique<UsbTransport>(config.vendorId, config.productId, config.usbSerial);
    case TransportConfig::Kind::File:
        if (config.path.isEmpty())
            return refuse(error, QStringLiteral("The file transport needs a device path such as /dev/usb/lp0."));
        return std::make_unique<FileTransport>(config.path);
    }
    return refuse(error, QStringLiteral("Unknown transport kind %1.").arg(int(config.kind)));
}

} // namespace hall::drivers
