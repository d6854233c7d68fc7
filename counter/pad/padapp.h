#pragma once

#include "counter/pad/padconfig.h"

#include <QObject>
#include <QString>

#include <zmq.hpp>

#include <memory>

class QQmlApplicationEngine;
class QQuickWindow;

namespace hall::bus {
class HallClient;
class HallState;
} // namespace hall::bus

namespace hall::pad {

class PadController;

// Everything a pad runs, built from its settings: the bus client, the state mirror, the
// controller and the QML window. hall-pad's main() and the tests use the same wiring.
class PadApp : public QObject
{
    Q_OBJECT

public:
    explicit PadApp(PadConfig config, QObject *parent = nullptr);
    ~PadApp() override;

    // The bus. False, with a sentence, when keys or settings are unusable; an unreachable server
    // is not an error: the screen says so and recovers.
    bool start(QString *error);
    // The window (Hall/Pad/Main.qml). False when the QML does not load.
    bool showWindow(QString *error);

    PadController *controller() const { return m_controller.get(); }
    bus::HallClient *client() const { return m_client.get(); }
    bus::HallState *state() const { return m_state.get(); }
    QQuickWindow *window() const;
    // A PNG of the window as it is now.
    bool grab(const QString &path, QString *error) const;

private:
    PadConfig m_config;
    zmq::context_t m_ctx{1};
    std::unique_ptr<bus::HallClient> m_client;
    std::unique_ptr<bus::HallState> m_state;
    std::unique_ptr<PadController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

} // namespace hall::pad
