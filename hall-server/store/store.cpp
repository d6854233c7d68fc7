#include "store.h"

#include "bus/hallwire.h"
#include "schema.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <sqlite3.h>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcStore, "hall.server.store")

namespace hall::store {

using namespace hall::engine;

namespace {
const char *const kFindReplySql = "SELECT reply FROM idempotency WHERE request_id = ?2 AND device = ?1";

[[noreturn]] void fail(sqlite3 *db, const std::string &what)
{
    throw StoreFailure{what + ": " + (db ? sqlite3_errmsg(db) : "no database")};
}

} // namespace

// ---- Statement ---------------------------------------------------------------------------

Statement::Statement(sqlite3 *db, const char *sql)
    : m_db(db)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK)
        fail(db, std::string("prepare ") + sql);
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_stmt(std::exchange(other.m_stmt, nullptr))
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

Statement &Statement::bind(int i, qint64 v)
{
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}

Statement &Statement::bind(int i, const std::string &v)
{
    sqlite3_bind_text(m_stmt, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bind(int i, const QByteArray &v)
{
    sqlite3_bind_text(m_stmt, i, v.constData(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int i)
{
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

Statement &Statement::bindOptional(int i, qint64 v)
{
    return v == 0 ? bindNull(i) : bind(i, v);
}

Statement &Statement::bindOptional(int i, const std::string &v)
{
    return v.empty() ? bindNull(i) : bind(i, v);
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const std::string msg = std::string("step \"") + sqlite3_sql(m_stmt) + "\": " + sqlite3_errmsg(m_db);
    sqlite3_reset(m_stmt);
    throw StoreFailure{msg};
}

void Statement::exec()
{
    while (step()) {
    }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

qint64 Statement::int64(int col) const { return sqlite3_column_int64(m_stmt, col); }

std::string Statement::text(int col) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    return p ? std::string(p, std::size_t(sqlite3_column_bytes(m_stmt, col))) : std::string();
}

bool Statement::isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

// ---- Prepared statements of the hot path ---------------------------------------------------

struct Store::Prepared {
    explicit Prepared(sqlite3 *db)
        : begin(db, "BEGIN IMMEDIATE")
        , commit(db, "COMMIT")
        , insertEvent(db, "INSERT INTO events (at, type, data) VALUES (?1, ?2, ?3)")
        , insertIdempotency(db, "INSERT INTO idempotency (device, request_id, reply, created_at) VALUES (?1, ?2, ?3, ?4)")
        , findReply(db, kFindReplySql)
        , pruneIdempotency(db, "DELETE FROM idempotency WHERE created_at < ?1")
        , setDay(db, "UPDATE meta SET value = ?1 WHERE key = 'day'")
        // Both run before the day changes in meta: open tickets all belong to the day that ends.
        , expireTickets(db, "UPDATE tickets SET status = 'expired', ended_at = ?1 "
                            "WHERE day = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day') AND ended_at IS NULL")
        , expireSessions(db, "UPDATE service_sessions SET ended_at = ?1, outcome = 'expired' WHERE ended_at IS NULL AND id IN "
                             "(SELECT session FROM tickets WHERE day = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day') "
                             "AND ended_at IS NULL)")
        , issue(db, "INSERT INTO tickets (id, day, service, original_service, number, label, priority, status, issued_at, queued_at, recalls, transfers) "
                    "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, 'waiting', ?7, ?7, 0, 0)")
        , call(db, "UPDATE tickets SET status = 'called', called_at = ?2, first_called_at = COALESCE(first_called_at, ?2), "
                   "serving_at = NULL, window = ?3, clerk = ?4, target_window = NULL, session = ?5 WHERE id = ?1")
        , recall(db, "UPDATE tickets SET recalls = ?2, called_at = ?3 WHERE id = ?1")
        , start(db, "UPDATE tickets SET status = 'serving', serving_at = ?2 WHERE id = ?1")
        , end(db, "UPDATE tickets SET status = ?2, ended_at = ?3 WHERE id = ?1")
        , finish(db, "UPDATE tickets SET status = 'finished', ended_at = ?2, serving_at = COALESCE(serving_at, called_at) WHERE id = ?1")
        , transfer(db, "UPDATE tickets SET status = 'waiting', service = COALESCE(?2, service), target_window = ?3, "
                       "serving_at = NULL, transfers = transfers + 1 WHERE id = ?1")
        , openSession(db, "INSERT INTO service_sessions (id, ticket, window, clerk, called_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        , startSession(db, "UPDATE service_sessions SET started_at = ?2 WHERE id = (SELECT session FROM tickets WHERE id = ?1) AND ended_at IS NULL")
        , endSession(db, "UPDATE service_sessions SET ended_at = ?2, outcome = ?3, started_at = COALESCE(started_at, CASE WHEN ?3 = 'finished' THEN called_at END) "
                         "WHERE id = (SELECT session FROM tickets WHERE id = ?1) AND ended_at IS NULL")
        , windowClerk(db, "INSERT INTO windows (number, clerk, paused, opened_at) VALUES (?1, ?2, 0, ?3) "
                          "ON CONFLICT (number) DO UPDATE SET clerk = excluded.clerk, paused = 0, opened_at = excluded.opened_at")
        , windowPaused(db, "UPDATE windows SET paused = ?2 WHERE number = ?1")
        , openRatingSlot(db, "INSERT INTO windows (number, rate_ticket, rate_clerk, rate_opened_at, rate_session, rated) "
                             "VALUES (?1, ?2, ?3, ?4, (SELECT session FROM tickets WHERE id = ?2), 0) "
                             "ON CONFLICT (number) DO UPDATE SET rate_ticket = excluded.rate_ticket, rate_clerk = excluded.rate_clerk, "
                             "rate_opened_at = excluded.rate_opened_at, rate_session = excluded.rate_session, rated = 0")
        , insertRating(db, "INSERT INTO ratings (id, session, ticket, window, clerk, device, at, day, rating, satisfied, tags) "
                           "SELECT ?1, rate_session, ?2, ?3, ?4, ?5, ?6, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day'), "
                           "?7, ?8, ?9 FROM windows WHERE number = ?3 AND rate_ticket = ?2")
        , slotRated(db, "UPDATE windows SET rated = 1 WHERE number = ?1 AND rate_ticket = ?2")
        , openFollowUp(db, "INSERT INTO follow_ups (id, due_at) VALUES (?1, ?2)")
        , closeFollowUp(db, "UPDATE follow_ups SET status = 'closed', closed_at = ?2, closed_by = ?3, note = ?4 WHERE id = ?1 AND status = 'open'")
        , slotRatedFor(db, "SELECT rated FROM windows WHERE number = ?1 AND rate_ticket = ?2")
        , clearRatingSlots(db, "UPDATE windows SET rate_ticket = NULL, rate_clerk = NULL, rate_opened_at = NULL, rate_session = NULL, rated = 0 "
                               "WHERE rate_ticket IS NOT NULL")
    {
    }

    Statement begin, commit;
    Statement insertEvent, insertIdempotency, findReply, pruneIdempotency;
    Statement setDay, expireTickets, expireSessions;
    Statement issue, call, recall, start, end, finish, transfer;
    Statement openSession, startSession, endSession;
    Statement windowClerk, windowPaused;
    Statement openRatingSlot, insertRating, slotRated, openFollowUp, closeFollowUp, slotRatedFor, clearRatingSlots;
};

// ---- Open and migrate -----------------------------------------------------------------------

Store::~Store()
{
    m_sql.reset();
    if (m_db)
        sqlite3_close_v2(m_db);
}

void Store::exec(const char *sql)
{
    char *msg = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string text = msg ? msg : "unknown error";
        sqlite3_free(msg);
        throw StoreFailure{text};
    }
}

std::unique_ptr<Store> Store::open(const QString &path, const OpenOptions &options, QString *error)
{
    std::unique_ptr<Store> store(new Store);
    store->m_path = path;
    store->m_readOnly = options.readOnly;
    const QByteArray file = QFile::encodeName(path);
    const int flags = options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (options.readOnly && !QFileInfo::exists(path)) {
        *error = QStringLiteral("%1: no such database").arg(path);
        return nullptr;
    }
    if (sqlite3_open_v2(file.constData(), &store->m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        *error = QStringLiteral("%1: cannot open: %2").arg(path, QString::fromUtf8(sqlite3_errmsg(store->m_db)));
        return nullptr;
    }
    sqlite3_extended_result_codes(store->m_db, 1);
    // A reader (hallctl status) waits for the writer's checkpoint instead of failing at once.
    sqlite3_busy_timeout(store->m_db, 5000);
    // REPLACE deletes the row it replaces without firing DELETE triggers unless this is on, which
    // would let "REPLACE INTO events" rewrite the append-only journal.
    sqlite3_exec(store->m_db, "PRAGMA recursive_triggers = ON", nullptr, nullptr, nullptr);

    try {
        Statement version(store->m_db, "PRAGMA user_version");
        version.step();
        store->m_version = int(version.int64(0));
        version.reset();

        // Refuse before any write: a newer database must leave this program exactly as it came.
        if (store->m_version > kSchemaVersion) {
            *error = QStringLiteral("%1: schema version %2 is newer than this program understands (%3); "
                                    "run a newer hall-server, never an older one, on this database")
                         .arg(path).arg(store->m_version).arg(kSchemaVersion);
            return nullptr;
        }
        if (store->m_version > 0) {
            // Someone else's database may use user_version too; it must stay untouched.
            Statement meta(store->m_db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('meta', 'events')");
            meta.step();
            const qint64 n = meta.int64(0);
            meta.reset();
            if (n != 2) {
                *error = QStringLiteral("%1: not a hall database (schema version %2 but no hall journal)").arg(path).arg(store->m_version);
                return nullptr;
            }
        }
        if (store->m_version == 0) {
            Statement tables(store->m_db, "SELECT count(*) FROM sqlite_schema");
            tables.step();
            const qint64 n = tables.int64(0);
            tables.reset();
            if (n > 0) {
                *error = QStringLiteral("%1: not a hall database (it has tables but no hall schema version)").arg(path);
                return nullptr;
            }
        }
        if (options.readOnly) {
            if (store->m_version == 0) {
                *error = QStringLiteral("%1: empty database; start hall-server or run 'hallctl init' first").arg(path);
                return nullptr;
            }
            if (store->m_version < kSchemaVersion) {
                *error = QStringLiteral("%1: schema version %2 is older than %3; start hall-server once to upgrade it")
                             .arg(path).arg(store->m_version).arg(kSchemaVersion);
                return nullptr;
            }
        } else {
            store->exec("PRAGMA journal_mode = WAL");
            store->exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
            const int target = options.targetVersion < 0 ? kSchemaVersion : std::min(options.targetVersion, kSchemaVersion);
            if (!store->migrate(target, error))
                return nullptr;
        }

        Statement meta(store->m_db, "SELECT value FROM meta WHERE key = 'epoch'");
        if (meta.step())
            store->m_epoch = QString::fromStdString(meta.text(0));
        meta.reset();
        if (store->m_version >= 1) {
            Statement prefixes(store->m_db, "SELECT code, prefix FROM services");
            while (prefixes.step()) {
                const std::string p = prefixes.text(1);
                store->m_prefixes[prefixes.text(0)] = p.empty() ? '?' : p[0];
            }
        }
        Statement seq(store->m_db, "SELECT COALESCE(MAX(seq), 0) FROM events");
        seq.step();
        store->m_lastSeq = seq.int64(0);
        seq.reset();
        if (!options.readOnly && store->m_version == kSchemaVersion)
            store->m_sql = std::make_unique<Prepared>(store->m_db);
    } catch (const StoreFailure &f) {
        *error = QStringLiteral("%1: %2").arg(path, QString::fromStdString(f.message));
        return nullptr;
    }
    qCDebug(lcStore) << "opened" << path << "schema" << store->m_version << "epoch" << store->m_epoch << "seq" << store->m_lastSeq;
    return store;
}

bool Store::migrate(int target, QString *error)
{
    while (m_version < target) {
        const int next = m_version + 1;
        try {
            // Each step and its version bump commit together: a crash mid-migration leaves the
            // previous version intact, and the next start retries the step.
            exec("BEGIN IMMEDIATE");
            exec(kMigrations[m_version]);
            exec(("PRAGMA user_version = " + std::to_string(next)).c_str());
            exec("COMMIT");
        } catch (const StoreFailure &f) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            *error = QStringLiteral("%1: migration to schema version %2 failed: %3")
                         .arg(m_path).arg(next).arg(QString::fromStdString(f.message));
            return false;
        }
        qCInfo(lcStore) << "migrated" << m_path << "to schema version" << next;
        m_version = next;
    }
    return true;
}

// ---- Configuration mirror ---------------------------------------------------------------------

bool Store::syncConfig(const HallConfig &config, QString *error)
{
    try {
        exec("BEGIN IMMEDIATE");
        Statement service(m_db, "INSERT INTO services (code, prefix, name_zh, name_en, estimated_service_seconds) VALUES (?1, ?2, ?3, ?4, ?5) "
                                "ON CONFLICT (code) DO UPDATE SET prefix = excluded.prefix, name_zh = excluded.name_zh, "
                                "name_en = excluded.name_en, estimated_service_seconds = excluded.estimated_service_seconds");
        for (const auto &s : config.services) {
            service.bind(1, s.code).bind(2, std::string(1, s.prefix)).bind(3, s.nameZh).bind(4, s.nameEn).bind(5, qint64(s.estimatedServiceSeconds));
            service.exec();
        }
        Statement clerk(m_db, "INSERT INTO clerks (id, name, badge, pin_hash, role, photo) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                              "ON CONFLICT (id) DO UPDATE SET name = excluded.name, badge = excluded.badge, pin_hash = excluded.pin_hash, "
                              "role = excluded.role, photo = excluded.photo");
        for (const auto &c : config.clerks) {
            clerk.bind(1, c.id).bind(2, c.name).bind(3, c.badge).bind(4, c.pinHash).bind(5, c.role).bindOptional(6, c.photo);
            clerk.exec();
        }
        Statement window(m_db, "INSERT INTO windows (number, name, services) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (number) DO UPDATE SET name = excluded.name, services = excluded.services");
        for (const auto &w : config.windows) {
            QJsonArray services;
            for (const auto &s : w.services)
                services.append(QString::fromStdString(s));
            window.bind(1, qint64(w.number)).bind(2, w.name).bind(3, QJsonDocument(services).toJson(QJsonDocument::Compact));
            window.exec();
        }
        exec("COMMIT");
        for (const auto &s : config.services)
            m_prefixes[s.code] = s.prefix;
    } catch (const StoreFailure &f) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        *error = QStringLiteral("%1: cannot store the configuration: %2").arg(m_path, QString::fromStdString(f.message));
        return false;
    }
    return true;
}

// ---- Loading ------------------------------------------------------------------------------------

namespace {
Ticket ticketFromRow(const Statement &q)
{
    Ticket t;
    t.id = q.int64(0);
    t.day = int(q.int64(1));
    t.service = q.text(2);
    t.originalService = q.text(3);
    t.number = int(q.int64(4));
    t.label = q.text(5);
    t.priority = priorityFromString(q.text(6)).value_or(Priority::Normal);
    t.status = statusFromString(q.text(7)).value_or(TicketStatus::Waiting);
    t.issuedAt = q.int64(8);
    t.queuedAt = q.int64(9);
    t.calledAt = q.int64(10);
    t.firstCalledAt = q.int64(11);
    t.servingAt = q.int64(12);
    t.endedAt = q.int64(13);
    t.window = int(q.int64(14));
    t.targetWindow = int(q.int64(15));
    t.clerk = q.text(16);
    t.recalls = int(q.int64(17));
    t.transfers = int(q.int64(18));
    return t;
}
} // namespace

EngineSnapshot Store::loadSnapshot(const HallConfig &config)
{
    EngineSnapshot s;
    Statement day(m_db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day'");
    if (day.step())
        s.day = int(day.int64(0));
    day.reset();

    Statement last(m_db, "SELECT COALESCE(MAX(id), 0) FROM tickets");
    last.step();
    s.lastTicketId = last.int64(0);
    last.reset();

    Statement numbers(m_db, "SELECT original_service, MAX(number) FROM tickets WHERE day = ?1 GROUP BY original_service");
    numbers.bind(1, qint64(s.day));
    while (numbers.step())
        s.lastNumbers[numbers.text(0)] = int(numbers.int64(1));
    numbers.reset();

    // Today's tickets are all the engine holds; the open ones are among them, because every
    // day_started expires the open tickets of the day before.
    Statement tickets(m_db, "SELECT id, day, service, original_service, number, label, priority, status, issued_at, queued_at, "
                            "called_at, first_called_at, serving_at, ended_at, window, target_window, clerk, recalls, transfers "
                            "FROM tickets WHERE day = ?1 ORDER BY id");
    tickets.bind(1, qint64(s.day));
    while (tickets.step())
        s.tickets.push_back(ticketFromRow(tickets));
    tickets.reset();

    // A window's visitor is the ticket called or served there; the ticket row says so, and not
    // writing it twice saves a page on most commits.
    std::map<int, WindowState> windowStates;
    for (const Ticket &t : s.tickets)
        if ((t.status == TicketStatus::Called || t.status == TicketStatus::Serving) && t.window) {
            windowStates[t.window].number = t.window;
            windowStates[t.window].current = t.id;
        }
    Statement windows(m_db, "SELECT number, clerk, paused, opened_at, rate_ticket, rate_clerk, rate_opened_at, rated FROM windows "
                            "WHERE clerk IS NOT NULL OR paused != 0 OR rate_ticket IS NOT NULL");
    while (windows.step()) {
        WindowState &w = windowStates[int(windows.int64(0))];
        w.number = int(windows.int64(0));
        w.clerk = windows.text(1);
        w.paused = windows.int64(2) != 0;
        w.openedAt = windows.int64(3);
        w.rating.ticket = windows.int64(4);
        w.rating.clerk = windows.text(5);
        w.rating.openedAt = windows.int64(6);
        w.rating.rated = windows.int64(7) != 0;
    }
    windows.reset();
    for (auto &[number, w] : windowStates)
        s.windows.push_back(std::move(w));

    // Service rates older than a week say little about today; reading by day range keeps this
    // on the (day, ...) index however long the history grows.
    Statement recent(m_db, "SELECT service, (ended_at - serving_at) / 1000 FROM tickets "
                           "WHERE day BETWEEN ?1 - 7 AND ?1 AND status = 'finished' ORDER BY ended_at DESC, id DESC");
    recent.bind(1, qint64(s.day));
    std::map<std::string, std::vector<int>> samples;
    while (recent.step()) {
        auto &v = samples[recent.text(0)];
        if (int(v.size()) < Engine::kRecentSamples)
            v.push_back(int(recent.int64(1)));
    }
    recent.reset();
    for (const auto &service : config.services) {
        auto it = samples.find(service.code);
        if (it != samples.end()) {
            std::reverse(it->second.begin(), it->second.end());
            s.recentServiceSeconds[service.code] = std::move(it->second);
        }
    }
    return s;
}

// ---- Events ---------------------------------------------------------------------------------------

QByteArray Store::encodeEventData(const Event &e)
{
    return bus::wire::eventDataBytes(e);
}

std::optional<Event> Store::decodeEvent(EventType type, qint64 at, const QByteArray &data)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return bus::wire::eventFromData(type, at, doc.object());
}

std::vector<StoredEvent> Store::readEvents(qint64 afterSeq, int limit)
{
    std::vector<StoredEvent> out;
    Statement q(m_db, "SELECT seq, at, type, data FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    q.bind(1, afterSeq).bind(2, qint64(limit));
    while (q.step()) {
        const auto type = eventTypeFromString(q.text(2));
        if (!type) {
            qCWarning(lcStore) << "event" << q.int64(0) << "has unknown type" << QString::fromStdString(q.text(2));
            continue;
        }
        if (auto e = decodeEvent(*type, q.int64(1), QByteArray::fromStdString(q.text(3))))
            out.push_back({q.int64(0), *e});
    }
    return out;
}

// ---- Commit ---------------------------------------------------------------------------------------

void Store::applyToProjections(const Event &e, qint64 seq)
{
    Prepared &p = *m_sql;
    switch (e.type) {
    case EventType::DayStarted:
        p.clearRatingSlots.exec();
        p.expireSessions.bind(1, e.at).exec();
        p.expireTickets.bind(1, e.at).exec();
        p.setDay.bind(1, std::to_string(e.day)).exec();
        break;
    case EventType::TicketIssued: {
        // The label comes from the service's prefix in the config mirror so the journal stays minimal.
        const auto prefix = m_prefixes.find(e.service);
        p.issue.bind(1, e.ticket).bind(2, qint64(e.day)).bind(3, e.service).bind(4, qint64(e.number))
            .bind(5, Engine::label(prefix == m_prefixes.end() ? '?' : prefix->second, e.number)).bind(6, std::string(toString(e.priority))).bind(7, e.at)
            .exec();
        break;
    }
    case EventType::TicketCalled:
        p.call.bind(1, e.ticket).bind(2, e.at).bind(3, qint64(e.window)).bindOptional(4, e.clerk).bind(5, seq).exec();
        p.openSession.bind(1, seq).bind(2, e.ticket).bind(3, qint64(e.window)).bindOptional(4, e.clerk).bind(5, e.at).exec();
        break;
    case EventType::TicketRecalled:
        p.recall.bind(1, e.ticket).bind(2, qint64(e.recalls)).bind(3, e.at).exec();
        break;
    case EventType::ServiceStarted:
        p.start.bind(1, e.ticket).bind(2, e.at).exec();
        p.startSession.bind(1, e.ticket).bind(2, e.at).exec();
        break;
    case EventType::TicketNoShow:
        p.end.bind(1, e.ticket).bind(2, std::string("no_show")).bind(3, e.at).exec();
        p.endSession.bind(1, e.ticket).bind(2, e.at).bind(3, std::string("no_show")).exec();
        break;
    case EventType::TicketTransferred:
        p.transfer.bind(1, e.ticket).bindOptional(2, e.service).bindOptional(3, qint64(e.targetWindow)).exec();
        p.endSession.bind(1, e.ticket).bind(2, e.at).bind(3, std::string("transferred")).exec();
        break;
    case EventType::TicketFinished:
        p.finish.bind(1, e.ticket).bind(2, e.at).exec();
        p.endSession.bind(1, e.ticket).bind(2, e.at).bind(3, std::string("finished")).exec();
        // As the engine: a visitor who rated when asked, before the finish, keeps their one vote.
        if (!ratedAlready(e.window, e.ticket))
            p.openRatingSlot.bind(1, qint64(e.window)).bind(2, e.ticket).bindOptional(3, e.clerk).bind(4, e.at).exec();
        break;
    case EventType::RatingRequested:
        p.openRatingSlot.bind(1, qint64(e.window)).bind(2, e.ticket).bindOptional(3, e.clerk).bind(4, e.at).exec();
        break;
    case EventType::TicketRated: {
        QByteArray tags;
        if (!e.tags.empty()) {
            QJsonArray a;
            for (const auto &t : e.tags)
                a.append(QString::fromStdString(t));
            tags = QJsonDocument(a).toJson(QJsonDocument::Compact);
        }
        p.insertRating.bind(1, seq).bind(2, e.ticket).bind(3, qint64(e.window)).bind(4, e.clerk).bind(5, e.device).bind(6, e.at)
            .bind(7, e.rating).bind(8, qint64(RatingRules::isSatisfied(e.rating) ? 1 : 0));
        if (tags.isEmpty())
            p.insertRating.bindNull(9);
        else
            p.insertRating.bind(9, tags);
        p.insertRating.exec();
        // The engine checked the slot; the store checks it held this ticket, so a journal and its
        // projections can never disagree about who was rated.
        if (sqlite3_changes(m_db) != 1)
            throw StoreFailure{"ticket_rated for ticket " + std::to_string(e.ticket) + " at window " + std::to_string(e.window)
                               + " does not match the window's rating slot"};
        p.slotRated.bind(1, qint64(e.window)).bind(2, e.ticket).exec();
        if (!RatingRules::isSatisfied(e.rating))
            p.openFollowUp.bind(1, seq).bind(2, e.due).exec();
        break;
    }
    case EventType::FollowUpClosed:
        p.closeFollowUp.bind(1, e.followUp).bind(2, e.at).bind(3, e.device).bind(4, e.note).exec();
        if (sqlite3_changes(m_db) != 1)
            throw StoreFailure{"followup_closed for follow-up " + std::to_string(e.followUp) + ", which is not open"};
        break;
    case EventType::TicketCancelled:
        p.end.bind(1, e.ticket).bind(2, std::string("cancelled")).bind(3, e.at).exec();
        break;
    case EventType::ClerkSignedIn:
        p.windowClerk.bind(1, qint64(e.window)).bind(2, e.clerk).bind(3, e.at).exec();
        break;
    case EventType::ClerkSignedOut:
        p.windowClerk.bind(1, qint64(e.window)).bindNull(2).bindNull(3).exec();
        break;
    case EventType::WindowPaused:
    case EventType::WindowResumed:
        p.windowPaused.bind(1, qint64(e.window)).bind(2, qint64(e.type == EventType::WindowPaused ? 1 : 0)).exec();
        break;
    }
}

bool Store::ratedAlready(int window, engine::TicketId ticket)
{
    Statement &q = m_sql->slotRatedFor;
    q.bind(1, qint64(window)).bind(2, ticket);
    const bool rated = q.step() && q.int64(0) != 0;
    q.reset();
    return rated;
}

// ---- Reports ----------------------------------------------------------------------------------

qint64 Store::firstSeqAtOrAfter(qint64 ms)
{
    // Events are appended in time order, so seq order is time order: a binary search on the
    // primary key finds the boundary in ~20 lookups without an index on time.
    Statement at(m_db, "SELECT at FROM events WHERE seq >= ?1 ORDER BY seq LIMIT 1");
    qint64 lo = 1, hi = m_lastSeq + 1;
    while (lo < hi) {
        const qint64 mid = lo + (hi - lo) / 2;
        at.bind(1, mid);
        const bool found = at.step();
        const qint64 t = found ? at.int64(0) : std::numeric_limits<qint64>::max();
        at.reset();
        if (t >= ms)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

std::vector<ClerkCounts> Store::clerkCounts(int fromDay, int toDay, qint64 fromMs, qint64 toMs)
{
    std::map<std::string, ClerkCounts> byClerk;
    const qint64 firstSeq = firstSeqAtOrAfter(fromMs);
    const qint64 endSeq = firstSeqAtOrAfter(toMs);
    Statement sessions(m_db, "SELECT clerk, COUNT(*) FROM service_sessions WHERE id >= ?1 AND id < ?2 AND outcome = 'finished' "
                             "AND clerk IS NOT NULL GROUP BY clerk");
    sessions.bind(1, firstSeq).bind(2, endSeq);
    while (sessions.step()) {
        ClerkCounts &c = byClerk[sessions.text(0)];
        c.clerk = sessions.text(0);
        c.services = int(sessions.int64(1));
    }
    sessions.reset();
    Statement votes(m_db, "SELECT clerk, COUNT(*), SUM(satisfied) FROM ratings WHERE day BETWEEN ?1 AND ?2 GROUP BY clerk");
    votes.bind(1, qint64(fromDay)).bind(2, qint64(toDay));
    while (votes.step()) {
        ClerkCounts &c = byClerk[votes.text(0)];
        c.clerk = votes.text(0);
        c.ratings = int(votes.int64(1));
        c.satisfied = int(votes.int64(2));
    }
    votes.reset();
    std::vector<ClerkCounts> out;
    for (auto &[id, c] : byClerk)
        out.push_back(std::move(c));
    return out;
}

namespace {
constexpr const char *kFollowUpColumns =
    "SELECT f.id, r.ticket, t.label, r.window, r.clerk, r.rating, r.tags, r.at, f.due_at, f.status, f.closed_at, f.closed_by, f.note "
    "FROM follow_ups f JOIN ratings r ON r.id = f.id LEFT JOIN tickets t ON t.id = r.ticket ";

FollowUp followUpFromRow(const Statement &q)
{
    FollowUp f;
    f.id = q.int64(0);
    f.ticket = q.int64(1);
    f.label = q.text(2);
    f.window = int(q.int64(3));
    f.clerk = q.text(4);
    f.rating = q.text(5);
    f.tags = QByteArray::fromStdString(q.text(6));
    f.ratedAt = q.int64(7);
    f.dueAt = q.int64(8);
    f.status = q.text(9);
    f.closedAt = q.int64(10);
    f.closedBy = q.text(11);
    f.note = q.text(12);
    return f;
}
} // namespace

std::vector<FollowUp> Store::followUps(const std::string &status, int limit)
{
    const std::string where = status == "all" ? "" : "WHERE f.status = ?2 ";
    Statement q(m_db, (std::string(kFollowUpColumns) + where + "ORDER BY f.id LIMIT ?1").c_str());
    q.bind(1, qint64(limit));
    if (status != "all")
        q.bind(2, status);
    std::vector<FollowUp> out;
    while (q.step())
        out.push_back(followUpFromRow(q));
    return out;
}

std::optional<FollowUp> Store::followUp(qint64 id)
{
    Statement q(m_db, (std::string(kFollowUpColumns) + "WHERE f.id = ?1").c_str());
    q.bind(1, id);
    if (!q.step())
        return std::nullopt;
    return followUpFromRow(q);
}

bool Store::commit(const std::vector<CommitEntry> &entries, std::vector<std::vector<qint64>> *seqs, QString *error)
{
    if (!m_sql) {
        *error = QStringLiteral("%1: opened read-only").arg(m_path);
        return false;
    }
    Prepared &p = *m_sql;
    const qint64 seqBefore = m_lastSeq;
    std::vector<std::vector<qint64>> assigned;
    assigned.reserve(entries.size());
    try {
        p.begin.exec();
        for (const auto &entry : entries) {
            std::vector<qint64> entrySeqs;
            entrySeqs.reserve(entry.events.size());
            qint64 lastAt = 0;
            const bool encoded = entry.eventData.size() == entry.events.size();
            for (std::size_t i = 0; i < entry.events.size(); ++i) {
                const Event &e = entry.events[i];
                p.insertEvent.bind(1, e.at).bind(2, std::string(toString(e.type))).bind(3, encoded ? entry.eventData[i] : encodeEventData(e)).exec();
                const qint64 seq = sqlite3_last_insert_rowid(m_db);
                applyToProjections(e, seq);
                entrySeqs.push_back(seq);
                m_lastSeq = seq;
                lastAt = e.at;
            }
            if (entry.writes)
                entry.writes(*this);
            if (!entry.requestId.empty()) {
                p.insertIdempotency.bind(1, entry.device).bind(2, entry.requestId).bind(3, entry.reply)
                    .bind(4, lastAt ? lastAt : QDateTime::currentMSecsSinceEpoch()).exec();
            }
            assigned.push_back(std::move(entrySeqs));
        }
        p.commit.exec();
    } catch (const StoreFailure &f) {
        // Not the prepared ROLLBACK: when BEGIN itself failed (busy) or SQLite already rolled
        // back (disk full), there is no transaction, and that error must not escape.
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        m_lastSeq = seqBefore;
        *error = QStringLiteral("%1: commit failed: %2").arg(m_path, QString::fromStdString(f.message));
        qCWarning(lcStore).noquote() << *error;
        return false;
    }
    if (seqs)
        *seqs = std::move(assigned);
    return true;
}

// ---- Device registry ---------------------------------------------------------------------------

std::vector<Device> Store::devices()
{
    std::vector<Device> out;
    Statement q(m_db, "SELECT id, public_key, role, window, note, registered_at, registered_by, revoked_at, revoked_by "
                      "FROM devices ORDER BY id");
    while (q.step()) {
        Device d;
        d.id = q.text(0);
        d.publicKey = q.text(1);
        d.role = q.text(2);
        d.window = int(q.int64(3));
        d.note = q.text(4);
        d.registeredAt = q.int64(5);
        d.registeredBy = q.text(6);
        d.revokedAt = q.int64(7);
        d.revokedBy = q.text(8);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<std::string> Store::revokedKeys()
{
    std::vector<std::string> out;
    Statement q(m_db, "SELECT public_key FROM revoked_keys");
    while (q.step())
        out.push_back(q.text(0));
    return out;
}

std::vector<DeviceStatus> Store::deviceStatuses()
{
    std::vector<DeviceStatus> out;
    Statement q(m_db, "SELECT device, status, at FROM device_status ORDER BY device");
    while (q.step())
        out.push_back({q.text(0), QByteArray::fromStdString(q.text(1)), q.int64(2)});
    return out;
}

void Store::writeDevice(const Device &d)
{
    Statement(m_db, "INSERT OR REPLACE INTO devices (id, public_key, role, window, note, registered_at, registered_by) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, d.id).bind(2, d.publicKey).bind(3, d.role).bindOptional(4, qint64(d.window)).bind(5, d.note)
        .bind(6, d.registeredAt).bind(7, d.registeredBy)
        .exec();
    // A device registered again (after a revocation) starts without its predecessor's status.
    Statement(m_db, "DELETE FROM device_status WHERE device = ?1").bind(1, d.id).exec();
}

void Store::writeRevocation(const std::string &id, qint64 at, const std::string &by)
{
    Statement(m_db, "UPDATE devices SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1").bind(1, id).bind(2, at).bind(3, by).exec();
    Statement(m_db, "INSERT OR IGNORE INTO revoked_keys (public_key, device, revoked_at) SELECT public_key, id, ?2 FROM devices WHERE id = ?1")
        .bind(1, id).bind(2, at)
        .exec();
}

void Store::writeDeviceStatus(const DeviceStatus &s)
{
    Statement(m_db, "INSERT OR REPLACE INTO device_status (device, status, at) VALUES (?1, ?2, ?3)")
        .bind(1, s.device).bind(2, s.status).bind(3, s.at)
        .exec();
}

qint64 Store::pruneIdempotency(qint64 olderThanMs, QString *error)
{
    if (!m_sql) {
        *error = QStringLiteral("%1: opened read-only").arg(m_path);
        return -1;
    }
    try {
        m_sql->begin.exec();
        m_sql->pruneIdempotency.bind(1, olderThanMs).exec();
        const qint64 n = sqlite3_changes64(m_db);
        m_sql->commit.exec();
        return n;
    } catch (const StoreFailure &f) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        *error = QStringLiteral("%1: pruning idempotency records failed: %2").arg(m_path, QString::fromStdString(f.message));
        return -1;
    }
}

std::optional<QByteArray> Store::findReply(const std::string &device, const std::string &requestId)
{
    std::optional<Statement> adHoc; // a read-only store has no prepared hot path
    if (!m_sql)
        adHoc.emplace(m_db, kFindReplySql);
    Statement &q = m_sql ? m_sql->findReply : *adHoc;
    q.bind(1, device).bind(2, requestId);
    std::optional<QByteArray> reply;
    if (q.step())
        reply = QByteArray::fromStdString(q.text(0));
    q.reset();
    return reply;
}

bool Store::integrityCheck(QString *error)
{
    Statement q(m_db, "PRAGMA integrity_check");
    QStringList problems;
    while (q.step()) {
        const QString line = QString::fromStdString(q.text(0));
        if (line != QLatin1String("ok"))
            problems << line;
    }
    if (!problems.isEmpty()) {
        *error = problems.join(QLatin1Char('\n'));
        return false;
    }
    return true;
}

} // namespace hall::store
