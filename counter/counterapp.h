#pragma once

#include "counter/counterconfig.h"
#include "drivers/keypad/keypad.h"

#include <QObject>
#include <QString>

#include <zmq.hpp>

#include <functional>
#include <memory>

class QQmlApplicationEngine;
class QQuickWindow;

namespace hall::bus {
class HallClient;
class HallState;
} // namespace hall::bus

namespace hall::kiosk {
class ScreenTranslator;
}

namespace hall::counter {

class CounterController;
class KeypadBridge;

// Everything a counter runs, built from its configuration: the bus client and the state
// mirror, the controller, the hosted keypad with its own pad-key client, and the QML window with
// its translator. hall-counter's main() and the tests use the same wiring.
class CounterApp : public QObject
{
    Q_OBJECT

public:
    // Builds the keypad driver from the settings' keypad object (see keypadfactory.h).
    using KeypadFactory = std::function<std::unique_ptr<keypad::Keypad>(const QJsonObject &, QString *)>;

    explicit CounterApp(CounterConfig config, KeypadFactory keypadFactory = {}, QObject *parent = nullptr);
    ~CounterApp() override;

    // The bus and the keypad. False, with a sentence, when keys or settings are unusable; an
    // unreachable server or an unplugged keypad are not errors: the screen says so and recovers.
    bool start(QString *error);
    // The window (Hall/Counter/Main.qml). False when the QML does not load.
    bool showWindow(QString *error);

    CounterController *controller() const { return m_controller.get(); }
    bus::HallClient *client() const { return m_client.get(); }
    bus::HallState *state() const { return m_state.get(); }
    KeypadBridge *keypadBridge() const { return m_bridge.get(); }
    keypad::Keypad *keypad() const { return m_keypad.get(); }
    QQuickWindow *window() const;

private:
    CounterConfig m_config;
    KeypadFactory m_keypadFactory;
    zmq::context_t m_ctx{1};
    std::unique_ptr<bus::HallClient> m_client;
    std::unique_ptr<bus::HallState> m_state;
    std::unique_ptr<bus::HallClient> m_padClient;
    std::unique_ptr<keypad::Keypad> m_keypad;
    std::unique_ptr<KeypadBridge> m_bridge;
    std::unique_ptr<CounterController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    std::unique_ptr<kiosk::ScreenTranslator> m_translator;
};

} // namespace hall::counter
