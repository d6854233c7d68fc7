// Start-up time of the real hall-server process, spawned the way an operator or a service manager
// starts it, on an empty database and on one holding a year of history (the goal: ready
// in under 1 s with a year of history). It prints figures and judges nothing.
#include "config/hallconfig.h"
#include "hallsim.h"
#include "history.h"
#include "store/store.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QtGlobal>

#include <sqlite3.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

extern char **environ;

using namespace hall::bench;
namespace store = hall::store;
namespace config = hall::config;
using SteadyClock = std::chrono::steady_clock;

namespace {

// The restart scenario happens at lunchtime of a busy day: the morning's tickets are in memory.
constexpr Millis kTodayUntilLocal = 13 * kHourMs;
// A server that neither becomes ready nor exits within this is broken, not slow.
constexpr int kChildTimeoutMs = 60'000;

double msBetween(SteadyClock::time_point t0, SteadyClock::time_point t1)
{
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// Reads the file through so its pages are cached whether or not the copy went through the page
// cache (a reflinking file system leaves a copy cold).
void warmFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0)
        return;
    std::vector<char> buf(1 << 20);
    while (::read(fd, buf.data(), buf.size()) > 0) {
    }
    ::close(fd);
}

// Drops the file's clean pages from the page cache; no privileges needed, unlike drop_caches.
void evictFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// Share of the file's pages in the page cache (mincore does not fault them in); -1 if no file.
double residentPercent(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st {};
    double pct = -1;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        void *p = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
            const long page = ::sysconf(_SC_PAGESIZE);
            std::vector<unsigned char> vec(std::size_t((st.st_size + page - 1) / page));
            if (::mincore(p, std::size_t(st.st_size), vec.data()) == 0) {
                const auto in = std::count_if(vec.begin(), vec.end(), [](unsigned char v) { return (v & 1) != 0; });
                pct = 100.0 * double(in) / double(vec.size());
            }
            ::munmap(p, std::size_t(st.st_size));
        }
    }
    ::close(fd);
    return pct;
}

double megabytes(const QString &path) { return double(QFileInfo(path).size()) / 1e6; }

// ---- A look at a database ------------------------------------------------------------------

struct DbInfo {
    int schema = 0;
    long long events = 0, tickets = 0, idempotency = 0, idempotencyOlderThanAWeek = 0, storedDay = 0, ticketsOnStoredDay = 0;
    std::vector<std::string> services;
    bool ok = false;
    std::string why;
};

long long queryInt(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = nullptr;
    long long v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

DbInfo inspect(const QString &path)
{
    DbInfo info;
    if (!QFileInfo::exists(path)) {
        info.why = "none yet";
        return info;
    }
    // Read-write but only read: unlike a read-only connection, closing it removes the -wal and
    // -shm files it found or made, so every database is left as after a clean server stop.
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(db);
        info.why = "cannot open it";
        return info;
    }
    info.schema = int(queryInt(db, "PRAGMA user_version"));
    if (info.schema != store::Store::kSchemaVersion) {
        info.why = "schema version " + std::to_string(info.schema) + ", this build writes " + std::to_string(store::Store::kSchemaVersion);
        sqlite3_close_v2(db);
        return info;
    }
    // The journal is append-only (triggers refuse deletes) and seqs are rowids: max = count.
    info.events = queryInt(db, "SELECT COALESCE(MAX(seq), 0) FROM events");
    info.tickets = queryInt(db, "SELECT COUNT(*) FROM tickets");
    info.idempotency = queryInt(db, "SELECT COUNT(*) FROM idempotency");
    const std::string older = "SELECT COUNT(*) FROM idempotency WHERE created_at < "
                              + std::to_string(QDateTime::currentMSecsSinceEpoch() - store::Store::kIdempotencyRetentionMs);
    info.idempotencyOlderThanAWeek = queryInt(db, older.c_str());
    info.storedDay = queryInt(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day'");
    info.ticketsOnStoredDay = queryInt(db, "SELECT COUNT(*) FROM tickets WHERE day = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day')");
    sqlite3_stmt *q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT code FROM services ORDER BY code", -1, &q, nullptr) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW)
            info.services.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)));
    }
    sqlite3_finalize(q);
    sqlite3_close_v2(db);
    info.ok = true;
    info.why = std::to_string(info.events) + " events";
    return info;
}

