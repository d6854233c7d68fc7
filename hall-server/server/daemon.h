#pragma once

#include "engine/engine.h"
#include "store/store.h"

#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace hall::server {

// The hall-server process: loads the configuration, opens the store, rebuilds the engine from
// it, and starts each business day on time. The bus (issue 3) plugs in here.
class Daemon : public QObject
{
    Q_OBJECT
public:
    explicit Daemon(QObject *parent = nullptr);
    ~Daemon() override;

    // Returns the process exit code on failure (2: bad configuration, 1: store), 0 when running.
    int start(const QString &configPath, const QString &dbPath);
    const engine::Engine *engine() const { return m_engine.get(); }

private:
    void tick();
    void scheduleRollover();
    void prune();

    engine::SystemClock m_clock;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<engine::Engine> m_engine;
    QTimer m_rollover;
    QTimer m_prune;
};

// Turns SIGTERM and SIGINT into a clean QCoreApplication::quit() through a self-pipe, the only
// async-signal-safe way to reach the event loop.
void installShutdownHandler();

} // namespace hall::server
