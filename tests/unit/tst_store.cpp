// Unit tests of the SQLite store: what is committed comes back identical after a restart, old
// databases upgrade, foreign and newer files are refused untouched, a failed commit leaves no trace,
// and the projections always agree with the journal. Schema versions are compared with
// Store::kSchemaVersion, never a literal, so adding a migration does not break these tests.
#include "engine/engine.h"
#include "store/store.h"
#include "testhall.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

using namespace hall::engine;
using namespace testhall;
using hall::store::CommitEntry;
using hall::store::OpenOptions;
using hall::store::Store;
using hall::store::StoredEvent;
using hall::store::StoreFailure;

namespace {

// Day 0 of localTime(): the business day tests/data/make-hall-v1.sql was written on.
constexpr int kDay0 = 19786;
constexpr const char *kFixtureEpoch = "3f9c2b7e81d04a6c9e5b0d2f7a1c8e46";

// The hall the fixture was written for; see the header of tests/data/make-hall-v1.sql. The PIN
// hash is part of it because syncConfig() writes clerks and the fixture's rows carry this one.
HallConfig makeConfig()
{
    HallConfig c = fourWindowHall();
    for (Clerk &clerk : c.clerks)
        clerk.pinHash = "fixture-no-pin";
    return c;
}

QByteArray statusesOf(const EngineSnapshot &s)
{
    QByteArray out;
    for (const Ticket &t : s.tickets)
        out += (out.isEmpty() ? "" : ",") + QByteArray::fromStdString(t.label) + '=' + toString(t.status);
    return out;
}

// ---- Raw SQLite, for what the public API does not show -------------------------------------

// Rows joined by '\n', columns by '|', NULL spelled out; an error comes back as text so a
// comparison shows it.
QByteArray query(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
        return "ERROR " + QByteArray(sqlite3_errmsg(db));
    QByteArray out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!out.isEmpty())
            out += '\n';
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            if (c)
                out += '|';
            const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(st, c));
            out += p ? QByteArray(p) : QByteArray("NULL");
        }
    }
    if (rc != SQLITE_DONE)
        out = "ERROR " + QByteArray(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

qint64 scalar(sqlite3 *db, const char *sql)
{
    bool ok = false;
    const qint64 v = query(db, sql).toLongLong(&ok);
    return ok ? v : -1;
}

struct ExecResult {
    int rc = SQLITE_OK;
    QByteArray message;
};

ExecResult execRaw(sqlite3 *db, const char *sql)
{
    char *msg = nullptr;
    ExecResult r;
    r.rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
    r.message = msg ? QByteArray(msg) : QByteArray();
    sqlite3_free(msg);
    return r;
}

// A plain connection next to the store's, for setting up files the store must refuse.
struct RawDb {
    explicit RawDb(const QString &path)
    {
        if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            db = nullptr;
        }
    }
    ~RawDb() { sqlite3_close(db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;
    sqlite3 *db = nullptr;
};

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QString fixturePath()
{
    return qEnvironmentVariable("HALL_TEST_DATA") + QStringLiteral("/hall-v1.db");
}

// Tests work on a copy: the checked-in fixture stands for a file in the field and must never change.
bool copyFixture(const QString &to)
{
    QFile::remove(to);
    if (!QFile::copy(fixturePath(), to))
        return false;
    return QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
}

bool hasSidecar(const QString &path, const char *suffix)
{
    return QFileInfo::exists(path + QLatin1String(suffix));
}

// SQLite leaves an empty -wal (and the -shm index) beside a WAL database a reader opened, so its
// mere presence proves nothing; anything in it would be a write.
bool walIsEmpty(const QString &path)
{
    return !hasSidecar(path, "-wal") || QFileInfo(path + QLatin1String("-wal")).size() == 0;
}

OpenOptions readOnlyOptions()
{
    OpenOptions options;
    options.readOnly = true;
    return options;
}

// Why the store refused to open `path`, or nullopt if it opened it after all (and closed it again,
// so that either way the caller looks at a file no connection holds).
std::optional<QString> refusalOf(const QString &path, bool readOnly)
{
    QString error;
    if (Store::open(path, readOnly ? readOnlyOptions() : OpenOptions{}, &error))
        return std::nullopt;
    return error;
}

// Counts the store's "migrated" log lines, so a test can tell that a reopen did not migrate again.
QtMessageHandler g_previousHandler = nullptr;
int g_migrationMessages = 0;

void countMigrations(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.startsWith(QLatin1String("migrated ")))
        ++g_migrationMessages;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QByteArray replyFor(const Engine &engine, const Outcome &out)
{
    if (!out.ok())
        return QByteArray("{\"ok\":false,\"error\":\"") + toString(out.error->code) + "\"}";
    const Ticket *t = out.ticket ? engine.ticket(out.ticket) : nullptr;
    if (t)
        return "{\"ok\":true,\"ticket\":" + QByteArray::number(qint64(t->id)) + ",\"label\":\"" + QByteArray::fromStdString(t->label) + "\"}";
    return "{\"ok\":true}";
}

// An engine and its store, committing every operation the way the server does before it replies.
struct Hall {
    HallConfig config = makeConfig();
    ManualClock clock{localTime(7, 50)};
    std::unique_ptr<Store> store;
    std::unique_ptr<Engine> engine;
    QString error;
    int requests = 0;
    qint64 eventsEmitted = 0;

    bool open(const QString &path, OpenOptions options = {})
    {
        engine.reset();
        store.reset();
        store = Store::open(path, options, &error);
        if (!store || (!options.readOnly && !store->syncConfig(config, &error)))
            return false;
        engine = std::make_unique<Engine>(config, clock);
        engine->restore(store->loadSnapshot(config));
        return true;
    }

    // The acted-on ticket's label, "ok", or the error code; "commit failed" if the store refused.
    QByteArray run(const Outcome &out, const std::string &device = "terminal-1")
    {
        eventsEmitted += qint64(out.events.size());
        const std::string requestId = "req-" + std::to_string(++requests);
        if (!store->commit({CommitEntry{out.events, device, requestId, replyFor(*engine, out)}}, nullptr, &error))
            return "commit failed: " + error.toUtf8();
        if (!out.ok())
            return toString(out.error->code);
        const Ticket *t = out.ticket ? engine->ticket(out.ticket) : nullptr;
        return t ? QByteArray::fromStdString(t->label) : QByteArray("ok");
    }

    // Internal operations (the rollover timer) keep no reply.
    bool runInternal(const Outcome &out)
    {
        eventsEmitted += qint64(out.events.size());
        return store->commit({CommitEntry{out.events, {}, {}, {}}}, nullptr, &error);
    }
};

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void reopenGivesIdenticalState();
    void upgradeFromVersion1Fixture();
    void upgradedProjectionsMatchReplayedJournal();
    void refusesNewerSchemaUntouched();
    void refusesForeignDatabaseUntouched_data();
    void refusesForeignDatabaseUntouched();
    void refusesNonSqliteFileUntouched();
    void eventsRefuseUpdateAndDelete();
    void eventsRefuseReplace();
    void idempotencyRecords();
    void idempotencyPrunedOnlyWhenAsked();
    void failedCommitRollsBackEverything();
    void commitReportsStorageFailures_data();
    void commitReportsStorageFailures();
    void readOnlyOpenOfCurrentVersion();
    void readOnlyOpenOfOldVersionChangesNothing();
    void randomOperationsKeepProjectionsConsistent();

private:
    QString dbPath(const char *name = "hall.db") const { return m_dir->filePath(QLatin1String(name)); }

    QByteArray m_fixtureHash;
    // Every test gets a directory of its own, removed after it, so no database outlives its test.
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStore::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("HALL_TEST_DATA").isEmpty(), "HALL_TEST_DATA must point at tests/data (set by ctest)");
    const QByteArray fixture = fileBytes(fixturePath());
    QVERIFY2(!fixture.isEmpty(), qPrintable(fixturePath() + QStringLiteral(" is missing")));
    QVERIFY2(fixture.startsWith(QByteArray("SQLite format 3\0", 16)), "the fixture is not an SQLite file (a Git LFS pointer?)");
    m_fixtureHash = QCryptographicHash::hash(fixture, QCryptographicHash::Sha256);
    // The migration counter reads the store's info lines, whatever QT_LOGGING_RULES says.
    QLoggingCategory::setFilterRules(QStringLiteral("hall.server.store.info=true"));
    g_previousHandler = qInstallMessageHandler(countMigrations);
}

