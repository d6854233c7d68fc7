// Qt Quick Tests of the kiosk screens, end to end: the real hall-server (tests/integration's
// fixture), the kiosk's own wiring (KioskApp without its window: the test hosts the screen), and
// the hall-fakeprinter process on 127.0.0.1 as its network printer, told to fail on demand.
#include "hallfixture.h"
#include "screenfiles.h"
#include "tests/drivers/printer/fakeprinterprocess.h"

#include "bus/hallstate.h"
#include "drivers/printer/printer.h"
#include "kiosk/kioskapp.h"
#include "kiosk/kioskcontroller.h"
#include "kiosk/translator.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QQmlContext>
#include <QQmlEngine>
#include <QtQuickTest>

#include <memory>

namespace {

// What the QML tests may ask of the world around the kiosk.
class TestHall : public ScreenFiles
{
    Q_OBJECT

public:
    TestHall()
        : ScreenFiles(QStringLiteral("kiosk"))
    {
    }

    bool setUp(QString *error)
    {
        if (!m_hall.ok() || !m_hall.addDevices({{QStringLiteral("kiosk-1"), QStringLiteral("kiosk")}, {QStringLiteral("admin-1"), QStringLiteral("admin")}})
            || !m_hall.start()) {
            *error = QStringLiteral("the hall did not start");
            return false;
        }
        m_admin = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("admin-1")), m_hall.serverPublicKey(), m_hall.requests());
        if (!m_printer.start({QStringLiteral("--tcp"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--out"), m_printerDir.path()}, error))
            return false;
        hall::kiosk::KioskConfig config;
        m_hall.fillTerminal(config, QStringLiteral("kiosk-1"));
        hall::drivers::TransportConfig printer;
        printer.kind = hall::drivers::TransportConfig::Kind::Tcp;
        printer.host = QStringLiteral("127.0.0.1");
        printer.tcpPort = m_printer.tcpPort();
        config.printer = printer;
        config.ticketSeconds = 30; // long enough that no page times out under a test's feet
        config.idleSeconds = 5;    // the shortest allowed: the language test waits for it
        config.footer = QStringLiteral("咨询电话 0531-12345678");
        // A network printer is fast enough for a raster logo: the tickets carry one.
        QImage logo(384, 96, QImage::Format_RGB32);
        logo.fill(Qt::white);
        QPainter(&logo).fillRect(0, 24, 384, 48, Qt::black);
        config.logoFile = m_printerDir.filePath(QStringLiteral("logo.png"));
        if (!logo.save(config.logoFile)) {
            *error = QStringLiteral("cannot write the test logo");
            return false;
        }
        m_kiosk = std::make_unique<hall::kiosk::KioskApp>(config);
        return m_kiosk->start(error);
    }

    hall::kiosk::KioskController *controller() const { return m_kiosk->controller(); }

    // Before the application goes: the kiosk's printer thread and both processes.
    void tearDown()
    {
        m_kiosk.reset();
        m_printer.stop();
        m_hall.stop();
    }

    Q_INVOKABLE QString screenshotPath(const QString &name) const
    {
        QDir().mkpath(QStringLiteral(HALL_SCREENSHOT_DIR));
        return QDir(QStringLiteral(HALL_SCREENSHOT_DIR)).filePath(QStringLiteral("kiosk-%1.png").arg(name));
    }

    Q_INVOKABLE bool exists(const QString &path) const { return QFileInfo(path).size() > 0; }
    Q_INVOKABLE void remove(const QString &path) const { QFile::remove(path); }

    // The label of the newest ticket in the server's own snapshot.
    Q_INVOKABLE QString lastIssuedLabel()
    {
        const QJsonObject reply = m_admin->call(QStringLiteral("snapshot"));
        const QJsonArray tickets = reply.value(QLatin1String("result")).toObject().value(QLatin1String("state")).toObject().value(QLatin1String("tickets")).toArray();
        qint64 newest = 0;
        QString label;
        for (const auto &v : tickets) {
            const QJsonObject t = v.toObject();
            if (t.value(QLatin1String("id")).toInteger() > newest) {
                newest = t.value(QLatin1String("id")).toInteger();
                label = t.value(QLatin1String("label")).toString();
            }
        }
        return label;
    }
    Q_INVOKABLE int ticketCount()
    {
        const QJsonObject reply = m_admin->call(QStringLiteral("snapshot"));
        return reply.value(QLatin1String("result")).toObject().value(QLatin1String("state")).toObject().value(QLatin1String("tickets")).toArray().size();
    }

    // The kiosk's printer status as the server keeps it ("" when never reported).
    Q_INVOKABLE QString reportedPrinterStatus()
    {
        const QJsonObject reply = m_admin->call(QStringLiteral("device.list"));
        for (const auto &v : reply.value(QLatin1String("result")).toObject().value(QLatin1String("devices")).toArray())
            if (v.toObject().value(QLatin1String("id")).toString() == QLatin1String("kiosk-1"))
                return v.toObject().value(QLatin1String("status")).toObject().value(QLatin1String("printer")).toString();
        return {};
    }

    // The decoded text of every job the fake printer received, oldest first.
    Q_INVOKABLE QStringList printedTickets() const
    {
        QStringList out;
        const QDir dir(m_printerDir.path());
        for (const QString &name : dir.entryList({QStringLiteral("ticket-*.txt")}, QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(name));
            if (f.open(QIODevice::ReadOnly))
                out << QString::fromUtf8(f.readAll());
        }
        return out;
    }

    Q_INVOKABLE void setPrinterState(const QString &state)
    {
        if (!m_printer.setState(state))
            qWarning().noquote() << "hall-fakeprinter did not take state" << state;
    }
    Q_INVOKABLE void checkPrinter() { m_kiosk->printer()->checkNow(); }
    Q_INVOKABLE void stopServer() { m_hall.stop(); }
    Q_INVOKABLE bool startServer() { return m_hall.start(); }

private:
    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    std::unique_ptr<hallfixture::Client> m_admin;
    QTemporaryDir m_printerDir;
    FakePrinterProcess m_printer;
    std::unique_ptr<hall::kiosk::KioskApp> m_kiosk;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/"));
        QString error;
        if (!m_hall.setUp(&error))
            qFatal("kiosk test setup: %s", qPrintable(error));
        auto *kiosk = m_hall.controller();
        m_translator = std::make_unique<hall::kiosk::ScreenTranslator>(*engine, QStringLiteral("kiosk"));
        m_translator->setLanguage(kiosk->language());
        connect(kiosk, &hall::kiosk::KioskController::languageChanged, this, [this, kiosk] { m_translator->setLanguage(kiosk->language()); });
        engine->rootContext()->setContextProperty(QStringLiteral("kioskController"), kiosk);
        engine->rootContext()->setContextProperty(QStringLiteral("testHall"), &m_hall);
    }

    void cleanupTestCase()
    {
        m_translator.reset();
        m_hall.tearDown();
    }

private:
    TestHall m_hall;
    std::unique_ptr<hall::kiosk::ScreenTranslator> m_translator;
};

} // namespace

QUICK_TEST_MAIN_WITH_SETUP(kiosk, Setup)

#include "tst_kiosk_qml.moc"