std::string dayName(long long day)
{
    return hall::engine::businessDayDate(int(day));
}

// ---- The configuration hall-server loads ------------------------------------------------------

QJsonObject names(const std::string &zh, const std::string &en)
{
    return QJsonObject{{QStringLiteral("zh"), QString::fromStdString(zh)}, {QStringLiteral("en"), QString::fromStdString(en)}};
}

// hallsim.h's hall as a configuration file (docs/configuration.md), so the server and the
// simulated history describe the same services, windows and clerks.
QByteArray configJson(const HallConfig &c)
{
    QJsonArray services;
    for (const auto &s : c.services) {
        services.append(QJsonObject{{QStringLiteral("code"), QString::fromStdString(s.code)},
                                    {QStringLiteral("prefix"), QString(QLatin1Char(s.prefix))},
                                    {QStringLiteral("name"), names(s.nameZh, s.nameEn)},
                                    {QStringLiteral("estimatedServiceMinutes"), s.estimatedServiceSeconds / 60.0},
                                    {QStringLiteral("dailyLimit"), s.dailyLimit}});
    }
    QJsonArray windows;
    for (const auto &w : c.windows) {
        QJsonArray codes;
        for (const auto &s : w.services)
            codes.append(QString::fromStdString(s));
        windows.append(QJsonObject{{QStringLiteral("number"), w.number}, {QStringLiteral("name"), QString::fromStdString(w.name)},
                                   {QStringLiteral("services"), codes}});
    }
    QJsonArray clerks;
    for (const auto &k : c.clerks) {
        QJsonObject o{{QStringLiteral("id"), QString::fromStdString(k.id)},
                      {QStringLiteral("name"), QString::fromStdString(k.name)},
                      {QStringLiteral("badge"), QString::fromStdString(k.badge)},
                      {QStringLiteral("pinHash"), QString::fromStdString(k.pinHash)},
                      {QStringLiteral("role"), QString::fromStdString(k.role)}};
        if (!k.photo.empty())
            o.insert(QStringLiteral("photo"), QString::fromStdString(k.photo));
        clerks.append(o);
    }
    const QJsonObject hall{{QStringLiteral("id"), QString::fromStdString(c.hallId)},
                           {QStringLiteral("name"), names(c.nameZh, c.nameEn)},
                           {QStringLiteral("utcOffsetMinutes"), c.utcOffsetMinutes},
                           {QStringLiteral("dayStartsAt"), QString::asprintf("%02d:%02d", c.dayStartMinutes / 60, c.dayStartMinutes % 60)}};
    const QJsonObject root{{QStringLiteral("$comment"), QStringLiteral("Generated by bench_startup from bench/hallsim.h; every clerk's PIN is 1234.")},
                           {QStringLiteral("formatVersion"), 1},
                           {QStringLiteral("hall"), hall},
                           {QStringLiteral("services"), services},
                           {QStringLiteral("windows"), windows},
                           {QStringLiteral("clerks"), clerks}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

// The first difference between what the simulator was given and what the server will load, in
// everything the store mirrors or the engine uses; empty when they agree.
std::string hallDifference(const HallConfig &a, const HallConfig &b)
{
    if (a.hallId != b.hallId || a.utcOffsetMinutes != b.utcOffsetMinutes || a.dayStartMinutes != b.dayStartMinutes)
        return "hall id, UTC offset or day start";
    if (a.services.size() != b.services.size() || a.windows.size() != b.windows.size() || a.clerks.size() != b.clerks.size())
        return "number of services, windows or clerks";
    for (std::size_t i = 0; i < a.services.size(); ++i) {
        const Service &x = a.services[i], &y = b.services[i];
        if (x.code != y.code || x.prefix != y.prefix || x.nameZh != y.nameZh || x.nameEn != y.nameEn
            || x.estimatedServiceSeconds != y.estimatedServiceSeconds || x.dailyLimit != y.dailyLimit)
            return "service " + x.code;
    }
    for (std::size_t i = 0; i < a.windows.size(); ++i) {
        const WindowConfig &x = a.windows[i], &y = b.windows[i];
        if (x.number != y.number || x.name != y.name || x.services != y.services)
            return "window " + std::to_string(x.number);
    }
    for (std::size_t i = 0; i < a.clerks.size(); ++i) {
        const Clerk &x = a.clerks[i], &y = b.clerks[i];
        if (x.id != y.id || x.name != y.name || x.badge != y.badge || x.pinHash != y.pinHash || x.role != y.role || x.photo != y.photo)
            return "clerk " + x.id;
    }
    return {};
}

// Appends the current business day (by the real clock) from 08:00 to 13:00 local time, so a
// restart finds the day's tickets and open windows in the journal, as on a busy day, and needs
// no rollover. The events carry today's date and may lie a few hours ahead of the wall clock;
// the server compares only business days.
long appendToday(const QString &path, const HallConfig &config, int *ticketsToday)
{
    const SystemClock wall;
    const int today = Engine(config, wall).businessDay(wall.now());
    const Millis midnight = Millis(today) * kDayMs - Millis(config.utcOffsetMinutes) * kMinuteMs;
    auto h = openHall(path, config, false, kHistorySeed + 1, midnight + 8 * kHourMs);
    const qint64 before = h->store->lastSeq();
    // The history stops in the middle of a day. Rolling over first, as the daemon's timer would,
    // lets the simulator decide on today's state instead of on yesterday's open visits.
    Outcome rollover = h->engine->tick();
    commitOrDie(*h, {store::CommitEntry{std::move(rollover.events), {}, {}, {}}});
    h->sim->holdDay(true);
    std::vector<store::CommitEntry> batch;
    while (h->clock->now() < midnight + kTodayUntilLocal) {
        batch.push_back(nextEntry(*h));
        if (long(batch.size()) == kHistoryBatchOps) {
            commitOrDie(*h, batch);
            batch.clear();
        }
    }
    if (!batch.empty())
        commitOrDie(*h, batch);
    if (h->engine->today() != today)
        fatal("the appended day is " + dayName(h->engine->today()) + ", not today's business day " + dayName(today));
    checkConsistent(*h, "after appending today");
    *ticketsToday = int(h->engine->snapshot().tickets.size());
    const long appended = long(h->store->lastSeq() - before);
    closeHall(std::move(h), path);
    return appended;
}

// ---- Spawning hall-server ---------------------------------------------------------------------

// The child's environment: ours, minus what would change what the server logs or where, so the
// "ready:" line arrives on stderr with the server's own message pattern.
std::vector<std::string> g_envStrings;
std::vector<char *> g_env;

void setUpChildEnvironment()
{
    for (char **e = environ; *e; ++e) {
        const std::string kv = *e;
        if (kv.rfind("QT_LOGGING_RULES=", 0) == 0 || kv.rfind("QT_MESSAGE_PATTERN=", 0) == 0 || kv.rfind("QT_FORCE_STDERR_LOGGING=", 0) == 0)
            continue;
        g_envStrings.push_back(kv);
    }
    // Qt sends messages to journald instead when stderr is not a terminal, if built with it.
    g_envStrings.emplace_back("QT_FORCE_STDERR_LOGGING=1");
    for (auto &s : g_envStrings)
        g_env.push_back(s.data());
    g_env.push_back(nullptr);
}

struct Child {
    pid_t pid = -1;
    int errFd = -1;
    SteadyClock::time_point spawned;
    std::string log;
};

Child spawnChild(const std::vector<std::string> &args)
{
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0)
        fatal(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    std::vector<std::string> copy = args;
    std::vector<char *> argv;
    for (auto &a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    Child c;
    c.spawned = SteadyClock::now();
    const int rc = ::posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), g_env.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    if (rc != 0)
        fatal("cannot start " + args[0] + ": " + std::strerror(rc));
    c.errFd = fds[0];
    return c;
}

enum class Read { Enough, Eof, Timeout };

// Reads the child's stderr until `stop` says what has arrived is enough, until EOF or until the
// timeout. `*when` is the time of the read that satisfied `stop`.
Read readUntil(Child &c, const std::function<bool(const std::string &)> &stop, SteadyClock::time_point *when)
{
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kChildTimeoutMs);
    char buf[4096];
    for (;;) {
        const int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count());
        pollfd p{c.errFd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, left) == 0)
            return Read::Timeout;
        const ssize_t n = ::read(c.errFd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Read::Eof;
        c.log.append(buf, std::size_t(n));
        if (when)
            *when = SteadyClock::now();
        if (stop(c.log))
            return Read::Enough;
    }
}

