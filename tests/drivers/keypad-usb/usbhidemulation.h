#pragma once

// A USB HID keypad emulated by umockdev, for tests that run the real libusb under
// umockdev-wrapper: the device is added to a testbed from its descriptors, and the usbfs ioctls
// libusb sends to its /dev node are answered in EmulatedKeypad, much as the kernel and a keypad
// would. Interrupt IN transfers are answered one report each from a queue the test feeds.
// Follows tests/drivers/usbprinteremulation.h (a printer: a byte stream over bulk endpoints),
// copied rather than shared because a keypad's traffic is whole reports, several devices sit on
// one bus here, and the printer tests should not move when this changes.

#include <QByteArray>
#include <QDebug>
#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <QtGlobal>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <map>

#include <sys/ioctl.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>

#include <umockdev.h>

namespace hidemulation {

// umockdev's testbed only exists for a process started by umockdev-wrapper; without it libusb
// would look at the real bus.
inline bool runsUnderUmockdevWrapper()
{
    return qEnvironmentVariable("LD_PRELOAD").contains(QLatin1String("umockdev"));
}

inline constexpr quint16 kVendor = 0x1a2c;
inline constexpr quint16 kProduct = 0x2124;
inline constexpr unsigned char kIn = 0x81;

// Device, configuration, interface, HID and endpoint descriptors as a cheap keypad reports them
// (the sysfs "descriptors" file): one interface of class 3 (HID), subclass 1 (boot), protocol 1
// (keyboard), 8-byte reports on interrupt IN endpoint 0x81.
inline QByteArray keypadDescriptors(quint8 interfaceClass = 3, quint8 subclass = 1, quint8 protocol = 1,
                                    quint8 serialIndex = 3)
{
    QByteArray d;
    auto add = [&d](std::initializer_list<int> bytes) {
        for (int b : bytes)
            d.append(char(b));
    };
    add({0x12, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00, 0x08, kVendor & 0xff, kVendor >> 8, kProduct & 0xff, kProduct >> 8,
         0x00, 0x01, 0x01, 0x02, serialIndex, 0x01});
    add({0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x00, 0xa0, 0x32});
    add({0x09, 0x04, 0x00, 0x00, 0x01, interfaceClass, subclass, protocol, 0x00});
    add({0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00}); // HID 1.11, one report descriptor of 63 bytes
    add({0x07, 0x05, kIn, 0x03, 0x08, 0x00, 0x0a});              // interrupt IN, 8 bytes, every 10 ms
    return d;
}

// A boot keyboard report: no modifiers, the given usages in the six slots.
inline QByteArray bootReport(std::initializer_list<int> usages, int modifiers = 0)
{
    QByteArray r(8, '\0');
    r[0] = char(modifiers);
    int slot = 2;
    for (int usage : usages)
        r[slot++] = char(usage);
    return r;
}

// What the keypad side saw and does. Its ioctl callback runs on umockdev's handler thread while
// the keypad's reader sits in a blocking libusb call, so every member is behind the mutex.
// Destroy it after the keypads that used it are stopped: its handler may still be called until
// its destructor disconnects it.
class EmulatedKeypad
{
public:
    explicit EmulatedKeypad(QString serial = QStringLiteral("HALL0001")) : m_serial(std::move(serial))
    {
        m_handler = umockdev_ioctl_base_new();
        g_signal_connect_after(m_handler, "handle-ioctl", G_CALLBACK(&EmulatedKeypad::onIoctl), this);
    }
    ~EmulatedKeypad()
    {
        g_signal_handlers_disconnect_by_data(m_handler, this);
        g_object_unref(m_handler);
        QMutexLocker lock(&m_mutex);
        for (auto *queue : {&m_flyingIn, &m_done, &m_discarded}) {
            for (UMockdevIoctlData *urb : *queue)
                umockdev_ioctl_data_unref(urb);
        }
    }
    EmulatedKeypad(const EmulatedKeypad &) = delete;
    EmulatedKeypad &operator=(const EmulatedKeypad &) = delete;

    UMockdevIoctlBase *handler() const { return m_handler; }

