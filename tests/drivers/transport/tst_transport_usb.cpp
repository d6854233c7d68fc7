// UsbTransport through the real libusb against a USB printer emulated by umockdev: the device is
// added to a testbed from its descriptors, and the usbfs ioctls libusb sends to its /dev node are
// answered here, in EmulatedPrinter, much as the kernel and the printer would. Runs under
// umockdev-wrapper (see CMakeLists.txt); nothing needs root.

#include "drivers/transport/usbtransport.h"
#include "tests/drivers/transport/transporttest.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>

#include <sys/stat.h>

#include <sys/ioctl.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>

#include <umockdev.h>

using hall::drivers::IoError;
using hall::drivers::UsbTransport;

namespace {

constexpr quint16 kVendor = 0x0416;
constexpr quint16 kProduct = 0x5011;
constexpr unsigned char kOut = 0x01;
constexpr unsigned char kIn = 0x82;

// Device, configuration, interface and endpoint descriptors as a USB POS printer reports them
// (the sysfs "descriptors" file): interface class 7, subclass 1, protocol 2 (bidirectional).
QByteArray printerDescriptors(quint8 interfaceClass = 7, quint8 serialIndex = 3)
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
// the test thread sits in a blocking libusb call, so every member is behind the mutex.
class EmulatedPrinter
{
public:
    EmulatedPrinter()
    {
        m_handler = umockdev_ioctl_base_new();
        g_signal_connect_after(m_handler, "handle-ioctl", G_CALLBACK(&EmulatedPrinter::onIoctl), this);
    }
    ~EmulatedPrinter()
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
                m_received.append(static_cast<const char *>(urb->buffer), urb->buffer_length);
                m_outUrbSizes.append(urb->buffer_length);
                finishLocked(urbData, 0, urb->buffer_length);
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

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + i / 253) & 0xff);
    return bytes;
}

// What one read brought; empty when it ended in an error.
QByteArray readBytes(UsbTransport &transport, qsizetype maxBytes, int timeoutMs)
{
    auto result = transport.read(maxBytes, timeoutMs);
    if (const auto *bytes = std::get_if<QByteArray>(&result))
        return *bytes;
    return {};
}

} // namespace

class TestUsbTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("LD_PRELOAD").contains(QLatin1String("umockdev")),
                 "run this test under umockdev-wrapper (ctest does)");
    }

    // A fresh testbed and printer per test: no bus address, bound driver or queued bytes carry
    // over. The printer goes before the testbed, as it did when both were a test's locals.
    void init()
    {
        m_testbed.emplace();
        m_printer.emplace();
    }
    void cleanup()
    {
        m_printer.reset();
        m_testbed.reset();
    }

    void describesItself()
    {
        UsbTransport transport(kVendor, kProduct);
        QCOMPARE(transport.describe(), QStringLiteral("usb 0416:5011"));
        QVERIFY(transport.canRead());
        QVERIFY(!transport.isOpen());
        QCOMPARE(UsbTransport(0x04b8, 0x0202, QStringLiteral("X1")).describe(), QStringLiteral("usb 04b8:0202 serial X1"));
    }

    void claimsThePrinterInterfaceFromUsblp()
    {
        QVERIFY(plugIn());

        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY_NO_ERROR(error);
        QVERIFY(transport.isOpen());
        QVERIFY(transport.canRead());

        auto counts = m_printer->counts();
        QVERIFY(counts.getDriver >= 1); // usblp was found bound...
        QCOMPARE(counts.disconnectClaim, 1); // ...and taken over in one step
        QCOMPARE(counts.claimedInterface, 0);
        QCOMPARE(counts.claimFlags, unsigned(USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER));
        QCOMPARE(counts.claimExceptDriver, QByteArray("usbfs"));
        QCOMPARE(m_printer->boundDriver(), QByteArray("usbfs"));

        transport.close();
        QVERIFY(!transport.isOpen());
        counts = m_printer->counts();
        QCOMPARE(counts.release, 1);
        QCOMPARE(counts.reattach, 1); // /dev/usb/lp0 comes back for others
        QCOMPARE(m_printer->boundDriver(), QByteArray("usblp"));
    }

    void jobArrivesAtTheBulkOutEndpoint()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        const QByteArray job = pattern(40'000);
        const auto error = transport.write(job, 5000);
        QVERIFY_NO_ERROR(error);
        QCOMPARE(m_printer->received(), job);
        // Sent in chunks, each bounded by what is left of the timeout.
        QVERIFY(m_printer->outUrbSizes().size() >= 2);
        for (int size : m_printer->outUrbSizes())
            QVERIFY(size <= 16 * 1024);
    }

    void printerNotTakingDataTimesOut()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));
        m_printer->setStallOut(true);

        const auto [error, elapsed] = timed([&] { return transport.write(pattern(1000), 300); });
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(error->message.contains(QStringLiteral("0 of 1000 bytes")));
        QVERIFY(m_printer->counts().discard >= 1); // the stuck transfer was cancelled, not leaked
        QVERIFY(transport.isOpen());
    }

    void statusComesBackOverBulkIn()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        QVERIFY(!transport.write(QByteArray("\x10\x04\x01", 3), 1000));
        m_printer->send(QByteArray("\x12", 1));
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x12", 1));

        // More than asked for arrives in one transfer: the rest waits for the next read.
        m_printer->send(QByteArray("\x16\x17\x18", 3));
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x16", 1));
        QCOMPARE(readBytes(transport, 8, 2000), QByteArray("\x17\x18", 2));
    }

    void silentPrinterTimesOut()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        const auto [result, elapsed] = timed([&] { return transport.read(4, 300); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(m_printer->counts().discard >= 1);
        QVERIFY(transport.isOpen());

        // The link still works after the cancelled transfer.
        m_printer->send("\x12");
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x12"));
    }

    void discardInputDropsWhatThePrinterQueued()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        m_printer->send("stale automatic status");
        transport.discardInput();
        m_printer->send("\x12");
        QCOMPARE(readBytes(transport, 16, 2000), QByteArray("\x12"));
    }

    void unpluggedIsGoneAndReplugWorks()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));
        QVERIFY(!transport.write("before", 1000));

        m_printer->unplug();
        m_testbed->unplug();
        const auto gone = transport.write("during", 1000);
        QVERIFY(gone);
        QCOMPARE_ERROR(*gone, IoError::Kind::Gone);
        QVERIFY(gone->message.contains(QStringLiteral("0416:5011")));
        QVERIFY(!transport.isOpen()); // so the caller reopens

        // Still unplugged: the rescan does not find it.
        const auto missing = transport.open(1000);
        QVERIFY(missing);
        QCOMPARE_ERROR(*missing, IoError::Kind::NotFound);

        // Back, at a new address.
        m_printer->plugIn();
        QVERIFY(plugIn());
        const auto reopened = transport.open(1000);
        QVERIFY_NO_ERROR(reopened);
        QVERIFY(!transport.write("after", 1000));
        QCOMPARE(m_printer->received(), QByteArray("beforeafter"));
    }

    void unplugDuringReadIsGone()
    {
        QVERIFY(plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        std::thread unplugger([this] {
            // Once the read's transfer is in flight, pull the plug.
            const QDeadlineTimer deadline(3000);
            while (!m_printer->readPending() && !deadline.hasExpired())
                QThread::msleep(1);
            m_printer->unplug();
        });
        const auto [result, elapsed] = timed([&] { return transport.read(1, 5000); });
        unplugger.join();
        QCOMPARE_READ_ERROR(result, IoError::Kind::Gone);
        QVERIFY(elapsed < 4000); // ended by the unplug, not by the timeout
        QVERIFY(!transport.isOpen());
    }

    void deviceWithoutPrinterInterfaceIsNotFound()
    {
        QVERIFY(plugIn(printerDescriptors(0xff))); // vendor-specific class
        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(QStringLiteral("0416:5011")));
        QVERIFY(error->message.contains(QStringLiteral("class 7")));
        QCOMPARE(m_printer->counts().disconnectClaim, 0);
    }

    void noSuchDeviceIsNotFound()
    {
        QVERIFY(plugIn());
        UsbTransport transport(0x04b8, 0x0202);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(QStringLiteral("04b8:0202")));
        QVERIFY(error->message.contains(QStringLiteral("lsusb")));
    }

    void interfaceHeldByAnotherProgramIsBusy()
    {
        QVERIFY(plugIn());
        m_printer->setHeldByAnotherProgram(true);
        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Busy);
        QVERIFY(!transport.isOpen());
    }

    void serialNumberPicksThePrinter()
    {
        QVERIFY(plugIn());

        UsbTransport wanted(kVendor, kProduct, QStringLiteral("HALL0001"));
        const auto opened = wanted.open(1000);
        QVERIFY_NO_ERROR(opened);
        wanted.close();

        UsbTransport other(kVendor, kProduct, QStringLiteral("HALL0002"));
        const auto error = other.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(QStringLiteral("HALL0002")));
        QVERIFY(error->message.contains(QStringLiteral("HALL0001"))); // what is there instead
        QVERIFY(!other.isOpen());
        QCOMPARE(m_printer->counts().disconnectClaim, 1); // the wrong one was never taken from usblp
        QCOMPARE(m_printer->boundDriver(), QByteArray("usblp"));
    }

    void noPermissionNamesTheUdevRule()
    {
        QVERIFY(plugIn());
        // The testbed (its sysfs, udev socket and /dev) opened up to everybody, as on a real
        // system, except the printer's node: mode 000, as without the udev rule.
        const QByteArray root = m_testbed->rootDir();
        QDirIterator it(QFile::decodeName(root), QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QByteArray path = QFile::encodeName(it.next());
            struct stat st{};
            if (::lstat(path.constData(), &st) == 0 && !S_ISLNK(st.st_mode))
                ::chmod(path.constData(), st.st_mode | S_IROTH | S_IWOTH | (S_ISDIR(st.st_mode) ? S_IXOTH : 0));
        }
        ::chmod(root.constData(), 0777); // umockdev's udev monitor binds a socket in it
        const QByteArray node = root + m_testbed->devNode();
        QVERIFY2(::chmod(node.constData(), 0) == 0, node.constData());

        UsbTransport transport(kVendor, kProduct);
        std::optional<IoError> error;
        if (!openAsServiceUser(transport, 1000, &error))
            QSKIP("running as root and cannot drop the file-system uid: root ignores file modes");
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::PermissionDenied);
        QVERIFY(error->message.contains(
            QStringLiteral(R"(SUBSYSTEM=="usb", ATTR{idVendor}=="0416", ATTR{idProduct}=="5011", MODE="0660", GROUP="lp")")));
        QVERIFY(error->message.contains(QStringLiteral("/etc/udev/rules.d/60-hall-printer.rules")));
        QVERIFY(!transport.isOpen());
    }

private:
    bool plugIn(const QByteArray &descriptors = printerDescriptors())
    {
        return m_testbed->plugIn(*m_printer, descriptors);
    }

    std::optional<Testbed> m_testbed;
    std::optional<EmulatedPrinter> m_printer;
};

QTEST_GUILESS_MAIN(TestUsbTransport)
#include "tst_transport_usb.moc"