void TestStore::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
    QCOMPARE(QCryptographicHash::hash(fileBytes(fixturePath()), QCryptographicHash::Sha256), m_fixtureHash);
    QVERIFY(!hasSidecar(fixturePath(), "-wal"));
    QVERIFY(!hasSidecar(fixturePath(), "-shm"));
}

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStore::cleanup()
{
    m_dir.reset();
}

// ---- 1. Restart ---------------------------------------------------------------------------------

void TestStore::reopenGivesIdenticalState()
{
    const QString path = dbPath();
    Hall h;
    QVERIFY2(h.open(path), qPrintable(h.error));
    const QString epoch = h.store->epoch();
    QCOMPARE(epoch.size(), 32);
    Engine &e = *h.engine;
    const auto next = [&h](int seconds = 20) { h.clock.advance(Millis(seconds) * 1000); };

    // Day 0. Every operation kind, every priority class, tickets left in every open state at the rollover.
    QCOMPARE(h.run(e.signIn(1, "c1")), QByteArray("ok")); // carries day_started for day 0
    next(); QCOMPARE(h.run(e.signIn(2, "c2")), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.signIn(3, "c3")), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.signIn(4, "c4")), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.issue("NEW", Priority::Normal), "kiosk-1"), QByteArray("A001"));
    next(); QCOMPARE(h.run(e.issue("NEW", Priority::Elderly), "kiosk-1"), QByteArray("A002"));
    next(); QCOMPARE(h.run(e.issue("NEW", Priority::Appointment), "kiosk-1"), QByteArray("A003"));
    next(); QCOMPARE(h.run(e.issue("RENEW", Priority::Normal), "kiosk-2"), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.issue("RENEW", Priority::Appointment), "kiosk-2"), QByteArray("B002"));
    next(); QCOMPARE(h.run(e.issue("PICKUP", Priority::Elderly), "kiosk-2"), QByteArray("C001"));
    next(); QCOMPARE(h.run(e.issue("PICKUP", Priority::Normal), "kiosk-2"), QByteArray("C002"));
    next(); QCOMPARE(h.run(e.callNext(1)), QByteArray("A003"));
    next(); QCOMPARE(h.run(e.recall(1)), QByteArray("A003"));
    next(); QCOMPARE(h.run(e.startService(1)), QByteArray("A003"));
    next(300); QCOMPARE(h.run(e.finish(1)), QByteArray("A003"));
    next(); QCOMPARE(h.run(e.callNext(2)), QByteArray("B002"));
    next(); QCOMPARE(h.run(e.recall(2)), QByteArray("B002"));
    next(); QCOMPARE(h.run(e.noShow(2)), QByteArray("B002"));
    next(); QCOMPARE(h.run(e.callNext(3)), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.startService(3)), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.transferToService(3, "NEW")), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.callNext(1)), QByteArray("A002"));
    next(); QCOMPARE(h.run(e.transferToWindow(1, 4)), QByteArray("A002"));
    next(); QCOMPARE(h.run(e.callNext(4)), QByteArray("A002")); // sent to window 4: before its own PICKUP queue
    next(); QCOMPARE(h.run(e.startService(4)), QByteArray("A002"));
    next(200); QCOMPARE(h.run(e.finish(4)), QByteArray("A002"));
    next(); QCOMPARE(h.run(e.callNext(4)), QByteArray("C001"));
    next(90); QCOMPARE(h.run(e.finish(4)), QByteArray("C001")); // straight from "called"
    next(); QCOMPARE(h.run(e.cancel(e.waitingFor("PICKUP").at(0)), "kiosk-2"), QByteArray("C002"));
    next(); QCOMPARE(h.run(e.pause(3)), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.resume(3)), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.pause(3)), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.callNext(3)), QByteArray("window_paused")); // a refusal keeps a reply, writes no event
    next(); QCOMPARE(h.run(e.signOut(2)), QByteArray("ok"));
    next();
    const Millis window2OpenedAt = h.clock.now();
    QCOMPARE(h.run(e.signIn(2, "c5")), QByteArray("ok"));
    next(); QCOMPARE(h.run(e.callNext(2)), QByteArray("A001")); // RENEW is empty; A001 is ahead of B001 in NEW
    next(); QCOMPARE(h.run(e.callNext(1)), QByteArray("B001")); // transferred, kept its place from 08:xx
    next(); QCOMPARE(h.run(e.startService(1)), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.issue("NEW"), "kiosk-1"), QByteArray("A004"));
    const QByteArray day0Open = "A001=called,B001=serving,A004=waiting";
    {
        QByteArray open;
        for (const auto &[id, t] : e.tickets())
            if (isOpen(t.status))
                open += (open.isEmpty() ? "" : ",") + QByteArray::fromStdString(t.label) + '=' + toString(t.status);
        QCOMPARE(open, day0Open);
    }

    // Day 1: the first operation starts it, in the same entry as its own event.
    h.clock.set(localTime(8, 0, 0, 1));
    const Millis rolloverAt = h.clock.now();
    {
        const Outcome out = e.issue("NEW");
        QCOMPARE(out.events.size(), std::size_t(2));
        QCOMPARE(out.events[0].type, EventType::DayStarted);
        QCOMPARE(h.run(out, "kiosk-1"), QByteArray("A001"));
    }
    QCOMPARE(e.today(), kDay0 + 1);
    next(); QCOMPARE(h.run(e.issue("RENEW"), "kiosk-1"), QByteArray("B001"));
    next(); QCOMPARE(h.run(e.issue("PICKUP", Priority::Elderly), "kiosk-2"), QByteArray("C001"));
    next(); QCOMPARE(h.run(e.callNext(1)), QByteArray("A001"));
    next(); QCOMPARE(h.run(e.startService(1)), QByteArray("A001"));
    next(400); QCOMPARE(h.run(e.finish(1)), QByteArray("A001"));
    next(); QCOMPARE(h.run(e.callNext(2)), QByteArray("B001")); // clerks stay signed in across the rollover
    next(); QCOMPARE(h.run(e.transferToWindow(2, 3)), QByteArray("B001")); // to a paused window: waits there
    next(); QCOMPARE(h.run(e.issue("NEW", Priority::Elderly), "kiosk-1"), QByteArray("A002"));
    next(); QCOMPARE(h.run(e.callNext(4)), QByteArray("C001"));
    next(); QCOMPARE(h.run(e.recall(4)), QByteArray("C001"));
    next(); QCOMPARE(h.run(e.recall(4)), QByteArray("C001"));
    next(); QCOMPARE(h.run(e.signOut(1)), QByteArray("ok"));
    QVERIFY(h.runInternal(e.tick())); // nothing to start: an empty commit must be harmless

    const EngineSnapshot live = e.snapshot();
    QCOMPARE(statusesOf(live), QByteArray("A001=finished,B001=waiting,C001=called,A002=waiting"));
    const std::unique_ptr<Engine> liveEngine = std::move(h.engine); // keeps `e` alive across the reopen
    QCOMPARE(h.store->lastSeq(), h.eventsEmitted);
    const qint64 lastSeq = h.store->lastSeq();

    // Restart.
    QVERIFY2(h.open(path), qPrintable(h.error));
    QCOMPARE(h.store->epoch(), epoch);
    QCOMPARE(h.store->lastSeq(), lastSeq);
    QCOMPARE(h.store->schemaVersion(), Store::kSchemaVersion);
    const EngineSnapshot loaded = h.store->loadSnapshot(h.config);
    QVERIFY_SAME_SNAPSHOT(live, loaded);
    QVERIFY_SAME_SNAPSHOT(live, h.engine->snapshot());
    // Concrete values, so engine and store cannot agree on something wrong.
    QCOMPARE(loaded.day, kDay0 + 1);
    QCOMPARE(loaded.lastTicketId, TicketId(12));
    QCOMPARE(bytes(numbersText(loaded.lastNumbers)), QByteArray("NEW:2;PICKUP:1;RENEW:1;"));
    // Window 1 signed out, but A001 finished there may still rate: the slot outlives the clerk.
    QCOMPARE(loaded.windows.size(), std::size_t(4));
    QCOMPARE(loaded.windows[0].number, 1);
    QVERIFY(loaded.windows[0].clerk.empty());
    QCOMPARE(loaded.windows[0].rating.ticket, loaded.tickets[0].id);
    QCOMPARE(loaded.windows[0].rating.openedAt, loaded.tickets[0].endedAt);
    QCOMPARE(bytes(windowText(loaded.windows[1])), bytes("window 2 clerk=c5 paused=0 current=0 opened=" + std::to_string(window2OpenedAt)));
    QCOMPARE(loaded.windows[2].number, 3);
    QCOMPARE(loaded.windows[2].paused, true);
    QCOMPARE(loaded.windows[3].current, TicketId(11));
    QCOMPARE(loaded.tickets[1].targetWindow, 3);
    QCOMPARE(loaded.tickets[1].transfers, 1);
    QCOMPARE(loaded.tickets[2].recalls, 2);
    QCOMPARE(bytes(samplesText(loaded.recentServiceSeconds)), QByteArray("NEW: 300 200 400;PICKUP: 90;"));

    // Yesterday's open tickets were expired by the rollover, at its time.
    QCOMPARE(query(h.store->handle(), "SELECT label, status, ended_at FROM tickets WHERE day = 19786 AND status = 'expired' ORDER BY id"),
             "A001|expired|" + QByteArray::number(rolloverAt) + "\nB001|expired|" + QByteArray::number(rolloverAt)
                 + "\nA004|expired|" + QByteArray::number(rolloverAt));

    // The journal alone rebuilds the same state.
    const std::vector<StoredEvent> journal = h.store->readEvents(0, INT_MAX);
    QCOMPARE(qint64(journal.size()), lastSeq);
    ManualClock replayClock(h.clock.now());
    Engine replayed(h.config, replayClock);
    for (std::size_t i = 0; i < journal.size(); ++i) {
        QCOMPARE(journal[i].seq, qint64(i + 1));
        replayed.apply(journal[i].event);
    }
    QVERIFY_SAME_SNAPSHOT(live, replayed.snapshot());

    // Numbering continues where it stopped, in all three.
    for (const char *service : {"NEW", "RENEW", "PICKUP"}) {
        h.clock.advance(1000);
        const Outcome a = e.issue(service);
        const Outcome b = h.engine->issue(service);
        const Outcome c = replayed.issue(service);
        QVERIFY(a.ok() && b.ok() && c.ok());
        QCOMPARE(b.ticket, a.ticket);
        QCOMPARE(c.ticket, a.ticket);
        QCOMPARE(bytes(h.engine->ticket(b.ticket)->label), bytes(e.ticket(a.ticket)->label));
        QCOMPARE(bytes(replayed.ticket(c.ticket)->label), bytes(e.ticket(a.ticket)->label));
        QCOMPARE(h.engine->ticket(b.ticket)->number, e.ticket(a.ticket)->number);
    }
    QCOMPARE(bytes(e.ticket(13)->label), QByteArray("A003"));
    QCOMPARE(bytes(e.ticket(14)->label), QByteArray("B002"));
    QCOMPARE(bytes(e.ticket(15)->label), QByteArray("C002"));
    QString error;
    QVERIFY2(h.store->integrityCheck(&error), qPrintable(error));
}

