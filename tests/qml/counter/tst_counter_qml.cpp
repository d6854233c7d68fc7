// Qt Quick Tests of the counter screen, end to end: the real hall-server (tests/integration's
// fixture) and the counter's own wiring (CounterApp without its window: the test hosts the
// screen). A kiosk key issues tickets, an admin key reads the server's own view, a pad key votes.
#include "hallfixture.h"
#include "screenfiles.h"

#include "bus/hallstate.h"
#include "counter/counterapp.h"
#include "counter/countercontroller.h"
#include "kiosk/translator.h"

#include <QDir>
#include <QFileInfo>
#include <QQmlContext>
#include <QQmlEngine>
#include <QtQuickTest>

#include <memory>

namespace {

class TestHall : public ScreenFiles
{
    Q_OBJECT

public:
    TestHall()
        : ScreenFiles(QStringLiteral("counter"))
    {
    }

    bool setUp(QString *error)
    {
        if (!m_hall.ok()
            || !m_hall.addDevices({{QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                                   {QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                                   {QStringLiteral("kiosk-1"), QStringLiteral("kiosk")},
                                   {QStringLiteral("admin-1"), QStringLiteral("admin")}})
            || !m_hall.start()) {
            *error = QStringLiteral("the hall did not start");
            return false;
        }
        m_admin = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("admin-1")), m_hall.serverPublicKey(), m_hall.requests());
        m_kiosk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("kiosk-1")), m_hall.serverPublicKey(), m_hall.requests());
        m_pad = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("pad-1")), m_hall.serverPublicKey(), m_hall.requests());
        hall::counter::CounterConfig config;
        m_hall.fillTerminal(config, QStringLiteral("counter-1"));
        config.messageSeconds = 60; // no message goes away under a test's feet
        m_counter = std::make_unique<hall::counter::CounterApp>(config);
        return m_counter->start(error);
    }

    hall::counter::CounterController *controller() const { return m_counter->controller(); }

    void tearDown()
    {
        m_counter.reset();
        m_hall.stop();
    }


    // A visitor takes a number at the kiosk; its label, or "" when refused.
    Q_INVOKABLE QString issue(const QString &service)
    {
        const QJsonObject reply = m_kiosk->call(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), service}});
        return hallfixture::result(reply).value(QLatin1String("ticket")).toObject().value(QLatin1String("label")).toString();
    }

    // The server's journal position: a refused action leaves it where it was.
    Q_INVOKABLE double seq()
    {
        return double(hallfixture::result(m_admin->call(QStringLiteral("hello"))).value(QLatin1String("seq")).toInteger());
    }

    // A ticket as the server holds it ({} when unknown): status, service, window, targetWindow, ...
    Q_INVOKABLE QVariantMap ticket(const QString &label)
    {
        for (const auto &v : state().value(QLatin1String("tickets")).toArray())
            if (v.toObject().value(QLatin1String("label")).toString() == label)
                return v.toObject().toVariantMap();
        return {};
    }

    // Window 1 as the server holds it: clerk, paused, current (ticket id), rating.
    Q_INVOKABLE QVariantMap window1()
    {
        for (const auto &v : state().value(QLatin1String("windows")).toArray())
            if (v.toObject().value(QLatin1String("number")).toInt() == 1)
                return v.toObject().toVariantMap();
        return {};
    }

    // Another terminal (the admin's) acts on window 1 behind the counter's back. Synchronous:
    // the counter's event loop does not run meanwhile, so its screen is stale until the test
    // waits.
    Q_INVOKABLE QString adminAct(const QString &op, const QVariantMap &args)
    {
        QJsonObject a = QJsonObject::fromVariantMap(args);
        a.insert(QStringLiteral("window"), 1);
        const QJsonObject reply = m_admin->call(op, a);
        return reply.value(QLatin1String("ok")).toBool() ? QStringLiteral("ok") : hallfixture::errorCode(reply);
    }

    // The window's pad votes; "ok" or the error code.
    Q_INVOKABLE QString rate(const QString &rating)
    {
        const QJsonObject reply = m_pad->call(QStringLiteral("rating.submit"), {{QStringLiteral("rating"), rating}});
        return reply.value(QLatin1String("ok")).toBool() ? QStringLiteral("ok") : hallfixture::errorCode(reply);
    }

    Q_INVOKABLE void stopServer() { m_hall.stop(); }
    Q_INVOKABLE bool startServer() { return m_hall.start(); }

private:
    QJsonObject state()
    {
        return hallfixture::result(m_admin->call(QStringLiteral("snapshot"))).value(QLatin1String("state")).toObject();
    }

    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    std::unique_ptr<hallfixture::Client> m_admin;
    std::unique_ptr<hallfixture::Client> m_kiosk;
    std::unique_ptr<hallfixture::Client> m_pad;
    std::unique_ptr<hall::counter::CounterApp> m_counter;
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
            qFatal("counter test setup: %s", qPrintable(error));
        auto *counter = m_hall.controller();
        m_translator = std::make_unique<hall::kiosk::ScreenTranslator>(*engine, QStringLiteral("counter"));
        m_translator->setLanguage(counter->language());
        engine->rootContext()->setContextProperty(QStringLiteral("counterController"), counter);
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

QUICK_TEST_MAIN_WITH_SETUP(counter, Setup)

#include "tst_counter_qml.moc"
