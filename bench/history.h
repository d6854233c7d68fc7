#pragma once

// The simulated history that bench_store and bench_startup both run on: hallsim.h's hall on a real
// Store, committed with replies and idempotency records as a server would commit them. One copy
// of this code is what keeps the two programs' histories the same shape, so their figures
// describe the same hall; a change here changes both, and kHistoryFormat must follow it.

#include "hallsim.h"
#include "bus/requestid.h"
#include "store/store.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hall::bench {

// Part of the cached databases' file names: bump it whenever the history below changes shape, or
// both programs would keep measuring a cache built by the old code.
inline constexpr int kHistoryFormat = 2; // 2: idempotency pruned while building, as the server does
// Large batches without fsyncs: a year of history in about a minute instead of hours.
inline constexpr long kHistoryBatchOps = 10'000;
inline constexpr std::uint64_t kHistorySeed = 7;

inline std::string str(const QString &s) { return s.toStdString(); }

// The one directory for every database of a run, so they all share a disk: `dirArg` if given
// (kept, so a cached history survives between runs), else a fresh directory held by `tmp` and
// removed with it. That one sits under the build tree (HALL_BENCH_BINARY_DIR), on the disk the
// project lives on, rather than in /tmp, which may be a RAM disk where an fsync costs nothing.
inline QString scratchDir(const QString &dirArg, const char *name, std::optional<QTemporaryDir> &tmp)
{
    if (!dirArg.isEmpty()) {
        if (!QDir().mkpath(dirArg))
            fatal("cannot create " + str(dirArg));
        return QFileInfo(dirArg).absoluteFilePath();
    }
    const QString pattern = QLatin1Char('/') + QLatin1String(name) + QLatin1String("-XXXXXX");
    tmp.emplace(QStringLiteral(HALL_BENCH_BINARY_DIR) + pattern);
    if (!tmp->isValid())
        tmp.emplace(QStringLiteral("/tmp") + pattern);
    if (!tmp->isValid())
        fatal("cannot create a temporary directory");
    return tmp->path();
}

inline double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline void removeDb(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
}

// Files written with synchronous=OFF or copied would otherwise be flushed by the first fsync of a
// measured commit (or by background writeback during a measurement) and be charged to it.
inline void fsyncFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0)
        fatal("cannot fsync " + str(path) + ": " + std::strerror(errno));
    ::close(fd);
}

inline void copyDb(const QString &from, const QString &to)
{
    removeDb(to);
    std::filesystem::copy_file(QFile::encodeName(from).toStdString(), QFile::encodeName(to).toStdString(),
                               std::filesystem::copy_options::overwrite_existing);
    fsyncFile(to);
}

inline void rawExec(sqlite3 *db, const char *sql)
{
    char *msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        const std::string text = msg ? msg : "?";
        sqlite3_free(msg);
        fatal(std::string(sql) + ": " + text);
    }
}

inline std::unique_ptr<hall::store::Store> openStore(const QString &path, bool durable)
{
    hall::store::OpenOptions options;
    options.durable = durable;
    QString error;
    auto s = hall::store::Store::open(path, options, &error);
    if (!s)
        fatal("Store::open: " + str(error));
    return s;
}

// ---- A hall on a store ----------------------------------------------------------------------

struct Hall {
    HallConfig config;
    std::unique_ptr<hall::store::Store> store;
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<HallSim> sim;
};

// Rebuilds the engine from the store's projections, as the daemon does, so the simulation goes
// on from whatever the file holds. The clock resumes at `start`, or else just after the journal's
// last event, so the journal's times keep increasing across reopenings.
inline std::unique_ptr<Hall> openHall(const QString &path, const HallConfig &config, bool durable, std::uint64_t seed,
                                      std::optional<Millis> start = std::nullopt)
{
    auto h = std::make_unique<Hall>();
    h->config = config;
    h->store = openStore(path, durable);
    QString error;
    if (!h->store->syncConfig(h->config, &error))
        fatal("syncConfig: " + str(error));
    Millis at = localMidnight(0) + 8 * kHourMs;
    if (start) {
        at = *start;
    } else if (h->store->lastSeq() > 0) {
        const auto last = h->store->readEvents(h->store->lastSeq() - 1, 1);
        if (last.empty())
            fatal("cannot read the journal's last event");
        at = last.front().event.at + kMinuteMs;
    }
    h->clock = std::make_unique<ManualClock>(at);
    h->engine = std::make_unique<Engine>(h->config, *h->clock);
    h->engine->restore(h->store->loadSnapshot(h->config));
    h->sim = std::make_unique<HallSim>(*h->engine, *h->clock, seed);
    return h;
}

