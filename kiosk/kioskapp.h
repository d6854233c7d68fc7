#pragma once

#include "kiosk/kioskconfig.h"

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

namespace hall::printer {
class Printer;
}

namespace hall::kiosk {

class KioskController;
class ScreenTranslator;

// Everything a kiosk runs, built from its configuration: the bus client and the state mirror,
// the printer on its worker thread, the controller, and the QML window with its translator.
// hall-kiosk's main() and the tests use the same wiring.
class KioskApp : public QObject
{
    Q_OBJECT

public:
    explicit KioskApp(KioskConfig config, QObject *parent = nullptr);
    ~KioskApp() override;

    // The bus and the printer. False, with a sentence, when keys or settings are unusable; an
    // unreachable server or a printer in fault are not errors: the screens say so and recover.
    bool start(QString *error);
    // The window (Hall/Kiosk/Main.qml). False when the QML does not load.
    bool showWindow(QString *error);

    KioskController *controller() const { return m_controller.get(); }
    bus::HallClient *client() const { return m_client.get(); }
    bus::HallState *state() const { return m_state.get(); }
    printer::Printer *printer() const { return m_printer.get(); }
    QQuickWindow *window() const;
    // A PNG of the window as it is now.
    bool grab(const QString &path, QString *error) const;

private:
    KioskConfig m_config;
    zmq::context_t m_ctx{1};
    std::unique_ptr<bus::HallClient> m_client;
    std::unique_ptr<bus::HallState> m_state;
    std::unique_ptr<printer::Printer> m_printer;
    std::unique_ptr<KioskController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    std::unique_ptr<ScreenTranslator> m_translator;
};

} // namespace hall::kiosk
