// UsbTransport through the real libusb against a USB printer emulated by umockdev (see
// tests/drivers/usbprinteremulation.h). Runs under umockdev-wrapper (see CMakeLists.txt); nothing
// needs root.

#include "drivers/transport/usbtransport.h"
#include "tests/drivers/transport/transporttest.h"
#include "tests/drivers/usbprinteremulation.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QThread>

#include <optional>
#include <thread>

#include <sys/stat.h>

using hall::drivers::IoError;
using hall::drivers::UsbTransport;
using usbemulation::kProduct;
using usbemulation::kVendor;
using usbemulation::printerDescriptors;

namespace {

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
        QVERIFY2(usbemulation::runsUnderUmockdevWrapper(), "run this test under umockdev-wrapper (ctest does)");
    }

    void init() { m_usb.emplace(); }
    void cleanup() { m_usb.reset(); }

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
        QVERIFY(m_usb->plugIn());

        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY_NO_ERROR(error);
        QVERIFY(transport.isOpen());
        QVERIFY(transport.canRead());

        auto counts = m_usb->printer.counts();
        QVERIFY(counts.getDriver >= 1); // usblp was found bound...
        QCOMPARE(counts.disconnectClaim, 1); // ...and taken over in one step
        QCOMPARE(counts.claimedInterface, 0);
        QCOMPARE(counts.claimFlags, unsigned(USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER));
        QCOMPARE(counts.claimExceptDriver, QByteArray("usbfs"));
        QCOMPARE(m_usb->printer.boundDriver(), QByteArray("usbfs"));

        transport.close();
        QVERIFY(!transport.isOpen());
        counts = m_usb->printer.counts();
        QCOMPARE(counts.release, 1);
        QCOMPARE(counts.reattach, 1); // /dev/usb/lp0 comes back for others
        QCOMPARE(m_usb->printer.boundDriver(), QByteArray("usblp"));
    }

    void jobArrivesAtTheBulkOutEndpoint()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        const QByteArray job = pattern(40'000);
        const auto error = transport.write(job, 5000);
        QVERIFY_NO_ERROR(error);
        QCOMPARE(m_usb->printer.received(), job);
        // Sent in chunks, each bounded by what is left of the timeout.
        QVERIFY(m_usb->printer.outUrbSizes().size() >= 2);
        for (int size : m_usb->printer.outUrbSizes())
            QVERIFY(size <= 16 * 1024);
    }

    void printerNotTakingDataTimesOut()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));
        m_usb->printer.setStallOut(true);

        const auto [error, elapsed] = timed([&] { return transport.write(pattern(1000), 300); });
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(error->message.contains(QStringLiteral("0 of 1000 bytes")));
        QVERIFY(m_usb->printer.counts().discard >= 1); // the stuck transfer was cancelled, not leaked
        QVERIFY(transport.isOpen());
    }

    void statusComesBackOverBulkIn()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        QVERIFY(!transport.write(QByteArray("\x10\x04\x01", 3), 1000));
        m_usb->printer.send(QByteArray("\x12", 1));
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x12", 1));

        // More than asked for arrives in one transfer: the rest waits for the next read.
        m_usb->printer.send(QByteArray("\x16\x17\x18", 3));
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x16", 1));
        QCOMPARE(readBytes(transport, 8, 2000), QByteArray("\x17\x18", 2));
    }

    void silentPrinterTimesOut()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        const auto [result, elapsed] = timed([&] { return transport.read(4, 300); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(m_usb->printer.counts().discard >= 1);
        QVERIFY(transport.isOpen());

        // The link still works after the cancelled transfer.
        m_usb->printer.send("\x12");
        QCOMPARE(readBytes(transport, 1, 2000), QByteArray("\x12"));
    }

    void discardInputDropsWhatThePrinterQueued()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        m_usb->printer.send("stale automatic status");
        transport.discardInput();
        m_usb->printer.send("\x12");
        QCOMPARE(readBytes(transport, 16, 2000), QByteArray("\x12"));
    }

    void unpluggedIsGoneAndReplugWorks()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));
        QVERIFY(!transport.write("before", 1000));

        m_usb->pullThePlug();
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
        m_usb->printer.plugIn();
        QVERIFY(m_usb->plugIn());
        const auto reopened = transport.open(1000);
        QVERIFY_NO_ERROR(reopened);
        QVERIFY(!transport.write("after", 1000));
        QCOMPARE(m_usb->printer.received(), QByteArray("beforeafter"));
    }

    void unplugDuringReadIsGone()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(kVendor, kProduct);
        QVERIFY(!transport.open(1000));

        std::thread unplugger([this] {
            // Once the read's transfer is in flight, pull the plug.
            const QDeadlineTimer deadline(3000);
            while (!m_usb->printer.readPending() && !deadline.hasExpired())
                QThread::msleep(1);
            m_usb->printer.unplug();
        });
        const auto [result, elapsed] = timed([&] { return transport.read(1, 5000); });
        unplugger.join();
        QCOMPARE_READ_ERROR(result, IoError::Kind::Gone);
        QVERIFY(elapsed < 4000); // ended by the unplug, not by the timeout
        QVERIFY(!transport.isOpen());
    }

    void deviceWithoutPrinterInterfaceIsNotFound()
    {
        QVERIFY(m_usb->plugIn(printerDescriptors(0xff))); // vendor-specific class
        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(QStringLiteral("0416:5011")));
        QVERIFY(error->message.contains(QStringLiteral("class 7")));
        QCOMPARE(m_usb->printer.counts().disconnectClaim, 0);
    }

    void noSuchDeviceIsNotFound()
    {
        QVERIFY(m_usb->plugIn());
        UsbTransport transport(0x04b8, 0x0202);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(QStringLiteral("04b8:0202")));
        QVERIFY(error->message.contains(QStringLiteral("lsusb")));
    }

    void interfaceHeldByAnotherProgramIsBusy()
    {
        QVERIFY(m_usb->plugIn());
        m_usb->printer.setHeldByAnotherProgram(true);
        UsbTransport transport(kVendor, kProduct);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Busy);
        QVERIFY(!transport.isOpen());
    }

    void serialNumberPicksThePrinter()
    {
        QVERIFY(m_usb->plugIn());

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
        QCOMPARE(m_usb->printer.counts().disconnectClaim, 1); // the wrong one was never taken from usblp
        QCOMPARE(m_usb->printer.boundDriver(), QByteArray("usblp"));
    }

    void noPermissionNamesTheUdevRule()
    {
        QVERIFY(m_usb->plugIn());
        // The testbed (its sysfs, udev socket and /dev) opened up to everybody, as on a real
        // system, except the printer's node: mode 000, as without the udev rule.
        const QByteArray root = m_usb->testbed.rootDir();
        QDirIterator it(QFile::decodeName(root), QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QByteArray path = QFile::encodeName(it.next());
            struct stat st{};
            if (::lstat(path.constData(), &st) == 0 && !S_ISLNK(st.st_mode))
                ::chmod(path.constData(), st.st_mode | S_IROTH | S_IWOTH | (S_ISDIR(st.st_mode) ? S_IXOTH : 0));
        }
        ::chmod(root.constData(), 0777); // umockdev's udev monitor binds a socket in it
        const QByteArray node = root + m_usb->testbed.devNode();
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
    std::optional<usbemulation::Rig<>> m_usb;
};

QTEST_GUILESS_MAIN(TestUsbTransport)
#include "tst_transport_usb.moc"