    // Reports to send, one per interrupt IN transfer, in order.
    void send(const QByteArray &report)
    {
        QMutexLocker lock(&m_mutex);
        m_reports.push_back(report);
        feedInLocked();
    }
    // Every report sent has been taken, and the host is polling again: since the reader only
    // polls again after it handled a report, everything sent so far has been handled.
    bool drained() const
    {
        QMutexLocker lock(&m_mutex);
        return m_reports.empty() && !m_flyingIn.empty();
    }
    bool readPending() const
    {
        QMutexLocker lock(&m_mutex);
        return !m_flyingIn.empty();
    }
    // The kernel's view of an unplug: submissions fail with ENODEV and transfers in flight end.
    void unplug()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = true;
        m_reports.clear();
        while (!m_flyingIn.empty()) {
            finishLocked(m_flyingIn.front(), -ESHUTDOWN, 0);
            m_flyingIn.pop_front();
        }
    }
    // Plugged back in: usbhid binds to it again, as the kernel does.
    void plugIn()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = false;
        m_boundDriver = "usbhid";
    }

    QByteArray boundDriver() const
    {
        QMutexLocker lock(&m_mutex);
        return m_boundDriver;
    }
    struct Counts {
        int getDriver = 0;
        int disconnectClaim = 0;
        int claim = 0;
        int release = 0;
        int reattach = 0;
        int discard = 0;
        int interruptIn = 0;
        unsigned claimFlags = 0;
        QByteArray claimExceptDriver;
        int claimedInterface = -1;
        int setProtocol = 0;
        int protocolValue = -1;   // wValue of the last SET_PROTOCOL: 0 boot, 1 report
        int protocolInterface = -1;
    };
    Counts counts() const
    {
        QMutexLocker lock(&m_mutex);
        return m_counts;
    }

