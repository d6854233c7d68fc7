// The factory: which settings make which transport, and which are refused before any I/O.

#include "tests/drivers/transport/transporttest.h"

#include <QTest>

using hall::drivers::IoError;
using hall::drivers::makeTransport;
using hall::drivers::TransportConfig;

class TestTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void makesEachKind_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("description");
        QTest::newRow("serial") << int(TransportConfig::Kind::Serial) << QStringLiteral("serial /dev/ttyUSB0 9600 8N1");
        QTest::newRow("tcp") << int(TransportConfig::Kind::Tcp) << QStringLiteral("tcp 192.168.1.40:9100");
        QTest::newRow("usb") << int(TransportConfig::Kind::Usb) << QStringLiteral("usb 0416:5011");
        QTest::newRow("file") << int(TransportConfig::Kind::File) << QStringLiteral("file /dev/usb/lp0");
    }
    void makesEachKind()
    {
        QFETCH(int, kind);
        QFETCH(QString, description);
        TransportConfig config;
        config.kind = TransportConfig::Kind(kind);
        config.serialPort = QStringLiteral("/dev/ttyUSB0");
        config.host = QStringLiteral("192.168.1.40");
        config.vendorId = 0x0416;
        config.productId = 0x5011;
        config.path = QStringLiteral("/dev/usb/lp0");
        IoError error{IoError::Kind::Io, QStringLiteral("untouched")};
        const auto transport = makeTransport(config, &error);
        QVERIFY(transport);
        QCOMPARE(transport->describe(), description);
        QVERIFY(!transport->isOpen());
        QCOMPARE(transport->canRead(), config.kind != TransportConfig::Kind::File);
        QVERIFY(transport->bytesPerSecond() > 0);
    }

    void refusesIncompleteSettings_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("field");
        QTest::newRow("serial without port") << int(TransportConfig::Kind::Serial) << QStringLiteral("serialPort");
        QTest::newRow("serial baud 0") << int(TransportConfig::Kind::Serial) << QStringLiteral("baud");
        QTest::newRow("tcp without host") << int(TransportConfig::Kind::Tcp) << QStringLiteral("host");
        QTest::newRow("tcp port 0") << int(TransportConfig::Kind::Tcp) << QStringLiteral("tcpPort");
        QTest::newRow("usb without product") << int(TransportConfig::Kind::Usb) << QStringLiteral("productId");
        QTest::newRow("file without path") << int(TransportConfig::Kind::File) << QStringLiteral("path");
    }
    void refusesIncompleteSettings()
    {
        QFETCH(int, kind);
        QFETCH(QString, field);
        TransportConfig config;
        config.kind = TransportConfig::Kind(kind);
        config.serialPort = QStringLiteral("/dev/ttyUSB0");
        config.host = QStringLiteral("printer.local");
        config.vendorId = 0x0416;
        config.productId = 0x5011;
        config.path = QStringLiteral("/dev/usb/lp0");
        if (field == QLatin1String("serialPort"))
            config.serialPort.clear();
        else if (field == QLatin1String("baud"))
            config.baud = 0;
        else if (field == QLatin1String("host"))
            config.host.clear();
        else if (field == QLatin1String("tcpPort"))
            config.tcpPort = 0;
        else if (field == QLatin1String("productId"))
            config.productId = 0;
        else if (field == QLatin1String("path"))
            config.path.clear();
        IoError error;
        QVERIFY(!makeTransport(config, &error));
        QCOMPARE_KIND(error.kind, IoError::Kind::BadConfig);
        QVERIFY(error.message.endsWith(QLatin1Char('.')));
        QVERIFY(!makeTransport(config, nullptr)); // the error is optional
    }

    void kindsHaveNames()
    {
        QCOMPARE(hall::drivers::toString(IoError::Kind::Refused), QStringLiteral("connection refused"));
        QCOMPARE(hall::drivers::toString(IoError::Kind::PermissionDenied), QStringLiteral("permission denied"));
        QCOMPARE(hall::drivers::toString(IoError::Kind::Gone), QStringLiteral("gone"));
        // The printer service words a message-less error with these names too.
        QCOMPARE(hall::drivers::toString(IoError::Kind::Io), QStringLiteral("I/O error"));
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
