// UsbHidKeypad through the real libusb against a HID keypad emulated by umockdev
// (usbhidemulation.h): finding and taking the interface from usbhid, reports to presses, unplug
// and replug, choosing one of several keypads, and the sentences when it cannot start. Runs under
// umockdev-wrapper (see ../CMakeLists.txt); nothing needs root.

#include "drivers/keypad/usb/usbhidkeypad.h"
#include "tests/drivers/keypad-usb/usbhidemulation.h"

#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>
#include <thread>

#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

using hall::keypad::KeyEvent;
using hall::keypad::UsbHidKeypad;
using hall::keypad::UsbHidKeypadConfig;
using hall::keypad::UsbReportFormat;
using hidemulation::bootReport;
using hidemulation::keypadDescriptors;

namespace {

UsbHidKeypadConfig keypadConfig()
{
    UsbHidKeypadConfig c;
    c.vendorId = hidemulation::kVendor;
    c.productId = hidemulation::kProduct;
    return c;
}

QList<int> keysOf(const QSignalSpy &spy)
{
    QList<int> keys;
    for (const QList<QVariant> &args : spy)
        keys << args.at(0).value<KeyEvent>().key;
    return keys;
}

QByteArray rolloverError()
{
    return bootReport({0x01, 0x01, 0x01, 0x01, 0x01, 0x01});
}

} // namespace