private:
    static gboolean onIoctl(UMockdevIoctlBase *, UMockdevIoctlClient *client, gpointer self)
    {
        return static_cast<EmulatedKeypad *>(self)->handle(client);
    }

    gboolean handle(UMockdevIoctlClient *client)
    {
        const gulong request = umockdev_ioctl_client_get_request(client);
        UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
        QMutexLocker lock(&m_mutex);

        switch (request) {
        case USBDEVFS_GET_CAPABILITIES: {
            UMockdevIoctlData *caps = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
            const guint32 value = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION
                                  | USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT
                                  | USBDEVFS_CAP_ZERO_PACKET;
            std::memcpy(caps->data, &value, sizeof value);
            umockdev_ioctl_data_unref(caps);
            return complete(client, 0, 0);
        }
        case USBDEVFS_GETDRIVER: {
            ++m_counts.getDriver;
            if (m_unplugged)
                return complete(client, -1, ENODEV);
            if (m_boundDriver.isEmpty())
                return complete(client, -1, ENODATA);
            UMockdevIoctlData *data = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_getdriver), nullptr);
            auto *getDriver = reinterpret_cast<usbdevfs_getdriver *>(data->data);
            qstrncpy(getDriver->driver, m_boundDriver.constData(), sizeof getDriver->driver);
            umockdev_ioctl_data_unref(data);
            return complete(client, 0, 0);
        }
        case USBDEVFS_DISCONNECT_CLAIM: {
            ++m_counts.disconnectClaim;
            if (m_unplugged)
                return complete(client, -1, ENODEV);
            UMockdevIoctlData *data = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_disconnect_claim), nullptr);
            const auto *claim = reinterpret_cast<const usbdevfs_disconnect_claim *>(data->data);
            m_counts.claimFlags = claim->flags;
            m_counts.claimExceptDriver = QByteArray(claim->driver);
            m_counts.claimedInterface = int(claim->interface);
            umockdev_ioctl_data_unref(data);
            m_boundDriver = "usbfs";
            return complete(client, 0, 0);
        }
        case USBDEVFS_CLAIMINTERFACE:
            ++m_counts.claim;
            m_boundDriver = "usbfs";
            return complete(client, m_unplugged ? -1 : 0, m_unplugged ? ENODEV : 0);
        case USBDEVFS_RELEASEINTERFACE:
            ++m_counts.release;
            if (m_unplugged)
                return complete(client, -1, ENODEV);
            m_boundDriver.clear();
            return complete(client, 0, 0);
        case USBDEVFS_IOCTL: {
            UMockdevIoctlData *data = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_ioctl), nullptr);
            const int code = reinterpret_cast<const usbdevfs_ioctl *>(data->data)->ioctl_code;
            umockdev_ioctl_data_unref(data);
            if (m_unplugged)
                return complete(client, -1, ENODEV);
            if (code == int(USBDEVFS_CONNECT)) {
                ++m_counts.reattach;
                m_boundDriver = "usbhid";
                return complete(client, 0, 0);
            }
            return complete(client, -1, ENOTTY);
        }
        case USBDEVFS_CLEAR_HALT:
        case USBDEVFS_RESETEP:
        case USBDEVFS_SETINTERFACE:
            return complete(client, 0, 0);
        case USBDEVFS_SUBMITURB:
            return submit(client, arg);
        case USBDEVFS_REAPURB:
        case USBDEVFS_REAPURBNDELAY:
            return reap(client, arg);
        case USBDEVFS_DISCARDURB:
            return discard(client, arg);
        default:
            return FALSE;
        }
    }

    gboolean complete(UMockdevIoctlClient *client, long result, int error)
    {
        umockdev_ioctl_client_complete(client, result, error);
        return TRUE;
    }

    gboolean submit(UMockdevIoctlClient *client, UMockdevIoctlData *arg)
    {
        if (m_unplugged)
            return complete(client, -1, ENODEV);
        UMockdevIoctlData *urbData = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
        auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
        // Makes urb->buffer point at a local copy that goes back to libusb when the URB is reaped.
        UMockdevIoctlData *buffer = umockdev_ioctl_data_resolve(urbData, offsetof(usbdevfs_urb, buffer),
                                                                 gsize(urb->buffer_length), nullptr);
        umockdev_ioctl_data_unref(buffer);

        if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
            control(urbData);
        } else if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && urb->endpoint == kIn) {
            ++m_counts.interruptIn;
            m_flyingIn.push_back(urbData);
            feedInLocked();
        } else {
            umockdev_ioctl_data_unref(urbData);
            return complete(client, -1, EINVAL);
        }
        return complete(client, 0, 0);
    }

    // String descriptors (for the serial number) and HID SET_PROTOCOL / SET_IDLE; all else stalls.
    void control(UMockdevIoctlData *urbData)
    {
        auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
        auto *setup = static_cast<unsigned char *>(urb->buffer);
        const int wValue = setup[2] | (setup[3] << 8);
        const int wIndex = setup[4] | (setup[5] << 8);
        const int wLength = setup[6] | (setup[7] << 8);
        if (setup[0] == 0x21 && (setup[1] == 0x0b || setup[1] == 0x0a)) {
            if (setup[1] == 0x0b) {
                ++m_counts.setProtocol;
                m_counts.protocolValue = wValue;
                m_counts.protocolInterface = wIndex;
            }
            finishLocked(urbData, 0, 0);
            return;
        }
        QByteArray reply;
        if (setup[0] == 0x80 && setup[1] == 0x06 && (wValue >> 8) == 0x03) {
            const int index = wValue & 0xff;
            if (index == 0) {
                reply = QByteArray("\x04\x03\x09\x04", 4); // English (US)
            } else if (index == 3) {
                reply.append(char(2 + 2 * m_serial.size())).append('\x03');
                for (QChar c : m_serial)
                    reply.append(char(c.unicode() & 0xff)).append('\0');
            }
        }
        if (reply.isEmpty()) {
            finishLocked(urbData, -EPIPE, 0);
            return;
        }
        reply.truncate(wLength);
        std::memcpy(setup + 8, reply.constData(), size_t(reply.size()));
        finishLocked(urbData, 0, int(reply.size()));
    }

    void feedInLocked()
    {
        while (!m_reports.empty() && !m_flyingIn.empty()) {
            UMockdevIoctlData *urbData = m_flyingIn.front();
            m_flyingIn.pop_front();
            auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
            const QByteArray report = m_reports.front();
            m_reports.pop_front();
            // More than the transfer asked for: the host controller calls that babble.
            const int length = int(qMin<qsizetype>(report.size(), urb->buffer_length));
            std::memcpy(urb->buffer, report.constData(), size_t(length));
            finishLocked(urbData, length < report.size() ? -EOVERFLOW : 0, length);
        }
    }

    void finishLocked(UMockdevIoctlData *urbData, int status, int actualLength)
    {
        auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
        urb->status = status;
        urb->actual_length = actualLength;
        m_done.push_back(urbData);
    }

    gboolean reap(UMockdevIoctlClient *client, UMockdevIoctlData *arg)
    {
        UMockdevIoctlData *urbData = nullptr;
        if (!m_discarded.empty()) {
            urbData = m_discarded.front();
            m_discarded.pop_front();
            auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
            urb->status = -ENOENT;
            urb->actual_length = 0;
        } else if (!m_done.empty()) {
            urbData = m_done.front();
            m_done.pop_front();
        } else {
            return complete(client, -1, m_unplugged ? ENODEV : EAGAIN);
        }
        UMockdevIoctlData *pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
        umockdev_ioctl_data_set_ptr(pointer, 0, urbData);
        umockdev_ioctl_data_unref(pointer);
        umockdev_ioctl_data_unref(urbData);
        return complete(client, 0, 0);
    }

    gboolean discard(UMockdevIoctlClient *client, UMockdevIoctlData *arg)
    {
        ++m_counts.discard;
        const gulong address = gulong(*reinterpret_cast<void **>(arg->data));
        for (auto it = m_flyingIn.begin(); it != m_flyingIn.end(); ++it) {
            if ((*it)->client_addr == address) {
                m_discarded.push_back(*it);
                m_flyingIn.erase(it);
                return complete(client, 0, 0);
            }
        }
        return complete(client, -1, EINVAL);
    }

    const QString m_serial;
    UMockdevIoctlBase *m_handler = nullptr;
    mutable QMutex m_mutex;
    bool m_unplugged = false;
    QByteArray m_boundDriver = "usbhid";
    std::deque<QByteArray> m_reports;
    std::deque<UMockdevIoctlData *> m_flyingIn;
    std::deque<UMockdevIoctlData *> m_done;
    std::deque<UMockdevIoctlData *> m_discarded;
    Counts m_counts;
};

