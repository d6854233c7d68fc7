#include "drivers/transport/usbtransport.h"

#include "drivers/transport/transportlog.h"

#include <QDeadlineTimer>
#include <QStringList>

#include <libusb.h>

namespace hall::drivers {

namespace {

constexpr int kWriteChunk = 16 * 1024;
constexpr int kMaxReadLength = 64 * 1024;

int remaining(const QDeadlineTimer &deadline)
{
    // libusb reads a timeout of 0 as "wait forever".
    return int(qMax<qint64>(1, deadline.remainingTime()));
}

QString usbError(int code)
{
    return QString::fromUtf8(libusb_strerror(code));
}

} // namespace

UsbTransport::UsbTransport(quint16 vendorId, quint16 productId, QString serial)
    : m_vendorId(vendorId), m_productId(productId), m_serial(std::move(serial))
{
}

UsbTransport::~UsbTransport()
{
    close();
    if (m_context)
        libusb_exit(m_context);
}

QString UsbTransport::ids() const
{
    return QStringLiteral("%1:%2")
        .arg(m_vendorId, 4, 16, QLatin1Char('0'))
        .arg(m_productId, 4, 16, QLatin1Char('0'));
}

QString UsbTransport::describe() const
{
    return m_serial.isEmpty() ? QStringLiteral("usb %1").arg(ids())
                              : QStringLiteral("usb %1 serial %2").arg(ids(), m_serial);
}

int UsbTransport::bytesPerSecond() const
{
    // Even a full-speed bulk pipe outruns any print head.
    return 1'000'000;
}

QString UsbTransport::udevRule() const
{
    return QStringLiteral("SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%1\", ATTR{idProduct}==\"%2\", MODE=\"0660\", GROUP=\"lp\"")
        .arg(m_vendorId, 4, 16, QLatin1Char('0'))
        .arg(m_productId, 4, 16, QLatin1Char('0'));
}

std::optional<UsbTransport::PrinterInterface> UsbTransport::findPrinterInterface(libusb_device *device)
{
    libusb_device_descriptor descriptor{};
    if (libusb_get_device_descriptor(device, &descriptor) != LIBUSB_SUCCESS)
        return std::nullopt;
    std::optional<PrinterInterface> best;
    int bestScore = -1;
    for (uint8_t c = 0; c < descriptor.bNumConfigurations; ++c) {
        libusb_config_descriptor *config = nullptr;
        if (libusb_get_config_descriptor(device, c, &config) != LIBUSB_SUCCESS)
            continue;
        for (int i = 0; i < config->bNumInterfaces; ++i) {
            const libusb_interface &interface = config->interface[i];
            for (int a = 0; a < interface.num_altsetting; ++a) {
                const libusb_interface_descriptor &alt = interface.altsetting[a];
                if (alt.bInterfaceClass != LIBUSB_CLASS_PRINTER)
                    continue;
                PrinterInterface found;
                found.configuration = config->bConfigurationValue;
                found.interfaceNumber = alt.bInterfaceNumber;
                found.altSetting = alt.bAlternateSetting;
                for (int e = 0; e < alt.bNumEndpoints; ++e) {
                    const libusb_endpoint_descriptor &endpoint = alt.endpoint[e];
                    if ((endpoint.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
                        continue;
                    if ((endpoint.bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN) {
                        if (!found.inEndpoint) {
                            found.inEndpoint = endpoint.bEndpointAddress;
                            found.inPacketSize = qMax(1, int(endpoint.wMaxPacketSize & 0x7ff));
                        }
                    } else if (!found.outEndpoint) {
                        found.outEndpoint = endpoint.bEndpointAddress;
                    }
                }
                if (!found.outEndpoint)
                    continue;
                // Protocol 2 (bidirectional) lets us read status; 1 is write-only; the first
                // configuration wins ties, as it is the one the kernel chose.
                const int score = found.inEndpoint ? 2 : 1;
                if (score > bestScore) {
                    best = found;
                    bestScore = score;
                }
            }
        }
        libusb_free_config_descriptor(config);
    }
    return best;
}

IoError UsbTransport::openError(int code) const
{
    switch (code) {
    case LIBUSB_ERROR_ACCESS:
        return IoError{IoError::Kind::PermissionDenied,
                       QStringLiteral("No permission to open USB printer %1: add the udev rule '%2' to "
                                      "/etc/udev/rules.d/60-hall-printer.rules, run 'udevadm control --reload "
                                      "&& udevadm trigger', add the service user to the lp group and replug "
                                      "the printer.")
                           .arg(ids(), udevRule())};
    case LIBUSB_ERROR_BUSY:
        return IoError{IoError::Kind::Busy,
                       QStringLiteral("USB printer %1 is held by another program (a print spooler such as CUPS?): "
                                      "stop it or remove the printer from it.")
                           .arg(ids())};
    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND:
        return IoError{IoError::Kind::NotFound,
                       QStringLiteral("USB printer %1 disappeared while being opened: check the cable and power.")
                           .arg(ids())};
    default:
        return IoError{IoError::Kind::Io,
                       QStringLiteral("Cannot open USB printer %1: %2.").arg(ids(), usbError(code))};
    }
}

std::optional<IoError> UsbTransport::claim(const PrinterInterface &printer)
{
    int rc = LIBUSB_SUCCESS;
    auto fail = [&](int code) {
        libusb_close(m_handle);
        m_handle = nullptr;
        return openError(code);
    };

    // The kernel's usblp binds to every printer-class interface; libusb detaches it on claim and
    // gives it back on release, so /dev/usb/lp0 reappears for whoever needs it after us.
    // Unsupported off Linux, where there is nothing to detach.
    rc = libusb_set_auto_detach_kernel_driver(m_handle, 1);
    if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_NOT_SUPPORTED)
        return fail(rc);

    int current = 0;
    if (libusb_get_configuration(m_handle, &current) == LIBUSB_SUCCESS && current != printer.configuration) {
        qCInfo(lcTransport) << "usb" << ids() << "switching from configuration" << current << "to"
                            << printer.configuration << "for its printer interface";
        rc = libusb_set_configuration(m_handle, printer.configuration);
        if (rc != LIBUSB_SUCCESS)
            return fail(rc);
    }

    // Only for the log: a technician wondering where /dev/usb/lp0 went should find out here.
    if (libusb_kernel_driver_active(m_handle, printer.interfaceNumber) == 1)
        qCInfo(lcTransport) << "usb" << ids() << "taking interface" << printer.interfaceNumber
                            << "from its kernel driver (usblp); it is given back on close";

    rc = libusb_claim_interface(m_handle, printer.interfaceNumber);
    if (rc != LIBUSB_SUCCESS)
        return fail(rc);
    if (printer.altSetting != 0) {
        rc = libusb_set_interface_alt_setting(m_handle, printer.interfaceNumber, printer.altSetting);
        if (rc != LIBUSB_SUCCESS) {
            libusb_release_interface(m_handle, printer.interfaceNumber);
            return fail(rc);
        }
    }
    return std::nullopt;
}

std::optional<IoError> UsbTransport::open(int timeoutMs)
{
    Q_UNUSED(timeoutMs) // enumeration and claiming do not wait for the device
    if (m_handle)
        return std::nullopt;
    if (!m_context) {
        const int rc = libusb_init(&m_context);
        if (rc != LIBUSB_SUCCESS) {
            m_context = nullptr;
            return IoError{IoError::Kind::Io,
                           QStringLiteral("Cannot start libusb to reach USB printer %1: %2.").arg(ids(), usbError(rc))};
        }
    }

    libusb_device **devices = nullptr;
    const ssize_t count = libusb_get_device_list(m_context, &devices);
    if (count < 0)
        return IoError{IoError::Kind::Io,
                       QStringLiteral("Cannot list USB devices to find printer %1: %2.").arg(ids(), usbError(int(count)))};

    int matching = 0;
    bool withoutPrinterInterface = false;
    QStringList otherSerials;
    std::optional<IoError> firstError;
    for (ssize_t i = 0; i < count && !m_handle; ++i) {
        libusb_device *device = devices[i];
        libusb_device_descriptor descriptor{};
        if (libusb_get_device_descriptor(device, &descriptor) != LIBUSB_SUCCESS
            || descriptor.idVendor != m_vendorId || descriptor.idProduct != m_productId)
            continue;
        ++matching;
        const std::optional<PrinterInterface> printer = findPrinterInterface(device);
        if (!printer) {
            withoutPrinterInterface = true;
            continue;
        }
        const int rc = libusb_open(device, &m_handle);
        if (rc != LIBUSB_SUCCESS) {
            m_handle = nullptr;
            if (!firstError)
                firstError = openError(rc);
            continue;
        }
        if (!m_serial.isEmpty()) {
            // The serial number is a string descriptor: reading it takes an open device, but no
            // claimed interface, so a printer that is not ours keeps its driver.
            unsigned char text[256] = {};
            const int length = descriptor.iSerialNumber
                                   ? libusb_get_string_descriptor_ascii(m_handle, descriptor.iSerialNumber, text, sizeof text)
                                   : 0;
            const QString serial = length > 0 ? QString::fromLatin1(reinterpret_cast<const char *>(text), length) : QString();
            if (serial != m_serial) {
                otherSerials << (serial.isEmpty() ? QStringLiteral("(none)") : serial);
                libusb_close(m_handle);
                m_handle = nullptr;
                continue;
            }
        }
        if (auto error = claim(*printer)) {
            if (!firstError)
                firstError = error;
            continue;
        }
        m_printer = *printer;
        m_canRead = printer->inEndpoint != 0;
    }
    libusb_free_device_list(devices, 1);

    if (m_handle) {
        m_pending.clear();
        qCDebug(lcTransport) << "opened" << describe() << "interface" << m_printer.interfaceNumber << "out"
                             << Qt::hex << m_printer.outEndpoint << "in" << m_printer.inEndpoint;
        return std::nullopt;
    }
    if (firstError)
        return firstError;
    if (matching == 0)
        return IoError{IoError::Kind::NotFound,
                       QStringLiteral("No USB device %1 is connected: check the cable and that the printer is on "
                                      "(lsusb lists what is there).")
                           .arg(ids())};
    if (!otherSerials.isEmpty())
        return IoError{IoError::Kind::NotFound,
                       QStringLiteral("No USB printer %1 has serial number %2 (found: %3): check the configured "
                                      "serial number.")
                           .arg(ids(), m_serial, otherSerials.join(QStringLiteral(", ")))};
    Q_ASSERT(withoutPrinterInterface);
    return IoError{IoError::Kind::NotFound,
                   QStringLiteral("USB device %1 has no printer interface (class 7) with a bulk OUT endpoint: it "
                                  "is not a printer, or it is set to a vendor-specific mode.")
                       .arg(ids())};
}

void UsbTransport::close()
{
    if (!m_handle)
        return;
    // Gives the interface back to usblp too (auto-detach); fails harmlessly if unplugged.
    libusb_release_interface(m_handle, m_printer.interfaceNumber);
    libusb_close(m_handle);
    m_handle = nullptr;
    m_pending.clear();
    qCDebug(lcTransport) << "closed" << describe();
}

IoError UsbTransport::transferError(int code, uint8_t endpoint, const QString &doing)
{
    switch (code) {
    case LIBUSB_ERROR_NO_DEVICE:
        // The handle is dead; the next open() rescans and finds the printer at its new address.
        close();
        return IoError{IoError::Kind::Gone,
                       QStringLiteral("USB printer %1 was unplugged or switched off while %2.").arg(ids(), doing)};
    case LIBUSB_ERROR_PIPE:
        // A stalled endpoint stays stalled until cleared; the next job should not inherit it.
        libusb_clear_halt(m_handle, endpoint);
        return IoError{IoError::Kind::Io,
                       QStringLiteral("USB printer %1 stalled the endpoint while %2: it rejected the data.").arg(ids(), doing)};
    default:
        return IoError{IoError::Kind::Io,
                       QStringLiteral("USB printer %1 failed while %2: %3.").arg(ids(), doing, usbError(code))};
    }
}

std::optional<IoError> UsbTransport::write(const QByteArray &bytes, int timeoutMs)
{
    if (!m_handle)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("USB printer %1 is not open, so nothing was written.").arg(ids())};
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype written = 0;
    while (written < bytes.size()) {
        if (deadline.hasExpired())
            break;
        const int chunk = int(qMin<qsizetype>(kWriteChunk, bytes.size() - written));
        int transferred = 0;
        // libusb takes a non-const buffer for both directions; an OUT transfer only reads it.
        auto *data = reinterpret_cast<unsigned char *>(const_cast<char *>(bytes.constData() + written));
        const int rc = libusb_bulk_transfer(m_handle, m_printer.outEndpoint, data, chunk, &transferred,
                                            unsigned(remaining(deadline)));
        written += transferred;
        if (rc == LIBUSB_ERROR_TIMEOUT)
            break;
        if (rc != LIBUSB_SUCCESS)
            return transferError(rc, m_printer.outEndpoint, QStringLiteral("writing (after %1 of %2 bytes)").arg(written).arg(bytes.size()));
    }
    if (written < bytes.size())
        return IoError{IoError::Kind::Timeout,
                       QStringLiteral("USB printer %1 took only %2 of %3 bytes within %4 ms: it is not taking data "
                                      "(paper out, cover open, or busy).")
                           .arg(ids())
                           .arg(written)
                           .arg(bytes.size())
                           .arg(timeoutMs)};
    return std::nullopt;
}

std::variant<QByteArray, IoError> UsbTransport::read(qsizetype maxBytes, int timeoutMs)
{
    if (!m_handle)
        return IoError{IoError::Kind::NotOpen,
                       QStringLiteral("USB printer %1 is not open, so nothing can be read.").arg(ids())};
    if (maxBytes <= 0)
        return IoError{IoError::Kind::BadConfig,
                       QStringLiteral("A read from USB printer %1 asked for %2 bytes.").arg(ids()).arg(maxBytes)};
    if (!m_printer.inEndpoint)
        return IoError{IoError::Kind::Io,
                       QStringLiteral("USB printer %1 has no IN endpoint (a write-only printer interface), so it "
                                      "cannot answer status queries.")
                           .arg(ids())};
    if (!m_pending.isEmpty()) {
        const QByteArray out = m_pending.left(maxBytes);
        m_pending.remove(0, out.size());
        return out;
    }

    // Asking for less than a whole packet risks an overflow error when the device sends a full
    // one; what the caller did not ask for is kept for the next read.
    const int packet = m_printer.inPacketSize;
    const int length = int(qMin<qsizetype>(kMaxReadLength, (maxBytes + packet - 1) / packet * packet));
    QByteArray buffer(length, Qt::Uninitialized);
    const QDeadlineTimer deadline(timeoutMs);
    do {
        int transferred = 0;
        const int rc = libusb_bulk_transfer(m_handle, m_printer.inEndpoint,
                                            reinterpret_cast<unsigned char *>(buffer.data()), length, &transferred,
                                            unsigned(remaining(deadline)));
        if (transferred > 0) {
            buffer.truncate(transferred);
            m_pending = buffer.mid(maxBytes);
            buffer.truncate(qMin<qsizetype>(maxBytes, transferred));
            return buffer;
        }
        if (rc == LIBUSB_ERROR_TIMEOUT)
            break;
        if (rc != LIBUSB_SUCCESS)
            return transferError(rc, m_printer.inEndpoint, QStringLiteral("reading"));
        // A zero-length packet: the device had nothing after all; keep listening.
    } while (!deadline.hasExpired());
    return IoError{IoError::Kind::Timeout,
                   QStringLiteral("USB printer %1 sent nothing within %2 ms: it may not answer status queries.")
                       .arg(ids())
                       .arg(timeoutMs)};
}

void UsbTransport::discardInput()
{
    m_pending.clear();
    if (!m_handle || !m_printer.inEndpoint)
        return;
    // A USB device keeps what it wants to send until the host asks, so "stale input" (automatic
    // status back, old answers) sits in the printer: fetch and drop it, briefly and a bounded
    // number of times, so a chatty printer cannot hold us here.
    QByteArray buffer(qMax(64, m_printer.inPacketSize), Qt::Uninitialized);
    for (int i = 0; i < 16; ++i) {
        int transferred = 0;
        const int rc = libusb_bulk_transfer(m_handle, m_printer.inEndpoint,
                                            reinterpret_cast<unsigned char *>(buffer.data()), int(buffer.size()),
                                            &transferred, 5);
        if (rc != LIBUSB_SUCCESS || transferred == 0)
            return;
        qCDebug(lcTransport) << "usb" << ids() << "dropped" << transferred << "stale bytes";
    }
}

} // namespace hall::drivers
