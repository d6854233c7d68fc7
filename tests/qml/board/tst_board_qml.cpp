// Qt Quick Tests of the call board, end to end: a real hall-server (tests/integration's fixture)
// with the example hall, the board's own wiring (BoardApp without its window: the test hosts the
// screen), the manager board's (BoardApp in manager mode, with manager-1's key), and the kiosk,
// the counters (as an admin) and window 5's pad played by plain bus clients.
#include "hallfixture.h"
#include "screenfiles.h"

#include "board/boardapp.h"
#include "board/boardcontroller.h"
#include "board/manager/managerboard.h"

#include <QDateTime>
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
    Q_PROPERTY(int announced READ announced NOTIFY announcedChanged)

public:
    TestHall()
        : ScreenFiles(QStringLiteral("board"))
    {
    }

    // Every QML file gets its own engine, and its own call here: the hall is set up once.
    bool setUp(QString *error)
    {
        if (m_board)
            return true;
        if (!m_hall.ok()
            || !m_hall.addDevices({{QStringLiteral("board-1"), QStringLiteral("board")},
                                   {QStringLiteral("manager-1"), QStringLiteral("manager")},
                                   {QStringLiteral("pad-5"), QStringLiteral("pad"), 5},
                                   {QStringLiteral("kiosk-1"), QStringLiteral("kiosk")},
                                   {QStringLiteral("admin-1"), QStringLiteral("admin")}})
            || !m_hall.start()) {
            *error = QStringLiteral("the hall did not start");
            return false;
        }
        m_kiosk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("kiosk-1")), m_hall.serverPublicKey(), m_hall.requests());
        m_admin = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("admin-1")), m_hall.serverPublicKey(), m_hall.requests());
        m_pad = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("pad-5")), m_hall.serverPublicKey(), m_hall.requests());
        hall::board::BoardConfig config;
        m_hall.fillTerminal(config, QStringLiteral("board-1"));
        config.slogans = hall::board::BoardConfig::defaultSlogans();
        config.idleAfterSeconds = 10;
        config.voice.enabled = false; // tst_board_voice speaks; here the announce() signal is watched
        m_board = std::make_unique<hall::board::BoardApp>(config, hall::board::BoardApp::Mode::Calls);
        if (!m_board->start(error))
            return false;
        hall::board::BoardConfig managerConfig = config;
        m_hall.fillTerminal(managerConfig, QStringLiteral("manager-1"));
        managerConfig.manager.idleGraceSeconds = 2;
        managerConfig.manager.waitNormByService[QStringLiteral("ACCIDENT")] = 60;
        m_managerApp = std::make_unique<hall::board::BoardApp>(managerConfig, hall::board::BoardApp::Mode::Manager);
        if (!m_managerApp->start(error))
            return false;
        connect(m_board->controller(), &hall::board::BoardController::announce, this, [this](const QString &label, int window, bool recall) {
            m_announcements << QStringLiteral("%1@%2%3").arg(label).arg(window).arg(recall ? QStringLiteral(" recall") : QString());
            Q_EMIT announcedChanged();
        });
        return true;
    }

    hall::board::BoardController *controller() const { return m_board->controller(); }
    hall::board::BoardController *managerHeader() const { return m_managerApp->controller(); }
    hall::board::ManagerBoard *manager() const { return m_managerApp->manager(); }

    void tearDown()
    {
        m_managerApp.reset();
        m_board.reset();
        m_hall.stop();
    }

    int announced() const { return int(m_announcements.size()); }
    // "A001@5" or "A001@5 recall", oldest first.
    Q_INVOKABLE QStringList announcements() const { return m_announcements; }


    // Each returns "" on success or the server's error code.
    Q_INVOKABLE QString signIn(int window, const QString &badge)
    {
        return hallfixture::replyCode(m_admin->call(QStringLiteral("clerk.signIn"),
                                  {{QStringLiteral("window"), window}, {QStringLiteral("badge"), badge}, {QStringLiteral("pin"), hallfixture::kPin}}));
    }
    Q_INVOKABLE QString issue(const QString &service) { return hallfixture::replyCode(m_kiosk->call(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), service}})); }
    Q_INVOKABLE QString windowOp(const QString &op, int window) { return hallfixture::replyCode(m_admin->call(op, {{QStringLiteral("window"), window}})); }

    // The visitor at window 5 presses a rating on the pad: "" or the error code.
    Q_INVOKABLE QString rate(const QString &rating) { return hallfixture::replyCode(m_pad->call(QStringLiteral("rating.submit"), {{QStringLiteral("rating"), rating}})); }
    // kiosk-1 reports its printer's state, as hall-kiosk does.
    Q_INVOKABLE QString kioskPrinter(const QString &printer)
    {
        return hallfixture::replyCode(m_kiosk->call(QStringLiteral("device.status"),
                                  {{QStringLiteral("status"), QJsonObject{{QStringLiteral("printer"), printer}, {QStringLiteral("detail"), QStringLiteral("test")}}}}));
    }
    // The manager board's clock runs this many minutes ahead of the server's: waits grow long
    // without the test waiting for them.
    Q_INVOKABLE void skipAhead(int minutes)
    {
        hall::bus::HallState *state = m_managerApp->state();
        const qint64 ahead = qint64(minutes) * 60'000;
        m_managerApp->manager()->setNowFunction([state, ahead]() { return QDateTime::currentMSecsSinceEpoch() + state->serverTimeOffsetMs() + ahead; });
        m_managerApp->manager()->refresh();
    }

    Q_INVOKABLE void stopServer() { m_hall.stop(); }
    Q_INVOKABLE bool startServer()
    {
        const bool ok = m_hall.start();
        m_kiosk->reset();
        m_admin->reset();
        m_pad->reset();
        return ok;
    }

Q_SIGNALS:
    void announcedChanged();

private:
    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    std::unique_ptr<hallfixture::Client> m_kiosk;
    std::unique_ptr<hallfixture::Client> m_admin;
    std::unique_ptr<hallfixture::Client> m_pad;
    std::unique_ptr<hall::board::BoardApp> m_board;
    std::unique_ptr<hall::board::BoardApp> m_managerApp;
    QStringList m_announcements;
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
            qFatal("board test setup: %s", qPrintable(error));
        engine->rootContext()->setContextProperty(QStringLiteral("boardController"), m_hall.controller());
        engine->rootContext()->setContextProperty(QStringLiteral("managerHeader"), m_hall.managerHeader());
        engine->rootContext()->setContextProperty(QStringLiteral("managerBoard"), m_hall.manager());
        engine->rootContext()->setContextProperty(QStringLiteral("testHall"), &m_hall);
    }

    void cleanupTestCase() { m_hall.tearDown(); }

private:
    TestHall m_hall;
};

} // namespace

QUICK_TEST_MAIN_WITH_SETUP(board, Setup)

#include "tst_board_qml.moc"
