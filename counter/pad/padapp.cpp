#include "counter/pad/padapp.h"

#include "bus/curvekeys.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/pad/padcontroller.h"

#include <QDir>
#include <QImage>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QSaveFile>
#include <QQmlEngineExtensionPlugin>
#include <QQuickWindow>

// The QML modules are static plugins linked into this library's users.
Q_IMPORT_QML_PLUGIN(Hall_ControlsPlugin)
Q_IMPORT_QML_PLUGIN(Hall_PadPlugin)

Q_LOGGING_CATEGORY(lcPadApp, "hall.pad.app")

namespace hall::pad {

PadApp::PadApp(PadConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
}

PadApp::~PadApp()
{
    // The window goes first: its bindings read the controller.
    m_engine.reset();
    m_controller.reset();
    m_state.reset();
    m_client.reset();
}

bool PadApp::start(QString *error)
{
    QString why;
    const auto own = bus::readKeyFile(m_config.keyFile, &why);
    if (!own) {
        *error = QStringLiteral("the pad's key: %1").arg(why);
        return false;
    }
    const auto server = bus::readKeyFile(m_config.serverKeyFile, &why);
    if (!server) {
        *error = QStringLiteral("the server's public key: %1").arg(why);
        return false;
    }
    if (!m_config.photoDir.isEmpty() && !QDir(m_config.photoDir).exists())
        qCWarning(lcPadApp).noquote() << "photo directory" << m_config.photoDir << "does not exist; clerks are shown by their initials";
    m_client = std::make_unique<bus::HallClient>(m_ctx);
    m_client->setServer(m_config.requests, *own, server->publicKey);
    // A visitor who pressed waits at most about 4.5 s to hear whether the vote counted.
    m_client->setRetryPolicy(1500, 3);
    m_state = std::make_unique<bus::HallState>(m_ctx, *m_client);
    m_state->setEventEndpoint(m_config.events, *own, server->publicKey);
    if (!m_client->start(&why) || !m_state->start(&why)) {
        *error = QStringLiteral("the hall bus: %1").arg(why);
        return false;
    }
    m_controller = std::make_unique<PadController>(m_config, *m_client, *m_state);
    return true;
}

bool PadApp::showWindow(QString *error)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    m_engine->setInitialProperties({{QStringLiteral("pad"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))}});
    QStringList warnings;
    // Only while loading: the list lives on this stack frame.
    const auto collect = connect(m_engine.get(), &QQmlEngine::warnings, this, [&warnings](const QList<QQmlError> &list) {
        for (const auto &w : list)
            warnings << w.toString();
    });
    m_engine->load(QUrl(QStringLiteral("qrc:/Hall/Pad/Main.qml")));
    disconnect(collect);
    if (!window()) {
        *error = QStringLiteral("the pad screen did not load: %1").arg(warnings.join(QStringLiteral("; ")));
        return false;
    }
    return true;
}

QQuickWindow *PadApp::window() const
{
    if (!m_engine || m_engine->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
}

bool PadApp::grab(const QString &path, QString *error) const
{
    QQuickWindow *w = window();
    if (!w) {
        *error = QStringLiteral("no window to grab");
        return false;
    }
    const QImage image = w->grabWindow();
    // Written whole or not at all: whoever waits for the file (the demo) may read it at once.
    QSaveFile file(path);
    if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        *error = QStringLiteral("cannot write the screenshot %1").arg(path);
        return false;
    }
    return true;
}

} // namespace hall::pad
