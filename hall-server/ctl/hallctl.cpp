#include "hallctl.h"

#include "config/hallconfig.h"
#include "store/store.h"

#include <QDate>
#include <QFile>

#include <sqlite3.h>

#include <map>

namespace hall::ctl {

namespace {

const char *kUsage =
    "usage: hallctl COMMAND [options]\n"
    "  config check FILE            validate a hall configuration file\n"
    "  init --db FILE [--config F]  create or upgrade a database, storing the configuration\n"
    "  status --db FILE             waiting per service, windows and today's counts (read-only)\n"
    "  hash-pin                     read a PIN on stdin, print its argon2id hash for the config\n";

QString option(const QStringList &args, const QString &name)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : QString();
}

// Business day numbers count days since 1970-01-01 in the hall's local time shifted by the
// rollover hour; as a date they are simply that many days after the epoch.
QString dayToDate(qint64 day)
{
    return QDate(1970, 1, 1).addDays(day).toString(Qt::ISODate);
}

int configCheck(const QString &file, QTextStream &out, QTextStream &err)
{
    const auto r = config::loadFile(file);
    if (!r.config) {
        err << r.error << Qt::endl;
        return 2;
    }
    out << file << ": ok (" << r.config->services.size() << " services, " << r.config->windows.size() << " windows, "
        << r.config->clerks.size() << " clerks)" << Qt::endl;
    return 0;
}

int init(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString db = option(args, QStringLiteral("--db"));
    if (db.isEmpty()) {
        err << "hallctl init: --db FILE is required" << Qt::endl;
        return 2;
    }
    std::optional<engine::HallConfig> cfg;
    if (const QString file = option(args, QStringLiteral("--config")); !file.isEmpty()) {
        auto r = config::loadFile(file);
        if (!r.config) {
            err << r.error << Qt::endl;
            return 2;
        }
        cfg = std::move(r.config);
    }
    QString error;
    auto store = store::Store::open(db, {}, &error);
    if (!store || (cfg && !store->syncConfig(*cfg, &error))) {
        err << error << Qt::endl;
        return 1;
    }
    out << db << ": schema version " << store->schemaVersion() << ", epoch " << store->epoch() << ", journal seq "
        << store->lastSeq() << Qt::endl;
    return 0;
}

struct Query {
    Query(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &st, nullptr); }
    ~Query() { sqlite3_finalize(st); }
    bool next() { return sqlite3_step(st) == SQLITE_ROW; }
    qint64 i(int c) const { return sqlite3_column_int64(st, c); }
    QString s(int c) const { return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, c))); }
    sqlite3_stmt *st = nullptr;
};

int status(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString db = option(args, QStringLiteral("--db"));
    if (db.isEmpty()) {
        err << "hallctl status: --db FILE is required" << Qt::endl;
        return 2;
    }
    QString error;
    store::OpenOptions ro;
    ro.readOnly = true;
    auto store = store::Store::open(db, ro, &error);
    if (!store) {
        err << error << Qt::endl;
        return 1;
    }
    sqlite3 *h = store->handle();
    // One read transaction, so the figures are one consistent moment even while the server writes.
    sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr);
    qint64 day = 0;
    {
        Query q(h, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day'");
        if (q.next())
            day = q.i(0);
    }
    out << "database " << db << ": schema " << store->schemaVersion() << ", epoch " << store->epoch() << ", journal seq "
        << store->lastSeq() << Qt::endl;
    out << "business day " << (day ? dayToDate(day) : QStringLiteral("(none yet)")) << Qt::endl << Qt::endl;

    out << "waiting per service:" << Qt::endl;
    {
        Query q(h, "SELECT s.code, s.prefix, s.name_zh, s.name_en, "
                   "(SELECT count(*) FROM tickets t WHERE t.service = s.code AND t.status = 'waiting'), "
                   "(SELECT MIN(issued_at) FROM tickets t WHERE t.service = s.code AND t.status = 'waiting') "
                   "FROM services s ORDER BY s.prefix");
        while (q.next())
            out << QStringLiteral("  %1 %2 %3 (%4): %5 waiting").arg(q.s(1), -1).arg(q.s(0), -10).arg(q.s(2), q.s(3)).arg(q.i(4)) << Qt::endl;
    }
    out << Qt::endl << "windows:" << Qt::endl;
    {
        Query q(h, "SELECT w.number, w.name, w.clerk, c.name, c.badge, w.paused, t.label, t.status FROM windows w "
                   "LEFT JOIN clerks c ON c.id = w.clerk LEFT JOIN tickets t ON t.id = w.current_ticket ORDER BY w.number");
        while (q.next()) {
            QString state;
            if (q.s(2).isEmpty())
                state = QStringLiteral("closed");
            else
                state = QStringLiteral("%1 %2 (%3)%4").arg(q.i(5) ? QStringLiteral("paused,") : QStringLiteral("open,"), q.s(3), q.s(4),
                                                          q.s(6).isEmpty() ? QString() : QStringLiteral(", ") + q.s(7) + QLatin1Char(' ') + q.s(6));
            out << QStringLiteral("  %1 %2: %3").arg(q.i(0), 3).arg(q.s(1), state) << Qt::endl;
        }
    }
    out << Qt::endl << "today's tickets:" << Qt::endl;
    {
        Query q(h, "SELECT status, count(*) FROM tickets WHERE day = ?1 GROUP BY status ORDER BY status");
        sqlite3_bind_int64(q.st, 1, day);
        std::map<QString, qint64> counts;
        qint64 total = 0;
        while (q.next()) {
            counts[q.s(0)] = q.i(1);
            total += q.i(1);
        }
        out << "  issued " << total;
        for (const char *s : {"waiting", "called", "serving", "finished", "no_show", "cancelled", "expired"})
            out << ", " << s << ' ' << counts[QString::fromLatin1(s)];
        out << Qt::endl;
    }
    sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    return 0;
}

int hashPin(QTextStream &out, QTextStream &err)
{
    QTextStream in(stdin);
    const QString pin = in.readLine().trimmed();
    if (pin.size() < 4 || pin.size() > 12) {
        err << "hallctl hash-pin: a PIN has 4 to 12 characters" << Qt::endl;
        return 2;
    }
    const QString hash = config::hashPin(pin);
    if (hash.isEmpty()) {
        err << "hallctl hash-pin: hashing failed (out of memory?)" << Qt::endl;
        return 1;
    }
    out << hash << Qt::endl;
    return 0;
}

} // namespace

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString cmd = args.value(0);
    if (cmd == QLatin1String("config") && args.value(1) == QLatin1String("check") && args.size() == 3)
        return configCheck(args.at(2), out, err);
    if (cmd == QLatin1String("init"))
        return init(args, out, err);
    if (cmd == QLatin1String("status"))
        return status(args, out, err);
    if (cmd == QLatin1String("hash-pin"))
        return hashPin(out, err);
    if (cmd == QLatin1String("--help") || cmd == QLatin1String("help")) {
        out << kUsage;
        return 0;
    }
    err << kUsage;
    return 2;
}

} // namespace hall::ctl
