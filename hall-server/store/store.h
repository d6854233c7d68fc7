#pragma once

#include "engine/engine.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace hall::store {

// One prepared statement, finalized with its owner. Reset after every use so a statement never
// holds a read transaction open between commits.
class Statement
{
public:
    Statement() = default;
    Statement(sqlite3 *db, const char *sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;

    Statement &bind(int i, qint64 v);
    Statement &bind(int i, const std::string &v);
    Statement &bind(int i, const QByteArray &v);
    Statement &bindNull(int i);
    // Binds 0 / empty as NULL: the projections store "none" as NULL, the engine as 0 or "".
    Statement &bindOptional(int i, qint64 v);
    Statement &bindOptional(int i, const std::string &v);
    bool step();   // true while a row is available; errors are thrown as StoreFailure
    void exec();   // step to completion
    void reset();
    qint64 int64(int col) const;
    std::string text(int col) const;
    bool isNull(int col) const;
    sqlite3_stmt *handle() const { return m_stmt; }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
};

struct StoreFailure {
    std::string message;
};

struct OpenOptions {
    bool readOnly = false;
    // FULL makes every acknowledged commit survive a power cut; tests of logic, not of
    // durability, may switch it off to run faster.
    bool durable = true;
    // Migrate no further than this; only for building fixtures of old versions in tests.
    int targetVersion = -1;
};

struct StoredEvent {
    qint64 seq = 0;
    engine::Event event;
};

class Store;

// What the ranking needs of one clerk over a span of business days (report/ranking.h).
struct ClerkCounts {
    std::string clerk;
    int services = 0;  // sessions finished
    int ratings = 0;
    int satisfied = 0;
};

struct FollowUp {
    qint64 id = 0; // the seq of the ticket_rated event that opened it
    engine::TicketId ticket = 0;
    std::string label;
    int window = 0;
    std::string clerk;
    std::string rating;
    QByteArray tags; // JSON array, or empty
    qint64 ratedAt = 0;
    qint64 dueAt = 0;
    std::string status; // open, closed
    qint64 closedAt = 0;
    std::string closedBy;
    std::string note;
};

// One operation of a group commit: its events, and the reply to keep for its request id.
struct CommitEntry {
    std::vector<engine::Event> events;
    std::string device;
    std::string requestId; // empty: no idempotency record (internal operations such as the day tick)
    QByteArray reply;
    // The events' data already encoded (one per event), so a caller that also publishes them
    // encodes once; empty: the store encodes them itself.
    std::vector<QByteArray> eventData = {};
    // Writes outside the journal (the device registry), in the same transaction; they throw
    // StoreFailure to abort it.
    std::function<void(Store &)> writes = nullptr;
};

// A terminal allowed on the bus (docs/protocol.md, "Security and roles").
struct Device {
    std::string id;
    std::string publicKey; // Z85
    std::string role;      // kiosk, counter, pad, board, manager, admin
    int window = 0;        // counters and pads: the window they belong to
    std::string note;
    qint64 registeredAt = 0;
    std::string registeredBy;
    qint64 revokedAt = 0;  // 0: active
    std::string revokedBy;
};

struct DeviceStatus {
    std::string device;
    QByteArray status; // compact JSON object, as the device reported it
    qint64 at = 0;
};

class Store
{
public:
    static constexpr int kSchemaVersion = 5;
    static constexpr qint64 kIdempotencyRetentionMs = 7LL * 24 * 3600 * 1000;

    ~Store();
    // Opens or creates the database and migrates it. Refuses a database written by a newer
    // version rather than guessing at its meaning.
    static std::unique_ptr<Store> open(const QString &path, const OpenOptions &options, QString *error);

    int schemaVersion() const { return m_version; }
    QString epoch() const { return m_epoch; }
    qint64 lastSeq() const { return m_lastSeq; }
    const QString &path() const { return m_path; }

    // Mirrors the hall configuration (services, windows, clerks) into tables, so reports and
    // hallctl status can name things without the config file. One transaction.
    bool syncConfig(const engine::HallConfig &config, QString *error);

    // The engine state as of the last commit, from the projections.
    engine::EngineSnapshot loadSnapshot(const engine::HallConfig &config);

    // Appends the entries' events, updates the projections and idempotency records, all in one
    // transaction. On success fills seqs (one vector per entry) and returns true; on failure
    // nothing was written and the caller must rebuild its engine from loadSnapshot().
    bool commit(const std::vector<CommitEntry> &entries, std::vector<std::vector<qint64>> *seqs, QString *error);

    std::optional<QByteArray> findReply(const std::string &device, const std::string &requestId);

    // Deletes the replies recorded before olderThanMs in a transaction of its own; returns how
    // many, or -1 with error set. Replies only matter while a terminal may still retry, and the
    // scan costs tens of milliseconds on a busy week, so it is kept out of every operation's
    // commit (the server runs it from a timer).
    qint64 pruneIdempotency(qint64 olderThanMs, QString *error);

    std::vector<StoredEvent> readEvents(qint64 afterSeq, int limit);

    // The device registry. Reads work on any store; the writes are only for a CommitEntry's
    // writes function, inside commit()'s transaction.
    std::vector<Device> devices();
    std::vector<std::string> revokedKeys();
    std::vector<DeviceStatus> deviceStatuses();
    void writeDevice(const Device &d);           // insert, or replace a revoked device's row (and clear its status)
    void writeRevocation(const std::string &id, qint64 at, const std::string &by);
    void writeDeviceStatus(const DeviceStatus &s);
    bool integrityCheck(QString *error);

    // Reports. Business days [fromDay, toDay]; the times bound the sessions' calls in the same
    // span (Engine::dayStartMs), which lets the store read sessions by id range instead of an index
    // every call would have to write.
    std::vector<ClerkCounts> clerkCounts(int fromDay, int toDay, qint64 fromMs, qint64 toMs);
    // status: "open", "closed" or "all"; oldest first.
    std::vector<FollowUp> followUps(const std::string &status, int limit);
    std::optional<FollowUp> followUp(qint64 id);
    sqlite3 *handle() const { return m_db; }

    static QByteArray encodeEventData(const engine::Event &e);
    static std::optional<engine::Event> decodeEvent(engine::EventType type, qint64 at, const QByteArray &data);

private:
    Store() = default;
    bool migrate(int target, QString *error);
    void prepare();
    void applyToProjections(const engine::Event &e, qint64 seq);
    void exec(const char *sql);
    qint64 firstSeqAtOrAfter(qint64 ms);
    bool ratedAlready(int window, engine::TicketId ticket);

    sqlite3 *m_db = nullptr;
    QString m_path;
    int m_version = 0;
    QString m_epoch;
    qint64 m_lastSeq = 0;
    bool m_readOnly = false;
    std::map<std::string, char> m_prefixes; // service code -> ticket letter, from the config mirror

    struct Prepared;
    std::unique_ptr<Prepared> m_sql;
};

} // namespace hall::store