// ---- 2. Upgrade -------------------------------------------------------------------------------

void TestStore::upgradeFromVersion1Fixture()
{
    const QString path = dbPath();
    QVERIFY(copyFixture(path));
    {
        RawDb raw(path);
        QCOMPARE(scalar(raw.db, "PRAGMA user_version"), 1);
    }

    Hall h;
    h.clock.set(localTime(8, 47));
    const int migrationsBefore = g_migrationMessages;
    QVERIFY2(h.open(path), qPrintable(h.error)); // durable, as the server opens it
    QCOMPARE(g_migrationMessages - migrationsBefore, Store::kSchemaVersion - 1);
    Store &store = *h.store;
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    QCOMPARE(scalar(store.handle(), "PRAGMA user_version"), qint64(Store::kSchemaVersion));
    QCOMPARE(store.epoch(), QString::fromLatin1(kFixtureEpoch));
    QCOMPARE(store.lastSeq(), 33);
    QString error;
    QVERIFY2(store.integrityCheck(&error), qPrintable(error));
    QCOMPARE(store.findReply("kiosk-1", "k1-0009"), std::optional<QByteArray>("{\"label\":\"B003\",\"ok\":true,\"ticket\":9}"));
    QCOMPARE(store.findReply("window-3", "w3-0012"), std::optional<QByteArray>("{\"ok\":true}"));
    QCOMPARE(store.findReply("kiosk-2", "k1-0009"), std::nullopt);

    const EngineSnapshot s = store.loadSnapshot(h.config);
    QCOMPARE(s.day, kDay0);
    QCOMPARE(s.lastTicketId, TicketId(9));
    QCOMPARE(bytes(numbersText(s.lastNumbers)), QByteArray("NEW:4;PICKUP:2;RENEW:3;"));
    QCOMPARE(statusesOf(s), QByteArray("A001=finished,A002=finished,B001=no_show,C001=cancelled,A003=waiting,"
                                       "B002=serving,A004=called,C002=waiting,B003=waiting"));
    QCOMPARE(s.tickets.size(), std::size_t(9));
    QCOMPARE(bytes(ticketText(s.tickets[0])), QByteArray("#1 A001 RENEW/NEW n=1 day=19786 normal finished issued=1709510460000 "
                                                      "queued=1709510460000 called=1709511720000 first=1709511360000 "
                                                      "serving=1709511780000 ended=1709512200000 window=3 target=0 clerk=c3 "
                                                      "recalls=0 transfers=1"));
    QCOMPARE(bytes(ticketText(s.tickets[4])), QByteArray("#5 A003 NEW/NEW n=3 day=19786 normal waiting issued=1709510940000 "
                                                      "queued=1709510940000 called=1709512440000 first=1709512440000 serving=0 "
                                                      "ended=0 window=1 target=4 clerk=c1 recalls=0 transfers=1"));
    QCOMPARE(s.tickets[5].window, 2);
    QCOMPARE(s.tickets[5].status, TicketStatus::Serving);
    QCOMPARE(s.tickets[6].window, 1);
    QCOMPARE(s.tickets[6].status, TicketStatus::Called);
    QCOMPARE(s.tickets[8].priority, Priority::Appointment);
    QCOMPARE(s.windows.size(), std::size_t(3));
    QCOMPARE(bytes(windowText(s.windows[0])), QByteArray("window 1 clerk=c1 paused=0 current=7 opened=1709509800000"));
    QCOMPARE(bytes(windowText(s.windows[1])), QByteArray("window 2 clerk=c2 paused=0 current=6 opened=1709509920000"));
    QCOMPARE(bytes(windowText(s.windows[2])), QByteArray("window 3 clerk=c3 paused=1 current=0 opened=1709510100000"));
    // A002 (NEW) took 600 s, A001 took 420 s after it had moved to RENEW.
    QCOMPARE(bytes(samplesText(s.recentServiceSeconds)), QByteArray("NEW: 600;RENEW: 420;"));

    // The restored engine goes on by the engine's rules.
    Engine &e = *h.engine;
    QVERIFY_SAME_SNAPSHOT(s, e.snapshot());
    QCOMPARE(e.waitingFor("RENEW"), std::vector<TicketId>{9});
    QCOMPARE(e.waitingFor("NEW"), std::vector<TicketId>{}); // A003 waits for window 4 only
    QCOMPARE(e.averageServiceSeconds("RENEW"), 420);
    QCOMPARE(h.run(e.callNext(2)), QByteArray("visitor_in_progress")); // B002 is still being served there
    QCOMPARE(store.lastSeq(), 33);
    h.clock.advance(60000);
    QCOMPARE(h.run(e.finish(2, 6)), QByteArray("B002"));
    h.clock.advance(10000);
    QCOMPARE(h.run(e.callNext(2)), QByteArray("B003")); // RENEW is window 2's first service
    QCOMPARE(h.run(e.callNext(1)), QByteArray("visitor_in_progress")); // A004 was called there
    QCOMPARE(h.run(e.callNext(3)), QByteArray("window_paused"));
    QCOMPARE(h.run(e.signIn(4, "c4")), QByteArray("ok"));
    QCOMPARE(h.run(e.callNext(4)), QByteArray("A003")); // sent to window 4 before the upgrade; ahead of C002
    QCOMPARE(h.run(e.issue("NEW"), "kiosk-1"), QByteArray("A005"));
    QCOMPARE(e.lastTicketId(), TicketId(10));
    QCOMPARE(store.lastSeq(), 38);
    QCOMPARE(e.averageServiceSeconds("RENEW"), (420 + 960) / 2); // B002: served 08:32 to 08:48
    const EngineSnapshot live = e.snapshot();
    QCOMPARE(query(store.handle(), "SELECT count(*), min(seq), max(seq) FROM events"), QByteArray("38|1|38"));

    const QByteArray schemaCookie = query(store.handle(), "PRAGMA schema_version");
    const QByteArray schemaText = query(store.handle(), "SELECT type, name, sql FROM sqlite_schema ORDER BY name");

    // Reopen: no second migration, same identity, same state.
    const int migrationsBeforeReopen = g_migrationMessages;
    QVERIFY2(h.open(path), qPrintable(h.error));
    QCOMPARE(g_migrationMessages, migrationsBeforeReopen);
    QCOMPARE(query(h.store->handle(), "PRAGMA schema_version"), schemaCookie);
    QCOMPARE(query(h.store->handle(), "SELECT type, name, sql FROM sqlite_schema ORDER BY name"), schemaText);
    QCOMPARE(h.store->schemaVersion(), Store::kSchemaVersion);
    QCOMPARE(h.store->epoch(), QString::fromLatin1(kFixtureEpoch));
    QCOMPARE(h.store->lastSeq(), 38);
    const EngineSnapshot reloaded = h.store->loadSnapshot(h.config);
    QVERIFY_SAME_SNAPSHOT(live, reloaded);
    QCOMPARE(h.store->findReply("kiosk-1", "k1-0009"), std::optional<QByteArray>("{\"label\":\"B003\",\"ok\":true,\"ticket\":9}"));
    QVERIFY2(h.store->integrityCheck(&error), qPrintable(error));
}

