#include "daemon.h"

#include "config/hallconfig.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcServer, "hall.server.main")

namespace hall::server {

using namespace hall::engine;

namespace {
QString dayName(int day)
{
    return QString::fromStdString(businessDayDate(day));
}

int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &c, 1);
}
} // namespace

void installShutdownHandler()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
        qCWarning(lcServer) << "cannot create the signal socket pair; SIGTERM will not shut down cleanly";
        return;
    }
    auto *notifier = new QSocketNotifier(g_signalFd[1], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] {
        char c;
        [[maybe_unused]] const auto n = ::read(g_signalFd[1], &c, 1);
        qCInfo(lcServer) << "shutting down on signal";
        QCoreApplication::quit();
    });
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

Daemon::Daemon(QObject *parent)
    : QObject(parent)
{
    m_rollover.setSingleShot(true);
    connect(&m_rollover, &QTimer::timeout, this, [this] {
        tick();
        scheduleRollover();
    });
    connect(&m_prune, &QTimer::timeout, this, &Daemon::prune);
}

Daemon::~Daemon() = default;

int Daemon::start(const QString &configPath, const QString &dbPath)
{
    // The configuration is checked before the database is touched: a bad file changes nothing.
    const auto loaded = config::loadFile(configPath);
    if (!loaded.config) {
        qCCritical(lcServer).noquote() << loaded.error;
        return 2;
    }
    QString error;
    m_store = store::Store::open(dbPath, store::OpenOptions{}, &error);
    if (!m_store) {
        qCCritical(lcServer).noquote() << error;
        return 1;
    }
    if (!m_store->syncConfig(*loaded.config, &error)) {
        qCCritical(lcServer).noquote() << error;
        return 1;
    }
    m_engine = std::make_unique<Engine>(*loaded.config, m_clock);
    try {
        m_engine->restore(m_store->loadSnapshot(*loaded.config));
    } catch (const store::StoreFailure &f) {
        qCCritical(lcServer).noquote() << dbPath << ": cannot read the hall state:" << QString::fromStdString(f.message);
        return 1;
    }
    tick();
    scheduleRollover();
    // Hourly, and first just after start-up, so the scan never delays being ready.
    m_prune.start(3600 * 1000);
    QTimer::singleShot(0, this, &Daemon::prune);
    qCInfo(lcServer).noquote() << QStringLiteral("ready: hall %1, business day %2, %3 waiting, journal seq %4, epoch %5")
                                      .arg(QString::fromStdString(loaded.config->hallId))
                                      .arg(dayName(m_engine->today()))
                                      .arg(m_engine->waitingTotal())
                                      .arg(m_store->lastSeq())
                                      .arg(m_store->epoch());
    return 0;
}

void Daemon::prune()
{
    QString error;
    const qint64 n = m_store->pruneIdempotency(m_clock.now() - store::Store::kIdempotencyRetentionMs, &error);
    if (n < 0)
        qCWarning(lcServer).noquote() << error;
    else if (n > 0)
        qCInfo(lcServer) << "pruned" << n << "idempotency records older than a week";
}

void Daemon::tick()
{
    Outcome out = m_engine->tick();
    if (out.events.empty())
        return;
    QString error;
    if (!m_store->commit({store::CommitEntry{out.events, {}, {}, {}}}, nullptr, &error)) {
        // The journal is the truth: go back to it rather than run ahead of what is stored.
        qCCritical(lcServer).noquote() << error;
        try {
            m_engine->restore(m_store->loadSnapshot(m_engine->config()));
        } catch (const store::StoreFailure &f) {
            // Neither the write nor the read works: serving from memory would hand out numbers
            // the journal does not hold, so stop and let the supervisor restart us.
            qCCritical(lcServer).noquote() << "cannot reread the hall state, stopping:" << QString::fromStdString(f.message);
            QCoreApplication::exit(1);
        }
        return;
    }
    qCInfo(lcServer).noquote() << "business day" << dayName(m_engine->today()) << "started";
}

void Daemon::scheduleRollover()
{
    // Wake at the next day boundary (plus a second, so the clock is surely past it), but at least
    // once an hour in case the system clock jumps.
    const Millis now = m_clock.now();
    Millis next = now;
    const int today = m_engine->businessDay(now);
    Millis step = 3600 * 1000;
    while (step >= 1000) {
        while (m_engine->businessDay(next + step) == today)
            next += step;
        step /= 2;
    }
    const Millis wait = std::min<Millis>(next - now + 1000, 3600 * 1000);
    m_rollover.start(std::chrono::milliseconds(std::max<Millis>(wait, 1000)));
}

} // namespace hall::server
