#pragma once

// hall-server's side of the LED window signs (docs/configuration.md, "signs"; the protocol in
// docs/hardware.md, "LED window signs"). After each commit it works out what every window's
// sign should show from the engine's state, and queues what changed on the sign bus; a call or
// recall is always sent again, so the sign flashes anew. Queuing never waits: the bus answers
// a terminal before this runs, and the sign bus sends from its own thread. How each sign is
// doing comes out of statusChanged, which the daemon publishes as a device_status.

#include "config/hallconfig.h"
#include "drivers/sign/signbus.h"
#include "engine/engine.h"

#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcSigns) // "hall.server.signs"

namespace hall::server {

class SignService : public QObject
{
    Q_OBJECT
public:
    // engine: the current engine (the daemon replaces it on a configuration reload).
    using EngineAccess = std::function<const engine::Engine &()>;

    SignService(config::SignsConfig config, EngineAccess engine, QObject *parent = nullptr);
    ~SignService() override;

    // Opens the sign bus and sends every sign its text, brightness and the time. Never fails the
    // server: a port that cannot be opened is reported (every sign offline) and tried again.
    void start();
    void onCommitted(const std::vector<engine::Event> &events);

    struct Wanted {
        QString text;
        sign::Effect effect = sign::Effect::Static;
        bool operator==(const Wanted &) const = default;
    };
    // What window's sign should show now.
    Wanted wanted(int window) const;
    const config::SignsConfig &config() const { return m_config; }
    static QString expand(const QString &pattern, const QString &ticket, int window, const QString &name);

Q_SIGNALS:
    // code "ok" | "offline" | "error".
    void statusChanged(int window, const QString &code, const QString &detail);

private:
    void openBus();
    void refresh(int window, bool force);
    void syncClocks();

    config::SignsConfig m_config;
    EngineAccess m_engine;
    std::unique_ptr<sign::SignBus> m_bus;
    std::map<int, int> m_windowByAddress;
    std::map<int, Wanted> m_sent; // by window: the last text queued
    QTimer m_clockTimer;
    QTimer m_retryOpen;
};

} // namespace hall::server
