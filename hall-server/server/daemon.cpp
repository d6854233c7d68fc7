#include "daemon.h"

#include "config/hallconfig.h"
#include "signs/signservice.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
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

Daemon::~Daemon()
{
    // The lock goes last: until the database is closed, it is ours.
    m_signs.reset();
    m_bus.reset();
    m_store.reset();
    if (m_lockFd >= 0)
        ::close(m_lockFd);
}

int lockDatabase(const QString &dbPath, QString *error)
{
    const QByteArray path = QFile::encodeName(dbPath + QStringLiteral(".lock"));
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("%1: cannot open: %2").arg(QString::fromLocal8Bit(path), QString::fromLocal8Bit(strerror(errno)));
        return -1;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *error = QStringLiteral("%1: another hall-server is running on this database").arg(dbPath);
        ::close(fd);
        return -1;
    }
    return fd;
}

int Daemon::start(const DaemonOptions &options)
{
    m_options = options;
    // The configuration and keys are checked before the database is touched: a bad file changes nothing.
    const auto loaded = config::loadFile(options.configPath);
    if (!loaded.config) {
        qCCritical(lcServer).noquote() << loaded.error;
        return 2;
    }
    QString error;
    const auto keys = bus::readKeyFile(options.serverKeyPath, &error);
    if (!keys || keys->secretKey.isEmpty()) {
        qCCritical(lcServer).noquote() << (keys ? QStringLiteral("%1: holds no secret key; the server needs its own key pair").arg(options.serverKeyPath) : error);
        return 2;
    }
    m_lockFd = lockDatabase(options.dbPath, &error);
    if (m_lockFd < 0) {
        qCCritical(lcServer).noquote() << error;
        return 3;
    }
    m_store = store::Store::open(options.dbPath, store::OpenOptions{}, &error);
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
        qCCritical(lcServer).noquote() << options.dbPath << ": cannot read the hall state:" << QString::fromStdString(f.message);
        return 1;
    }
    BusOptions bus;
    bus.requestEndpoint = options.requestEndpoint;
    bus.eventEndpoint = options.eventEndpoint;
    bus.serverKeys = *keys;
    m_bus = std::make_unique<BusServer>(*this, bus);
    if (!m_bus->start(&error)) {
        qCCritical(lcServer).noquote() << "cannot open the bus:" << error;
        return 1;
    }
    startSigns(loaded.signs);
    tick();
    scheduleRollover();
    // Hourly, and first just after start-up, so the scan never delays being ready.
    m_prune.start(3600 * 1000);
    QTimer::singleShot(0, this, &Daemon::prune);
    qCInfo(lcServer).noquote() << QStringLiteral("ready: hall %1, business day %2, %3 waiting, journal seq %4, epoch %5, requests %6, events %7")
                                      .arg(QString::fromStdString(loaded.config->hallId))
                                      .arg(dayName(m_engine->today()))
                                      .arg(m_engine->waitingTotal())
                                      .arg(m_store->lastSeq())
                                      .arg(m_store->epoch())
                                      .arg(QString::fromLatin1(m_bus->requestEndpoint()))
                                      .arg(QString::fromLatin1(m_bus->eventEndpoint()));
    return 0;
}

bool Daemon::reloadConfig(QString *code, QString *message)
{
    const auto loaded = config::loadFile(m_options.configPath);
    if (!loaded.config) {
        *code = QStringLiteral("config_invalid");
        *message = loaded.error;
        return false;
    }
    const HallConfig &next = *loaded.config;
    // Today's open tickets and open windows must still make sense under the new file; closing a
    // service or window people are waiting at is done by serving them first, not by a reload.
    auto conflict = [&](const QString &why) {
        *code = QStringLiteral("config_conflict");
        *message = why;
        return false;
    };
    for (const auto &[id, t] : m_engine->tickets()) {
        if (!isOpen(t.status))
            continue;
        if (!next.service(t.service))
            return conflict(QStringLiteral("ticket %1 is open for service %2, which the new file removes").arg(QString::fromStdString(t.label), QString::fromStdString(t.service)));
        if (t.targetWindow && !next.window(t.targetWindow))
            return conflict(QStringLiteral("ticket %1 waits for window %2, which the new file removes").arg(QString::fromStdString(t.label)).arg(t.targetWindow));
    }
    for (const auto &[number, w] : m_engine->windows()) {
        if ((!w.clerk.empty() || w.current) && !next.window(number))
            return conflict(QStringLiteral("window %1 is open, and the new file removes it").arg(number));
        if (!w.clerk.empty() && !next.clerk(w.clerk))
            return conflict(QStringLiteral("clerk %1 is signed in, and the new file removes them").arg(QString::fromStdString(w.clerk)));
    }
    QString error;
    if (!m_store->syncConfig(next, &error)) {
        *code = QStringLiteral("internal_error");
        *message = error;
        return false;
    }
    auto engine = std::make_unique<Engine>(next, m_clock);
    engine->restore(m_engine->snapshot());
    m_engine = std::move(engine);
    if (!m_signs ? loaded.signs.enabled : !(m_signs->config() == loaded.signs)) {
        // Another port, other addresses or texts: a fresh sign bus, which sends every sign its
        // text again. Signs removed from the file keep their last status in snapshots.
        qCInfo(lcServer) << "the sign settings changed; restarting the sign bus";
        m_signs.reset();
        startSigns(loaded.signs);
    }
    return true;
}

void Daemon::startSigns(const config::SignsConfig &signs)
{
    if (!signs.enabled) {
        m_bus->setCommittedListener({});
        return;
    }
    m_signs = std::make_unique<SignService>(signs, [this]() -> const Engine & { return *m_engine; });
    connect(m_signs.get(), &SignService::statusChanged, this, [this](int window, const QString &code, const QString &detail) {
        m_bus->publishServerDeviceStatus(QStringLiteral("sign-%1").arg(window), QStringLiteral("sign"), window,
                                         QJsonObject{{QLatin1String("sign"), code}, {QLatin1String("detail"), detail}});
    });
    m_bus->setCommittedListener([s = m_signs.get()](const std::vector<Event> &events) { s->onCommitted(events); });
    m_signs->start();
}

void Daemon::recoverFromStore()
{
    try {
        m_engine->restore(m_store->loadSnapshot(m_engine->config()));
    } catch (const store::StoreFailure &f) {
        // Neither the write nor the read works: serving from memory would hand out numbers
        // the journal does not hold, so stop and let the supervisor restart us.
        qCCritical(lcServer).noquote() << "cannot reread the hall state, stopping:" << QString::fromStdString(f.message);
        QCoreApplication::exit(1);
    }
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
    std::vector<std::vector<qint64>> seqs;
    if (!m_store->commit({store::CommitEntry{out.events, {}, {}, {}}}, &seqs, &error)) {
        // The journal is the truth: go back to it rather than run ahead of what is stored.
        qCCritical(lcServer).noquote() << error;
        recoverFromStore();
        return;
    }
    if (m_bus && !seqs.empty())
        m_bus->publishCommitted(out.events, seqs.front());
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
