#pragma once

// A USB printer emulated by umockdev, for tests that run the real libusb (and what sits on top of
// it) under umockdev-wrapper: the device is added to a testbed from its descriptors, and the
// usbfs ioctls libusb sends to its /dev node are answered in EmulatedPrinter, much as the kernel
// and the printer would. Nothing needs root. Shared by the transport and the printer tests.

#include <QByteArray>
#include <QDebug>
#include <QList>
#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <QtGlobal>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <deque>
#include <initializer_list>

#include <sys/ioctl.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>

#include <umockdev.h>

namespace usbemulation {

// umockdev's testbed only exists for a process started by umockdev-wrapper (its preload library
// intercepts the /dev and /sys accesses); without it libusb would look at the real bus.
inline bool runsUnderUmockdevWrapper()
{
    return qEnvironmentVariable("LD_PRELOAD").contains(QLatin1String("umockdev"));
}

inline constexpr quint16 kVendor = 0x0416;
inline constexpr quint16 kProduct = 0x5011;
inline constexpr unsigned char kOut = 0x01;
inline constexpr unsigned char kIn = 0x82;

// Device, configuration, interface and endpoint descriptors as a USB POS printer reports them
// (the sysfs "descriptors" file): interface class 7, subclass 1, protocol 2 (bidirectional).
inline QByteArray printerDescriptors(quint8 interfaceClass = 7, quint8 serialIndex = 3)
{
    QByteArray d;
    auto add = [&d](std::initializer_list<int> bytes) {
        for (int b : bytes)
            d.append(char(b));
    };
    add({0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, kVendor & 0xff, kVendor >> 8, kProduct & 0xff,
         kProduct >> 8, 0x00, 0x01, 0x01, 0x02, serialIndex, 0x01});
    add({0x09, 0x02, 0x20, 0x00, 0x01, 0x01, 0x00, 0xc0, 0x32});
    add({0x09, 0x04, 0x00, 0x00, 0x02, interfaceClass, 0x01, 0x02, 0x00});
    add({0x07, 0x05, kOut, 0x02, 0x40, 0x00, 0x00});
    add({0x07, 0x05, kIn, 0x02, 0x40, 0x00, 0x00});
    return d;
}

// What the printer side saw and does. Its ioctl callback runs on umockdev's handler thread while
// the test thread sits in a blocking libusb call, so every member is behind the mutex. On its own
// it only takes data and sends what the test hands to send(); a subclass that overrides
// answerBulkOut() answers what arrives, as a real printer answers its status queries.
// Destroy it after the transports that used it are closed: its handler may still be called until
// its destructor disconnects it.
class EmulatedPrinter
{
public:
    EmulatedPrinter()
    {
        m_handler = umockdev_ioctl_base_new();
        g_signal_connect_after(m_handler, "handle-ioctl", G_CALLBACK(&EmulatedPrinter::onIoctl), this);
    }
    virtual ~EmulatedPrinter()
    {
        g_signal_handlers_disconnect_by_data(m_handler, this);
        g_object_unref(m_handler);
        QMutexLocker lock(&m_mutex);
        for (auto *queue : {&m_flyingIn, &m_flyingOut, &m_done, &m_discarded}) {
            for (UMockdevIoctlData *urb : *queue)
                umockdev_ioctl_data_unref(urb);
        }
    }
    EmulatedPrinter(const EmulatedPrinter &) = delete;
    EmulatedPrinter &operator=(const EmulatedPrinter &) = delete;

    UMockdevIoctlBase *handler() const { return m_handler; }

