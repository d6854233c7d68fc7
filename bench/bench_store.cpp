// Durable commit cost of the store against the floor SQLite itself sets on the same disk with the
// same pragmas, single and grouped, on an empty journal and on one holding a year of history.
#include "hallsim.h"
#include "history.h"
#include "store/store.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QUuid>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace hall::bench;
namespace store = hall::store;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kGroupSize = 64;
constexpr long kMinGroupCommits = 200; // enough samples for a p99 of the per-commit latency
constexpr int kRounds = 10;

double microsSince(SteadyClock::time_point t0, SteadyClock::time_point t1)
{
    return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

// ---- Raw SQLite helpers --------------------------------------------------------------------

void rawCheck(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        fatal(std::string(what) + ": " + sqlite3_errmsg(db));
}

std::string rawText(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = nullptr;
    rawCheck(db, sqlite3_prepare_v2(db, sql, -1, &q, nullptr), sql);
    std::string v;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        v = reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return v;
}

std::string pragmas(sqlite3 *db)
{
    return "journal_mode=" + rawText(db, "PRAGMA journal_mode") + " synchronous=" + rawText(db, "PRAGMA synchronous")
           + " (2=FULL) page_size=" + rawText(db, "PRAGMA page_size") + " wal_autocheckpoint="
           + rawText(db, "PRAGMA wal_autocheckpoint");
}

// Pages the connection wrote to the WAL; checkpoints are not included.
long pagesWritten(sqlite3 *db)
{
    int current = 0, highwater = 0;
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 0);
    return current;
}

// Per-sample latencies plus the counters needed for the breakdowns, accumulated over the
// interleaved blocks of one measurement.
struct Series {
    std::vector<double> us; // one sample per commit
    std::vector<double> rolloverUs; // the subset of commits that carried a DayStarted
    std::vector<double> blockMeans;
    long ops = 0;
    long events = 0;
    long pages = 0;
    double prepareUs = 0; // engine operations, replies and entries
    double storeUs = 0;   // Store::commit calls

    Stats stats() const { return summarize(us); }
    long commits() const { return long(us.size()); }
    double opsPerSec() const { return double(ops) / (stats().total / 1e6); }
    double pagesPerCommit() const { return double(pages) / double(commits()); }
};

// ---- (a) raw SQLite commit ------------------------------------------------------------------

class RawDb
{
public:
    explicit RawDb(const QString &path)
    {
        removeDb(path);
        if (sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr)
            != SQLITE_OK)
            fatal("cannot open " + str(path));
        rawExec(m_db, "PRAGMA journal_mode = WAL");
        rawExec(m_db, "PRAGMA synchronous = FULL");
        rawExec(m_db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        rawCheck(m_db, sqlite3_prepare_v2(m_db, "BEGIN", -1, &m_begin, nullptr), "prepare BEGIN");
        rawCheck(m_db, sqlite3_prepare_v2(m_db, "INSERT INTO t(v) VALUES (?1)", -1, &m_insert, nullptr), "prepare INSERT");
        rawCheck(m_db, sqlite3_prepare_v2(m_db, "COMMIT", -1, &m_commit, nullptr), "prepare COMMIT");
    }
    ~RawDb()
    {
        sqlite3_finalize(m_begin);
        sqlite3_finalize(m_insert);
        sqlite3_finalize(m_commit);
        sqlite3_close_v2(m_db);
    }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    sqlite3 *handle() const { return m_db; }

