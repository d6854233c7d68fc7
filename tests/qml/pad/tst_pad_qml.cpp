// Qt Quick Tests of the evaluation pad, end to end: the real hall-server (tests/integration's
// fixture) with tests/qml/pad/pad-hall.json, the pad's own wiring (PadApp without its window:
// the test hosts the screen), and the hall's other devices played by plain bus clients: the
// counter of window 1 signs in, calls and finishes, a kiosk issues, an admin reads the results.
#include "hallfixture.h"
#include "screenfiles.h"

#include "counter/pad/padapp.h"
#include "counter/pad/padcontroller.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
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
        : ScreenFiles(QStringLiteral("pad"))
    {
    }

    bool setUp(QString *error)
    {
        if (!m_hall.ok()
            || !m_hall.addDevices({{QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                                   {QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                                   {QStringLiteral("kiosk-1"), QStringLiteral("kiosk")},
                                   {QStringLiteral("admin-1"), QStringLiteral("admin")}})
            || !m_hall.start()) {
            *error = QStringLiteral("the hall did not start");
            return false;
        }
        const QByteArray server = m_hall.serverPublicKey();
        m_counter = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("counter-1")), server, m_hall.requests());
        m_kiosk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("kiosk-1")), server, m_hall.requests());
        m_admin = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("admin-1")), server, m_hall.requests());
        // The pad's key on a second connection: "pressing again" straight at the server.
        m_padWire = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("pad-1")), server, m_hall.requests());

        // A photo for c01 only; c02's configured photo is missing on disk, c03 has none.
        QImage photo(300, 400, QImage::Format_RGB32);
        photo.fill(QColor(0x3b, 0x7d, 0xd8));
        {
            QPainter p(&photo);
            p.setPen(Qt::white);
            QFont f(QStringLiteral("WenQuanYi Micro Hei"));
            f.setPixelSize(44);
            p.setFont(f);
            p.drawText(photo.rect(), Qt::AlignCenter, QStringLiteral("测试照片\nTEST PHOTO\nc01"));
        }
        if (!photo.save(m_photos.filePath(QStringLiteral("c01.png")))) {
            *error = QStringLiteral("cannot write the test photo");
            return false;
        }
        hall::pad::PadConfig config;
        m_hall.fillTerminal(config, QStringLiteral("pad-1"));
        config.photoDir = m_photos.path();
        config.thanksSeconds = 3;
        config.reasonSeconds = 5;
        m_pad = std::make_unique<hall::pad::PadApp>(config);
        return m_pad->start(error);
    }

    hall::pad::PadController *controller() const { return m_pad->controller(); }

    void tearDown()
    {
        m_pad.reset();
        m_hall.stop();
    }


    // The counter of window 1. Each returns "" on success or the server's error code.
    Q_INVOKABLE QString signIn(const QString &badge)
    {
        return hallfixture::replyCode(m_counter->call(QStringLiteral("clerk.signIn"), {{QStringLiteral("badge"), badge}, {QStringLiteral("pin"), hallfixture::kPin}}));
    }
    Q_INVOKABLE QString signOut() { return hallfixture::replyCode(m_counter->call(QStringLiteral("clerk.signOut"))); }
    Q_INVOKABLE QString pause() { return hallfixture::replyCode(m_counter->call(QStringLiteral("window.pause"))); }
    Q_INVOKABLE QString resume() { return hallfixture::replyCode(m_counter->call(QStringLiteral("window.resume"))); }
    // A visitor takes a number, is called to window 1, served and finished: their rating slot opens.
    Q_INVOKABLE QString serveOne()
    {
        QString c = hallfixture::replyCode(m_kiosk->call(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), QStringLiteral("NEW")}}));
        if (c.isEmpty())
            c = hallfixture::replyCode(m_counter->call(QStringLiteral("window.callNext")));
        if (c.isEmpty())
            c = hallfixture::replyCode(m_counter->call(QStringLiteral("window.finish")));
        return c;
    }

    // The pad's own key, straight at the server: "" when taken, else the error code.
    Q_INVOKABLE QString submitAsPad(const QString &rating)
    {
        return hallfixture::replyCode(m_padWire->call(QStringLiteral("rating.submit"), {{QStringLiteral("rating"), rating}}));
    }

    // This week's votes for a clerk as the server counts them; -1 when it would not say.
    Q_INVOKABLE int weekVotes(const QString &clerk)
    {
        const QJsonObject reply = m_admin->call(QStringLiteral("ratings.clerk"), {{QStringLiteral("clerk"), clerk}});
        if (!reply.value(QLatin1String("ok")).toBool())
            return -1;
        return hallfixture::result(reply).value(QLatin1String("week")).toObject().value(QLatin1String("ratings")).toInt();
    }

    // The newest follow-up (an unsatisfied vote opens one): {rating, tags, clerk}; {} when none.
    Q_INVOKABLE QVariantMap lastFollowUp()
    {
        const QJsonObject reply = m_admin->call(QStringLiteral("followup.list"), {{QStringLiteral("status"), QStringLiteral("all")}});
        const QJsonArray list = hallfixture::result(reply).value(QLatin1String("followUps")).toArray();
        return list.isEmpty() ? QVariantMap() : list.last().toObject().toVariantMap();
    }

    // Rewrites the hall's rating scale and has the server reload it; "" or the error code.
    Q_INVOKABLE QString setScale(const QString &scale)
    {
        QFile f(m_hall.configPath());
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read the hall config");
        QJsonObject cfg = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QJsonObject ratings = cfg.value(QLatin1String("ratings")).toObject();
        ratings.insert(QLatin1String("scale"), scale);
        cfg.insert(QLatin1String("ratings"), ratings);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(QJsonDocument(cfg).toJson()) <= 0)
            return QStringLiteral("cannot write the hall config");
        f.close();
        return hallfixture::replyCode(m_admin->call(QStringLiteral("config.reload")));
    }

    Q_INVOKABLE void stopServer() { m_hall.stop(); }
    Q_INVOKABLE bool startServer()
    {
        const bool ok = m_hall.start();
        // The plain clients' connections died with the server: new ones.
        m_counter->reset();
        m_kiosk->reset();
        m_admin->reset();
        m_padWire->reset();
        return ok;
    }

private:
    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    QTemporaryDir m_photos;
    std::unique_ptr<hallfixture::Client> m_counter;
    std::unique_ptr<hallfixture::Client> m_kiosk;
    std::unique_ptr<hallfixture::Client> m_admin;
    std::unique_ptr<hallfixture::Client> m_padWire;
    std::unique_ptr<hall::pad::PadApp> m_pad;
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
            qFatal("pad test setup: %s", qPrintable(error));
        engine->rootContext()->setContextProperty(QStringLiteral("padController"), m_hall.controller());
        engine->rootContext()->setContextProperty(QStringLiteral("testHall"), &m_hall);
    }

    void cleanupTestCase() { m_hall.tearDown(); }

private:
    TestHall m_hall;
};

} // namespace

QUICK_TEST_MAIN_WITH_SETUP(pad, Setup)

#include "tst_pad_qml.moc"
