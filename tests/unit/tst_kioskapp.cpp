// KioskApp's start-up checks: what a technician gets wrong in a kiosk's files is refused with a
// sentence, before any visitor sees the screen.
#include "bus/curvekeys.h"
#include "kiosk/kioskapp.h"
#include "kiosk/kioskcontroller.h"

#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>

class TestKioskApp : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    hall::kiosk::KioskConfig config(const QString &logo = {})
    {
        hall::kiosk::KioskConfig c;
        c.deviceId = QStringLiteral("kiosk-1");
        c.keyFile = m_dir.filePath(QStringLiteral("kiosk.key"));
        c.serverKeyFile = m_dir.filePath(QStringLiteral("server.key.pub"));
        // Nothing listens there: starting must not need the server.
        c.requests = "tcp://127.0.0.1:9";
        c.events = "tcp://127.0.0.1:9";
        hall::drivers::TransportConfig printer;
        printer.kind = hall::drivers::TransportConfig::Kind::Tcp;
        printer.host = QStringLiteral("127.0.0.1");
        printer.tcpPort = 9;
        c.printer = printer;
        c.logoFile = logo;
        return c;
    }

    QString image(const QString &name, int width, int height)
    {
        QImage img(width, height, QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter(&img).fillRect(0, 0, width / 2, height / 2, Qt::black);
        const QString path = m_dir.filePath(name);
        img.save(path);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        const auto kiosk = hall::bus::generateKeyPair(&error);
        const auto server = hall::bus::generateKeyPair(&error);
        QVERIFY(kiosk && server);
        QVERIFY(hall::bus::writeKeyFile(m_dir.filePath(QStringLiteral("kiosk.key")), *kiosk, QStringLiteral("kiosk-1"), &error));
        QVERIFY(hall::bus::writeKeyFile(m_dir.filePath(QStringLiteral("server.key.pub")), {server->publicKey, {}}, QStringLiteral("server"), &error));
    }

    void startsWithoutTheServer()
    {
        hall::kiosk::KioskApp app(config(image(QStringLiteral("logo.png"), 576, 120)));
        QString error;
        QVERIFY2(app.start(&error), qPrintable(error));
        QVERIFY(app.controller());
        QCOMPARE(app.controller()->property("page").toString(), QStringLiteral("offline"));
    }

    void missingKey()
    {
        auto c = config();
        c.keyFile = m_dir.filePath(QStringLiteral("nope.key"));
        hall::kiosk::KioskApp app(c);
        QString error;
        QVERIFY(!app.start(&error));
        QVERIFY2(error.startsWith(QStringLiteral("the kiosk's key: ")), qPrintable(error));
    }

    void unreadableLogo()
    {
        QFile junk(m_dir.filePath(QStringLiteral("junk.png")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not an image");
        junk.close();
        hall::kiosk::KioskApp app(config(junk.fileName()));
        QString error;
        QVERIFY(!app.start(&error));
        QVERIFY2(error.contains(QStringLiteral("is not a readable image")), qPrintable(error));
    }

    void logoTooTall()
    {
        // 1152 wide is scaled to 576 dots, so 600 rows become 300: over the 240-dot limit.
        hall::kiosk::KioskApp app(config(image(QStringLiteral("tall.png"), 1152, 600)));
        QString error;
        QVERIFY(!app.start(&error));
        QVERIFY2(error.contains(QStringLiteral("would be 300 dots tall on the paper; at most 240")), qPrintable(error));
    }
};

QTEST_MAIN(TestKioskApp)
#include "tst_kioskapp.moc"