    void run(long n, Series *into)
    {
        const long pages0 = pagesWritten(m_db);
        double sum = 0;
        for (long i = 0; i < n; ++i) {
            const auto t0 = SteadyClock::now();
            once();
            const double us = microsSince(t0, SteadyClock::now());
            sum += us;
            if (into)
                into->us.push_back(us);
        }
        if (into) {
            into->ops += n;
            into->pages += pagesWritten(m_db) - pages0;
            into->blockMeans.push_back(sum / double(n));
        }
    }

private:
    void once()
    {
        // About the size of an encoded journal event.
        const std::string v = R"({"clerk":"c105","service":"TRANSFER","ticket":)" + std::to_string(100000 + m_n++) + R"(,"window":5})";
        rawCheck(m_db, sqlite3_step(m_begin), "BEGIN");
        sqlite3_reset(m_begin);
        sqlite3_bind_text(m_insert, 1, v.data(), int(v.size()), SQLITE_TRANSIENT);
        rawCheck(m_db, sqlite3_step(m_insert), "INSERT");
        sqlite3_reset(m_insert);
        rawCheck(m_db, sqlite3_step(m_commit), "COMMIT");
        sqlite3_reset(m_commit);
    }

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_begin = nullptr;
    sqlite3_stmt *m_insert = nullptr;
    sqlite3_stmt *m_commit = nullptr;
    long m_n = 0;
};

// Terminals send time-ordered UUIDs (history.h's uuid7). Random version-4 UUIDs
// (--request-ids uuid4) show what a client that ignores that rule costs; sequential ids
// (--request-ids sequential) are the ideal case.
enum class RequestIds { Uuid7, Uuid4, Sequential };
RequestIds g_requestIds = RequestIds::Uuid7;

const char *requestIdsName()
{
    switch (g_requestIds) {
    case RequestIds::Uuid7:
        return "time-ordered UUIDv7 (as terminals send them)";
    case RequestIds::Uuid4:
        return "random UUIDv4 (diagnostic: a client that ignores the protocol's rule)";
    case RequestIds::Sequential:
        return "sequential (diagnostic: the ideal case)";
    }
    return "";
}

std::string newRequestId()
{
    static long counter = 0;
    static const std::string run = QUuid::createUuid().toString(QUuid::Id128).left(8).toStdString();
    switch (g_requestIds) {
    case RequestIds::Sequential: {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%s-%012ld", run.c_str(), ++counter);
        return buf;
    }
    case RequestIds::Uuid4:
        return QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
    case RequestIds::Uuid7:
        return uuid7();
    }
    return {};
}

// `commits` calls of Store::commit with `groupSize` operations each. A commit's latency runs from
// its first engine operation to the return of Store::commit, as a server would see it.
void runOps(Hall &h, long groupSize, long commits, Series *into)
{
    std::vector<store::CommitEntry> entries;
    entries.reserve(std::size_t(groupSize));
    const long pages0 = pagesWritten(h.store->handle());
    double sum = 0;
    for (long c = 0; c < commits; ++c) {
        const auto t0 = SteadyClock::now();
        entries.clear();
        for (long k = 0; k < groupSize; ++k)
            entries.push_back(nextEntry(h, newRequestId));
        const auto t1 = SteadyClock::now();
        commitOrDie(h, entries);
        const auto t2 = SteadyClock::now();
        if (!into)
            continue;
        bool rollover = false;
        for (const auto &e : entries) {
            into->events += long(e.events.size());
            rollover = rollover || e.events.front().type == EventType::DayStarted;
        }
        into->us.push_back(microsSince(t0, t2));
        if (rollover)
            into->rolloverUs.push_back(into->us.back());
        into->prepareUs += microsSince(t0, t1);
        into->storeUs += microsSince(t1, t2);
        sum += microsSince(t0, t2);
    }
    if (into) {
        into->ops += groupSize * commits;
        into->pages += pagesWritten(h.store->handle()) - pages0;
        into->blockMeans.push_back(sum / double(commits));
    }
}

void printAgreement(const char *when, const Agreement &a)
{
    std::printf("  consistency %s: engine state == store projections (%zu tickets, %zu windows, %lld events in the journal)\n", when,
                a.tickets, a.windows, a.events);
}

void reportConsistent(Hall &h, const char *when) { printAgreement(when, checkConsistent(h, when)); }

struct StartupResult {
    Stats ms;
    double firstMs = 0; // the first open after a copy also creates the WAL and shared-memory files
    std::size_t tickets = 0;
};

