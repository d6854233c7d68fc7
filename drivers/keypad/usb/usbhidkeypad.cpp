#include "drivers/keypad/usb/usbhidkeypad.h"

#include "drivers/keypad/usb/hidreportdecoder.h"

#include <QDateTime>
#include <QMetaObject>
#include <QStringList>

#include <libusb.h>

#include <chrono>
#include <optional>

namespace hall::keypad {

namespace {

// Synchronous reads with this timeout, so stop() never waits longer. A HID device keeps its
// report until the host polls for it, so the moment between one read and the next loses nothing.
constexpr int kReadTimeoutMs = 200;
// Errors other than an unplug in a row before the link is dropped and reopened.
constexpr int kMaxErrorsInARow = 5;
constexpr int kSetProtocolTimeoutMs = 500;
constexpr uint8_t kClassToInterface = 0x21; // host to device, class request, recipient interface
constexpr uint8_t kHidSetProtocol = 0x0b;
constexpr uint16_t kBootProtocol = 0;
constexpr uint8_t kBootSubclass = 1;
constexpr uint8_t kKeyboardProtocol = 1;
constexpr uint8_t kMouseProtocol = 2;

QString usbError(int code)
{
    return QString::fromUtf8(libusb_strerror(code));
}

struct Problem {
    QString code; // "offline" or "failed", as statusCode() reports it
    QString sentence;
};

// What the reader made of one read.
enum class ReadOutcome { Report, Timeout, Gone, Error };

} // namespace

// The libusb side of one keypad: its own context, the open handle, and the interface taken.
// Used by one thread at a time (start()/stop() while the reader is not running, else the reader).
class UsbHidKeypad::Link
{
public:
    explicit Link(const UsbHidKeypadConfig &config) : m_config(config) {}
    ~Link()
    {
        close();
        if (m_context)
            libusb_exit(m_context);
    }
    Link(const Link &) = delete;
    Link &operator=(const Link &) = delete;

    // Rescans the bus, so a keypad plugged back in (at a new device address) is found.
    std::optional<Problem> open();
    void close();
    bool isOpen() const { return m_handle != nullptr; }
    ReadOutcome read(QByteArray *report, QString *problem);
    QString where() const { return m_where; }
    QString describe() const
    {
        return m_where.isEmpty() ? QStringLiteral("USB keypad %1").arg(m_config.ids())
                                 : QStringLiteral("USB keypad %1 at usb:%2").arg(m_config.ids(), m_where);
    }

private:
    struct HidInterface {
        int interfaceNumber = -1;
        int altSetting = 0;
        uint8_t subclass = 0;
        uint8_t protocol = 0;
        uint8_t inEndpoint = 0;
        int inPacketSize = 8;
    };
    std::optional<HidInterface> findHidInterface(libusb_device *device) const;
    std::optional<Problem> claim(const HidInterface &hid);
    Problem openProblem(int code) const;
    QString udevRule() const;
    static QString portPath(libusb_device *device);

