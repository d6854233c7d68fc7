// The kiosk's settings file: every link kind parses, and every mistake a technician can make
// is refused with the key that is wrong.
#include "kiosk/kioskconfig.h"

#include <QTest>

using hall::drivers::TransportConfig;
using hall::kiosk::parseKioskConfig;

namespace {

QByteArray withPrinter(const QByteArray &printer, const QByteArray &extra = {})
{
    return "{\"device\":\"kiosk-1\",\"keyFile\":\"kiosk-1.key\",\"server\":{\"requests\":\"tcp://10.0.0.2:5570\",\"events\":\"tcp://10.0.0.2:5571\","
           "\"publicKeyFile\":\"server.key.pub\"},\"printer\":"
        + printer + extra + "}";
}

} // namespace

class TestKioskConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serialWithDefaults()
    {
        const auto r = parseKioskConfig(withPrinter("{\"link\":\"serial\",\"port\":\"/dev/ttyUSB0\"}"), QStringLiteral("k.json"), QStringLiteral("/etc/hall"));
        QVERIFY2(r.config, qPrintable(r.error));
        const auto &c = *r.config;
        QCOMPARE(c.deviceId, QStringLiteral("kiosk-1"));
        QCOMPARE(c.keyFile, QStringLiteral("/etc/hall/kiosk-1.key"));
        QCOMPARE(c.serverKeyFile, QStringLiteral("/etc/hall/server.key.pub"));
        QCOMPARE(c.requests, QByteArray("tcp://10.0.0.2:5570"));
        QVERIFY(c.printer);
        QCOMPARE(c.printer->kind, TransportConfig::Kind::Serial);
        QCOMPARE(c.printer->serialPort, QStringLiteral("/dev/ttyUSB0"));
        QCOMPARE(c.printer->baud, 9600);
        QCOMPARE(c.printer->hardwareFlow, false);
        QCOMPARE(c.paperWidthMm, 80);
        QCOMPARE(c.language, QStringLiteral("zh"));
        QCOMPARE(c.idleSeconds, 60);
        QCOMPARE(c.ticketSeconds, 15);
        QVERIFY(c.logoFile.isEmpty());
    }

    void everyLink()
    {
        auto tcp = parseKioskConfig(withPrinter("{\"link\":\"tcp\",\"host\":\"192.168.1.40\",\"port\":9101,\"paperWidthMm\":58,\"logo\":\"police.png\"}", ",\"language\":\"en\",\"idleSeconds\":30"),
                                    QStringLiteral("k.json"), QStringLiteral("/"));
        QVERIFY2(tcp.config, qPrintable(tcp.error));
        QCOMPARE(tcp.config->printer->kind, TransportConfig::Kind::Tcp);
        QCOMPARE(tcp.config->printer->host, QStringLiteral("192.168.1.40"));
        QCOMPARE(tcp.config->printer->tcpPort, quint16(9101));
        QCOMPARE(tcp.config->paperWidthMm, 58);
        QCOMPARE(tcp.config->logoFile, QStringLiteral("/police.png"));
        QCOMPARE(tcp.config->language, QStringLiteral("en"));
        QCOMPARE(tcp.config->idleSeconds, 30);

        auto usb = parseKioskConfig(withPrinter("{\"link\":\"usb\",\"vendorId\":\"0416\",\"productId\":\"5011\",\"serial\":\"XP-58\"}"), QStringLiteral("k.json"), QStringLiteral("/"));
        QVERIFY2(usb.config, qPrintable(usb.error));
        QCOMPARE(usb.config->printer->vendorId, quint16(0x0416));
        QCOMPARE(usb.config->printer->productId, quint16(0x5011));
        QCOMPARE(usb.config->printer->usbSerial, QStringLiteral("XP-58"));

        auto file = parseKioskConfig(withPrinter("{\"link\":\"file\",\"path\":\"/dev/usb/lp0\"}"), QStringLiteral("k.json"), QStringLiteral("/"));
        QVERIFY2(file.config, qPrintable(file.error));
        QCOMPARE(file.config->printer->kind, TransportConfig::Kind::File);
        QCOMPARE(file.config->printer->path, QStringLiteral("/dev/usb/lp0"));

        auto none = parseKioskConfig(withPrinter("null"), QStringLiteral("k.json"), QStringLiteral("/"));
        QVERIFY2(none.config, qPrintable(none.error));
        QVERIFY(!none.config->printer);
    }

    void mistakesNameTheKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{device") << QStringLiteral("k.json: not a JSON object");
        QTest::newRow("unknown key") << withPrinter("null", ",\"printr\":{}") << QStringLiteral("k.json: printr: unknown key");
        QTest::newRow("unknown printer key") << withPrinter("{\"link\":\"tcp\",\"host\":\"h\",\"baud\":9600}") << QStringLiteral("k.json: printer.baud: unknown key");
        QTest::newRow("unknown link") << withPrinter("{\"link\":\"bluetooth\"}") << QStringLiteral("k.json: printer.link: must be");
        QTest::newRow("serial without port") << withPrinter("{\"link\":\"serial\"}") << QStringLiteral("k.json: printer.port: missing");
        QTest::newRow("baud not a number") << withPrinter("{\"link\":\"serial\",\"port\":\"/dev/ttyS0\",\"baud\":\"fast\"}")
                                           << QStringLiteral("k.json: printer.baud: must be a whole number");
        QTest::newRow("tcp port out of range") << withPrinter("{\"link\":\"tcp\",\"host\":\"h\",\"port\":70000}") << QStringLiteral("k.json: printer.port: must be a whole number from 1 to 65535");
        QTest::newRow("usb id not hex") << withPrinter("{\"link\":\"usb\",\"vendorId\":\"04x6\",\"productId\":\"5011\"}") << QStringLiteral("k.json: printer.vendorId: must be four hexadecimal digits");
        QTest::newRow("usb id as number") << withPrinter("{\"link\":\"usb\",\"vendorId\":1046,\"productId\":\"5011\"}") << QStringLiteral("k.json: printer.vendorId: must be a non-empty string");
        QTest::newRow("paper width") << withPrinter("{\"link\":\"file\",\"path\":\"/dev/usb/lp0\",\"paperWidthMm\":70}") << QStringLiteral("k.json: printer.paperWidthMm: must be 58 or 80");
        QTest::newRow("language") << withPrinter("null", ",\"language\":\"fr\"") << QStringLiteral("k.json: language: must be \"zh\" or \"en\"");
        QTest::newRow("idle too short") << withPrinter("null", ",\"idleSeconds\":1") << QStringLiteral("k.json: idleSeconds: must be a whole number from 5 to 3600");
        QTest::newRow("footer too long") << withPrinter("null", ",\"footer\":\"" + QString(41, QChar(0x53f7)).toUtf8() + "\"")
                                         << QStringLiteral("k.json: footer: at most 40 characters");
        QTest::newRow("no device") << QByteArray("{\"keyFile\":\"k\",\"server\":{\"requests\":\"tcp://a:1\",\"events\":\"tcp://a:2\",\"publicKeyFile\":\"s\"}}")
                                   << QStringLiteral("k.json: device: missing");
        QTest::newRow("server not an object") << QByteArray("{\"device\":\"k\",\"keyFile\":\"k\",\"server\":\"tcp://a:1\"}") << QStringLiteral("k.json: server: must be an object");
        QTest::newRow("endpoint not tcp") << QByteArray("{\"device\":\"k\",\"keyFile\":\"k\",\"server\":{\"requests\":\"ipc:///tmp/x\",\"events\":\"tcp://a:2\",\"publicKeyFile\":\"s\"}}")
                                          << QStringLiteral("k.json: server.requests: must be a tcp:// endpoint");
    }

    void mistakesNameTheKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const auto r = parseKioskConfig(json, QStringLiteral("k.json"), QStringLiteral("/"));
        QVERIFY(!r.config);
        QVERIFY2(r.error.startsWith(error), qPrintable(r.error));
    }

    void missingFile()
    {
        const auto r = hall::kiosk::loadKioskConfig(QStringLiteral("/nonexistent/kiosk.json"));
        QVERIFY(!r.config);
        QVERIFY2(r.error.startsWith(QStringLiteral("/nonexistent/kiosk.json: cannot read")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestKioskConfig)
#include "tst_kioskconfig.moc"