// Roughly what the server answers, so the idempotency table stores replies of a realistic size.
inline QByteArray replyFor(const Engine &engine, const Action &a, const Outcome &o)
{
    QJsonObject r;
    r.insert(QLatin1String("ok"), true);
    r.insert(QLatin1String("op"), QLatin1String(opName(a.op)));
    if (o.ticket) {
        r.insert(QLatin1String("ticket"), qint64(o.ticket));
        if (const Ticket *t = engine.ticket(o.ticket))
            r.insert(QLatin1String("label"), QString::fromStdString(t->label));
    }
    if (a.window)
        r.insert(QLatin1String("window"), a.window);
    return QJsonDocument(r).toJson(QJsonDocument::Compact);
}

// The ids terminals send (docs/protocol.md), from the bus library they are built on.
inline std::string uuid7()
{
    return hall::bus::newRequestId().toStdString();
}

// One simulated operation as a server would commit it. Every event of the outcome is committed,
// DayStarted included: dropping it would leave yesterday's tickets open in the projections. The
// device is the terminal the simulated hall would have used (counter-N, kiosk-N), so idempotency
// records spread over devices as in a real hall.
inline hall::store::CommitEntry nextEntry(Hall &h, std::string (*newRequestId)() = uuid7)
{
    Action a;
    Outcome o = h.sim->step(&a);
    hall::store::CommitEntry e;
    e.reply = replyFor(*h.engine, a, o);
    e.events = std::move(o.events);
    e.device = a.window ? "counter-" + std::to_string(a.window) : "kiosk-" + std::to_string(1 + o.ticket % 3);
    e.requestId = newRequestId();
    return e;
}

inline void commitOrDie(Hall &h, const std::vector<hall::store::CommitEntry> &entries)
{
    QString error;
    if (!h.store->commit(entries, nullptr, &error))
        fatal("Store::commit: " + str(error));
}

// What the engine and the projections agreed on.
struct Agreement {
    std::size_t tickets = 0, windows = 0;
    long long events = 0;
};

// The engine and the projections must describe the same hall; otherwise the benchmark lost
// events or the store has a bug, and every figure taken on that store (or on a server restarted
// from it) would mean nothing.
inline Agreement checkConsistent(Hall &h, const char *when)
{
    const EngineSnapshot a = h.engine->snapshot();
    const EngineSnapshot b = h.store->loadSnapshot(h.config);
    std::vector<std::string> diffs;
    if (a.day != b.day)
        diffs.push_back("day " + std::to_string(a.day) + " vs " + std::to_string(b.day));
    if (a.lastTicketId != b.lastTicketId)
        diffs.push_back("lastTicketId " + std::to_string(a.lastTicketId) + " vs " + std::to_string(b.lastTicketId));
    if (a.lastNumbers != b.lastNumbers)
        diffs.push_back("lastNumbers differ");
    if (a.tickets.size() != b.tickets.size())
        diffs.push_back("tickets " + std::to_string(a.tickets.size()) + " vs " + std::to_string(b.tickets.size()));
    for (std::size_t i = 0; i < std::min(a.tickets.size(), b.tickets.size()) && diffs.size() < 5; ++i) {
        const Ticket &x = a.tickets[i], &y = b.tickets[i];
        const bool same = x.id == y.id && x.status == y.status && x.service == y.service && x.label == y.label && x.window == y.window
                          && x.clerk == y.clerk && x.calledAt == y.calledAt && x.firstCalledAt == y.firstCalledAt
                          && x.servingAt == y.servingAt && x.endedAt == y.endedAt && x.recalls == y.recalls && x.transfers == y.transfers
                          && x.priority == y.priority && x.queuedAt == y.queuedAt && x.targetWindow == y.targetWindow;
        if (!same)
            diffs.push_back("ticket " + std::to_string(x.id) + " (" + x.label + ") differs");
    }
    if (a.windows.size() != b.windows.size())
        diffs.push_back("windows " + std::to_string(a.windows.size()) + " vs " + std::to_string(b.windows.size()));
    for (std::size_t i = 0; i < std::min(a.windows.size(), b.windows.size()); ++i) {
        const WindowState &x = a.windows[i], &y = b.windows[i];
        if (x.number != y.number || x.clerk != y.clerk || x.paused != y.paused || x.current != y.current)
            diffs.push_back("window " + std::to_string(x.number) + " differs");
    }
    if (a.recentServiceSeconds != b.recentServiceSeconds)
        diffs.push_back("recent service times differ");
    if (!diffs.empty()) {
        std::string all;
        for (const auto &d : diffs)
            all += "\n    " + d;
        fatal(std::string("engine and store projections disagree ") + when + ":" + all);
    }
    return {a.tickets.size(), a.windows.size(), h.store->lastSeq()};
}