int reap(Child &c)
{
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    ::close(c.errFd);
    c.errFd = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void dieWithLog(Child &c, const std::string &what)
{
    ::kill(c.pid, SIGKILL); // a no-op if it already exited; then reap reports its own status
    const int rc = reap(c);
    fatal(what + " (exit status " + std::to_string(rc) + "); its log:\n" + c.log);
}

struct ServerRun {
    double readyMs = 0, exitMs = 0;
    std::string readyLine;
};

// Spawn to the complete "ready:" line on stderr, then SIGTERM to the child being reaped.
ServerRun runServer(const std::string &server, const QString &configPath, const QString &db)
{
    Child c = spawnChild({server, "--config", QFile::encodeName(configPath).toStdString(), "--db", QFile::encodeName(db).toStdString()});
    auto readyLineEnd = [](const std::string &log) {
        const auto at = log.find("ready:");
        return at == std::string::npos ? std::string::npos : log.find('\n', at);
    };
    SteadyClock::time_point ready;
    if (readUntil(c, [&](const std::string &log) { return readyLineEnd(log) != std::string::npos; }, &ready) != Read::Enough)
        dieWithLog(c, "hall-server exited or timed out before it was ready");
    ServerRun r;
    r.readyMs = msBetween(c.spawned, ready);
    const auto newline = c.log.rfind('\n', c.log.find("ready:"));
    const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
    r.readyLine = c.log.substr(begin, readyLineEnd(c.log) - begin);
    const auto term = SteadyClock::now();
    ::kill(c.pid, SIGTERM);
    // Drained to EOF so the child never blocks on a full pipe while it shuts down.
    if (readUntil(c, [](const std::string &) { return false; }, nullptr) == Read::Timeout)
        dieWithLog(c, "hall-server did not exit after SIGTERM");
    const int rc = reap(c);
    r.exitMs = msBetween(term, SteadyClock::now());
    if (rc != 0)
        fatal("hall-server exited with " + std::to_string(rc) + " after SIGTERM; its log:\n" + c.log);
    return r;
}

// exec, dynamic linking, Qt start-up, argument parsing and exit, with none of the server's work.
double runVersion(const std::string &server)
{
    Child c = spawnChild({server, "--version"});
    if (readUntil(c, [](const std::string &) { return false; }, nullptr) == Read::Timeout)
        dieWithLog(c, server + " --version did not exit");
    const int rc = reap(c);
    const double ms = msBetween(c.spawned, SteadyClock::now());
    if (rc != 0)
        fatal(server + " --version exited with " + std::to_string(rc));
    return ms;
}

// ---- The server's start-up steps, called in this process -------------------------------------

struct Split {
    std::vector<double> load, open, sync, snapshot, restore, tick, close;
};

// Daemon::start step by step, on the same code (the same static libraries) the binary links.
void measureSteps(const QString &configPath, const QString &db, Split &s)
{
    const auto t0 = SteadyClock::now();
    const auto loaded = config::loadFile(configPath);
    const auto t1 = SteadyClock::now();
    if (!loaded.config)
        fatal(str(loaded.error));
    QString error;
    auto st = store::Store::open(db, store::OpenOptions{}, &error);
    const auto t2 = SteadyClock::now();
    if (!st)
        fatal("Store::open: " + str(error));
    if (!st->syncConfig(*loaded.config, &error))
        fatal("syncConfig: " + str(error));
    const auto t3 = SteadyClock::now();
    const EngineSnapshot snap = st->loadSnapshot(*loaded.config);
    const auto t4 = SteadyClock::now();
    const SystemClock clock;
    Engine engine(*loaded.config, clock);
    engine.restore(snap);
    const auto t5 = SteadyClock::now();
    const Outcome out = engine.tick();
    if (!out.events.empty() && !st->commit({store::CommitEntry{out.events, {}, {}, {}}}, nullptr, &error))
        fatal("Store::commit: " + str(error));
    const auto t6 = SteadyClock::now();
    st.reset();
    const auto t7 = SteadyClock::now();
    s.load.push_back(msBetween(t0, t1));
    s.open.push_back(msBetween(t1, t2));
    s.sync.push_back(msBetween(t2, t3));
    s.snapshot.push_back(msBetween(t3, t4));
    s.restore.push_back(msBetween(t4, t5));
    s.tick.push_back(msBetween(t5, t6));
    s.close.push_back(msBetween(t6, t7));
}

// ---- Figures --------------------------------------------------------------------------------

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string minMedMax(const std::vector<double> &v)
{
    if (v.empty())
        return "-";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%7.1f %7.1f %7.1f", *std::min_element(v.begin(), v.end()), median(v), *std::max_element(v.begin(), v.end()));
    return buf;
}

// fatal() ends the program with std::exit, which skips the QTemporaryDir's destructor.
QString g_temporaryDir;

void removeTemporaryDir()
{
    if (!g_temporaryDir.isEmpty())
        QDir(g_temporaryDir).removeRecursively();
}

struct Scenario {
    const char *name;
    const char *what;
    QString db;
    std::function<void()> prepare; // untimed, before every run
    std::vector<double> readyMs, exitMs, resident;
    std::string readyLine;
    Split split;
};

} // namespace