    // Bytes the printer has to send (status); they go out with the next bulk IN transfers.
    void send(const QByteArray &bytes)
    {
        QMutexLocker lock(&m_mutex);
        m_toSend += bytes;
        feedInLocked();
    }
    // The kernel's view of an unplug: submissions fail with ENODEV and transfers in flight end.
    void unplug()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = true;
        for (auto *queue : {&m_flyingIn, &m_flyingOut}) {
            while (!queue->empty()) {
                finishLocked(queue->front(), -ESHUTDOWN, 0);
                queue->pop_front();
            }
        }
    }
    void plugIn()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = false;
        m_boundDriver = "usblp";
    }
    void setStallOut(bool stall)
    {
        QMutexLocker lock(&m_mutex);
        m_stallOut = stall;
    }
    void setHeldByAnotherProgram(bool held)
    {
        QMutexLocker lock(&m_mutex);
        m_held = held;
    }

    QByteArray received() const
    {
        QMutexLocker lock(&m_mutex);
        return m_received;
    }
    QList<int> outUrbSizes() const
    {
        QMutexLocker lock(&m_mutex);
        return m_outUrbSizes;
    }
    bool readPending() const
    {
        QMutexLocker lock(&m_mutex);
        return !m_flyingIn.empty();
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
        unsigned claimFlags = 0;
        QByteArray claimExceptDriver;
        int claimedInterface = -1;
    };
    Counts counts() const
    {
        QMutexLocker lock(&m_mutex);
        return m_counts;
    }

protected:
    // Called with every bulk OUT transfer the printer takes, on umockdev's handler thread and
    // with the printer's mutex held (so it must not call back into the public members); what it
    // returns is sent back over bulk IN, after anything already queued.
    virtual QByteArray answerBulkOut(const QByteArray &bytes)
    {
        Q_UNUSED(bytes)
        return {};
    }