    const UsbHidKeypadConfig &m_config;
    libusb_context *m_context = nullptr;
    libusb_device_handle *m_handle = nullptr;
    HidInterface m_hid;
    QString m_where; // "<bus>-<port path>" of the keypad opened last
};

QString UsbHidKeypad::Link::portPath(libusb_device *device)
{
    uint8_t ports[8] = {};
    const int depth = libusb_get_port_numbers(device, ports, int(sizeof ports));
    QStringList path;
    for (int i = 0; i < depth; ++i)
        path << QString::number(ports[i]);
    // Without a port path (no sysfs topology) the device address is all there is; it changes
    // on every replug, so a configured port cannot match it, which is as it should be.
    if (path.isEmpty())
        path << QStringLiteral("addr%1").arg(libusb_get_device_address(device));
    return QStringLiteral("%1-%2").arg(libusb_get_bus_number(device)).arg(path.join(QLatin1Char('.')));
}

QString UsbHidKeypad::Link::udevRule() const
{
    return QStringLiteral("SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%1\", ATTR{idProduct}==\"%2\", MODE=\"0660\", GROUP=\"plugdev\"")
        .arg(m_config.vendorId, 4, 16, QLatin1Char('0'))
        .arg(m_config.productId, 4, 16, QLatin1Char('0'));
}

std::optional<UsbHidKeypad::Link::HidInterface> UsbHidKeypad::Link::findHidInterface(libusb_device *device) const
{
    // Keypads have one configuration; the active one is what the kernel (and usbhid) uses.
    libusb_config_descriptor *config = nullptr;
    if (libusb_get_active_config_descriptor(device, &config) != LIBUSB_SUCCESS
        && libusb_get_config_descriptor(device, 0, &config) != LIBUSB_SUCCESS)
        return std::nullopt;
    std::optional<HidInterface> best;
    int bestScore = 0;
    for (int i = 0; i < config->bNumInterfaces; ++i) {
        const libusb_interface &interface = config->interface[i];
        for (int a = 0; a < interface.num_altsetting; ++a) {
            const libusb_interface_descriptor &alt = interface.altsetting[a];
            if (alt.bInterfaceClass != LIBUSB_CLASS_HID)
                continue;
            HidInterface found;
            found.interfaceNumber = alt.bInterfaceNumber;
            found.altSetting = alt.bAlternateSetting;
            found.subclass = alt.bInterfaceSubClass;
            found.protocol = alt.bInterfaceProtocol;
            for (int e = 0; e < alt.bNumEndpoints && !found.inEndpoint; ++e) {
                const libusb_endpoint_descriptor &endpoint = alt.endpoint[e];
                if ((endpoint.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) == LIBUSB_TRANSFER_TYPE_INTERRUPT
                    && (endpoint.bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN) {
                    found.inEndpoint = endpoint.bEndpointAddress;
                    found.inPacketSize = qMax(1, int(endpoint.wMaxPacketSize & 0x7ff));
                }
            }
            if (!found.inEndpoint)
                continue;
            // Composite keypads add a mouse or consumer-control interface: for keyboard reports
            // the boot keyboard is the one, for vendor reports the one that is not a boot device.
            const bool bootKeyboard = found.subclass == kBootSubclass && found.protocol == kKeyboardProtocol;
            const bool bootMouse = found.subclass == kBootSubclass && found.protocol == kMouseProtocol;
            int score = 0;
            if (m_config.format == UsbReportFormat::Keyboard)
                score = bootKeyboard ? 3 : bootMouse ? 0 : 1;
            else
                score = found.subclass != kBootSubclass ? 3 : bootKeyboard ? 1 : 0;
            if (score > bestScore) {
                best = found;
                bestScore = score;
            }
        }
    }
    libusb_free_config_descriptor(config);
    return best;
}

Problem UsbHidKeypad::Link::openProblem(int code) const
{
    const QString ids = m_config.ids();
    switch (code) {
    case LIBUSB_ERROR_ACCESS:
        return {QStringLiteral("failed"),
                QStringLiteral("No permission to open USB keypad %1: add the udev rule '%2' to "
                               "/etc/udev/rules.d/60-hall-keypad.rules, run 'udevadm control --reload && udevadm "
                               "trigger', add the counter's user to the plugdev group and replug the keypad.")
                    .arg(ids, udevRule())};
    case LIBUSB_ERROR_BUSY:
        return {QStringLiteral("failed"),
                QStringLiteral("USB keypad %1 is held by another program (a second counter app, or a tool reading "
                               "it): close that program.")
                    .arg(ids)};
    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND:
        return {QStringLiteral("offline"),
                QStringLiteral("USB keypad %1 disappeared while being opened: check the cable.").arg(ids)};
    default:
        return {QStringLiteral("failed"), QStringLiteral("Cannot open USB keypad %1: %2.").arg(ids, usbError(code))};
    }
}

std::optional<Problem> UsbHidKeypad::Link::claim(const HidInterface &hid)
{
    auto fail = [&](int code) {
        libusb_close(m_handle);
        m_handle = nullptr;
        return openProblem(code);
    };

    // usbhid binds to every HID interface and turns the keys into keystrokes for the focused
    // window; libusb detaches it in the claim and gives it back on release.
    int rc = libusb_set_auto_detach_kernel_driver(m_handle, 1);
    if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_NOT_SUPPORTED)
        return fail(rc);
    // Only for the log: a technician wondering why the keypad stopped typing should find out here.
    if (libusb_kernel_driver_active(m_handle, hid.interfaceNumber) == 1)
        qCInfo(lcKeypad).noquote() << describe() << "taking interface" << hid.interfaceNumber
                         << "from its kernel driver (usbhid): its keys no longer type into the desktop until it is"
                            " given back on stop";

    rc = libusb_claim_interface(m_handle, hid.interfaceNumber);
    if (rc != LIBUSB_SUCCESS)
        return fail(rc);
    if (hid.altSetting != 0) {
        rc = libusb_set_interface_alt_setting(m_handle, hid.interfaceNumber, hid.altSetting);
        if (rc != LIBUSB_SUCCESS) {
            libusb_release_interface(m_handle, hid.interfaceNumber);
            return fail(rc);
        }
    }
    // usbhid may have left the keyboard in report protocol, whose reports need not have the boot
    // layout; boot protocol guarantees the 8 bytes the decoder reads. Devices that refuse it
    // (a stall) usually send boot-layout reports anyway, so that is only logged.
    if (m_config.format == UsbReportFormat::Keyboard && hid.subclass == kBootSubclass) {
        rc = libusb_control_transfer(m_handle, kClassToInterface, kHidSetProtocol, kBootProtocol,
                                     uint16_t(hid.interfaceNumber), nullptr, 0, kSetProtocolTimeoutMs);
        if (rc == LIBUSB_ERROR_NO_DEVICE) {
            libusb_release_interface(m_handle, hid.interfaceNumber);
            return fail(rc);
        }
        if (rc < 0)
            qCInfo(lcKeypad).noquote() << describe() << "refused boot protocol:" << usbError(rc)
                             << "- reading its reports as boot reports anyway";
    }
    return std::nullopt;
}

std::optional<Problem> UsbHidKeypad::Link::open()
{
    if (m_handle)
        return std::nullopt;
    const QString ids = m_config.ids();
    if (!m_context) {
        const int rc = libusb_init(&m_context);
        if (rc != LIBUSB_SUCCESS) {
            m_context = nullptr;
            return Problem{QStringLiteral("failed"),
                           QStringLiteral("Cannot start libusb to reach USB keypad %1: %2.").arg(ids, usbError(rc))};
        }
    }

    libusb_device **devices = nullptr;
    const ssize_t count = libusb_get_device_list(m_context, &devices);
    if (count < 0)
        return Problem{QStringLiteral("failed"),
                       QStringLiteral("Cannot list USB devices to find keypad %1: %2.").arg(ids, usbError(int(count)))};

    int matching = 0;
    bool withoutHidInterface = false;
    QStringList otherPorts;
    QStringList otherSerials;
    std::optional<Problem> firstProblem;
    for (ssize_t i = 0; i < count && !m_handle; ++i) {
        libusb_device *device = devices[i];
        libusb_device_descriptor descriptor{};
        if (libusb_get_device_descriptor(device, &descriptor) != LIBUSB_SUCCESS || descriptor.idVendor != m_config.vendorId
            || descriptor.idProduct != m_config.productId)
            continue;
        ++matching;
        const QString where = portPath(device);
        if (!m_config.port.isEmpty() && where != m_config.port) {
            otherPorts << where;
            continue;
        }
        const std::optional<HidInterface> hid = findHidInterface(device);
        if (!hid) {
            withoutHidInterface = true;
            continue;
        }
        const int rc = libusb_open(device, &m_handle);
        if (rc != LIBUSB_SUCCESS) {
            m_handle = nullptr;
            if (!firstProblem)
                firstProblem = openProblem(rc);
            continue;
        }
        if (!m_config.serial.isEmpty()) {
            // A string descriptor needs an open device but no claimed interface: a keypad that is
            // not ours keeps typing through usbhid.
            unsigned char text[256] = {};
            const int length = descriptor.iSerialNumber
                                   ? libusb_get_string_descriptor_ascii(m_handle, descriptor.iSerialNumber, text, sizeof text)
                                   : 0;
            const QString serial = length > 0 ? QString::fromLatin1(reinterpret_cast<const char *>(text), length) : QString();
            if (serial != m_config.serial) {
                otherSerials << (serial.isEmpty() ? QStringLiteral("(none)") : serial);
                libusb_close(m_handle);
                m_handle = nullptr;
                continue;
            }
        }
        m_where = where; // for the sentences and the log from here on, also when the claim fails
        if (auto problem = claim(*hid)) {
            if (!firstProblem)
                firstProblem = problem;
            continue;
        }
        m_hid = *hid;
    }
    libusb_free_device_list(devices, 1);

    if (m_handle) {
        qCInfo(lcKeypad).noquote() << "opened" << describe() << "interface" << m_hid.interfaceNumber << "endpoint"
                                   << QStringLiteral("0x%1").arg(m_hid.inEndpoint, 2, 16, QLatin1Char('0'))
                                   << "packet" << m_hid.inPacketSize;
        return std::nullopt;
    }
    if (firstProblem)
        return firstProblem;
    if (matching == 0)
        return Problem{QStringLiteral("offline"),
                       QStringLiteral("No USB keypad %1 is connected: check the cable and the configured vendor and "
                                      "product id (lsusb lists what is there).")
                           .arg(ids)};
    otherPorts.sort();
    if (!otherPorts.isEmpty() && !withoutHidInterface && otherSerials.isEmpty())
        return Problem{QStringLiteral("offline"),
                       QStringLiteral("No USB keypad %1 is on port %2 (found on: %3): check which USB port the "
                                      "keypad is plugged into, or the configured port.")
                           .arg(ids, m_config.port, otherPorts.join(QStringLiteral(", ")))};
    if (!otherSerials.isEmpty())
        return Problem{QStringLiteral("offline"),
                       QStringLiteral("No USB keypad %1 has serial number %2 (found: %3): check the configured serial "
                                      "number.")
                           .arg(ids, m_config.serial, otherSerials.join(QStringLiteral(", ")))};
    return Problem{QStringLiteral("failed"),
                   QStringLiteral("USB device %1 has no HID interface (class 3) with an interrupt IN endpoint: it is "
                                  "not a keypad of this kind.")
                       .arg(ids)};
}

void UsbHidKeypad::Link::close()
{
    if (!m_handle)
        return;
    // Gives the interface back to usbhid too (auto-detach); fails harmlessly when unplugged.
    libusb_release_interface(m_handle, m_hid.interfaceNumber);
    libusb_close(m_handle);
    m_handle = nullptr;
    qCDebug(lcKeypad).noquote() << "closed" << describe();
}

ReadOutcome UsbHidKeypad::Link::read(QByteArray *report, QString *problem)
{
    // One report per interrupt transfer; a buffer of the endpoint's packet size cannot overflow.
    QByteArray buffer(m_hid.inPacketSize, Qt::Uninitialized);
    int transferred = 0;
    const int rc = libusb_interrupt_transfer(m_handle, m_hid.inEndpoint, reinterpret_cast<unsigned char *>(buffer.data()),
                                             int(buffer.size()), &transferred, kReadTimeoutMs);
    // A report that arrived just as the timeout cancelled the transfer still counts.
    if (rc == LIBUSB_SUCCESS || (rc == LIBUSB_ERROR_TIMEOUT && transferred > 0)) {
        buffer.truncate(transferred);
        *report = buffer;
        return ReadOutcome::Report;
    }
    switch (rc) {
    case LIBUSB_ERROR_TIMEOUT:
    case LIBUSB_ERROR_INTERRUPTED:
        return ReadOutcome::Timeout;
    case LIBUSB_ERROR_NO_DEVICE:
        return ReadOutcome::Gone;
    case LIBUSB_ERROR_PIPE:
        // A stalled endpoint stays stalled until cleared.
        libusb_clear_halt(m_handle, m_hid.inEndpoint);
        *problem = QStringLiteral("%1 stalled its endpoint").arg(describe());
        return ReadOutcome::Error;
    default:
        *problem = QStringLiteral("%1 failed while reading: %2").arg(describe(), usbError(rc));
        return ReadOutcome::Error;
    }
}

UsbHidKeypad::UsbHidKeypad(UsbHidKeypadConfig config, QObject *parent)
    : Keypad(parent), m_config(std::move(config)), m_link(std::make_unique<Link>(m_config))
{
}

UsbHidKeypad::~UsbHidKeypad()
{
    stop();
}

QString UsbHidKeypad::keypadId() const
{
    std::lock_guard lock(m_mutex);
    return m_keypadId;
}

bool UsbHidKeypad::start(QString *error)
{
    if (m_reader.joinable())
        return true;
    if (m_config.vendorId == 0 || m_config.productId == 0) {
        *error = QStringLiteral("USB keypad %1: a vendor and a product id are needed (lsusb shows them).").arg(m_config.ids());
        return false;
    }
    if (auto problem = m_link->open()) {
        *error = problem->sentence;
        setStatus(problem->code, problem->sentence);
        return false;
    }
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_keypadId = QStringLiteral("usb:") + m_link->where();
    }
    setStatus(QStringLiteral("ok"), QStringLiteral("%1 is ready.").arg(m_link->describe()));
    m_reader = std::thread(&UsbHidKeypad::run, this, m_generation);
    return true;
}

