#include "counter/counterapp.h"

#include "bus/curvekeys.h"
#include "bus/terminalbus.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/countercontroller.h"
#include "counter/keypadbridge.h"
#include "kiosk/translator.h"
#include "ui/screen.h"

#include <QQmlApplicationEngine>
#include <QQmlEngineExtensionPlugin>
#include <QQuickWindow>

// The QML modules are static plugins linked into this library's users.
Q_IMPORT_QML_PLUGIN(Hall_ControlsPlugin)
Q_IMPORT_QML_PLUGIN(Hall_CounterPlugin)

namespace hall::counter {

CounterApp::CounterApp(CounterConfig config, KeypadFactory keypadFactory, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_keypadFactory(std::move(keypadFactory))
{
}

CounterApp::~CounterApp()
{
    // The window goes first: its bindings read the controller; the bridge before its keypad.
    m_engine.reset();
    m_controller.reset();
    m_bridge.reset();
    if (m_keypad)
        m_keypad->stop();
    m_keypad.reset();
    m_padClient.reset();
    m_state.reset();
    m_client.reset();
}

bool CounterApp::start(QString *error)
{
    bus::KeyPair own;
    QByteArray serverKey;
    if (!bus::connectTerminal(m_ctx, m_config, QStringLiteral("the counter's"), &m_client, &m_state, error, &own, &serverKey))
        return false;
    m_controller = std::make_unique<CounterController>(m_config, *m_client, *m_state);
    QString why;

    if (m_config.keypad) {
        const auto padKey = bus::readKeyFile(m_config.keypad->padKeyFile, &why);
        if (!padKey) {
            *error = QStringLiteral("the keypad's pad key: %1").arg(why);
            return false;
        }
        if (padKey->publicKey == own.publicKey) {
            *error = QStringLiteral("keypad.padKey is the counter's own key; the keypad needs the window's pad key");
            return false;
        }
        if (!m_keypadFactory) {
            *error = QStringLiteral("the settings name a keypad, but this hall-counter was built without keypad drivers");
            return false;
        }
        m_keypad = m_keypadFactory(m_config.keypad->driver, &why);
        if (!m_keypad) {
            *error = QStringLiteral("the keypad: %1").arg(why);
            return false;
        }
        m_padClient = std::make_unique<bus::HallClient>(m_ctx);
        m_padClient->setServer(m_config.requests, *padKey, serverKey);
        m_padClient->setRetryPolicy(1500, 3);
        if (!m_padClient->start(&why)) {
            *error = QStringLiteral("the keypad's bus client: %1").arg(why);
            return false;
        }
        m_bridge = std::make_unique<KeypadBridge>(*m_keypad, *m_padClient, *m_state, m_config.deviceId, m_config.keypad->keyMap);
        if (!m_bridge->start(&why)) {
            *error = QStringLiteral("the keypad: %1").arg(why);
            return false;
        }
        m_controller->setKeypad(m_bridge.get());
    }
    return true;
}

bool CounterApp::showWindow(QString *error)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_translator = std::make_unique<kiosk::ScreenTranslator>(*m_engine, QStringLiteral("counter"));
    m_translator->setLanguage(m_controller->language());
    connect(m_controller.get(), &CounterController::languageChanged, m_translator.get(), [this] { m_translator->setLanguage(m_controller->language()); });
    return ui::loadScreen(*m_engine, QUrl(QStringLiteral("qrc:/Hall/Counter/Main.qml")),
                          {{QStringLiteral("counter"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))}}, QStringLiteral("counter"), error);
}

QQuickWindow *CounterApp::window() const
{
    return ui::rootWindow(m_engine.get());
}

} // namespace hall::counter