private:
    static gboolean onIoctl(UMockdevIoctlBase *, UMockdevIoctlClient *client, gpointer self)
    {
        return static_cast<EmulatedPrinter *>(self)->handle(client);
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
            if (m_held)
                return complete(client, -1, EBUSY);
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
                m_boundDriver = "usblp";
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
        } else if (urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == kOut) {
            if (m_stallOut) {
                m_flyingOut.push_back(urbData);
            } else {
                const QByteArray bytes(static_cast<const char *>(urb->buffer), urb->buffer_length);
                m_received.append(bytes);
                m_outUrbSizes.append(urb->buffer_length);
                finishLocked(urbData, 0, urb->buffer_length);
                m_toSend += answerBulkOut(bytes);
                feedInLocked();
            }
        } else if (urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == kIn) {
            m_flyingIn.push_back(urbData);
            feedInLocked();
        } else {
            umockdev_ioctl_data_unref(urbData);
            return complete(client, -1, EINVAL);
        }
        return complete(client, 0, 0);
    }

    // Standard GET_DESCRIPTOR for strings, so the serial number can be read; all else stalls.
    void control(UMockdevIoctlData *urbData)
    {
        auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
        auto *setup = static_cast<unsigned char *>(urb->buffer);
        const int wValue = setup[2] | (setup[3] << 8);
        const int wLength = setup[6] | (setup[7] << 8);
        QByteArray reply;
        if (setup[0] == 0x80 && setup[1] == 0x06 && (wValue >> 8) == 0x03) {
            const int index = wValue & 0xff;
            if (index == 0) {
                reply = QByteArray("\x04\x03\x09\x04", 4); // English (US)
            } else if (index == 3) {
                const QString serial = QStringLiteral("HALL0001");
                reply.append(char(2 + 2 * serial.size())).append('\x03');
                for (QChar c : serial)
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
        while (!m_toSend.isEmpty() && !m_flyingIn.empty()) {
            UMockdevIoctlData *urbData = m_flyingIn.front();
            m_flyingIn.pop_front();
            auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
            const QByteArray chunk = m_toSend.left(urb->buffer_length);
            m_toSend.remove(0, chunk.size());
            std::memcpy(urb->buffer, chunk.constData(), size_t(chunk.size()));
            finishLocked(urbData, 0, int(chunk.size()));
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
        for (auto *queue : {&m_flyingIn, &m_flyingOut}) {
            for (auto it = queue->begin(); it != queue->end(); ++it) {
                if ((*it)->client_addr == address) {
                    m_discarded.push_back(*it);
                    queue->erase(it);
                    return complete(client, 0, 0);
                }
            }
        }
        return complete(client, -1, EINVAL);
    }

    UMockdevIoctlBase *m_handler = nullptr;
    mutable QMutex m_mutex;
    bool m_unplugged = false;
    bool m_stallOut = false;
    bool m_held = false;
    QByteArray m_boundDriver = "usblp";
    QByteArray m_received;
    QList<int> m_outUrbSizes;
    QByteArray m_toSend;
    std::deque<UMockdevIoctlData *> m_flyingIn;
    std::deque<UMockdevIoctlData *> m_flyingOut;
    std::deque<UMockdevIoctlData *> m_done;
    std::deque<UMockdevIoctlData *> m_discarded;
    Counts m_counts;
};

// A umockdev testbed with the printer plugged into bus 1; replugging gives it a new address as
// the kernel would.
class Testbed
{
public:
    Testbed() : m_testbed(umockdev_testbed_new()) {}
    ~Testbed()
    {
        if (m_attached)
            umockdev_testbed_detach_ioctl(m_testbed, devNode().constData(), nullptr);
        g_object_unref(m_testbed);
    }
    Testbed(const Testbed &) = delete;
    Testbed &operator=(const Testbed &) = delete;

    bool plugIn(EmulatedPrinter &printer, const QByteArray &descriptors)
    {
        ++m_address;
        GError *error = nullptr;
        // The handler first, so that libusb can open the node as soon as it sees the device.
        if (!umockdev_testbed_attach_ioctl(m_testbed, devNode().constData(), printer.handler(), &error)) {
            qWarning() << "attach_ioctl:" << (error ? error->message : "?");
            g_clear_error(&error);
            return false;
        }
        m_attached = true;
        const QByteArray address = QByteArray::number(m_address).rightJustified(3, '0');
        const QByteArray description = "P: /devices/usb1\n"
                                       "N: bus/usb/001/" + address + "\n"
                                       "E: SUBSYSTEM=usb\n"
                                       "E: DRIVER=usb\n"
                                       "E: BUSNUM=001\n"
                                       "E: DEVNUM=" + address + "\n"
                                       "E: DEVNAME=/dev/bus/usb/001/" + address + "\n"
                                       "E: DEVTYPE=usb_device\n"
                                       "A: bConfigurationValue=1\\n\n"
                                       "A: busnum=1\\n\n"
                                       "A: devnum=" + QByteArray::number(m_address) + "\\n\n"
                                       "A: speed=12\\n\n"
                                       "H: descriptors=" + descriptors.toHex() + "\n";
        const bool added = umockdev_testbed_add_from_string(m_testbed, description.constData(), &error);
        if (!added) {
            qWarning() << "add_from_string:" << (error ? error->message : "?");
            g_clear_error(&error);
        }
        return added;
    }

    void unplug()
    {
        umockdev_testbed_uevent(m_testbed, "/sys/devices/usb1", "remove");
        umockdev_testbed_remove_device(m_testbed, "/sys/devices/usb1");
        umockdev_testbed_detach_ioctl(m_testbed, devNode().constData(), nullptr);
        m_attached = false;
    }

    QByteArray devNode() const
    {
        return "/dev/bus/usb/001/" + QByteArray::number(m_address).rightJustified(3, '0');
    }
    QByteArray rootDir() const
    {
        gchar *root = umockdev_testbed_get_root_dir(m_testbed);
        const QByteArray path(root);
        g_free(root);
        return path;
    }

private:
    UMockdevTestbed *m_testbed;
    int m_address = 0;
    bool m_attached = false;
};

// A testbed with one printer on it, made afresh for each test function so that no bus address,
// bound driver or queued bytes carry over. The printer is declared after the testbed, so it goes
// first, as when both were a test's locals.
template<typename PrinterType = EmulatedPrinter>
struct Rig {
    Testbed testbed;
    PrinterType printer;

    bool plugIn(const QByteArray &descriptors = printerDescriptors()) { return testbed.plugIn(printer, descriptors); }
    // The kernel fails the device's transfers, and udev reports it gone.
    void pullThePlug()
    {
        printer.unplug();
        testbed.unplug();
    }
};

} // namespace usbemulation