StartupResult measureStartup(const QString &path, const HallConfig &config, int reps)
{
    std::vector<double> ms;
    StartupResult r;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = SteadyClock::now();
        auto s = openStore(path, true);
        const EngineSnapshot snap = s->loadSnapshot(config);
        ms.push_back(microsSince(t0, SteadyClock::now()) / 1000);
        if (i == 0)
            r.firstMs = ms.back();
        r.tickets = snap.tickets.size();
    }
    r.ms = summarize(std::move(ms));
    return r;
}

// ---- (d) history -----------------------------------------------------------------------------

long journalLength(const QString &path, std::string *why)
{
    if (!QFileInfo::exists(path)) {
        *why = "none yet";
        return -1;
    }
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(db);
        *why = "cannot open it";
        return -1;
    }
    long n = -1;
    if (std::stoi("0" + rawText(db, "PRAGMA user_version")) != store::Store::kSchemaVersion) {
        *why = "other schema version";
    } else {
        // The journal is append-only (triggers refuse deletes) and seqs are rowids: max = count.
        n = std::stol("0" + rawText(db, "SELECT MAX(seq) FROM events"));
        *why = std::to_string(n) + " events";
    }
    sqlite3_close_v2(db);
    return n;
}

void buildAndReportHistory(const QString &path, long target)
{
    const BuiltHistory b = buildHistory(path, benchConfig(), target, newRequestId);
    printAgreement("after building the history", b.agreed);
    std::printf("  built: %ld operations, %ld events over %d business days (%.0f events/day) in %.1f s (%.0f events/s; "
                "durable=false, %ld operations per commit)\n",
                b.ops, b.events, b.days, double(b.events) / b.days, b.seconds, double(b.events) / b.seconds, kHistoryBatchOps);
}

// ---- Output ----------------------------------------------------------------------------------

struct Row {
    std::string figure, value, goal, verdict;
};

std::string fmt(const char *f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string verdict(bool met) { return met ? "MET" : "NOT MET"; }

// Lowest and highest block mean: how far the disk drifted while this figure was taken.
std::string spread(const Series &s)
{
    const auto [lo, hi] = std::minmax_element(s.blockMeans.begin(), s.blockMeans.end());
    return fmt("%.0f", *lo) + "-" + fmt("%.0f us", *hi);
}

// The first operation of a business day also carries DayStarted, whose projection work (expiring
// open tickets and sessions, pruning a day of idempotency records once a week of them exists)
// lands in that commit. The daemon's rollover timer usually commits DayStarted on its own at
// 04:00, so this shows how much of a figure is that once-a-day cost. The goals use all commits.
void printRollover(const Series &s, bool perOp)
{
    if (s.rolloverUs.empty()) {
        std::printf("    no commit carried a DayStarted\n");
        return;
    }
    const Stats r = summarize(s.rolloverUs);
    const Stats all = s.stats();
    const double restUs = all.total - r.total;
    const long restCommits = s.commits() - long(r.n);
    std::printf("    %zu commit(s) carried a DayStarted: mean %.0f us, max %.0f us; without them: mean %.1f us", r.n, r.mean, r.max,
                restUs / double(restCommits));
    if (perOp)
        std::printf(", %.0f ops/s", double(restCommits * (s.ops / s.commits())) / (restUs / 1e6));
    std::printf("\n");
}

void printSingle(const char *what, const Series &s)
{
    const Stats st = s.stats();
    std::printf("  %s: %ld commits, mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us, %.0f commits/s\n", what, s.commits(), st.mean,
                st.p50, st.p99, st.max, double(s.commits()) / (st.total / 1e6));
    if (s.prepareUs > 0 || s.storeUs > 0)
        std::printf("    of which engine + reply %.1f us, Store::commit %.1f us; ", s.prepareUs / double(s.ops), s.storeUs / double(s.commits()));
    else
        std::printf("    ");
    std::printf("%.1f pages written to the WAL per commit; block means %s\n", s.pagesPerCommit(), spread(s).c_str());
    if (s.prepareUs > 0 || s.storeUs > 0)
        printRollover(s, false);
}

void printGroup(const char *what, const Series &s)
{
    const Stats st = s.stats();
    std::printf("  %s: %ld commits of %d (%ld ops, %ld events): %.0f ops/s\n", what, s.commits(), kGroupSize, s.ops, s.events, s.opsPerSec());
    std::printf("    per commit: mean %.0f us, p50 %.0f us, p99 %.0f us, max %.0f us (engine + replies %.1f us/op, Store::commit %.0f us)\n",
                st.mean, st.p50, st.p99, st.max, s.prepareUs / double(s.ops), s.storeUs / double(s.commits()));
    std::printf("    %.1f pages written to the WAL per commit (%.2f per operation); block means %s\n", s.pagesPerCommit(),
                s.pagesPerCommit() / kGroupSize, spread(s).c_str());
    printRollover(s, true);
}

// Runs each job once per round, rotating which goes first, so that slow drift of the disk's
// fsync latency (large on virtual machines) lands on every measurement alike instead of on
// whichever happened to run last.
void interleave(const std::vector<std::function<void()>> &jobs)
{
    for (int round = 0; round < kRounds; ++round) {
        for (std::size_t k = 0; k < jobs.size(); ++k)
            jobs[(std::size_t(round) + k) % jobs.size()]();
    }
}

} // namespace