// A umockdev testbed for bus 1, where keypads are plugged into ports ("1-2" is port 2 of the
// root hub). Every plug-in takes the next device address, as the kernel does, while the port
// path stays.
class Testbed
{
public:
    Testbed() : m_testbed(umockdev_testbed_new()) {}
    ~Testbed()
    {
        for (const auto &[port, address] : m_plugged)
            umockdev_testbed_detach_ioctl(m_testbed, devNode(address).constData(), nullptr);
        g_object_unref(m_testbed);
    }
    Testbed(const Testbed &) = delete;
    Testbed &operator=(const Testbed &) = delete;

    bool plugIn(EmulatedKeypad &keypad, const QByteArray &port = "1-2", const QByteArray &descriptors = keypadDescriptors())
    {
        const int address = ++m_lastAddress;
        GError *error = nullptr;
        // The handler first, so that libusb can open the node as soon as it sees the device.
        if (!umockdev_testbed_attach_ioctl(m_testbed, devNode(address).constData(), keypad.handler(), &error)) {
            qWarning() << "attach_ioctl:" << (error ? error->message : "?");
            g_clear_error(&error);
            return false;
        }
        m_plugged[port] = address;
        const QByteArray number = QByteArray::number(address).rightJustified(3, '0');
        const QByteArray description = "P: /devices/usb1/" + port + "\n"
                                       "N: bus/usb/001/" + number + "\n"
                                       "E: SUBSYSTEM=usb\n"
                                       "E: DRIVER=usb\n"
                                       "E: BUSNUM=001\n"
                                       "E: DEVNUM=" + number + "\n"
                                       "E: DEVNAME=/dev/bus/usb/001/" + number + "\n"
                                       "E: DEVTYPE=usb_device\n"
                                       "A: bConfigurationValue=1\\n\n"
                                       "A: busnum=1\\n\n"
                                       "A: devnum=" + QByteArray::number(address) + "\\n\n"
                                       "A: speed=1.5\\n\n"
                                       "H: descriptors=" + descriptors.toHex() + "\n";
        const bool added = umockdev_testbed_add_from_string(m_testbed, description.constData(), &error);
        if (!added) {
            qWarning() << "add_from_string:" << (error ? error->message : "?");
            g_clear_error(&error);
        }
        return added;
    }

    void unplug(const QByteArray &port = "1-2")
    {
        const auto it = m_plugged.find(port);
        if (it == m_plugged.end())
            return;
        const QByteArray sysfs = "/sys/devices/usb1/" + port;
        umockdev_testbed_uevent(m_testbed, sysfs.constData(), "remove");
        umockdev_testbed_remove_device(m_testbed, sysfs.constData());
        umockdev_testbed_detach_ioctl(m_testbed, devNode(it->second).constData(), nullptr);
        m_plugged.erase(it);
    }

    QByteArray devNode(const QByteArray &port = "1-2") const
    {
        const auto it = m_plugged.find(port);
        return it == m_plugged.end() ? QByteArray() : devNode(it->second);
    }
    QByteArray rootDir() const
    {
        gchar *root = umockdev_testbed_get_root_dir(m_testbed);
        const QByteArray path(root);
        g_free(root);
        return path;
    }

private:
    static QByteArray devNode(int address)
    {
        return "/dev/bus/usb/001/" + QByteArray::number(address).rightJustified(3, '0');
    }

    UMockdevTestbed *m_testbed;
    int m_lastAddress = 1; // 1 is the root hub's
    std::map<QByteArray, int> m_plugged; // port -> device address
};

// A testbed with one keypad on it, made afresh for each test function so that no address, bound
// driver or queued report carries over. The keypad is declared after the testbed, so it goes first.
struct Rig {
    Testbed testbed;
    EmulatedKeypad keypad;

    bool plugIn(const QByteArray &descriptors = keypadDescriptors()) { return testbed.plugIn(keypad, "1-2", descriptors); }
    // The kernel fails the device's transfers, and udev reports it gone.
    void pullThePlug()
    {
        keypad.unplug();
        testbed.unplug("1-2");
    }
};

} // namespace hidemulation
