#pragma once

// What every USB device emulated by umockdev has in common, for tests that run the real libusb
// (and what sits on top of it) under umockdev-wrapper: the device is added to a testbed from its
// descriptors, and the usbfs ioctls libusb sends to its /dev node are answered in an
// EmulatedUsbDevice, much as the kernel and the device would. Nothing needs root.
// EmulatedUsbDevice answers for the kernel (capabilities, the bound driver, claiming and releasing
// the interface, submitting, reaping and discarding URBs, string descriptors); a subclass decides
// what an URB on each of its endpoints gets. Built on by usbprinteremulation.h (a printer: a byte
// stream over bulk endpoints) and keypad-usb/usbhidemulation.h (a HID keypad: whole reports over
// interrupt IN, several devices on one bus).

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
#include <set>
#include <utility>

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

// The URB libusb submitted, as umockdev copied it into this process.
inline usbdevfs_urb *urbOf(UMockdevIoctlData *urbData)
{
    return reinterpret_cast<usbdevfs_urb *>(urbData->data);
}

// What the kernel side was asked to do with the device.
struct UsbfsCounts {
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

// The kernel's and the device's side of one emulated device. Its ioctl callback runs on
// umockdev's handler thread while the test (or the driver's reader) sits in a blocking libusb
// call, so every member is behind the mutex, and so are the subclass's: the hooks below are
// called with it held (so they must not call back into the public members), and a subclass's
// public members take it through mutex().
// Destroy it after whatever used it is closed or stopped: its handler may still be called until
// its destructor disconnects it.
class EmulatedUsbDevice
{
public:
    virtual ~EmulatedUsbDevice()
    {
        g_signal_handlers_disconnect_by_data(m_handler, this);
        g_object_unref(m_handler);
        QMutexLocker lock(&m_mutex);
        for (auto *queue : {&m_inFlight, &m_done, &m_discarded}) {
            for (UMockdevIoctlData *urb : *queue)
                umockdev_ioctl_data_unref(urb);
        }
    }
    EmulatedUsbDevice(const EmulatedUsbDevice &) = delete;
    EmulatedUsbDevice &operator=(const EmulatedUsbDevice &) = delete;

    UMockdevIoctlBase *handler() const { return m_handler; }

    // The kernel's view of an unplug: submissions fail with ENODEV and transfers in flight end.
    void unplug()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = true;
        onUnplugLocked();
        while (!m_inFlight.empty()) {
            finishLocked(m_inFlight.front(), -ESHUTDOWN, 0);
            m_inFlight.pop_front();
        }
    }
    // Plugged back in: the kernel driver binds to it again, as the kernel does.
    void plugIn()
    {
        QMutexLocker lock(&m_mutex);
        m_unplugged = false;
        m_boundDriver = m_kernelDriver;
    }
    // Another program has claimed the interface: taking it from the kernel driver fails with EBUSY.
    void setHeldByAnotherProgram(bool held)
    {
        QMutexLocker lock(&m_mutex);
        m_held = held;
    }

    QByteArray boundDriver() const
    {
        QMutexLocker lock(&m_mutex);
        return m_boundDriver;
    }
    // A transfer on the endpoint is in flight, waiting for what the device has to give it.
    bool transferPending(unsigned char endpoint) const
    {
        QMutexLocker lock(&m_mutex);
        return holdsLocked(endpoint);
    }
    UsbfsCounts usbfsCounts() const
    {
        QMutexLocker lock(&m_mutex);
        return m_counts;
    }

protected:
    // kernelDriver is what the kernel binds to the device (and what reattaching binds again);
    // serial is string descriptor 3.
    EmulatedUsbDevice(QByteArray kernelDriver, QString serial)
        : m_kernelDriver(std::move(kernelDriver)), m_serial(std::move(serial)), m_boundDriver(m_kernelDriver)
    {
        m_handler = umockdev_ioctl_base_new();
        g_signal_connect_after(m_handler, "handle-ioctl", G_CALLBACK(&EmulatedUsbDevice::onIoctl), this);
    }