// Checkpoints the WAL into the file, so every copy starts without one (as after a clean stop)
// and copying the main file alone copies everything, then makes the whole file durable.
inline void closeHall(std::unique_ptr<Hall> h, const QString &path)
{
    h.reset();
    sqlite3 *db = nullptr;
    sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READWRITE, nullptr);
    rawExec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close_v2(db);
    fsyncFile(path);
}

// ---- The history ----------------------------------------------------------------------------

struct BuiltHistory {
    long ops = 0, events = 0;
    int days = 0;
    double seconds = 0; // from the first operation to the fsynced file
    Agreement agreed;
};

// Exactly `target` events of simulated business days from 2024-03-04, written without fsyncs in
// batches of kHistoryBatchOps, then checked against the engine, checkpointed and fsynced. Prints
// a progress line; each program prints its own summary from the result. `newRequestId` lets
// bench_store's --request-ids diagnostics reach the history's idempotency records too.
inline BuiltHistory buildHistory(const QString &path, const HallConfig &config, long target, std::string (*newRequestId)() = uuid7)
{
    removeDb(path);
    auto h = openHall(path, config, false, kHistorySeed);
    std::vector<hall::store::CommitEntry> batch;
    batch.reserve(std::size_t(kHistoryBatchOps));
    BuiltHistory r;
    const auto t0 = std::chrono::steady_clock::now();
    long nextReport = target / 4;
    std::printf("  progress:");
    std::fflush(stdout);
    while (r.events < target) {
        // Stop on exactly `target` events: never start a new day (2 events) with 1 event to go.
        h->sim->holdDay(target - r.events < 2);
        batch.push_back(nextEntry(*h, newRequestId));
        r.events += long(batch.back().events.size());
        ++r.ops;
        if (long(batch.size()) == kHistoryBatchOps) {
            commitOrDie(*h, batch);
            batch.clear();
            // The server prunes replies older than a week hourly; a batch is about two and a
            // half simulated days, so the history holds what a running hall's file would.
            QString error;
            if (h->store->pruneIdempotency(h->clock->now() - hall::store::Store::kIdempotencyRetentionMs, &error) < 0)
                fatal("pruneIdempotency: " + str(error));
            if (r.events >= nextReport) {
                std::printf(" %ld%% (%.0f s)", r.events * 100 / target, secondsSince(t0));
                std::fflush(stdout);
                nextReport += target / 4;
            }
        }
    }
    if (!batch.empty())
        commitOrDie(*h, batch);
    std::printf("\n");
    if (h->store->lastSeq() != target)
        fatal("history has " + std::to_string(h->store->lastSeq()) + " events instead of " + std::to_string(target));
    r.agreed = checkConsistent(*h, "after building the history");
    r.days = h->sim->newDays() + 1;
    closeHall(std::move(h), path);
    r.seconds = secondsSince(t0);
    return r;
}

} // namespace hall::bench
