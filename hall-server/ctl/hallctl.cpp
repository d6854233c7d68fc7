#include "hallctl.h"

#include "config/hallconfig.h"
#include "bus/curvekeys.h"
#include "ctl/buscommands.h"
#include "ctl/options.h"
#include "ctl/busload.h"
#include "ctl/simulate.h"
#include "server/daemon.h"
#include "store/store.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>
#include <unistd.h>

#include <limits>
#include <map>

namespace hall::ctl {

namespace {

const char *kUsage =
    "usage: hallctl COMMAND [options]\n"
    "  config check FILE            validate a hall configuration file\n"
    "  init --db FILE [--config F]  create or upgrade a database, storing the configuration\n"
    "  status --db FILE             waiting per service, windows and today's counts (read-only)\n"
    "  hash-pin                     read a PIN on stdin, print its argon2id hash for the config\n"
    "  keygen FILE                  write a new CURVE key pair to FILE (mode 0600) and its public\n"
    "                               key to FILE.pub, for the server or a device\n"
    "  device add --db F --id ID --role ROLE --key FILE.pub [--window N] [--note T]\n"
    "                               register a device directly in the database while hall-server\n"
    "                               is stopped (the first admin key); otherwise use the bus\n"
    "  device list --db F           the device registry (read-only)\n"
    "  simulate --config F [--db F] [--visitors N] [--windows M] [--seed S] [--date YYYY-MM-DD]\n"
    "                               run a deterministic simulated day through the real engine and\n"
    "                               store, print its figures (without --db: a temporary database)\n"
    "\n"
    "over the bus, as an admin device (--key FILE --server-key FILE.pub [--connect ENDPOINT]\n"
    "[--request-id ID] [--json]; the endpoint defaults to tcp://127.0.0.1:5570):\n"
    "  status                       queues, windows and devices from a snapshot\n"
    "  device register --id ID --role ROLE --public FILE.pub [--window N] [--note T]\n"
    "  device list | device revoke --id ID | config reload\n"
    "  issue SERVICE [--priority normal|elderly|appointment]\n"
    "  call --window N | finish --window N\n"
    "  clerk sign-in --window N --badge B   (the PIN on standard input) | clerk sign-out --window N\n"
    "  report week [--week 2026-W48] [--csv FILE]\n"
    "                               the weekly service star (每周服务明星): per clerk services,\n"
    "                               votes, satisfied share, Wilson 95 % lower bound and rank;\n"
    "                               --csv writes it for Excel (UTF-8 with BOM); also as a manager\n"
    "  followup list [--status open|closed|all] | followup close --id N --note TEXT\n"
    "                               回访 of unsatisfied votes; also as a manager\n"
    "  load --keys DIR [--events ENDPOINT] [--visitors N] [--minutes M] [--seed S]\n"
    "                               a compressed hall day (300 visitors over 480 hall minutes in\n"
    "                               about 20 s) as kiosk-1..2, counter-1..12, board-1 and manager-1\n"
    "                               (and pad-1..12, which vote after each finish, when DIR has them),\n"
    "                               key pairs DIR/<id>.key (not an admin); reports requests,\n"
    "                               latencies, tickets and whether the mirrors converged\n"
    "exit codes: 0 ok, 1 refused or failed, 2 bad input, 3 server unreachable\n";


QString dayToDate(qint64 day)
{
    return QString::fromStdString(engine::businessDayDate(int(day)));
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
        // Waiting tickets all belong to the current business day: its index keeps this fast on
        // a year of history.
        Query q(h, "SELECT s.code, s.prefix, s.name_zh, s.name_en, "
                   "(SELECT count(*) FROM tickets t WHERE t.day = ?1 AND t.service = s.code AND t.status = 'waiting') "
                   "FROM services s ORDER BY s.prefix");
        sqlite3_bind_int64(q.st, 1, day);
        while (q.next())
            out << QStringLiteral("  %1 %2 %3 (%4): %5 waiting").arg(q.s(1), -1).arg(q.s(0), -10).arg(q.s(2), q.s(3)).arg(q.i(4)) << Qt::endl;
    }
    out << Qt::endl << "windows:" << Qt::endl;
    {
        Query q(h, "SELECT w.number, w.name, w.clerk, c.name, c.badge, w.paused, t.label, t.status FROM windows w "
                   "LEFT JOIN clerks c ON c.id = w.clerk LEFT JOIN tickets t ON t.day = ?1 AND t.window = w.number "
                   "AND t.status IN ('called', 'serving') ORDER BY w.number");
        sqlite3_bind_int64(q.st, 1, day);
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


int simulateCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString configFile = option(args, QStringLiteral("--config"));
    if (configFile.isEmpty()) {
        err << "hallctl simulate: --config FILE is required" << Qt::endl;
        return 2;
    }
    auto loaded = config::loadFile(configFile);
    if (!loaded.config) {
        err << loaded.error << Qt::endl;
        return 2;
    }
    const engine::HallConfig &cfg = *loaded.config;
    SimulationParams p;
    qint64 visitors = p.visitors, windows = p.windows, seed = qint64(p.seed);
    // A service's numbers run to its daily limit (at most 999), so seven services cap a day.
    if (!intOption(args, QStringLiteral("--visitors"), 0, 5000, &visitors, err, "simulate")
        || !intOption(args, QStringLiteral("--windows"), 1, qint64(cfg.windows.size()), &windows, err, "simulate")
        || !intOption(args, QStringLiteral("--seed"), 0, std::numeric_limits<qint64>::max(), &seed, err, "simulate"))
        return 2;
    QDate date = QDateTime::currentDateTimeUtc().addSecs(qint64(cfg.utcOffsetMinutes) * 60).date();
    if (args.contains(QStringLiteral("--date"))) {
        date = QDate::fromString(option(args, QStringLiteral("--date")), Qt::ISODate);
        if (!date.isValid()) {
            err << "hallctl simulate: --date takes a date as YYYY-MM-DD" << Qt::endl;
            return 2;
        }
    }
    p.visitors = int(visitors);
    p.windows = int(windows);
    p.seed = quint64(seed);
    p.dayStart = QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() - qint64(cfg.utcOffsetMinutes) * 60000;

    QTemporaryDir tmp;
    QString db = option(args, QStringLiteral("--db"));
    if (db.isEmpty()) {
        if (!tmp.isValid()) {
            err << "hallctl simulate: cannot create a temporary directory: " << tmp.errorString() << Qt::endl;
            return 1;
        }
        db = tmp.filePath(QStringLiteral("simulated.db"));
    }
    QString error;
    auto store = store::Store::open(db, {}, &error);
    if (!store) {
        err << error << Qt::endl;
        return 1;
    }
    // The simulated day must come after everything already in the journal: the engine never
    // moves a business day backwards, so an older date would mix two days' numbers.
    engine::ManualClock probe(p.dayStart + 8 * 3600 * 1000);
    engine::Engine current(cfg, probe);
    current.restore(store->loadSnapshot(cfg));
    if (current.today() >= current.businessDay(probe.now())) {
        err << "hallctl simulate: " << db << " already holds business day " << dayToDate(current.today())
            << "; simulate a later --date or use a new database" << Qt::endl;
        return 2;
    }
    if (!store->syncConfig(cfg, &error)) {
        err << error << Qt::endl;
        return 1;
    }
    out << "database " << db << (option(args, QStringLiteral("--db")).isEmpty() ? " (temporary)" : "") << ", date "
        << date.toString(Qt::ISODate) << Qt::endl;
    return simulate(cfg, *store, p, out);
}

int keygen(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString file = args.value(1);
    if (file.isEmpty() || file.startsWith(QLatin1Char('-'))) {
        err << "hallctl keygen: FILE is required" << Qt::endl;
        return 2;
    }
    if (QFile::exists(file)) {
        // Overwriting a key pair silently locks its device out of the hall.
        err << file << ": exists; remove it first if you really mean to replace this key" << Qt::endl;
        return 1;
    }
    QString error;
    const auto keys = bus::generateKeyPair(&error);
    if (!keys || !bus::writeKeyFile(file, *keys, QStringLiteral("hall CURVE key pair; keep this file secret"), &error)
        || !bus::writeKeyFile(file + QStringLiteral(".pub"), {keys->publicKey, {}}, QStringLiteral("hall CURVE public key"), &error)) {
        err << error << Qt::endl;
        return 1;
    }
    out << file << ": public key " << keys->publicKey << Qt::endl;
    return 0;
}

int deviceAdd(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString db = option(args, QStringLiteral("--db"));
    const QString id = option(args, QStringLiteral("--id"));
    const QString role = option(args, QStringLiteral("--role"));
    const QString keyFile = option(args, QStringLiteral("--key"));
    if (db.isEmpty() || id.isEmpty() || role.isEmpty() || keyFile.isEmpty()) {
        err << "hallctl device add: --db, --id, --role and --key are required" << Qt::endl;
        return 2;
    }
    static const QStringList roles{QStringLiteral("kiosk"), QStringLiteral("counter"), QStringLiteral("pad"),
                                   QStringLiteral("board"), QStringLiteral("manager"), QStringLiteral("admin")};
    if (!roles.contains(role)) {
        err << "hallctl device add: --role must be one of " << roles.join(QStringLiteral(", ")) << Qt::endl;
        return 2;
    }
    bool numberOk = true;
    const int window = option(args, QStringLiteral("--window")).isEmpty() ? 0 : option(args, QStringLiteral("--window")).toInt(&numberOk);
    const bool bound = role == QLatin1String("counter") || role == QLatin1String("pad");
    if (!numberOk || window < 0 || bound != (window > 0)) {
        err << "hallctl device add: --window N is required for counters and pads, and only for them" << Qt::endl;
        return 2;
    }
    QString error;
    const auto keys = bus::readKeyFile(keyFile, &error);
    if (!keys) {
        err << error << Qt::endl;
        return 2;
    }
    // The running server keeps the registry in memory and would not see this row.
    const int lock = server::lockDatabase(db, &error);
    if (lock < 0) {
        err << error << "; register over the bus instead: hallctl device register" << Qt::endl;
        return 1;
    }
    auto store = store::Store::open(db, {}, &error);
    if (!store) {
        ::close(lock);
        err << error << Qt::endl;
        return 1;
    }
    int rc = 0;
    try {
        for (const store::Device &d : store->devices()) {
            if (d.id == id.toStdString() && !d.revokedAt)
                error = QStringLiteral("device %1 is already registered").arg(id);
            else if (d.publicKey == keys->publicKey.toStdString() && !d.revokedAt)
                error = QStringLiteral("this key belongs to device %1").arg(QString::fromStdString(d.id));
        }
        for (const std::string &k : store->revokedKeys())
            if (k == keys->publicKey.toStdString())
                error = QStringLiteral("this key was revoked and can never be registered again");
    } catch (const store::StoreFailure &f) {
        error = QString::fromStdString(f.message);
    }
    if (error.isEmpty()) {
        store::Device d;
        d.id = id.toStdString();
        d.publicKey = keys->publicKey.toStdString();
        d.role = role.toStdString();
        d.window = window;
        d.note = option(args, QStringLiteral("--note")).toStdString();
        d.registeredAt = QDateTime::currentMSecsSinceEpoch();
        d.registeredBy = "hallctl";
        if (store->commit({store::CommitEntry{{}, {}, {}, {}, {}, [&d](store::Store &s) { s.writeDevice(d); }}}, nullptr, &error))
            out << "device " << id << " registered as " << role << (window ? QStringLiteral(" at window %1").arg(window) : QString()) << Qt::endl;
        else
            rc = 1;
    } else {
        rc = 1;
    }
    if (rc)
        err << db << ": " << error << Qt::endl;
    store.reset();
    ::close(lock);
    return rc;
}

int deviceList(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString db = option(args, QStringLiteral("--db"));
    if (db.isEmpty()) {
        err << "hallctl device list: --db FILE is required" << Qt::endl;
        return 2;
    }
    store::OpenOptions ro;
    ro.readOnly = true;
    QString error;
    auto store = store::Store::open(db, ro, &error);
    if (!store) {
        err << error << Qt::endl;
        return 1;
    }
    for (const store::Device &d : store->devices())
        printDevice(out, QString::fromStdString(d.id), QString::fromStdString(d.role), d.window, QString::fromStdString(d.publicKey), d.revokedAt != 0);
    return 0;
}

} // namespace

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.value(0) == QLatin1String("load"))
        return runLoad(args, out, err);
    if (int rc = 0; runBusCommand(args, out, err, &rc))
        return rc;
    const QString cmd = args.value(0);
    if (cmd == QLatin1String("config") && args.value(1) == QLatin1String("check") && args.size() == 3)
        return configCheck(args.at(2), out, err);
    if (cmd == QLatin1String("init"))
        return init(args, out, err);
    if (cmd == QLatin1String("status"))
        return status(args, out, err);
    if (cmd == QLatin1String("simulate"))
        return simulateCommand(args, out, err);
    if (cmd == QLatin1String("hash-pin"))
        return hashPin(out, err);
    if (cmd == QLatin1String("keygen"))
        return keygen(args, out, err);
    if (cmd == QLatin1String("device") && args.value(1) == QLatin1String("add"))
        return deviceAdd(args, out, err);
    if (cmd == QLatin1String("device") && args.value(1) == QLatin1String("list") && args.contains(QStringLiteral("--db")))
        return deviceList(args, out, err);
    if (cmd == QLatin1String("--help") || cmd == QLatin1String("help")) {
        out << kUsage;
        return 0;
    }
    err << kUsage;
    return 2;
}

} // namespace hall::ctl
