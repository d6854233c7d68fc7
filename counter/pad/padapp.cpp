#include "counter/pad/padapp.h"

#include "bus/curvekeys.h"
#include "bus/terminalbus.h"
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
    if (!m_config.photoDir.isEmpty() && !QDir(m_config.photoDir).exists())
        qCWarning(lcPadApp).noquote() << "photo directory" << m_config.photoDir << "does not exist; clerks are shown by their initials";
    if (!bus::connectTerminal(m_ctx, m_config, QStringLiteral("the pad's"), &m_client, &m_state, error))
        return false;
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