// Upgrading must leave the projections as the current store would have written them for the
// same journal. Migration 3 rebuilds service sessions from the journal, so even a version-1
// file, which kept none, ends up with every session the current store would have written.
void TestStore::upgradedProjectionsMatchReplayedJournal()
{
    const QString upgradedPath = dbPath("upgraded.db");
    QVERIFY(copyFixture(upgradedPath));
    QString error;
    auto upgraded = Store::open(upgradedPath, {}, &error);
    QVERIFY2(upgraded, qPrintable(error));
    auto replayed = Store::open(dbPath("replayed.db"), {}, &error);
    QVERIFY2(replayed, qPrintable(error));
    QVERIFY2(replayed->syncConfig(makeConfig(), &error), qPrintable(error));
    const std::vector<StoredEvent> journal = upgraded->readEvents(0, INT_MAX);
    QCOMPARE(journal.size(), std::size_t(33));
    for (const StoredEvent &e : journal) {
        std::vector<std::vector<qint64>> seqs;
        QVERIFY2(replayed->commit({CommitEntry{{e.event}, {}, {}, {}}}, &seqs, &error), qPrintable(error));
        QCOMPARE(seqs.at(0).at(0), e.seq);
    }

    const char *ticketsSql = "SELECT id, day, service, original_service, number, label, priority, status, issued_at, queued_at, "
                             "called_at, first_called_at, serving_at, ended_at, window, target_window, clerk, recalls, transfers "
                             "FROM tickets ORDER BY id";
    QCOMPARE(query(upgraded->handle(), ticketsSql), query(replayed->handle(), ticketsSql));
    const char *windowsSql = "SELECT number, name, services, clerk, paused, opened_at FROM windows ORDER BY number";
    QCOMPARE(query(upgraded->handle(), windowsSql), query(replayed->handle(), windowsSql));
    // A visitor at a counter names the session open for it. (A waiting ticket's pointer is never
    // followed to a closed session, so its value does not matter.)
    const char *openSql = "SELECT id, session FROM tickets WHERE status IN ('called', 'serving') ORDER BY id";
    QCOMPARE(query(upgraded->handle(), openSql), query(replayed->handle(), openSql));
    QCOMPARE(upgraded->loadSnapshot(makeConfig()).tickets.size(), replayed->loadSnapshot(makeConfig()).tickets.size());

    QStringList differences;
    const QList<QByteArray> ids = query(upgraded->handle(), "SELECT id FROM service_sessions ORDER BY id").split('\n');
    QCOMPARE(ids.size(), 7); // one per ticket_called: six tickets, one of them called twice
    const char *sessionsSql = "SELECT id, ticket, window, clerk, called_at, started_at, ended_at, outcome FROM service_sessions ORDER BY id";
    QCOMPARE(query(upgraded->handle(), sessionsSql), query(replayed->handle(), sessionsSql));
    for (const QByteArray &id : ids) {
        const QByteArray sql = "SELECT id, ticket, window, clerk, called_at, started_at, ended_at, outcome FROM service_sessions WHERE id = " + id;
        const QByteArray a = query(upgraded->handle(), sql.constData());
        const QByteArray b = query(replayed->handle(), sql.constData());
        if (a != b)
            differences << QStringLiteral("session %1: upgraded [%2] replayed [%3]").arg(QString::fromLatin1(id), QString::fromUtf8(a), QString::fromUtf8(b));
    }
    // An open session is a visitor at a counter now; a transferred visitor is not at one.
    const char *openSessionsSql = "SELECT id FROM service_sessions WHERE ended_at IS NULL ORDER BY id";
    const QByteArray openUpgraded = query(upgraded->handle(), openSessionsSql);
    const QByteArray openReplayed = query(replayed->handle(), openSessionsSql);
    if (openUpgraded != openReplayed)
        differences << QStringLiteral("open sessions: upgraded [%1] replayed [%2]").arg(QString::fromUtf8(openUpgraded), QString::fromUtf8(openReplayed)).replace(QLatin1Char('\n'), QLatin1Char(','));
    QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QStringLiteral("; "))));
}

// ---- 3. Refusals --------------------------------------------------------------------------------

void TestStore::refusesNewerSchemaUntouched()
{
    const QString path = dbPath("newer.db");
    {
        Hall h;
        QVERIFY2(h.open(path), qPrintable(h.error));
        QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A001"));
    }
    const int newer = Store::kSchemaVersion + 1;
    {
        RawDb raw(path);
        QVERIFY(raw.db);
        // Rollback-journal mode, as a newer program might leave it: switching the file to WAL
        // before refusing it would then show in its header.
        QCOMPARE(query(raw.db, "PRAGMA journal_mode = DELETE"), QByteArray("delete"));
        QCOMPARE(execRaw(raw.db, ("PRAGMA user_version = " + std::to_string(newer)).c_str()).rc, SQLITE_OK);
    }
    QVERIFY(!hasSidecar(path, "-wal"));
    const QByteArray before = fileBytes(path);
    QCOMPARE(before.at(18), char(1));

    for (const bool readOnly : {false, true}) {
        const std::optional<QString> error = refusalOf(path, readOnly);
        QVERIFY(error.has_value());
        QVERIFY2(error->contains(QStringLiteral("schema version %1").arg(newer)), qPrintable(*error));
        QVERIFY2(error->contains(QString::number(Store::kSchemaVersion)), qPrintable(*error));
        QVERIFY2(fileBytes(path) == before, readOnly ? "read-only open changed the file" : "open changed the file");
        QVERIFY(walIsEmpty(path));
    }
}

void TestStore::refusesForeignDatabaseUntouched_data()
{
    QTest::addColumn<int>("userVersion");
    QTest::newRow("no user_version") << 0;
    // Many programs keep their own schema number in user_version; a small one must not pass for ours.
    QTest::newRow("user_version 1") << 1;
    QTest::newRow("user_version = ours") << Store::kSchemaVersion;
}

void TestStore::refusesForeignDatabaseUntouched()
{
    QFETCH(int, userVersion);
    const QString path = dbPath("notes.db");
    {
        RawDb raw(path);
        QVERIFY(raw.db);
        const std::string sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
                                "INSERT INTO notes (body) VALUES ('keep me'), ('and me');"
                                "PRAGMA user_version = " + std::to_string(userVersion) + ";";
        const ExecResult r = execRaw(raw.db, sql.c_str());
        QVERIFY2(r.rc == SQLITE_OK, r.message.constData());
    }
    const QByteArray before = fileBytes(path);
    QCOMPARE(before.at(18), char(1)); // rollback journal, as the other program left it

    const std::optional<QString> error = refusalOf(path, false);
    QVERIFY(error.has_value());
    QVERIFY(!error->isEmpty());
    QVERIFY2(fileBytes(path) == before, qPrintable(QStringLiteral("refused, but the file was changed (header journal mode byte now %1); error: %2")
                                                       .arg(int(fileBytes(path).at(18))).arg(*error)));
    QVERIFY(!hasSidecar(path, "-wal"));
    QVERIFY(!hasSidecar(path, "-journal"));
}

void TestStore::refusesNonSqliteFileUntouched()
{
    const QString path = dbPath("garbage.db");
    std::mt19937 rng(7);
    QByteArray garbage(8192, Qt::Uninitialized);
    for (char &c : garbage)
        c = char(rng() & 0xff);
    QVERIFY(writeFile(path, garbage));

    for (const bool readOnly : {false, true}) {
        const std::optional<QString> error = refusalOf(path, readOnly);
        QVERIFY(error.has_value());
        QVERIFY2(error->contains(QStringLiteral("not a database")), qPrintable(*error));
        QCOMPARE(fileBytes(path), garbage);
        QVERIFY(!hasSidecar(path, "-wal"));
        QVERIFY(!hasSidecar(path, "-shm"));
        QVERIFY(!hasSidecar(path, "-journal"));
    }
}