int main(int argc, char **argv)
{
    QString dirArg;
    long ops = 2000;
    long history = 1'000'000;
    bool skipHistory = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--dir" && i + 1 < argc) {
            dirArg = QString::fromLocal8Bit(argv[++i]);
        } else if (arg == "--ops" && i + 1 < argc) {
            ops = parseCount(argv[++i], "--ops");
        } else if (arg == "--history" && i + 1 < argc) {
            history = parseCount(argv[++i], "--history");
        } else if (arg == "--skip-history") {
            skipHistory = true;
        } else if (arg == "--request-ids" && i + 1 < argc
                   && (std::strcmp(argv[i + 1], "uuid7") == 0 || std::strcmp(argv[i + 1], "uuid4") == 0
                       || std::strcmp(argv[i + 1], "sequential") == 0)) {
            const std::string kind = argv[++i];
            g_requestIds = kind == "uuid7" ? RequestIds::Uuid7 : kind == "uuid4" ? RequestIds::Uuid4 : RequestIds::Sequential;
        } else {
            std::printf("usage: %s [--dir DIR] [--ops N (default 2000)] [--history N (default 1000000)] [--skip-history]\n"
                        "          [--request-ids uuid7|uuid4|sequential (default uuid7)]\n",
                        argv[0]);
            return arg == "--help" || arg == "-h" ? 0 : 1;
        }
    }
    // Migration notices would interleave with the figures.
    QLoggingCategory::setFilterRules(QStringLiteral("hall.server.store.info=false\nhall.server.store.debug=false"));

    std::optional<QTemporaryDir> tmp;
    const QString dir = scratchDir(dirArg, "bench-store", tmp);
    const QStorageInfo disk(dir);
    const long blockOps = std::max(1L, (ops + kRounds - 1) / kRounds);
    const long groupCommits = std::max(kMinGroupCommits, (ops + kGroupSize - 1) / kGroupSize);
    const long blockCommits = (groupCommits + kRounds - 1) / kRounds;
    const long warmupOps = 50;

    std::printf("bench_store: durable commits of the hall store (build type %s, SQLite %s)\n", HALL_BENCH_BUILD_TYPE, sqlite3_libversion());
    std::printf("  every database lives in %s%s\n", str(dir).c_str(),
                tmp ? " (temporary; pass --dir to keep the history database between runs)" : "");
    std::printf("  disk: %s (%s, mounted on %s), %.1f GB free\n", disk.device().constData(), disk.fileSystemType().constData(),
                str(disk.rootPath()).c_str(), double(disk.bytesAvailable()) / 1e9);
    std::printf("  request ids: %s; devices counter-1..12 and kiosk-1..3, as the simulated hall names them\n", requestIdsName());
    std::printf("  (a) and (b): %ld commits each; (c): %ld commits of %d; all run in %d interleaved rounds after warm-up\n", blockOps * kRounds,
                blockCommits * kRounds, kGroupSize, kRounds);

    // ---- Set-up: every database exists and is warm before the first measurement.
    const QString workPath = dir + QStringLiteral("/history-work.db");
    std::string historySource;
    StartupResult startupHist;
    if (!skipHistory) {
        std::printf("\n(d) history: a store with %ld events, prepared first so all measurements can be interleaved\n", history);
        const QString cachePath = dir + QStringLiteral("/history-v%1-%2.db").arg(kHistoryFormat).arg(history);
        std::string why;
        if (journalLength(cachePath, &why) == history) {
            historySource = "reused";
            std::printf("  history database: reused %s (%s)\n", str(cachePath).c_str(), why.c_str());
        } else {
            historySource = "built";
            std::printf("  history database: building %s (cached copy: %s)\n", str(cachePath).c_str(), why.c_str());
            std::fflush(stdout);
            buildAndReportHistory(cachePath, history);
        }
        // Measurements append to a copy so the cached history keeps its exact length.
        removeDb(workPath); // outside the timing: deleting the last run's copy is no part of copying
        const auto c0 = SteadyClock::now();
        copyDb(cachePath, workPath);
        std::printf("  working copy: %.0f MB, copied and fsynced in %.1f s\n", double(QFileInfo(workPath).size()) / 1e6, secondsSince(c0));
        startupHist = measureStartup(workPath, benchConfig(), 7);
        std::printf("  Store::open + loadSnapshot (page cache warm): first %.1f ms, median of 7 %.1f ms, max %.1f ms; %zu tickets in the "
                    "snapshot\n",
                    startupHist.firstMs, startupHist.ms.p50, startupHist.ms.max, startupHist.tickets);
    }

    RawDb raw(dir + QStringLiteral("/raw.db"));
    raw.run(warmupOps, nullptr);
    const QString emptyPath = dir + QStringLiteral("/store-empty.db");
    removeDb(emptyPath);
    auto empty = openHall(emptyPath, benchConfig(), true, 1);
    runOps(*empty, 1, warmupOps, nullptr);
    std::unique_ptr<Hall> hist;
    if (!skipHistory) {
        hist = openHall(workPath, benchConfig(), true, 1);
        runOps(*hist, 1, warmupOps, nullptr);
    }
    std::printf("\npragmas: raw %s\n         store %s\n", pragmas(raw.handle()).c_str(), pragmas(empty->store->handle()).c_str());
    if (hist)
        std::printf("         history store %s\n", pragmas(hist->store->handle()).c_str());

    // ---- (a) and (b), interleaved.
    Series rawS, singleEmpty, singleHist;
    std::vector<std::function<void()>> singles = {
        [&] { raw.run(blockOps, &rawS); },
        [&] { runOps(*empty, 1, blockOps, &singleEmpty); },
    };
    if (hist)
        singles.push_back([&] { runOps(*hist, 1, blockOps, &singleHist); });
    interleave(singles);

    std::printf("\n(a) raw SQLite: BEGIN; one-row INSERT; COMMIT on a separate file\n");
    printSingle("raw commit", rawS);
    std::printf("\n(b) durable single operation: Engine + Store, one CommitEntry with its idempotency record per commit\n");
    printSingle("empty store", singleEmpty);
    std::printf("    ratio to raw SQLite commit (mean): %.2fx (goal <= 1.30x)\n", singleEmpty.stats().mean / rawS.stats().mean);
    if (hist) {
        printSingle("store with history", singleHist);
        std::printf("    ratio to raw SQLite commit (mean): %.2fx\n", singleHist.stats().mean / rawS.stats().mean);
    }

    // ---- (c), interleaved.
    runOps(*empty, kGroupSize, 3, nullptr);
    if (hist)
        runOps(*hist, kGroupSize, 3, nullptr);
    Series groupEmpty, groupHist;
    std::vector<std::function<void()>> groups = {[&] { runOps(*empty, kGroupSize, blockCommits, &groupEmpty); }};
    if (hist)
        groups.push_back([&] { runOps(*hist, kGroupSize, blockCommits, &groupHist); });
    interleave(groups);
    std::printf("\n(c) group commit: %d operations, each with its own idempotency record, per Store::commit\n", kGroupSize);
    printGroup("empty store", groupEmpty);
    if (hist)
        printGroup("store with history", groupHist);

    std::printf("\nchecks\n");
    reportConsistent(*empty, "of the empty store after (b) and (c)");
    if (hist)
        reportConsistent(*hist, "of the history store after (b) and (c)");
    empty.reset();
    hist.reset();
    const StartupResult startupEmpty = measureStartup(emptyPath, benchConfig(), 7);
    std::printf("  Store::open + loadSnapshot on the small store: median of 7 %.1f ms\n", startupEmpty.ms.p50);

    // ---- (e)
    const Stats a = rawS.stats(), be = singleEmpty.stats();
    std::vector<Row> rows;
    rows.push_back({"(a) raw SQLite commit, mean / p50 / p99", fmt("%.0f", a.mean) + " / " + fmt("%.0f", a.p50) + " / " + fmt("%.0f us", a.p99),
                    "", ""});
    rows.push_back({"(a) raw SQLite commits/s", fmt("%.0f", double(a.n) / (a.total / 1e6)), "", ""});
    rows.push_back({"(a) raw block means over the rounds", spread(rawS), "", ""});
    auto singleRows = [&](const char *tag, const Series &s) {
        const Stats b = s.stats();
        rows.push_back({std::string("(b) single op ") + tag + ", mean / p50 / p99",
                        fmt("%.0f", b.mean) + " / " + fmt("%.0f", b.p50) + " / " + fmt("%.0f us", b.p99), "", ""});
        const double ratio = b.mean / a.mean;
        rows.push_back({std::string("(b) single op ") + tag + " / raw commit", fmt("%.2fx", ratio), "<= 1.30x", verdict(ratio <= 1.30)});
    };
    auto groupRows = [&](const char *tag, const Series &s) {
        const Stats c = s.stats();
        rows.push_back({std::string("(c) group-64 ") + tag + ", ops/s", fmt("%.0f", s.opsPerSec()), ">= 20000", verdict(s.opsPerSec() >= 20000)});
        rows.push_back({std::string("(c) group-64 ") + tag + ", commit mean / p99", fmt("%.0f", c.mean) + " / " + fmt("%.0f us", c.p99), "", ""});
    };
    singleRows("empty", singleEmpty);
    groupRows("empty", groupEmpty);
    if (!skipHistory) {
        singleRows("history", singleHist);
        groupRows("history", groupHist);
        // "Within 10%" is read as "no more than 10% worse": history being faster is no failure.
        const double singleDiff = (singleHist.stats().mean - be.mean) / be.mean * 100;
        const double groupDiff = (groupHist.opsPerSec() - groupEmpty.opsPerSec()) / groupEmpty.opsPerSec() * 100;
        rows.push_back({"(d) single op mean, history vs empty", fmt("%+.1f%%", singleDiff), "<= +10%", verdict(singleDiff <= 10)});
        rows.push_back({"(d) group-64 ops/s, history vs empty", fmt("%+.1f%%", groupDiff), ">= -10%", verdict(groupDiff >= -10)});
        rows.push_back({"(d) Store::open + loadSnapshot, history", fmt("%.1f ms", startupHist.ms.p50), "", ""});
        rows.push_back({"(d) history database", historySource + ", " + std::to_string(history) + " events", "", ""});
    } else {
        rows.push_back({"(d) history", "skipped (--skip-history)", "", ""});
    }
    rows.push_back({"Store::open + loadSnapshot, small store", fmt("%.1f ms", startupEmpty.ms.p50), "", ""});

    std::printf("\n(e) Summary\n");
    std::printf("  %-42s %-22s %-9s %s\n", "figure", "measured", "goal", "result");
    for (const Row &r : rows)
        std::printf("  %-42s %-22s %-9s %s\n", r.figure.c_str(), r.value.c_str(), r.goal.c_str(), r.verdict.c_str());
    return 0;
}