    QMutex *mutex() const { return &m_mutex; }

    // The hooks, on umockdev's handler thread with the mutex held. They are not pure, as a call
    // that comes while the subclass is already destroyed must still land somewhere.

    // A bulk or interrupt URB (urbOf(urbData) tells the endpoint and type; its buffer is this
    // process's copy): finish it with finishLocked(), or hold it with holdLocked() until there is
    // something for it. False refuses it with EINVAL (and the URB is dropped).
    virtual bool submitLocked(UMockdevIoctlData *urbData)
    {
        Q_UNUSED(urbData)
        return false;
    }
    // A control transfer that is not a standard GET_DESCRIPTOR for a string (setup is its setup
    // packet, the data stage follows it): true if it was finished here, false stalls it.
    virtual bool controlLocked(UMockdevIoctlData *urbData, const unsigned char *setup)
    {
        Q_UNUSED(urbData)
        Q_UNUSED(setup)
        return false;
    }
    // Unplugged: anything queued for the host goes; the URBs in flight are ended after it.
    virtual void onUnplugLocked() {}

    // For the hooks, with the mutex held.
    void holdLocked(UMockdevIoctlData *urbData) { m_inFlight.push_back(urbData); }
    // The oldest URB held for the endpoint, now the caller's to finish; nullptr if there is none.
    UMockdevIoctlData *takeHeldLocked(unsigned char endpoint)
    {
        for (auto it = m_inFlight.begin(); it != m_inFlight.end(); ++it) {
            if (urbOf(*it)->endpoint == endpoint) {
                UMockdevIoctlData *urbData = *it;
                m_inFlight.erase(it);
                return urbData;
            }
        }
        return nullptr;
    }
    bool holdsLocked(unsigned char endpoint) const
    {
        for (UMockdevIoctlData *urbData : m_inFlight) {
            if (urbOf(urbData)->endpoint == endpoint)
                return true;
        }
        return false;
    }
    // Done, for the next reap.
    void finishLocked(UMockdevIoctlData *urbData, int status, int actualLength)
    {
        auto *urb = urbOf(urbData);
        urb->status = status;
        urb->actual_length = actualLength;
        m_done.push_back(urbData);
    }
    const UsbfsCounts &usbfsCountsLocked() const { return m_counts; }

private:
    static gboolean onIoctl(UMockdevIoctlBase *, UMockdevIoctlClient *client, gpointer self)
    {
        return static_cast<EmulatedUsbDevice *>(self)->handle(client);
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
                m_boundDriver = m_kernelDriver;
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
        auto *urb = urbOf(urbData);
        // Makes urb->buffer point at a local copy that goes back to libusb when the URB is reaped.
        UMockdevIoctlData *buffer = umockdev_ioctl_data_resolve(urbData, offsetof(usbdevfs_urb, buffer),
                                                                 gsize(urb->buffer_length), nullptr);
        umockdev_ioctl_data_unref(buffer);

        if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
            control(urbData);
        } else if (!submitLocked(urbData)) {
            umockdev_ioctl_data_unref(urbData);
            return complete(client, -1, EINVAL);
        }
        return complete(client, 0, 0);
    }

    // Standard GET_DESCRIPTOR for strings, so the serial number can be read; what the subclass
    // does not take either stalls.
    void control(UMockdevIoctlData *urbData)
    {
        auto *setup = static_cast<unsigned char *>(urbOf(urbData)->buffer);
        if (controlLocked(urbData, setup))
            return;
        const int wValue = setup[2] | (setup[3] << 8);
        const int wLength = setup[6] | (setup[7] << 8);
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

    gboolean reap(UMockdevIoctlClient *client, UMockdevIoctlData *arg)
    {
        UMockdevIoctlData *urbData = nullptr;
        if (!m_discarded.empty()) {
            urbData = m_discarded.front();
            m_discarded.pop_front();
            auto *urb = urbOf(urbData);
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
        for (auto it = m_inFlight.begin(); it != m_inFlight.end(); ++it) {
            if ((*it)->client_addr == address) {
                m_discarded.push_back(*it);
                m_inFlight.erase(it);
                return complete(client, 0, 0);
            }
        }
        return complete(client, -1, EINVAL);
    }

    const QByteArray m_kernelDriver;
    const QString m_serial;
    UMockdevIoctlBase *m_handler = nullptr;
    mutable QMutex m_mutex;
    bool m_unplugged = false;
    bool m_held = false;
    QByteArray m_boundDriver;
    std::deque<UMockdevIoctlData *> m_inFlight; // held by the subclass, in the order submitted
    std::deque<UMockdevIoctlData *> m_done;
    std::deque<UMockdevIoctlData *> m_discarded;
    UsbfsCounts m_counts;
};

// A umockdev testbed for bus 1. A subclass decides where devices sit (the sysfs path below
// /devices/usb1) and which address each plug-in takes; every plug-in attaches the device's
// handler to its /dev node, and the testbed detaches what is still attached when it goes.
class UsbTestbed
{
public:
    UsbTestbed() : m_testbed(umockdev_testbed_new()) {}
    ~UsbTestbed()
    {
        for (int address : m_attached)
            umockdev_testbed_detach_ioctl(m_testbed, devNodeOf(address).constData(), nullptr);
        g_object_unref(m_testbed);
    }
    UsbTestbed(const UsbTestbed &) = delete;
    UsbTestbed &operator=(const UsbTestbed &) = delete;

    QByteArray rootDir() const
    {
        gchar *root = umockdev_testbed_get_root_dir(m_testbed);
        const QByteArray path(root);
        g_free(root);
        return path;
    }
    static QByteArray devNodeOf(int address)
    {
        return "/dev/bus/usb/001/" + QByteArray::number(address).rightJustified(3, '0');
    }

protected:
    // devicePath is the device's sysfs path without /sys ("/devices/usb1/1-2"); speed is in Mbit/s
    // as sysfs has it ("12", "1.5").
    bool add(UMockdevIoctlBase *handler, const QByteArray &devicePath, int address, const QByteArray &speed,
             const QByteArray &descriptors)
    {
        GError *error = nullptr;
        // The handler first, so that libusb can open the node as soon as it sees the device.
        if (!umockdev_testbed_attach_ioctl(m_testbed, devNodeOf(address).constData(), handler, &error)) {
            qWarning() << "attach_ioctl:" << (error ? error->message : "?");
            g_clear_error(&error);
            return false;
        }
        m_attached.insert(address);
        const QByteArray number = QByteArray::number(address).rightJustified(3, '0');
        const QByteArray description = "P: " + devicePath + "\n"
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
                                       "A: speed=" + speed + "\\n\n"
                                       "H: descriptors=" + descriptors.toHex() + "\n";
        const bool added = umockdev_testbed_add_from_string(m_testbed, description.constData(), &error);
        if (!added) {
            qWarning() << "add_from_string:" << (error ? error->message : "?");
            g_clear_error(&error);
        }
        return added;
    }

    // udev reports the device gone, and its node no longer answers.
    void remove(const QByteArray &devicePath, int address)
    {
        const QByteArray sysfs = "/sys" + devicePath;
        umockdev_testbed_uevent(m_testbed, sysfs.constData(), "remove");
        umockdev_testbed_remove_device(m_testbed, sysfs.constData());
        umockdev_testbed_detach_ioctl(m_testbed, devNodeOf(address).constData(), nullptr);
        m_attached.erase(address);
    }

private:
    UMockdevTestbed *m_testbed;
    std::set<int> m_attached; // addresses whose node has a handler attached
};

} // namespace usbemulation