// ---- 4. The journal is append-only --------------------------------------------------------------

void TestStore::eventsRefuseUpdateAndDelete()
{
    Hall h;
    QVERIFY2(h.open(dbPath()), qPrintable(h.error));
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A001"));
    QCOMPARE(h.run(h.engine->issue("RENEW")), QByteArray("B001"));
    sqlite3 *db = h.store->handle();
    const QByteArray before = query(db, "SELECT seq, at, type, data FROM events ORDER BY seq");
    QCOMPARE(before.count('\n'), 2); // day_started and two issues

    ExecResult r = execRaw(db, "UPDATE events SET data = '{\"day\":1}' WHERE seq = 2");
    QCOMPARE(r.rc & 0xff, SQLITE_CONSTRAINT);
    QCOMPARE(r.message, QByteArray("events are append-only: UPDATE refused"));
    r = execRaw(db, "DELETE FROM events WHERE seq = 3");
    QCOMPARE(r.rc & 0xff, SQLITE_CONSTRAINT);
    QCOMPARE(r.message, QByteArray("events are append-only: DELETE refused"));
    r = execRaw(db, "INSERT INTO events (seq, at, type, data) VALUES (2, 0, 'ticket_cancelled', '{}') "
                    "ON CONFLICT (seq) DO UPDATE SET type = excluded.type");
    QCOMPARE(r.rc & 0xff, SQLITE_CONSTRAINT);
    QCOMPARE(query(db, "SELECT seq, at, type, data FROM events ORDER BY seq"), before);

    // The store goes on after the refused statements.
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A002"));
    QCOMPARE(h.store->lastSeq(), 4);
}

// REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive_triggers is
// on), so it rewrites history past both triggers.
void TestStore::eventsRefuseReplace()
{
    Hall h;
    QVERIFY2(h.open(dbPath()), qPrintable(h.error));
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A001"));
    sqlite3 *db = h.store->handle();
    const QByteArray before = query(db, "SELECT seq, at, type, data FROM events ORDER BY seq");
    const ExecResult r = execRaw(db, "REPLACE INTO events (seq, at, type, data) VALUES (2, 0, 'ticket_cancelled', '{\"ticket\":1}')");
    const QByteArray after = query(db, "SELECT seq, at, type, data FROM events ORDER BY seq");
    QVERIFY2(r.rc != SQLITE_OK, "REPLACE INTO events succeeded: event 2 was rewritten past the append-only triggers");
    QCOMPARE(after, before);
}

// ---- 5. Idempotency -----------------------------------------------------------------------------

// Pruning runs apart from any operation (the server's timer); a day start alone keeps every reply,
// and a prune removes exactly the replies recorded before its limit.
void TestStore::idempotencyPrunedOnlyWhenAsked()
{
    Hall h;
    QVERIFY2(h.open(dbPath()), qPrintable(h.error));
    QCOMPARE(h.run(h.engine->issue("NEW"), "kiosk-1"), QByteArray("A001")); // req-1 at 07:50, day 1
    const qint64 firstAt = h.clock.now();
    h.clock.advance(8LL * 24 * 3600 * 1000);
    QCOMPARE(h.run(h.engine->issue("NEW"), "kiosk-1"), QByteArray("A001")); // req-2 eight days later: a new day
    QCOMPARE(scalar(h.store->handle(), "SELECT count(*) FROM events WHERE type = 'day_started'"), 2);
    QCOMPARE(scalar(h.store->handle(), "SELECT count(*) FROM idempotency"), 2);

    QString error;
    QCOMPARE(h.store->pruneIdempotency(firstAt, &error), 0); // strictly older only
    QCOMPARE(h.store->pruneIdempotency(h.clock.now() - Store::kIdempotencyRetentionMs, &error), 1);
    QCOMPARE(h.store->findReply("kiosk-1", "req-1"), std::nullopt);
    QVERIFY(h.store->findReply("kiosk-1", "req-2").has_value());
    QCOMPARE(h.store->pruneIdempotency(h.clock.now() - Store::kIdempotencyRetentionMs, &error), 0);

    Hall ro;
    QVERIFY2(ro.open(h.store->path(), readOnlyOptions()), qPrintable(ro.error));
    QCOMPARE(ro.store->pruneIdempotency(h.clock.now(), &error), -1);
    QVERIFY2(error.contains(QStringLiteral("read-only")), qPrintable(error));
    QVERIFY(h.store->findReply("kiosk-1", "req-2").has_value());
}

void TestStore::idempotencyRecords()
{
    const QString path = dbPath();
    Hall h;
    QVERIFY2(h.open(path), qPrintable(h.error));
    Store &store = *h.store;
    Engine &e = *h.engine;
    const std::string id = "019ac8e2-4f3a-7000-9c1d-5e2b7f00a1c4";
    QString error;
    std::vector<std::vector<qint64>> seqs;

    const Outcome first = e.issue("NEW");
    const QByteArray reply1 = "{\"ok\":true,\"ticket\":1,\"label\":\"A001\",\"note\":\"中文 \\\"quoted\\\"\"}";
    QVERIFY2(store.commit({CommitEntry{first.events, "kiosk-1", id, reply1}}, &seqs, &error), qPrintable(error));
    QCOMPARE(seqs, (std::vector<std::vector<qint64>>{{1, 2}}));
    QCOMPARE(store.findReply("kiosk-1", id), std::optional<QByteArray>(reply1));
    // The key is the pair: another device may use the same id, and its own id is a different request.
    QCOMPARE(store.findReply("kiosk-2", id), std::nullopt);
    QCOMPARE(store.findReply("kiosk-1", id + "x"), std::nullopt);

    const Outcome second = e.issue("NEW");
    const QByteArray reply2 = "{\"ok\":true,\"ticket\":2,\"label\":\"A002\"}";
    QVERIFY2(store.commit({CommitEntry{second.events, "kiosk-2", id, reply2}}, &seqs, &error), qPrintable(error));
    QCOMPARE(store.findReply("kiosk-1", id), std::optional<QByteArray>(reply1));
    QCOMPARE(store.findReply("kiosk-2", id), std::optional<QByteArray>(reply2));

    // A refused request writes no event but keeps its reply.
    const Outcome refused = e.callNext(1);
    QVERIFY(!refused.ok());
    QVERIFY(refused.events.empty());
    QVERIFY2(store.commit({CommitEntry{refused.events, "window-1", "w1-1", "{\"ok\":false}"}}, &seqs, &error), qPrintable(error));
    QCOMPARE(seqs, (std::vector<std::vector<qint64>>{{}}));
    QCOMPARE(store.lastSeq(), 3);
    QCOMPARE(store.findReply("window-1", "w1-1"), std::optional<QByteArray>("{\"ok\":false}"));
    // No request id, no record.
    QVERIFY2(store.commit({CommitEntry{e.tick().events, "timer", {}, "{}"}}, &seqs, &error), qPrintable(error));
    QCOMPARE(scalar(store.handle(), "SELECT count(*) FROM idempotency"), 3);

    // The same (device, request id) again: the bus asks findReply first, so a second commit is a
    // bug upstream, and the store refuses the whole commit rather than applying it twice.
    const EngineSnapshot committed = store.loadSnapshot(h.config);
    const Outcome again = e.issue("NEW");
    QVERIFY(again.ok());
    seqs.clear();
    QVERIFY(!store.commit({CommitEntry{again.events, "kiosk-1", id, "{\"ok\":true,\"ticket\":3}"}}, &seqs, &error));
    QVERIFY2(error.contains(QStringLiteral("UNIQUE")), qPrintable(error));
    QVERIFY(seqs.empty());
    QCOMPARE(store.lastSeq(), 3);
    QCOMPARE(query(store.handle(), "SELECT count(*), max(seq) FROM events"), QByteArray("3|3"));
    QCOMPARE(scalar(store.handle(), "SELECT count(*) FROM tickets"), 2);
    QCOMPARE(store.findReply("kiosk-1", id), std::optional<QByteArray>(reply1));
    QCOMPARE(scalar(store.handle(), "SELECT count(*) FROM idempotency"), 3);
    // The caller rebuilds its engine from the store, and the number is issued again, once.
    e.restore(store.loadSnapshot(h.config));
    QVERIFY_SAME_SNAPSHOT(committed, e.snapshot());
    QCOMPARE(h.run(e.issue("NEW"), "kiosk-1"), QByteArray("A003"));
    QCOMPARE(store.lastSeq(), 4);

    // Replies survive a restart.
    QVERIFY2(h.open(path), qPrintable(h.error));
    QCOMPARE(h.store->findReply("kiosk-1", id), std::optional<QByteArray>(reply1));
    QCOMPARE(h.store->findReply("kiosk-2", id), std::optional<QByteArray>(reply2));
}