int main(int argc, char **argv)
{
    std::string server = HALL_SERVER_BIN;
    QString dirArg;
    long history = 1'000'000;
    long runs = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--server" && i + 1 < argc) {
            server = argv[++i];
        } else if (arg == "--dir" && i + 1 < argc) {
            dirArg = QString::fromLocal8Bit(argv[++i]);
        } else if (arg == "--history" && i + 1 < argc) {
            history = parseCount(argv[++i], "--history");
        } else if (arg == "--runs" && i + 1 < argc) {
            runs = parseCount(argv[++i], "--runs");
        } else {
            std::printf("usage: %s [--server PATH (default %s)] [--dir DIR] [--history N (default 1000000)] [--runs N (default 5)]\n", argv[0],
                        HALL_SERVER_BIN);
            return arg == "--help" || arg == "-h" ? 0 : 1;
        }
    }
    server = std::filesystem::absolute(server).string();
    if (::access(server.c_str(), X_OK) != 0)
        fatal(server + " is not an executable (build it with 'ninja -C build hall-server', or pass --server PATH)");
    // Migration notices of the in-process steps would interleave with the figures.
    QLoggingCategory::setFilterRules(QStringLiteral("hall.server.store.info=false\nhall.server.store.debug=false"));
    setUpChildEnvironment();

    std::optional<QTemporaryDir> tmp;
    const QString dir = scratchDir(dirArg, "bench-startup", tmp);
    if (tmp) {
        g_temporaryDir = dir;
        std::atexit(removeTemporaryDir);
    }
    const QStorageInfo disk(dir);
    std::printf("bench_startup: hall-server start-up time (build type %s, SQLite %s, Qt %s)\n", HALL_BENCH_BUILD_TYPE, sqlite3_libversion(),
                qVersion());
    std::printf("  server: %s\n", server.c_str());
    std::printf("  every database lives in %s%s\n", str(dir).c_str(), tmp ? " (temporary; pass --dir to keep the history between runs)" : "");
    std::printf("  disk: %s (%s, mounted on %s), %.1f GB free\n", disk.device().constData(), disk.fileSystemType().constData(),
                str(disk.rootPath()).c_str(), double(disk.bytesAvailable()) / 1e9);

    // ---- The configuration: hallsim.h's hall, with one real argon2id hash for every clerk.
    const QString configPath = dir + QStringLiteral("/startup-hall.json");
    HallConfig wanted = benchConfig();
    const auto h0 = SteadyClock::now();
    const std::string pinHash = str(config::hashPin(QStringLiteral("1234")));
    const double hashSeconds = secondsSince(h0);
    if (pinHash.empty())
        fatal("hashPin failed");
    for (auto &k : wanted.clerks)
        k.pinHash = pinHash;
    {
        QFile f(configPath);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(configJson(wanted)) < 0)
            fatal("cannot write " + str(configPath));
    }
    const auto loaded = config::loadFile(configPath);
    if (!loaded.config)
        fatal("the generated configuration does not load: " + str(loaded.error));
    if (const std::string diff = hallDifference(wanted, *loaded.config); !diff.empty())
        fatal("the generated configuration loads differently from hallsim.h's hall: " + diff);
    const HallConfig &hall = *loaded.config;
    std::printf("  config: %s, generated from hallsim.h's hall (%zu services, %zu windows, %zu clerks); one argon2id PIN hash (%.2f s) "
                "shared by all clerks;\n          loaded back with config::loadFile: same hall as the simulator's\n",
                str(configPath).c_str(), hall.services.size(), hall.windows.size(), hall.clerks.size(), hashSeconds);

    // ---- Databases.
    std::printf("\ndatabases\n");
    const QString cachePath = dir + QStringLiteral("/startup-history-v%1-%2.db").arg(kHistoryFormat).arg(history);
    std::vector<std::string> codes;
    for (const auto &s : hall.services)
        codes.push_back(s.code);
    std::sort(codes.begin(), codes.end());
    std::string historySource;
    {
        DbInfo cached = inspect(cachePath);
        if (cached.ok && cached.services != codes) {
            cached.ok = false;
            cached.why = "services of another hall";
        }
        if (cached.ok && cached.events >= history) {
            historySource = "reused";
            std::printf("  history: reused %s (%s)\n", str(cachePath).c_str(), cached.why.c_str());
        } else {
            historySource = "built";
            std::printf("  history: building %s (cached copy: %s; about a minute per million events)\n", str(cachePath).c_str(),
                        cached.why.c_str());
            std::fflush(stdout);
            const BuiltHistory b = buildHistory(cachePath, hall, history);
            std::printf("  built: %ld operations, %ld events over %d business days in %.1f s (durable=false, %ld operations per commit)\n",
                        b.ops, b.events, b.days, b.seconds, kHistoryBatchOps);
        }
    }
    const DbInfo cache = inspect(cachePath);
    std::printf("  history: %.0f MB, %lld events, %lld tickets, last business day %s (%lld tickets); %lld idempotency records\n",
                megabytes(cachePath), cache.events, cache.tickets, dayName(cache.storedDay).c_str(), cache.ticketsOnStoredDay,
                cache.idempotency);

    const QString emptyPath = dir + QStringLiteral("/startup-empty.db");
    const QString rolloverPath = dir + QStringLiteral("/startup-rollover.db");
    const QString todayPath = dir + QStringLiteral("/startup-today.db");
    const auto c0 = SteadyClock::now();
    copyDb(cachePath, todayPath);
    const double copySeconds = secondsSince(c0);
    int ticketsToday = 0;
    const auto a0 = SteadyClock::now();
    const long appended = appendToday(todayPath, hall, &ticketsToday);
    const DbInfo todayInfo = inspect(todayPath);
    std::printf("  history + today: a copy of the history (copied and fsynced in %.1f s) plus today's business day %s from 08:00 to "
                "13:00 local\n                   time: %ld events, %d tickets, appended in %.1f s; %.0f MB, %lld events in all\n",
                copySeconds, dayName(todayInfo.storedDay).c_str(), appended, ticketsToday, secondsSince(a0), megabytes(todayPath),
                todayInfo.events);

    // ---- Scenarios, each prepared the same way before every run.
    std::vector<Scenario> scenarios;
    scenarios.push_back({"empty, first start", "no file: creates it, migrates to the current schema, stores the config, commits the first DayStarted",
                         emptyPath, [&] { removeDb(emptyPath); }, {}, {}, {}, {}, {}});
    scenarios.push_back({"empty, restart", "the database the first start left (1 event), same business day: no rollover", emptyPath,
                         [&] { warmFile(emptyPath); }, {}, {}, {}, {}, {}});
    scenarios.push_back({"history, rollover start",
                         "a fresh copy of the history: loads its last day, then commits today's DayStarted (expires that day's open "
                         "tickets); old idempotency records are pruned just after ready, off the measured path",
                         rolloverPath,
                         [&] {
                             copyDb(cachePath, rolloverPath);
                             warmFile(rolloverPath);
                         },
                         {}, {}, {}, {}, {}});
    scenarios.push_back({"history + today, restart", "the history plus today's morning, same business day: no rollover", todayPath,
                         [&] { warmFile(todayPath); }, {}, {}, {}, {}, {}});
    std::vector<double> floorMs;

    auto runOnce = [&](Scenario &s, bool timed) {
        s.prepare();
        const double resident = residentPercent(s.db);
        const ServerRun r = runServer(server, configPath, s.db);
        if (!timed)
            return;
        s.readyMs.push_back(r.readyMs);
        s.exitMs.push_back(r.exitMs);
        if (resident >= 0)
            s.resident.push_back(resident);
        s.readyLine = r.readyLine;
    };

    // One untimed round first: the binary, its libraries and every database file are then in the
    // page cache, so the first timed run is no cold-cache outlier. Rounds rotate their order so
    // slow drift (fsync latency on virtual disks) lands on every scenario alike.
    const auto r0 = SteadyClock::now();
    runVersion(server);
    for (auto &s : scenarios)
        runOnce(s, false);
    for (long round = 0; round < runs; ++round) {
        const std::size_t n = scenarios.size() + 1;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = (std::size_t(round) + k) % n;
            if (i == scenarios.size())
                floorMs.push_back(runVersion(server));
            else
                runOnce(scenarios[i], true);
        }
    }
    const double roundsSeconds = secondsSince(r0);

    // One run each of the history scenarios with the database file evicted from the page cache
    // (the binary and libraries stay cached): what a first start after boot pays on this disk.
    struct ColdRun {
        const Scenario *scenario;
        double residentBefore;
        ServerRun run;
    };
    std::vector<ColdRun> cold;
    for (Scenario *s : {&scenarios[2], &scenarios[3]}) {
        s->prepare();
        for (const char *suffix : {"", "-wal", "-shm"})
            evictFile(s->db + QLatin1String(suffix));
        const double resident = residentPercent(s->db);
        cold.push_back({s, resident, runServer(server, configPath, s->db)});
    }

    // The same steps in this process: where the time inside the server goes.
    for (long rep = 0; rep <= runs; ++rep) { // rep 0 is an untimed warm-up, like the first round
        for (auto &s : scenarios) {
            s.prepare();
            Split scratch;
            measureSteps(configPath, s.db, rep == 0 ? scratch : s.split);
        }
    }

    // ---- Output.
    const double floorMedian = median(floorMs);
    std::printf("\npage cache: warmed. One untimed round of every scenario ran first, and each database file is read through before\n"
                "every run (the rollover scenario also gets a fresh, fsynced copy each time). Residency of the database file at\n"
                "spawn, lowest over the timed runs, is in the last column. %ld timed runs per scenario in %ld rotated rounds (%.0f s).\n",
                runs, runs, roundsSeconds);
    std::printf("\nhall-server, spawn to its \"ready:\" line on stderr, and SIGTERM to exit (ms)\n");
    std::printf("  %-30s %23s   %23s   %-7s %s\n", "", "ready ", "exit after SIGTERM ", "ready /", "DB file");
    std::printf("  %-30s %7s %7s %7s   %7s %7s %7s   %-7s %s\n", "", "min", "median", "max", "min", "median", "max", "floor", "cached");
    std::printf("  %-30s %23s   %-23s   %-7s %s\n", "floor: hall-server --version", minMedMax(floorMs).c_str(), "(spawn to exit)", "1.0x", "");
    for (const auto &s : scenarios) {
        char ratio[32], resident[32] = "-";
        std::snprintf(ratio, sizeof ratio, "%.1fx", median(s.readyMs) / floorMedian);
        if (!s.resident.empty())
            std::snprintf(resident, sizeof resident, "%.0f%%", *std::min_element(s.resident.begin(), s.resident.end()));
        std::printf("  %-30s %23s   %23s   %-7s %s\n", s.name, minMedMax(s.readyMs).c_str(), minMedMax(s.exitMs).c_str(), ratio, resident);
    }
    std::printf("\n  what each scenario starts on:\n");
    for (const auto &s : scenarios)
        std::printf("    %-28s %s\n", s.name, s.what);
    std::printf("  the floor is spawn to exit of 'hall-server --version': exec, dynamic linking, QCoreApplication and the\n"
                "  argument parser, none of the server's work. The goal from the issue is ready in under 1 s with a year of history.\n");

    std::printf("\ndatabase file evicted from the page cache first (POSIX_FADV_DONTNEED; binary and libraries still cached), one run each\n");
    for (const auto &c : cold)
        std::printf("  %-30s ready %.1f ms, exit %.1f ms (DB file %.0f%% cached at spawn)\n", c.scenario->name, c.run.readyMs, c.run.exitMs,
                    c.residentBefore);

    std::printf("\nthe server's start-up steps called in this process on the same databases, prepared the same way (median of %ld, ms)\n", runs);
    std::printf("  %-30s %8s %8s %8s %8s %8s %8s %8s %8s %10s\n", "", "config", "Store::", "sync", "load", "engine", "tick +", "sum", "Store",
                "ready -");
    std::printf("  %-30s %8s %8s %8s %8s %8s %8s %8s %8s %10s\n", "", "loadFile", "open", "Config", "Snapshot", "restore", "commit", "", "close",
                "sum");
    for (const auto &s : scenarios) {
        const Split &p = s.split;
        const double sum = median(p.load) + median(p.open) + median(p.sync) + median(p.snapshot) + median(p.restore) + median(p.tick);
        std::printf("  %-30s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %10.1f\n", s.name, median(p.load), median(p.open), median(p.sync),
                    median(p.snapshot), median(p.restore), median(p.tick), sum, median(p.close), median(s.readyMs) - sum);
    }
    std::printf("  Store::open includes the schema check (and for the empty first start, the migrations); syncConfig and\n"
                "  tick + commit are durable commits (synchronous=FULL); \"ready - sum\" is the process ready median minus the steps:\n"
                "  what the process adds (exec, linking, Qt, libsodium init, logging).\n");

    std::printf("\nready lines of the last timed run\n");
    for (const auto &s : scenarios)
        std::printf("  %-28s %s\n", s.name, s.readyLine.c_str());
    const DbInfo after = inspect(todayPath);
    std::printf("\nsizes at the end: history %.0f MB (%lld events, %s), history + today %.0f MB (%lld events), empty %.2f MB (%lld events)\n",
                megabytes(cachePath), cache.events, historySource.c_str(), megabytes(todayPath), after.events, megabytes(emptyPath),
                inspect(emptyPath).events);
    std::printf("  just after ready, the server prunes the %lld idempotency records older than a week by the wall clock (of %lld in the history)\n",
                cache.idempotencyOlderThanAWeek, cache.idempotency);
    removeDb(rolloverPath);
    return 0;
}