class TestKeypadUsb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(hidemulation::runsUnderUmockdevWrapper(), "run this test under umockdev-wrapper (ctest does)");
        qRegisterMetaType<KeyEvent>();
    }
    // A fresh keypad per test, bound to usbhid as the kernel leaves a keyboard. The test's own
    // UsbHidKeypads, its locals, are stopped before the emulated keypad goes.
    void init() { m_usb.emplace(); }
    void cleanup() { m_usb.reset(); }

    void takesTheHidInterfaceFromUsbhid()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypad keypad(keypadConfig());
        QSignalSpy status(&keypad, &UsbHidKeypad::statusChanged);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        QCOMPARE(keypad.statusCode(), QStringLiteral("ok"));
        QCOMPARE(status.size(), 1);
        QCOMPARE(status.at(0).at(0).toString(), QStringLiteral("ok"));
        QCOMPARE(keypad.keypadId(), QStringLiteral("usb:1-2"));

        auto counts = m_usb->keypad.counts();
        QVERIFY(counts.getDriver >= 1); // usbhid was found bound...
        QCOMPARE(counts.disconnectClaim, 1); // ...and taken over in one step
        QCOMPARE(counts.claimedInterface, 0);
        QCOMPARE(counts.claimFlags, unsigned(USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER));
        QCOMPARE(counts.claimExceptDriver, QByteArray("usbfs"));
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbfs"));
        // Boot protocol asked for on the interface, so reports have the 8-byte layout.
        QCOMPARE(counts.setProtocol, 1);
        QCOMPARE(counts.protocolValue, 0);
        QCOMPARE(counts.protocolInterface, 0);
        // The reader polls the interrupt IN endpoint.
        QTRY_VERIFY_WITH_TIMEOUT(m_usb->keypad.readPending(), 2000);

        keypad.stop();
        counts = m_usb->keypad.counts();
        QCOMPARE(counts.release, 1);
        QCOMPARE(counts.reattach, 1); // the keypad types again for whoever needs it
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbhid"));
        QCOMPARE(keypad.statusCode(), QStringLiteral("offline"));
    }

    void reportsToPresses_data()
    {
        QTest::addColumn<QList<QByteArray>>("reports");
        QTest::addColumn<QList<int>>("keys");
        QTest::addColumn<QString>("logged"); // a warning the reader must log, when not empty
        using Reports = QList<QByteArray>;
        using Keys = QList<int>;
        const QByteArray none = bootReport({});
        const QByteArray one = bootReport({0x1e});
        const QByteArray two = bootReport({0x1f});
        QTest::newRow("press and release") << Reports{one, none} << Keys{1} << QString();
        QTest::newRow("held key repeats its report") << Reports{one, one, one, one, none} << Keys{1} << QString();
        QTest::newRow("pressed again after release") << Reports{one, none, one, none} << Keys{1, 1} << QString();
        QTest::newRow("two keys in rollover order")
            << Reports{one, bootReport({0x1e, 0x1f}), two, none} << Keys{1, 2} << QString();
        QTest::newRow("second key while the first is held")
            << Reports{one, bootReport({0x1e, 0x20}), one, none} << Keys{1, 3} << QString();
        QTest::newRow("slots reordered")
            << Reports{bootReport({0x1e, 0x1f}), bootReport({0x1f, 0x1e}), none} << Keys{1, 2} << QString();
        QTest::newRow("digit row 1..5") << Reports{one, none, bootReport({0x22}), none} << Keys{1, 5} << QString();
        QTest::newRow("numeric keypad 1..5")
            << Reports{bootReport({0x59}), none, bootReport({0x5d}), none} << Keys{1, 5} << QString();
        QTest::newRow("shift held does not matter") << Reports{bootReport({0x1f}, 0x02), none} << Keys{2} << QString();
        QTest::newRow("rollover error alone") << Reports{rolloverError(), none} << Keys{} << QString();
        QTest::newRow("rollover error while a key is held")
            << Reports{one, rolloverError(), one, none} << Keys{1} << QString();
        QTest::newRow("short report")
            << Reports{QByteArray("\x00\x00\x1e", 3), none} << Keys{}
            << QStringLiteral("sent a 3-byte report where a boot keyboard sends 8 bytes - ignored: 00 00 1e");
        QTest::newRow("empty report") << Reports{QByteArray(), none} << Keys{} << QStringLiteral("sent a 0-byte report");
        QTest::newRow("short report inside a press")
            << Reports{one, QByteArray("\x00\x00", 2), one, none} << Keys{1} << QStringLiteral("sent a 2-byte report");
        QTest::newRow("longer than the endpoint's packet")
            << Reports{QByteArray(9, '\x1e'), none} << Keys{} << QStringLiteral("failed while reading: Overflow");
        QTest::newRow("keys that mean nothing")
            << Reports{bootReport({0x04}), none, bootReport({0x23}), none} << Keys{} << QString();
    }

    void reportsToPresses()
    {
        QFETCH(QList<QByteArray>, reports);
        QFETCH(QList<int>, keys);
        QFETCH(QString, logged);
        if (!logged.isEmpty())
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QRegularExpression::escape(logged)));
        QVERIFY(m_usb->plugIn());
        UsbHidKeypad keypad(keypadConfig());
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));

        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        for (const QByteArray &report : reports)
            m_usb->keypad.send(report);
        settle();
        QCOMPARE(keysOf(pressed), keys);
        for (int i = 0; i < pressed.size(); ++i) {
            const auto event = pressed.at(i).at(0).value<KeyEvent>();
            QCOMPARE(event.keypad, QStringLiteral("usb:1-2"));
            QCOMPARE(event.eventId, quint32(i + 1));
            QVERIFY(event.receivedAtMs >= before && event.receivedAtMs <= QDateTime::currentMSecsSinceEpoch());
        }
        QCOMPARE(keypad.statusCode(), QStringLiteral("ok")); // odd reports are no fault of the link
    }

    void customUsageMap()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypadConfig config = keypadConfig();
        QString error;
        QVERIFY2(UsbHidKeypadConfig::fromJson(QJsonObject{{QStringLiteral("vendorId"), QStringLiteral("1a2c")},
                                                          {QStringLiteral("productId"), QStringLiteral("2124")},
                                                          {QStringLiteral("usages"),
                                                           QJsonObject{{QStringLiteral("04"), 1}, {QStringLiteral("0x05"), 2}}}},
                                              &config, &error),
                 qPrintable(error));
        UsbHidKeypad keypad(config);
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QVERIFY2(keypad.start(&error), qPrintable(error));

        // 'a' and 'b' are the keys now; the digits mean nothing.
        for (const QByteArray &report : {bootReport({0x04}), bootReport({}), bootReport({0x1e}), bootReport({}),
                                         bootReport({0x05}), bootReport({})})
            m_usb->keypad.send(report);
        settle();
        QCOMPARE(keysOf(pressed), (QList<int>{1, 2}));
    }

    void vendorKeyNumberReports()
    {
        // A vendor-defined HID interface (not a boot device): byte 1 holds the key, after a report id.
        QVERIFY(m_usb->plugIn(keypadDescriptors(3, 0, 0)));
        UsbHidKeypadConfig config = keypadConfig();
        config.format = UsbReportFormat::KeyNumber;
        config.keyNumberOffset = 1;
        UsbHidKeypad keypad(config);
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        QCOMPARE(m_usb->keypad.counts().setProtocol, 0); // no boot protocol for vendor reports

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("sent a 1-byte report without the key number at byte 1")));
        auto report = [](int key) { return QByteArray("\x01", 1) + char(key); };
        for (const QByteArray &r : {report(3), report(3), report(0), report(1), report(4), report(0), QByteArray("\x01", 1),
                                    report(17), report(0)})
            m_usb->keypad.send(r);
        settle();
        // Held 3 is one press; 1 then 4 are two; the short report and key 17 are nothing.
        QCOMPARE(keysOf(pressed), (QList<int>{3, 1, 4}));
    }

    void unplugGoesOfflineAndReplugComesBack()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypad keypad(keypadConfig());
        keypad.setRescanIntervalMs(200);
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QSignalSpy status(&keypad, &UsbHidKeypad::statusChanged);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        m_usb->keypad.send(bootReport({0x1e}));
        settle();
        QCOMPARE(keysOf(pressed), QList<int>{1});

        // Pulled while a key is held: no release ever comes.
        QTRY_VERIFY_WITH_TIMEOUT(m_usb->keypad.readPending(), 2000);
        m_usb->pullThePlug();
        QTRY_COMPARE_WITH_TIMEOUT(keypad.statusCode(), QStringLiteral("offline"), 3000);
        const QString detail = status.last().at(1).toString();
        QCOMPARE(status.last().at(0).toString(), QStringLiteral("offline"));
        QVERIFY2(detail.contains(QStringLiteral("1a2c:2124")) && detail.contains(QStringLiteral("unplugged"))
                     && detail.contains(QStringLiteral("usb:1-2")),
                 qPrintable(detail));
        // Still gone after some rescans: still offline, and the sentence says it is not there.
        QTest::qWait(700);
        QCOMPARE(keypad.statusCode(), QStringLiteral("offline"));
        QVERIFY2(keypad.statusDetail().contains(QStringLiteral("No USB keypad 1a2c:2124 is connected")),
                 qPrintable(keypad.statusDetail()));

        // Back, at a new device address on the same port, with usbhid bound again.
        m_usb->keypad.plugIn();
        QVERIFY(m_usb->plugIn());
        QTRY_COMPARE_WITH_TIMEOUT(keypad.statusCode(), QStringLiteral("ok"), 5000);
        QCOMPARE(status.last().at(0).toString(), QStringLiteral("ok"));
        QCOMPARE(m_usb->keypad.counts().disconnectClaim, 2);
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbfs"));
        QCOMPARE(keypad.keypadId(), QStringLiteral("usb:1-2"));

        // The key held at the unplug does not count as held now: its next press is a press.
        for (const QByteArray &report : {bootReport({0x1e}), bootReport({}), bootReport({0x20}), bootReport({})})
            m_usb->keypad.send(report);
        settle();
        QCOMPARE(keysOf(pressed), (QList<int>{1, 1, 3}));
        QCOMPARE(pressed.last().at(0).value<KeyEvent>().eventId, quint32(3)); // the count runs on
    }

    void defaultRescanIsEveryTwoSeconds()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypad keypad(keypadConfig());
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_usb->keypad.readPending(), 2000);
        m_usb->pullThePlug();
        QTRY_COMPARE_WITH_TIMEOUT(keypad.statusCode(), QStringLiteral("offline"), 3000);
        QVERIFY2(keypad.statusDetail().contains(QStringLiteral("every 2 s")), qPrintable(keypad.statusDetail()));

        m_usb->keypad.plugIn();
        QVERIFY(m_usb->plugIn());
        QElapsedTimer back;
        back.start();
        QTRY_COMPARE_WITH_TIMEOUT(keypad.statusCode(), QStringLiteral("ok"), 5000);
        QVERIFY2(back.elapsed() < 3000, qPrintable(QString::number(back.elapsed())));
    }

    void stopIsPromptAndEndsThePresses()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypad keypad(keypadConfig());
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_usb->keypad.readPending(), 2000);

        QElapsedTimer timer;
        timer.start();
        keypad.stop();
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbhid"));

        m_usb->keypad.send(bootReport({0x1e}));
        QTest::qWait(300);
        QCOMPARE(pressed.size(), 0);

        // And it starts again, on the same keypad, with the report that waited for it.
        QVERIFY2(keypad.start(&error), qPrintable(error));
        m_usb->keypad.send(bootReport({}));
        settle();
        QCOMPARE(keysOf(pressed), QList<int>{1});
    }

    void portOrSerialPicksTheKeypad_data()
    {
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("serial");
        QTest::addColumn<QString>("picked");
        QTest::newRow("port 1-3") << QStringLiteral("1-3") << QString() << QStringLiteral("1-3");
        QTest::newRow("port 1-2") << QStringLiteral("1-2") << QString() << QStringLiteral("1-2");
        QTest::newRow("serial HALL0002") << QString() << QStringLiteral("HALL0002") << QStringLiteral("1-3");
        QTest::newRow("serial HALL0001") << QString() << QStringLiteral("HALL0001") << QStringLiteral("1-2");
        QTest::newRow("both") << QStringLiteral("1-3") << QStringLiteral("HALL0002") << QStringLiteral("1-3");
    }

    void portOrSerialPicksTheKeypad()
    {
        QFETCH(QString, port);
        QFETCH(QString, serial);
        QFETCH(QString, picked);
        hidemulation::EmulatedKeypad other(QStringLiteral("HALL0002"));
        QVERIFY(m_usb->plugIn()); // HALL0001 at 1-2
        QVERIFY(m_usb->testbed.plugIn(other, "1-3"));
        hidemulation::EmulatedKeypad &wanted = picked == QLatin1String("1-3") ? other : m_usb->keypad;
        hidemulation::EmulatedKeypad &notWanted = picked == QLatin1String("1-3") ? m_usb->keypad : other;

        UsbHidKeypadConfig config = keypadConfig();
        config.port = port;
        config.serial = serial;
        UsbHidKeypad keypad(config);
        QSignalSpy pressed(&keypad, &UsbHidKeypad::keyPressed);
        QString error;
        QVERIFY2(keypad.start(&error), qPrintable(error));
        QCOMPARE(keypad.keypadId(), QStringLiteral("usb:") + picked);
        // The other keypad was never taken from usbhid.
        QCOMPARE(notWanted.counts().disconnectClaim, 0);
        QCOMPARE(notWanted.boundDriver(), QByteArray("usbhid"));
        QCOMPARE(wanted.boundDriver(), QByteArray("usbfs"));

        wanted.send(bootReport({0x1f}));
        wanted.send(bootReport({}));
        notWanted.send(bootReport({0x1e})); // typed into the desktop, not ours
        QTRY_VERIFY_WITH_TIMEOUT(wanted.drained(), 3000);
        QTest::qWait(50);
        QCOMPARE(keysOf(pressed), QList<int>{2});
        QCOMPARE(pressed.at(0).at(0).value<KeyEvent>().keypad, QStringLiteral("usb:") + picked);
        keypad.stop();
        m_usb->testbed.unplug("1-3");
    }

    void wrongPortFailsToStart()
    {
        hidemulation::EmulatedKeypad other(QStringLiteral("HALL0002"));
        QVERIFY(m_usb->plugIn());
        QVERIFY(m_usb->testbed.plugIn(other, "1-3"));
        UsbHidKeypadConfig config = keypadConfig();
        config.port = QStringLiteral("1-4");
        UsbHidKeypad keypad(config);
        QString error;
        QVERIFY(!keypad.start(&error));
        QVERIFY2(error.contains(QStringLiteral("on port 1-4")) && error.contains(QStringLiteral("1-2, 1-3")), qPrintable(error));
        QCOMPARE(keypad.statusCode(), QStringLiteral("offline"));
        QCOMPARE(m_usb->keypad.counts().disconnectClaim + other.counts().disconnectClaim, 0);
        m_usb->testbed.unplug("1-3");
    }

    void wrongIdsFailToStart()
    {
        QVERIFY(m_usb->plugIn());
        UsbHidKeypadConfig config = keypadConfig();
        config.productId = 0xa0f0;
        UsbHidKeypad keypad(config);
        QString error;
        QVERIFY(!keypad.start(&error));
        QVERIFY2(error.contains(QStringLiteral("No USB keypad 1a2c:a0f0 is connected")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("lsusb")), qPrintable(error));
        QCOMPARE(keypad.statusCode(), QStringLiteral("offline"));
        QCOMPARE(m_usb->keypad.counts().disconnectClaim, 0);
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbhid"));
    }

    void deviceWithoutHidInterfaceFailsToStart()
    {
        QVERIFY(m_usb->plugIn(keypadDescriptors(0xff))); // vendor-specific class
        UsbHidKeypad keypad(keypadConfig());
        QString error;
        QVERIFY(!keypad.start(&error));
        QVERIFY2(error.contains(QStringLiteral("no HID interface (class 3)")), qPrintable(error));
        QCOMPARE(keypad.statusCode(), QStringLiteral("failed"));
        QCOMPARE(m_usb->keypad.counts().disconnectClaim, 0);
    }

    void noPermissionNamesTheUdevRule()
    {
        QVERIFY(m_usb->plugIn());
        // The testbed opened up to everybody, as on a real system, except the keypad's node:
        // mode 000, as without the udev rule.
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

        UsbHidKeypad keypad(keypadConfig());
        QString error;
        bool started = true;
        if (!startAsServiceUser(keypad, &started, &error))
            QSKIP("running as root and cannot drop the file-system uid: root ignores file modes");
        QVERIFY(!started);
        QVERIFY2(error.contains(QStringLiteral(
                     R"(SUBSYSTEM=="usb", ATTR{idVendor}=="1a2c", ATTR{idProduct}=="2124", MODE="0660", GROUP="plugdev")")),
                 qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("/etc/udev/rules.d/60-hall-keypad.rules")), qPrintable(error));
        QCOMPARE(keypad.statusCode(), QStringLiteral("failed"));
        QCOMPARE(m_usb->keypad.boundDriver(), QByteArray("usbhid"));
    }

private:
    // Every report sent so far has been read and handled, and what it raised has arrived.
    void settle()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_usb->keypad.drained(), 3000);
        QTest::qWait(50);
    }

    // start() as the counter's service user meets it. Root ignores file modes, so a root test
    // run starts as "nobody" on a thread of its own (file-system ids are per thread). False when
    // root cannot drop to "nobody".
    static bool startAsServiceUser(UsbHidKeypad &keypad, bool *started, QString *error)
    {
        if (::geteuid() != 0) {
            *started = keypad.start(error);
            return true;
        }
        bool switched = false;
        std::thread thread([&] {
            constexpr uid_t nobody = 65534;
            ::setfsgid(nobody);
            ::setfsuid(nobody);
            switched = ::setfsuid(uid_t(-1)) == nobody && ::setfsgid(gid_t(-1)) == nobody;
            if (switched)
                *started = keypad.start(error);
            ::setfsuid(::geteuid());
            ::setfsgid(::getegid());
        });
        thread.join();
        return switched;
    }

    std::optional<hidemulation::Rig> m_usb;
};

QTEST_GUILESS_MAIN(TestKeypadUsb)
#include "tst_keypadusb.moc"
