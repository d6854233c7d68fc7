#pragma once

#include "busserver.h"
#include "config/hallconfig.h"
#include "engine/engine.h"
#include "store/store.h"

#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace hall::server {

class SignService;

struct DaemonOptions {
    QString configPath;
    QString dbPath;
    QString serverKeyPath;
    QByteArray requestEndpoint = BusOptions{}.requestEndpoint;
    QByteArray eventEndpoint = BusOptions{}.eventEndpoint;
};

// The hall-server process: loads the configuration, opens the store, rebuilds the engine from
// it, serves the bus, and starts each business day on time.
class Daemon : public QObject, public HallHost
{
    Q_OBJECT
public:
    explicit Daemon(QObject *parent = nullptr);
    ~Daemon() override;

    // Returns the process exit code on failure (2: bad configuration or keys, 1: store or
    // sockets, 3: another hall-server holds the database), 0 when running.
    int start(const DaemonOptions &options);

    engine::Engine &engine() override { return *m_engine; }
    store::Store &store() override { return *m_store; }
    bool reloadConfig(QString *code, QString *message) override;
    void recoverFromStore() override;

private:
    void tick();
    void scheduleRollover();
    void prune();
    void startSigns(const config::SignsConfig &signs);

    DaemonOptions m_options;
    engine::SystemClock m_clock;
    int m_lockFd = -1;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<engine::Engine> m_engine;
    std::unique_ptr<BusServer> m_bus;
    std::unique_ptr<SignService> m_signs; // after m_bus: destroyed first, it reports to the bus
    QTimer m_rollover;
    QTimer m_prune;
};

// Holds an exclusive lock on "<db>.lock" for the life of the process: two writers on one
// journal would hand out the same ticket numbers. Returns the fd, or -1 with the reason.
int lockDatabase(const QString &dbPath, QString *error);

// Turns SIGTERM and SIGINT into a clean QCoreApplication::quit() through a self-pipe, the only
// async-signal-safe way to reach the event loop.
void installShutdownHandler();

} // namespace hall::server