void UsbHidKeypad::stop()
{
    if (!m_reader.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_reader.join();
    ++m_generation;
    m_link->close();
    // Quietly: whoever stopped it knows; the status only stops claiming the keypad is read.
    m_status = QStringLiteral("offline");
    m_detail = QStringLiteral("%1 is not being read (stopped).").arg(m_link->describe());
}

bool UsbHidKeypad::sleepUnlessStopped(int ms)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping; });
}

void UsbHidKeypad::setStatus(const QString &code, const QString &detail)
{
    if (code == m_status && detail == m_detail)
        return;
    m_status = code;
    m_detail = detail;
    Q_EMIT statusChanged(code, detail);
}

void UsbHidKeypad::postStatus(quint64 generation, const QString &code, const QString &detail)
{
    QMetaObject::invokeMethod(
        this,
        [this, generation, code, detail] {
            if (generation == m_generation)
                setStatus(code, detail);
        },
        Qt::QueuedConnection);
}

void UsbHidKeypad::run(quint64 generation)
{
    HidReportDecoder decoder(m_config);
    int errorsInARow = 0;
    int ignoredLogged = 0;
    QString lastProblem;
    auto stopping = [this] {
        std::lock_guard lock(m_mutex);
        return m_stopping;
    };

    while (!stopping()) {
        if (!m_link->isOpen()) {
            if (!sleepUnlessStopped(m_rescanIntervalMs))
                break;
            if (auto problem = m_link->open()) {
                if (problem->sentence != lastProblem)
                    qCInfo(lcKeypad).noquote() << problem->sentence;
                lastProblem = problem->sentence;
                postStatus(generation, problem->code, problem->sentence);
                continue;
            }
            lastProblem.clear();
            decoder.reset();
            errorsInARow = 0;
            ignoredLogged = 0;
            {
                std::lock_guard lock(m_mutex);
                m_keypadId = QStringLiteral("usb:") + m_link->where();
            }
            qCInfo(lcKeypad).noquote() << m_link->describe() << "is back";
            postStatus(generation, QStringLiteral("ok"), QStringLiteral("%1 is back and ready.").arg(m_link->describe()));
            continue;
        }

        QByteArray report;
        QString problem;
        switch (m_link->read(&report, &problem)) {
        case ReadOutcome::Timeout:
            continue;
        case ReadOutcome::Gone: {
            const int every = m_rescanIntervalMs;
            const QString sentence = QStringLiteral("%1 was unplugged: check its cable; looking for it every %2.")
                                         .arg(m_link->describe(), every % 1000 ? QStringLiteral("%1 ms").arg(every)
                                                                               : QStringLiteral("%1 s").arg(every / 1000));
            m_link->close();
            qCWarning(lcKeypad).noquote() << sentence;
            postStatus(generation, QStringLiteral("offline"), sentence);
            continue;
        }
        case ReadOutcome::Error:
            qCWarning(lcKeypad).noquote() << problem;
            if (++errorsInARow >= kMaxErrorsInARow) {
                // Whatever state it is in, a fresh open (and usually a replug) is the way out.
                const QString sentence = QStringLiteral("%1 keeps failing (%2): reopening it.").arg(m_link->describe(), problem);
                m_link->close();
                postStatus(generation, QStringLiteral("offline"), sentence);
            } else {
                sleepUnlessStopped(kReadTimeoutMs);
            }
            continue;
        case ReadOutcome::Report:
            break;
        }
        errorsInARow = 0;

        const qint64 receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        const HidReportDecoder::Result result = decoder.feed(report);
        if (result.malformed) {
            // A broken keypad could send these a hundred times a second.
            if (++ignoredLogged <= 10 || ignoredLogged % 1000 == 0)
                qCWarning(lcKeypad).noquote() << m_link->describe() << "sent" << result.ignored << "- ignored:"
                                              << report.toHex(' ');
            continue;
        }
        if (!result.ignored.isEmpty()) {
            qCDebug(lcKeypad).noquote() << m_link->describe() << "sent" << result.ignored << "- ignored";
            continue;
        }
        for (int code : result.unmapped)
            qCInfo(lcKeypad).noquote() << m_link->describe() << "key with"
                                       << (m_config.format == UsbReportFormat::Keyboard ? "usage" : "key number")
                                       << QStringLiteral("0x%1").arg(code, 2, 16, QLatin1Char('0'))
                                       << "means nothing: ignored (see the usage map in docs/hardware.md)";
        for (int key : result.keys) {
            KeyEvent event;
            event.keypad = QStringLiteral("usb:") + m_link->where();
            event.eventId = ++m_lastEventId;
            event.key = key;
            event.receivedAtMs = receivedAtMs;
            qCDebug(lcKeypad).noquote() << event.keypad << "key" << key << "event" << event.eventId;
            QMetaObject::invokeMethod(
                this,
                [this, generation, event] {
                    if (generation == m_generation)
                        Q_EMIT keyPressed(event);
                },
                Qt::QueuedConnection);
        }
    }
}

} // namespace hall::keypad
