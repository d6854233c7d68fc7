// The USB keypad's configuration and report decoding without any USB: what a config object may
// say, and how reports become presses (the end-to-end cases over libusb are in tst_keypadusb).

#include "drivers/keypad/usb/hidreportdecoder.h"
#include "drivers/keypad/usb/usbhidkeypadconfig.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using hall::keypad::HidReportDecoder;
using hall::keypad::UsbHidKeypadConfig;
using hall::keypad::UsbReportFormat;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QByteArray boot(std::initializer_list<int> usages)
{
    QByteArray r(8, '\0');
    int slot = 2;
    for (int usage : usages)
        r[slot++] = char(usage);
    return r;
}

} // namespace

class TestKeypadUsbReports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        const UsbHidKeypadConfig c;
        QCOMPARE(c.format, UsbReportFormat::Keyboard);
        QCOMPARE(int(c.usages.size()), 10);
        for (int key = 1; key <= 5; ++key) {
            QCOMPARE(c.usages.at(0x1d + key), key);
            QCOMPARE(c.usages.at(0x58 + key), key);
        }
    }

    void fromJson()
    {
        UsbHidKeypadConfig c;
        QString error;
        QVERIFY2(UsbHidKeypadConfig::fromJson(json(R"({"link": "usb", "vendorId": "1A2C", "productId": "2124",
                                                        "serial": "K1", "port": "1-2.3",
                                                        "usages": {"0x1e": 5, "1F": 4, "4": 1}})"),
                                              &c, &error),
                 qPrintable(error));
        QCOMPARE(c.vendorId, quint16(0x1a2c));
        QCOMPARE(c.productId, quint16(0x2124));
        QCOMPARE(c.ids(), QStringLiteral("1a2c:2124"));
        QCOMPARE(c.serial, QStringLiteral("K1"));
        QCOMPARE(c.port, QStringLiteral("1-2.3"));
        QCOMPARE(c.usages, (std::map<int, int>{{0x1e, 5}, {0x1f, 4}, {0x04, 1}}));

        QVERIFY(UsbHidKeypadConfig::fromJson(json(R"({"vendorId": "1a2c", "productId": "2124", "format": "keyNumber",
                                                      "keyNumberOffset": 1})"),
                                             &c, &error));
        QCOMPARE(c.format, UsbReportFormat::KeyNumber);
        QCOMPARE(c.keyNumberOffset, 1);
        QCOMPARE(c.usages, UsbHidKeypadConfig::defaultUsages());
    }

    void fromJsonRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("no vendor") << R"({"productId": "2124"})" << "vendorId: must be four hexadecimal digits";
        QTest::newRow("id as number") << R"({"vendorId": 6700, "productId": "2124"})" << "vendorId: must be four";
        QTest::newRow("zero id") << R"({"vendorId": "1a2c", "productId": "0000"})" << "productId: 0000 is no USB id";
        QTest::newRow("unknown key") << R"({"vendorId": "1a2c", "productId": "2124", "pid": 1})"
                                     << "\"pid\" is not a USB keypad setting";
        QTest::newRow("bad port") << R"({"vendorId": "1a2c", "productId": "2124", "port": "usb:1-2"})"
                                  << "port: \"usb:1-2\" is not a <bus>-<port path>";
        QTest::newRow("bad format") << R"({"vendorId": "1a2c", "productId": "2124", "format": "mouse"})"
                                    << "format: \"mouse\" is neither";
        QTest::newRow("usage not hex") << R"({"vendorId": "1a2c", "productId": "2124", "usages": {"one": 1}})"
                                       << "usages: \"one\" is not a usage code";
        QTest::newRow("error usage") << R"({"vendorId": "1a2c", "productId": "2124", "usages": {"01": 1}})"
                                     << "is a reserved or error code";
        QTest::newRow("key out of range") << R"({"vendorId": "1a2c", "productId": "2124", "usages": {"1e": 17}})"
                                          << "usages.1e: must be a key number 1..16";
        QTest::newRow("key as string") << R"({"vendorId": "1a2c", "productId": "2124", "usages": {"1e": "1"}})"
                                       << "usages.1e: must be a key number";
        QTest::newRow("empty usages") << R"({"vendorId": "1a2c", "productId": "2124", "usages": {}})"
                                      << "usages: maps no usage";
        QTest::newRow("bad offset") << R"({"vendorId": "1a2c", "productId": "2124", "keyNumberOffset": -1})"
                                    << "keyNumberOffset: must be a byte position";
    }

    void fromJsonRefuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        UsbHidKeypadConfig c;
        c.serial = QStringLiteral("untouched");
        QString why;
        QVERIFY(!UsbHidKeypadConfig::fromJson(json(text.toUtf8().constData()), &c, &why));
        QVERIFY2(why.contains(error), qPrintable(why));
        QCOMPARE(c.serial, QStringLiteral("untouched"));
    }

    void decoderExplainsWhatItIgnores()
    {
        HidReportDecoder d{UsbHidKeypadConfig{}};
        QCOMPARE(d.feed(boot({0x1e})).keys, std::vector<int>{1});
        auto r = d.feed(QByteArray(3, '\0'));
        QVERIFY(r.keys.empty());
        QVERIFY2(r.ignored.contains(QStringLiteral("3-byte report")), qPrintable(r.ignored));
        QVERIFY(r.malformed);
        // Longer is no boot report either (report protocol with a report id in front).
        r = d.feed(QByteArray("\x01\x00\x00\x1f\x00\x00\x00\x00\x00", 9));
        QVERIFY(r.keys.empty());
        QVERIFY(r.malformed);
        r = d.feed(boot({1, 1, 1, 1, 1, 1}));
        QVERIFY2(r.ignored.contains(QStringLiteral("rollover")), qPrintable(r.ignored));
        QVERIFY(!r.malformed);
        // The key held before the jam is still held, not pressed anew.
        QVERIFY(d.feed(boot({0x1e})).keys.empty());
        r = d.feed(boot({0x1e, 0x04}));
        QVERIFY(r.keys.empty());
        QCOMPARE(r.unmapped, std::vector<int>{0x04});
        QVERIFY(r.ignored.isEmpty());
        // After a reconnect what was held is forgotten.
        d.reset();
        QCOMPARE(d.feed(boot({0x1e})).keys, std::vector<int>{1});
    }
};

QTEST_GUILESS_MAIN(TestKeypadUsbReports)
#include "tst_keypadusb_reports.moc"