// ---- 6. Atomic group commit -----------------------------------------------------------------------

void TestStore::failedCommitRollsBackEverything()
{
    Hall h;
    QVERIFY2(h.open(dbPath()), qPrintable(h.error));
    Store &store = *h.store;
    Engine &e = *h.engine;
    QCOMPARE(h.run(e.signIn(1, "c1")), QByteArray("ok"));
    QCOMPARE(h.run(e.issue("NEW")), QByteArray("A001"));
    QCOMPARE(h.run(e.issue("NEW")), QByteArray("A002"));
    h.clock.advance(60000);
    QCOMPARE(store.lastSeq(), 4);

    sqlite3 *db = store.handle();
    const auto projections = [db] {
        return query(db, "SELECT * FROM tickets ORDER BY id") + "\n--\n" + query(db, "SELECT * FROM windows ORDER BY number")
            + "\n--\n" + query(db, "SELECT * FROM service_sessions ORDER BY id") + "\n--\n"
            + query(db, "SELECT device, request_id, reply FROM idempotency ORDER BY 1, 2") + "\n--\n" + query(db, "SELECT * FROM meta ORDER BY key");
    };
    const QByteArray before = projections();
    const EngineSnapshot committed = e.snapshot();

    // Four operations touching every projection, the last one reusing the first one's request id.
    // The day starts in the first, so meta changes too.
    h.clock.set(localTime(8, 0, 0, 1));
    std::vector<CommitEntry> group;
    Outcome o = e.issue("NEW");
    QCOMPARE(o.events.size(), std::size_t(2));
    group.push_back({o.events, "kiosk-1", "g-1", replyFor(e, o)});
    o = e.callNext(1);
    QCOMPARE(o.ticket, TicketId(3));
    group.push_back({o.events, "window-1", "g-2", replyFor(e, o)});
    o = e.signIn(2, "c2");
    QVERIFY(o.ok());
    group.push_back({o.events, "window-2", "g-3", replyFor(e, o)});
    o = e.issue("PICKUP");
    QVERIFY(o.ok());
    group.push_back({o.events, "kiosk-1", "g-1", replyFor(e, o)});

    std::vector<std::vector<qint64>> seqs;
    QString error;
    QVERIFY(!store.commit(group, &seqs, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(seqs.empty());
    QCOMPARE(store.lastSeq(), 4);
    QCOMPARE(query(db, "SELECT count(*), max(seq) FROM events"), QByteArray("4|4"));
    QCOMPARE(projections(), before);
    QCOMPARE(store.findReply("kiosk-1", "g-1"), std::nullopt);
    QCOMPARE(store.findReply("window-1", "g-2"), std::nullopt);
    QCOMPARE(store.findReply("window-2", "g-3"), std::nullopt);

    // The engine ran ahead; the store is the truth it goes back to.
    e.restore(store.loadSnapshot(h.config));
    QVERIFY_SAME_SNAPSHOT(committed, e.snapshot());

    // Still usable: the same operations commit with the next seqs and gapless numbers.
    group.clear();
    o = e.issue("RENEW");
    group.push_back({o.events, "kiosk-1", "g-1", replyFor(e, o)});
    o = e.issue("NEW");
    group.push_back({o.events, "kiosk-1", "g-4", replyFor(e, o)});
    QVERIFY2(store.commit(group, &seqs, &error), qPrintable(error));
    QCOMPARE(seqs, (std::vector<std::vector<qint64>>{{5, 6}, {7}}));
    QCOMPARE(store.lastSeq(), 7);
    QCOMPARE(query(db, "SELECT label, day FROM tickets WHERE id > 2 ORDER BY id"), QByteArray("B001|19787\nA001|19787"));
    QCOMPARE(query(db, "SELECT count(*), max(seq) FROM events"), QByteArray("7|7"));
    QCOMPARE(store.findReply("kiosk-1", "g-1"), std::optional<QByteArray>("{\"ok\":true,\"ticket\":3,\"label\":\"B001\"}"));
    QString integrity;
    QVERIFY2(store.integrityCheck(&integrity), qPrintable(integrity));
}

// Storage can fail under a commit: a writer elsewhere (hallctl init, a backup tool, sqlite3 on the
// command line) holds the write lock past the busy timeout, or the disk fills up, in which case
// SQLite rolls the transaction back by itself. commit() must report either as a failed commit,
// as documented, and not throw: the server calls it without a try block.
void TestStore::commitReportsStorageFailures_data()
{
    QTest::addColumn<bool>("diskFull");
    QTest::newRow("locked by another writer") << false;
    QTest::newRow("disk full") << true;
}

void TestStore::commitReportsStorageFailures()
{
    QFETCH(bool, diskFull);
    const QString path = dbPath();
    Hall h;
    QVERIFY2(h.open(path), qPrintable(h.error));
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A001"));
    sqlite3 *db = h.store->handle();
    const QByteArray eventsBefore = query(db, "SELECT count(*), max(seq) FROM events");
    QCOMPARE(eventsBefore, QByteArray("2|2"));

    RawDb other(path);
    QVERIFY(other.db);
    std::vector<CommitEntry> group;
    if (diskFull) {
        // No room for one more page; a group this size needs many.
        const QByteArray pages = query(db, "PRAGMA page_count");
        QCOMPARE(execRaw(db, ("PRAGMA max_page_count = " + pages.toStdString()).c_str()).rc, SQLITE_OK);
        for (int i = 0; i < 300; ++i) {
            const Outcome out = h.engine->issue("NEW");
            group.push_back(CommitEntry{out.events, "kiosk-1", "full-" + std::to_string(i), QByteArray(500, 'x')});
        }
    } else {
        sqlite3_busy_timeout(db, 50); // the store's own 5 s would only slow the test
        QCOMPARE(execRaw(other.db, "BEGIN IMMEDIATE").rc, SQLITE_OK);
        const Outcome out = h.engine->issue("NEW");
        group.push_back(CommitEntry{out.events, "kiosk-1", "locked-1", "{}"});
    }
    QString error;
    bool committed = true;
    QByteArray thrown;
    try {
        committed = h.store->commit(group, nullptr, &error);
    } catch (const StoreFailure &f) {
        thrown = QByteArray::fromStdString(f.message);
    }
    if (!diskFull)
        QCOMPARE(execRaw(other.db, "ROLLBACK").rc, SQLITE_OK);
    const qint64 lastSeqAfter = h.store->lastSeq();
    execRaw(db, "PRAGMA max_page_count = 1073741823");
    QCOMPARE(query(db, "SELECT count(*), max(seq) FROM events"), eventsBefore);
    QVERIFY2(thrown.isEmpty(), "commit() threw StoreFailure instead of returning false: " + thrown
                                   + " (lastSeq() now says " + QByteArray::number(lastSeqAfter) + ", the journal ends at 2)");
    QVERIFY(!committed);
    QVERIFY2(error.contains(QLatin1String(diskFull ? "full" : "locked")), qPrintable(error));
    QCOMPARE(lastSeqAfter, 2);

    // Once the cause is gone the store carries on from what it holds.
    h.engine->restore(h.store->loadSnapshot(h.config));
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A002"));
    QCOMPARE(h.store->lastSeq(), 3);
}

// ---- 7. Read-only -------------------------------------------------------------------------------

void TestStore::readOnlyOpenOfCurrentVersion()
{
    const QString path = dbPath();
    Hall h;
    QVERIFY2(h.open(path), qPrintable(h.error));
    QCOMPARE(h.run(h.engine->signIn(1, "c1")), QByteArray("ok"));
    QCOMPARE(h.run(h.engine->issue("NEW")), QByteArray("A001"));
    QCOMPARE(h.run(h.engine->callNext(1)), QByteArray("A001"));
    const EngineSnapshot live = h.engine->snapshot();
    const QString epoch = h.store->epoch();

    // Beside a running writer, as hallctl status runs beside the server.
    QString error;
    {
        auto reader = Store::open(path, readOnlyOptions(), &error);
        QVERIFY2(reader, qPrintable(error));
        QCOMPARE(reader->lastSeq(), 4);
        h.clock.advance(1000);
        QCOMPARE(h.run(h.engine->issue("RENEW")), QByteArray("B001"));
        QCOMPARE(reader->readEvents(0, INT_MAX).size(), std::size_t(5)); // sees later commits
    }
    const EngineSnapshot later = h.engine->snapshot();
    h.store.reset();
    h.engine.reset();
    const QByteArray before = fileBytes(path);

    auto reader = Store::open(path, readOnlyOptions(), &error);
    QVERIFY2(reader, qPrintable(error));
    QCOMPARE(reader->schemaVersion(), Store::kSchemaVersion);
    QCOMPARE(reader->epoch(), epoch);
    QCOMPARE(reader->lastSeq(), 5);
    const EngineSnapshot loaded = reader->loadSnapshot(h.config);
    QVERIFY_SAME_SNAPSHOT(later, loaded);
    QVERIFY(snapshotDifference(live, loaded).size() > 0);
    QVERIFY2(reader->integrityCheck(&error), qPrintable(error));

    ManualClock clock(localTime(9, 0));
    Engine engine(h.config, clock);
    engine.restore(loaded);
    const Outcome out = engine.issue("NEW");
    QVERIFY(out.ok());
    error.clear();
    QVERIFY(!reader->commit({CommitEntry{out.events, "kiosk-1", "ro-1", "{}"}}, nullptr, &error));
    QVERIFY2(error.contains(QStringLiteral("read-only")), qPrintable(error));
    QVERIFY(!reader->syncConfig(h.config, &error));
    const ExecResult r = execRaw(reader->handle(), "INSERT INTO meta (key, value) VALUES ('x', 'y')");
    QCOMPARE(r.rc & 0xff, SQLITE_READONLY);
    QCOMPARE(reader->lastSeq(), 5);
    reader.reset();
    QCOMPARE(fileBytes(path), before);
}

// The contract: a read-only open does not migrate; it refuses an older database and says how to
// upgrade it.
void TestStore::readOnlyOpenOfOldVersionChangesNothing()
{
    const QString path = dbPath();
    QVERIFY(copyFixture(path));
    const QByteArray before = fileBytes(path);
    const std::optional<QString> error = refusalOf(path, true);
    QVERIFY(error.has_value());
    QVERIFY2(error->contains(QStringLiteral("schema version 1 ")), qPrintable(*error));
    QVERIFY2(error->contains(QString::number(Store::kSchemaVersion)), qPrintable(*error));
    QCOMPARE(fileBytes(path), before);
    QVERIFY(walIsEmpty(path));
    RawDb raw(path);
    QCOMPARE(scalar(raw.db, "PRAGMA user_version"), 1);
    QCOMPARE(scalar(raw.db, "SELECT count(*) FROM sqlite_schema WHERE name = 'service_sessions'"), 0);
}

// ---- 8. Projections agree with the journal ---------------------------------------------------

void TestStore::randomOperationsKeepProjectionsConsistent()
{
    constexpr int kWindows = 12;
    // durable = false (synchronous OFF): this test is about what the projections say, not what
    // survives a power cut (tst_crash checks that), and an fsync per group would make 100,000
    // operations take minutes on a CI disk instead of seconds.
    const QString path = dbPath();
    OpenOptions fast;
    fast.durable = false;
    Hall h;
    h.config.services[2].dailyLimit = 150; // PICKUP runs out each day, so refusals of that kind occur too
    // Twelve windows, as the article's hall has, with the service orders mixed.
    const std::vector<std::vector<std::string>> orders = {{"NEW", "PICKUP"}, {"RENEW"}, {"PICKUP", "RENEW", "NEW"}, {"NEW", "RENEW"}};
    for (int w = 5; w <= kWindows; ++w)
        h.config.windows.push_back(WindowConfig{.number = w, .name = std::to_string(w) + "号窗口", .services = orders[std::size_t(w % 4)]});
    h.config.clerks = numberedClerks(kWindows + 2);
    for (Clerk &clerk : h.config.clerks)
        clerk.pinHash = "fixture-no-pin";
    h.clock.set(localTime(7, 30));
    QVERIFY2(h.open(path, fast), qPrintable(h.error));
    Store *store = h.store.get();
    Engine *e = h.engine.get();
    const std::vector<std::string> services = {"NEW", "RENEW", "PICKUP"};
    const Priority priorities[] = {Priority::Appointment, Priority::Elderly, Priority::Normal, Priority::Normal, Priority::Normal};

    std::mt19937_64 rng(20240304);
    const auto below = [&rng](int n) { return int(rng() % std::uint64_t(n)); };
    constexpr int kOperations = 100000;
    std::vector<CommitEntry> pending;
    std::size_t groupSize = 1;
    qint64 expectedSeq = 0;
    int groups = 0;
    int withRequestId = 0;
    std::map<QByteArray, int> outcomes;
    QString error;

    const auto flush = [&]() -> bool {
        if (pending.empty())
            return true;
        std::vector<std::vector<qint64>> seqs;
        if (!store->commit(pending, &seqs, &error))
            return false;
        // Seqs are handed out in order, one per event, without gaps.
        for (std::size_t i = 0; i < pending.size(); ++i) {
            if (seqs[i].size() != pending[i].events.size())
                return false;
            for (qint64 s : seqs[i])
                if (s != ++expectedSeq)
                    return false;
        }
        pending.clear();
        groupSize = 1 + std::size_t(below(64));
        ++groups;
        return store->lastSeq() == expectedSeq;
    };

    for (int n = 0; n < kOperations; ++n) {
        h.clock.advance(1 + below(20000)); // 10 s on average: 100,000 operations span eleven days
        const int w = 1 + below(kWindows);
        const auto held = [&]() -> TicketId {
            const WindowState *ws = e->window(w);
            return ws && below(10) == 0 ? ws->current + 1 : 0; // now and then a stale terminal
        };
        Outcome out;
        std::string device = "window-" + std::to_string(w);
        const int pick = below(100);
        if (pick < 28) {
            device = "kiosk-" + std::to_string(1 + below(3));
            out = e->issue(services[std::size_t(below(3))], priorities[below(5)]);
        } else if (pick < 48) {
            out = e->callNext(w);
        } else if (pick < 55) {
            out = e->startService(w, held());
        } else if (pick < 67) {
            out = e->finish(w, held());
        } else if (pick < 72) {
            out = e->noShow(w, held());
        } else if (pick < 76) {
            out = e->recall(w, held());
        } else if (pick < 79) {
            out = e->transferToService(w, services[std::size_t(below(3))]);
        } else if (pick < 82) {
            out = e->transferToWindow(w, 1 + below(kWindows));
        } else if (pick < 86) {
            device = "kiosk-" + std::to_string(1 + below(3));
            out = e->cancel(std::max<TicketId>(1, e->lastTicketId() - below(40)));
        } else if (pick < 91) {
            out = e->signIn(w, "c" + std::to_string(1 + below(kWindows + 2)));
        } else if (pick < 93) {
            out = e->signOut(w);
        } else if (pick < 96) {
            out = e->pause(w);
        } else if (pick < 98) {
            out = e->resume(w);
        } else {
            out = e->tick();
            device.clear();
        }
        outcomes[out.ok() ? QByteArray("ok") : QByteArray(toString(out.error->code))]++;
        if (device.empty()) {
            if (!out.events.empty())
                pending.push_back(CommitEntry{out.events, {}, {}, {}});
        } else {
            ++withRequestId;
            pending.push_back(CommitEntry{out.events, device, "r-" + std::to_string(n), replyFor(*e, out)});
        }
        if (pending.size() >= groupSize)
            QVERIFY2(flush(), qPrintable(QStringLiteral("commit of group %1 failed or gave wrong seqs: %2").arg(groups).arg(error)));
        if (groups % 97 == 96 && pending.empty()) {
            const EngineSnapshot loaded = store->loadSnapshot(h.config);
            const QByteArray diff = snapshotDifference(e->snapshot(), loaded);
            QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("after operation %1: ").arg(n) + QString::fromUtf8(diff)));
        }
    }
    QVERIFY2(flush(), qPrintable(error));
    // The run means something only if it reached every kind of outcome.
    for (const char *code : {"ok", "nobody_waiting", "visitor_in_progress", "window_paused", "daily_limit_reached",
                             "ticket_not_at_window", "ticket_already_serving", "ticket_not_waiting", "window_occupied"})
        QVERIFY2(outcomes[code] > 0, code);
    const int daysSpanned = e->today() - kDay0 + 1;
    QVERIFY2(daysSpanned >= 8, qPrintable(QStringLiteral("only %1 business days").arg(daysSpanned)));
    const EngineSnapshot live = e->snapshot();

    // Restart, then recompute everything from the journal alone.
    QVERIFY2(h.open(path, fast), qPrintable(h.error));
    store = h.store.get();
    QCOMPARE(store->lastSeq(), expectedSeq);
    QVERIFY_SAME_SNAPSHOT(live, store->loadSnapshot(h.config));

    struct Folded {
        int day = 0;
        std::string status = "waiting";
        std::string service;
        std::string originalService;
        int number = 0;
        int window = 0;
        int targetWindow = 0;
        int recalls = 0;
        int transfers = 0;
        Millis endedAt = 0;
    };
    struct FoldedWindow {
        std::string clerk;
        bool paused = false;
        Millis openedAt = 0;
    };
    std::map<TicketId, Folded> tickets;
    std::map<int, FoldedWindow> windows;
    std::set<TicketId> open; // a day_started expires these
    std::map<std::pair<int, std::string>, std::vector<int>> numbersInOrder;
    qint64 calls = 0;
    qint64 previousSeq = 0;
    ManualClock replayClock(h.clock.now());
    Engine replayed(h.config, replayClock);
    for (;;) {
        const std::vector<StoredEvent> page = store->readEvents(previousSeq, 4096);
        if (page.empty())
            break;
        for (const StoredEvent &se : page) {
            QCOMPARE(se.seq, previousSeq + 1); // nothing dropped on the way out
            previousSeq = se.seq;
            const Event &ev = se.event;
            replayed.apply(ev);
            Folded *t = nullptr;
            if (ev.ticket && ev.type != EventType::TicketIssued) {
                auto it = tickets.find(ev.ticket);
                QVERIFY2(it != tickets.end(), qPrintable(QStringLiteral("event %1 names unknown ticket %2").arg(se.seq).arg(ev.ticket)));
                t = &it->second;
            }
            switch (ev.type) {
            case EventType::DayStarted:
                for (TicketId id : open) {
                    tickets[id].status = "expired";
                    tickets[id].endedAt = ev.at;
                }
                open.clear();
                break;
            case EventType::RatingRequested:
            case EventType::TicketRated:
            case EventType::FollowUpClosed:
                break; // votes and notes: the ratings tests check them
            case EventType::TicketIssued:
                tickets[ev.ticket] = Folded{.day = ev.day, .service = ev.service, .originalService = ev.service, .number = ev.number};
                numbersInOrder[{ev.day, ev.service}].push_back(ev.number);
                open.insert(ev.ticket);
                break;
            case EventType::TicketCalled:
                ++calls;
                t->status = "called";
                t->window = ev.window;
                t->targetWindow = 0;
                break;
            case EventType::TicketRecalled:
                t->recalls = ev.recalls;
                break;
            case EventType::ServiceStarted:
                t->status = "serving";
                break;
            case EventType::TicketNoShow:
            case EventType::TicketFinished:
            case EventType::TicketCancelled:
                t->status = ev.type == EventType::TicketNoShow ? "no_show" : ev.type == EventType::TicketFinished ? "finished" : "cancelled";
                t->endedAt = ev.at;
                open.erase(ev.ticket);
                break;
            case EventType::TicketTransferred:
                t->status = "waiting";
                if (!ev.service.empty())
                    t->service = ev.service;
                t->targetWindow = ev.targetWindow;
                ++t->transfers;
                break;
            case EventType::ClerkSignedIn:
                windows[ev.window] = FoldedWindow{ev.clerk, false, ev.at};
                break;
            case EventType::ClerkSignedOut:
                windows[ev.window] = FoldedWindow{};
                break;
            case EventType::WindowPaused:
            case EventType::WindowResumed:
                windows[ev.window].paused = ev.type == EventType::WindowPaused;
                break;
            }
        }
    }
    QCOMPARE(previousSeq, expectedSeq);
    QVERIFY_SAME_SNAPSHOT(live, replayed.snapshot());

    sqlite3 *db = store->handle();
    // Counts per (day, status), per service and per original service.
    std::map<std::string, int> byDayStatus, byService, byOriginal;
    for (const auto &[id, t] : tickets) {
        ++byDayStatus[std::to_string(t.day) + "|" + t.status];
        ++byService[t.service];
        ++byOriginal[t.originalService];
    }
    const auto countsText = [](const std::map<std::string, int> &m) {
        QByteArray out;
        for (const auto &[k, v] : m)
            out += (out.isEmpty() ? "" : "\n") + QByteArray::fromStdString(k) + '|' + QByteArray::number(v);
        return out;
    };
    QCOMPARE(query(db, "SELECT day, status, count(*) FROM tickets GROUP BY day, status ORDER BY day || '|' || status"), countsText(byDayStatus));
    QCOMPARE(query(db, "SELECT service, count(*) FROM tickets GROUP BY service ORDER BY service"), countsText(byService));
    QCOMPARE(query(db, "SELECT original_service, count(*) FROM tickets GROUP BY original_service ORDER BY original_service"), countsText(byOriginal));
    QCOMPARE(scalar(db, "SELECT count(DISTINCT day) FROM tickets"), qint64(daysSpanned));

    // Every ticket row, field by field, as the journal says.
    {
        QByteArray expected;
        for (const auto &[id, t] : tickets) {
            const auto orNull = [](qint64 v) { return v ? QByteArray::number(v) : QByteArray("NULL"); };
            expected += (expected.isEmpty() ? "" : "\n") + QByteArray::number(qint64(id)) + '|' + QByteArray::number(t.day) + '|'
                + QByteArray::fromStdString(t.status) + '|' + QByteArray::fromStdString(t.service) + '|'
                + QByteArray::fromStdString(t.originalService) + '|' + QByteArray::number(t.number) + '|' + orNull(t.window) + '|'
                + orNull(t.targetWindow) + '|' + QByteArray::number(t.recalls) + '|' + QByteArray::number(t.transfers) + '|'
                + orNull(t.endedAt);
        }
        QCOMPARE(query(db, "SELECT id, day, status, service, original_service, number, window, target_window, recalls, transfers, ended_at "
                           "FROM tickets ORDER BY id"),
                 expected);
    }

    // Numbers: unique, issued in order, from 1 without gaps, per service per day.
    QCOMPARE(scalar(db, "SELECT count(*) FROM (SELECT 1 FROM tickets GROUP BY day, original_service, number HAVING count(*) > 1)"), 0);
    QCOMPARE(scalar(db, "SELECT count(*) FROM (SELECT 1 FROM tickets GROUP BY day, original_service "
                        "HAVING min(number) != 1 OR max(number) != count(*))"), 0);
    for (const auto &[key, numbers] : numbersInOrder)
        for (std::size_t i = 0; i < numbers.size(); ++i)
            QVERIFY2(numbers[i] == int(i) + 1, qPrintable(QStringLiteral("day %1 %2: number %3 issued in place %4")
                                                               .arg(key.first).arg(QString::fromStdString(key.second)).arg(numbers[i]).arg(i + 1)));
    QCOMPARE(scalar(db, "SELECT max(number) FROM tickets WHERE original_service = 'PICKUP'"), 150);

    // Windows.
    {
        QByteArray expected;
        for (const WindowConfig &wc : h.config.windows) {
            const FoldedWindow fw = windows.count(wc.number) ? windows[wc.number] : FoldedWindow{};
            expected += (expected.isEmpty() ? "" : "\n") + QByteArray::number(wc.number) + '|'
                + (fw.clerk.empty() ? QByteArray("NULL") : QByteArray::fromStdString(fw.clerk)) + '|' + QByteArray::number(int(fw.paused))
                + '|' + (fw.clerk.empty() ? QByteArray("NULL") : QByteArray::number(fw.openedAt));
        }
        QCOMPARE(query(db, "SELECT number, clerk, paused, opened_at FROM windows ORDER BY number"), expected);
    }

    // One session per call; the open ones are exactly the visitors at a counter now.
    QCOMPARE(scalar(db, "SELECT count(*) FROM service_sessions"), calls);
    QCOMPARE(query(db, "SELECT id FROM service_sessions WHERE ended_at IS NULL ORDER BY id"),
             query(db, "SELECT session FROM tickets WHERE status IN ('called', 'serving') ORDER BY session"));
    // Nothing was old enough to prune: one reply per request.
    QCOMPARE(scalar(db, "SELECT count(*) FROM idempotency"), qint64(withRequestId));
    QVERIFY2(store->integrityCheck(&error), qPrintable(error));
    qInfo("%d operations in %d group commits, %lld events, %d business days, %lld tickets", kOperations, groups,
          expectedSeq, daysSpanned, qint64(tickets.size()));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
