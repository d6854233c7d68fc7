#include "counter/pad/padapp.h"

#include "bus/curvekeys.h"
#include "bus/terminalbus.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/pad/padcontroller.h"
#include "ui/screen.h"

#include <QDir>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
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
    return ui::loadScreen(*m_engine, QUrl(QStringLiteral("qrc:/Hall/Pad/Main.qml")),
                          {{QStringLiteral("pad"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))}}, QStringLiteral("pad"), error);
}

QQuickWindow *PadApp::window() const
{
    return ui::rootWindow(m_engine.get());
}

bool PadApp::grab(const QString &path, QString *error) const
{
    return ui::grabScreen(window(), path, error);
}

} // namespace hall::pad
