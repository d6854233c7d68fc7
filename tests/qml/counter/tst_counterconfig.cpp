// The counter's settings file is read strictly: what a counter would silently misread is refused
// with the key named.
#include "counter/counterconfig.h"
#include "counter/keypadfactory.h"
#include "drivers/keypad/rs485/rs485keypad.h"
#include "drivers/keypad/usb/usbhidkeypad.h"

#include <QtTest>

using hall::counter::parseCounterConfig;

class TestCounterConfig : public QObject
{
    Q_OBJECT

private:
    static QByteArray with(const QString &extra)
    {
        static const char *base = R"({"device": "counter-3", "keyFile": "k/counter-3.key",
            "server": {"requests": "tcp://10.0.0.2:5570", "events": "tcp://10.0.0.2:5571", "publicKeyFile": "server.key.pub"}%1})";
        return QString::fromUtf8(base).arg(extra).toUtf8();
    }

private Q_SLOTS:
    void theExampleFileLoads()
    {
        const auto r = hall::counter::loadCounterConfig(QStringLiteral(HALL_EXAMPLE_COUNTER_CONFIG));
        QVERIFY2(r.config, qPrintable(r.error));
        QCOMPARE(r.config->deviceId, QStringLiteral("counter-1"));
        QVERIFY(r.config->keypad);
        QVERIFY(r.config->keypad->padKeyFile.endsWith(QLatin1String("config/pad-1.key")));
        // The driver gets its own keys only.
        QVERIFY(!r.config->keypad->driver.contains(QLatin1String("padKey")));
        QVERIFY(!r.config->keypad->driver.contains(QLatin1String("keyMap")));
        QCOMPARE(r.config->keypad->driver.value(QLatin1String("driver")).toString(), QStringLiteral("usb"));
        QCOMPARE(r.config->keypad->keyMap.value(QLatin1String("2")).toString(), QStringLiteral("unsatisfied"));
    }

    void minimalWithDefaults()
    {
        const auto r = parseCounterConfig(with({}), QStringLiteral("c.json"), QStringLiteral("/etc/hall"));
        QVERIFY2(r.config, qPrintable(r.error));
        QCOMPARE(r.config->keyFile, QStringLiteral("/etc/hall/k/counter-3.key"));
        QCOMPARE(r.config->serverKeyFile, QStringLiteral("/etc/hall/server.key.pub"));
        QCOMPARE(r.config->requests, QByteArray("tcp://10.0.0.2:5570"));
        QCOMPARE(r.config->language, QStringLiteral("zh"));
        QCOMPARE(r.config->messageSeconds, 10);
        QVERIFY(!r.config->keypad);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown key") << R"(, "keypd": {})" << "c.json: keypd: unknown key";
        QTest::newRow("language") << R"(, "language": "fr")" << "c.json: language: must be \"zh\" or \"en\"";
        QTest::newRow("messageSeconds") << R"(, "messageSeconds": 0.5)" << "c.json: messageSeconds: must be a whole number from 2 to 600";
        QTest::newRow("keypad not an object") << R"(, "keypad": "usb")" << "c.json: keypad: must be an object (or null for a counter without a keypad)";
        QTest::newRow("keypad without pad key") << R"(, "keypad": {"driver": "usb"})" << "c.json: keypad.padKey: missing";
        QTest::newRow("keypad without driver") << R"(, "keypad": {"padKey": "p.key"})" << "c.json: keypad: names no keypad driver settings";
        QTest::newRow("key map value") << R"(, "keypad": {"padKey": "p.key", "driver": "usb", "keyMap": {"1": "happy"}})"
                                       << "c.json: keypad.keyMap.1: must be a rating (satisfied, unsatisfied, very_satisfied, basically_satisfied, very_unsatisfied)";
        QTest::newRow("key map key") << R"(, "keypad": {"padKey": "p.key", "driver": "usb", "keyMap": {"17": "satisfied"}})"
                                     << "c.json: keypad.keyMap.17: must be a key number from 1 to 16";
    }

    void refusals()
    {
        QFETCH(QString, extra);
        QFETCH(QString, error);
        const auto r = parseCounterConfig(with(extra), QStringLiteral("c.json"), QStringLiteral("/etc/hall"));
        QVERIFY(!r.config);
        QCOMPARE(r.error, error);
    }

    void endpointsMustBeTcp()
    {
        const auto r = parseCounterConfig(R"({"device": "c", "keyFile": "k", "server": {"requests": "ipc:///x", "events": "tcp://a:1", "publicKeyFile": "s"}})",
                                          QStringLiteral("c.json"), QStringLiteral("/"));
        QCOMPARE(r.error, QStringLiteral("c.json: server.requests: must be a tcp:// endpoint"));
    }

    // The keypad settings pick the driver; each driver's reader checks its own keys.
    void keypadFactoryPicksTheDriver()
    {
        QString error;
        auto rs485 = hall::counter::makeKeypad({{"driver", "rs485"}, {"port", "/dev/ttyUSB0"}, {"baud", 9600}, {"address", 3}}, &error);
        QVERIFY2(rs485, qPrintable(error));
        auto *r = qobject_cast<hall::keypad::Rs485Keypad *>(rs485.get());
        QVERIFY(r);
        QCOMPARE(r->config().addresses, QList<int>{3});
        auto usb = hall::counter::makeKeypad({{"driver", "usb"}, {"vendorId", "1a2c"}, {"productId", "2124"}}, &error);
        QVERIFY2(usb, qPrintable(error));
        QVERIFY(qobject_cast<hall::keypad::UsbHidKeypad *>(usb.get()));

        error.clear();
        QVERIFY(!hall::counter::makeKeypad({{"driver", "bluetooth"}}, &error));
        QCOMPARE(error, QStringLiteral("keypad.driver: must be \"rs485\" or \"usb\", got \"bluetooth\""));
        error.clear();
        QVERIFY(!hall::counter::makeKeypad({{"driver", "rs485"}, {"port", "/dev/ttyUSB0"}, {"address", 300}}, &error));
        QVERIFY2(error.startsWith(QLatin1String("keypad: ")) && error.contains(QLatin1String("address")), qPrintable(error));
        error.clear();
        QVERIFY(!hall::counter::makeKeypad({{"driver", "usb"}, {"vendorId", "xyz"}, {"productId", "2124"}}, &error));
        QVERIFY2(error.startsWith(QLatin1String("keypad: ")) && error.contains(QLatin1String("vendorId")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestCounterConfig)

#include "tst_counterconfig.moc"
