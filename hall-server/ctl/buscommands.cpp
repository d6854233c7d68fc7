#include "buscommands.h"

#include "ctl/options.h"

#include "bus/curvekeys.h"
#include "bus/hallclient.h"
#include "bus/hallwire.h"
#include "report/ranking.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QSaveFile>
#include <QTimeZone>
#include <QJsonArray>
#include <QJsonDocument>

#include <map>

namespace hall::ctl {

namespace {


// The command words, without options and their values.
QStringList words(const QStringList &args)
{
    static const QStringList flags{QStringLiteral("--json")};
    QStringList w;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i].startsWith(QLatin1String("--"))) {
            if (!flags.contains(args[i]))
                ++i;
            continue;
        }
        w << args[i];
    }
    return w;
}

struct BusCall {
    QString op;
    QJsonObject args;
    QString error; // a usage error, when the command line does not make a call
};

BusCall toCall(const QStringList &args)
{
    const QStringList w = words(args);
    const QString cmd = w.join(QLatin1Char(' '));
    auto window = [&](BusCall c) {
        bool ok = false;
        const int n = option(args, QStringLiteral("--window")).toInt(&ok);
        if (!ok)
            c.error = QStringLiteral("--window N is required");
        c.args.insert(QStringLiteral("window"), n);
        return c;
    };
    if (cmd == QLatin1String("status"))
        return {QStringLiteral("snapshot"), {}, {}};
    if (cmd == QLatin1String("device list"))
        return {QStringLiteral("device.list"), {}, {}};
    if (cmd == QLatin1String("config reload"))
        return {QStringLiteral("config.reload"), {}, {}};
    if (cmd == QLatin1String("device revoke")) {
        const QString id = option(args, QStringLiteral("--id"));
        return {QStringLiteral("device.revoke"), {{QStringLiteral("id"), id}}, id.isEmpty() ? QStringLiteral("--id is required") : QString()};
    }
    if (cmd == QLatin1String("device register")) {
        BusCall c{QStringLiteral("device.register"), {}, {}};
        QString error;
        const auto keys = bus::readKeyFile(option(args, QStringLiteral("--public")), &error);
        if (!keys)
            return {{}, {}, QStringLiteral("--public FILE.pub: ") + error};
        c.args = {{QStringLiteral("id"), option(args, QStringLiteral("--id"))},
                  {QStringLiteral("role"), option(args, QStringLiteral("--role"))},
                  {QStringLiteral("publicKey"), QString::fromLatin1(keys->publicKey)}};
        if (!option(args, QStringLiteral("--window")).isEmpty())
            c.args.insert(QStringLiteral("window"), option(args, QStringLiteral("--window")).toInt());
        if (!option(args, QStringLiteral("--note")).isEmpty())
            c.args.insert(QStringLiteral("note"), option(args, QStringLiteral("--note")));
        return c;
    }
    if (w.size() == 2 && w[0] == QLatin1String("issue")) {
        BusCall c{QStringLiteral("ticket.issue"), {{QStringLiteral("service"), w[1]}}, {}};
        if (!option(args, QStringLiteral("--priority")).isEmpty())
            c.args.insert(QStringLiteral("priority"), option(args, QStringLiteral("--priority")));
        return c;
    }
    if (cmd == QLatin1String("clerk sign-in")) {
        // The PIN on stdin, never on the command line where ps and shell history would keep it.
        QTextStream in(stdin);
        const QString pin = in.readLine().trimmed();
        BusCall c = window({QStringLiteral("clerk.signIn"), {{QStringLiteral("badge"), option(args, QStringLiteral("--badge"))}, {QStringLiteral("pin"), pin}}, {}});
        if (c.error.isEmpty() && (option(args, QStringLiteral("--badge")).isEmpty() || pin.isEmpty()))
            c.error = QStringLiteral("--badge B is required, and the PIN on standard input");
        return c;
    }
    if (cmd == QLatin1String("clerk sign-out"))
        return window({QStringLiteral("clerk.signOut"), {}, {}});
    if (cmd == QLatin1String("report week")) {
        BusCall c{QStringLiteral("report.week"), {}, {}};
        if (!option(args, QStringLiteral("--week")).isEmpty())
            c.args.insert(QStringLiteral("week"), option(args, QStringLiteral("--week")));
        return c;
    }
    if (cmd == QLatin1String("followup list")) {
        BusCall c{QStringLiteral("followup.list"), {}, {}};
        if (!option(args, QStringLiteral("--status")).isEmpty())
            c.args.insert(QStringLiteral("status"), option(args, QStringLiteral("--status")));
        return c;
    }
    if (cmd == QLatin1String("followup close")) {
        bool ok = false;
        const qint64 id = option(args, QStringLiteral("--id")).toLongLong(&ok);
        const QString note = option(args, QStringLiteral("--note"));
        return {QStringLiteral("followup.close"), {{QStringLiteral("id"), id}, {QStringLiteral("note"), note}},
                !ok || note.isEmpty() ? QStringLiteral("--id N and --note TEXT are required") : QString()};
    }
    if (cmd == QLatin1String("call"))
        return window({QStringLiteral("window.callNext"), {}, {}});
    if (cmd == QLatin1String("finish"))
        return window({QStringLiteral("window.finish"), {}, {}});
    return {{}, {}, QStringLiteral("unknown bus command \"%1\"").arg(cmd)};
}

void printStatus(const QJsonObject &r, QTextStream &out)
{
    const auto config = bus::wire::publicConfigFromJson(r.value(QLatin1String("config")).toObject(), nullptr);
    const auto state = bus::wire::stateFromJson(r.value(QLatin1String("state")).toObject(), nullptr);
    if (!config || !state) {
        out << QJsonDocument(r).toJson();
        return;
    }
    // The terminals' own mirror: the same engine, restored from the snapshot, answers the queries.
    engine::SystemClock clock;
    engine::Engine mirror(*config, clock);
    mirror.restore(*state);
    out << QString::fromStdString(config->nameZh) << " - business day " << QString::fromStdString(engine::businessDayDate(state->day))
        << ", journal seq " << r.value(QLatin1String("seq")).toInteger() << ", epoch " << r.value(QLatin1String("epoch")).toString() << Qt::endl;
    out << "service      waiting  est. wait  open windows" << Qt::endl;
    for (const auto &s : config->services)
        out << qSetFieldWidth(13) << Qt::left << QString::fromStdString(s.code) << qSetFieldWidth(9) << mirror.waitingCount(s.code)
            << qSetFieldWidth(11) << QStringLiteral("%1 min").arg((mirror.estimatedWaitSeconds(s.code) + 59) / 60) << qSetFieldWidth(0)
            << mirror.openWindowsFor(s.code) << Qt::endl;
    for (const auto &[number, w] : mirror.windows()) {
        const engine::Ticket *t = w.current ? mirror.ticket(w.current) : nullptr;
        out << "window " << number << ": " << QString::fromStdString(w.clerk.empty() ? std::string("closed") : w.clerk)
            << (w.paused ? " (paused)" : "") << (t ? QStringLiteral(", %1 %2").arg(QString::fromStdString(t->label), QLatin1String(engine::toString(t->status))) : QString())
            << Qt::endl;
    }
    out << "devices: " << r.value(QLatin1String("devices")).toArray().size() << " registered" << Qt::endl;
}

std::vector<report::RankedClerk> rankedFromJson(const QJsonArray &rows)
{
    std::vector<report::RankedClerk> out;
    for (const QJsonValue v : rows) {
        const QJsonObject o = v.toObject();
        report::RankedClerk r;
        r.clerk = o.value(QLatin1String("clerk")).toString().toStdString();
        r.name = o.value(QLatin1String("name")).toString().toStdString();
        r.badge = o.value(QLatin1String("badge")).toString().toStdString();
        r.services = o.value(QLatin1String("services")).toInt();
        r.ratings = o.value(QLatin1String("ratings")).toInt();
        r.satisfied = o.value(QLatin1String("satisfied")).toInt();
        r.qualified = o.value(QLatin1String("qualified")).toBool();
        r.rank = o.value(QLatin1String("rank")).toInt();
        r.wilson = o.value(QLatin1String("wilson")).toDouble();
        out.push_back(std::move(r));
    }
    return out;
}

void printWeek(const QJsonObject &r, QTextStream &out)
{
    const auto rows = rankedFromJson(r.value(QLatin1String("clerks")).toArray());
    const int minVotes = r.value(QLatin1String("minVotes")).toInt();
    out << "service star of week " << r.value(QLatin1String("week")).toString() << " (" << r.value(QLatin1String("from")).toString() << " to "
        << r.value(QLatin1String("to")).toString() << "), " << r.value(QLatin1String("scale")).toString() << "-level scale, at least " << minVotes
        << " votes to qualify" << Qt::endl;
    out << "rank  badge         name      services  votes  satisfied  share   wilson95" << Qt::endl;
    for (const auto &c : rows) {
        out << qSetFieldWidth(6) << Qt::left << (c.rank ? QString::number(c.rank) : QStringLiteral("-")) << qSetFieldWidth(14)
            << QString::fromStdString(c.badge) << qSetFieldWidth(10) << QString::fromStdString(c.name) << qSetFieldWidth(10) << c.services
            << qSetFieldWidth(7) << c.ratings << qSetFieldWidth(11) << c.satisfied << qSetFieldWidth(8)
            << (c.ratings ? QString::number(100.0 * c.share(), 'f', 1) + QLatin1Char('%') : QStringLiteral("-")) << qSetFieldWidth(0)
            << (c.ratings ? QString::number(c.wilson, 'f', 3) : QStringLiteral("-")) << Qt::endl;
    }
    if (!rows.empty() && rows.front().rank == 1)
        out << "每周服务明星 service star: " << QString::fromStdString(rows.front().name) << " (" << QString::fromStdString(rows.front().badge) << ")"
            << Qt::endl;
    else
        out << "no service star: no clerk has " << minVotes << " votes this week" << Qt::endl;
}

void printResult(const QString &op, const QJsonObject &r, QTextStream &out)
{
    const QJsonObject ticket = r.value(QLatin1String("ticket")).toObject();
    if (op == QLatin1String("ticket.issue")) {
        out << ticket.value(QLatin1String("label")).toString() << " (ticket " << ticket.value(QLatin1String("id")).toInteger() << "), "
            << r.value(QLatin1String("peopleAhead")).toInt() << " ahead, about " << (r.value(QLatin1String("estimatedWaitSeconds")).toInt() + 59) / 60
            << " min" << Qt::endl;
    } else if (op.startsWith(QLatin1String("window."))) {
        out << "window " << r.value(QLatin1String("window")).toObject().value(QLatin1String("number")).toInt() << ": "
            << (ticket.isEmpty() ? QStringLiteral("ok") : ticket.value(QLatin1String("label")).toString() + QLatin1Char(' ') + ticket.value(QLatin1String("status")).toString())
            << Qt::endl;
    } else if (op == QLatin1String("device.list")) {
        for (const QJsonValue v : r.value(QLatin1String("devices")).toArray()) {
            const QJsonObject d = v.toObject();
            const QJsonValue status = d.value(QLatin1String("status"));
            printDevice(out, d.value(QLatin1String("id")).toString(), d.value(QLatin1String("role")).toString(), d.value(QLatin1String("window")).toInt(),
                        d.value(QLatin1String("publicKey")).toString(), d.contains(QLatin1String("revokedAt")),
                        status.isObject() ? QString::fromUtf8(QJsonDocument(status.toObject()).toJson(QJsonDocument::Compact)) : QString());
        }
    } else if (op.startsWith(QLatin1String("device."))) {
        const QJsonObject d = r.value(QLatin1String("device")).toObject();
        out << "device " << d.value(QLatin1String("id")).toString() << (op == QLatin1String("device.revoke") ? " revoked" : " registered") << Qt::endl;
    } else if (op == QLatin1String("clerk.signIn")) {
        const QJsonObject clerk = r.value(QLatin1String("clerk")).toObject();
        out << clerk.value(QLatin1String("name")).toString() << " (" << clerk.value(QLatin1String("badge")).toString() << ") signed in at window "
            << r.value(QLatin1String("window")).toObject().value(QLatin1String("number")).toInt() << Qt::endl;
    } else if (op == QLatin1String("clerk.signOut")) {
        out << "window " << r.value(QLatin1String("window")).toObject().value(QLatin1String("number")).toInt() << " signed out" << Qt::endl;
    } else if (op == QLatin1String("report.week")) {
        printWeek(r, out);
    } else if (op == QLatin1String("followup.list")) {
        for (const QJsonValue v : r.value(QLatin1String("followUps")).toArray()) {
            const QJsonObject f = v.toObject();
            QStringList tags;
            for (const QJsonValue t : f.value(QLatin1String("tags")).toArray())
                tags << t.toString();
            out << "#" << f.value(QLatin1String("id")).toInteger() << " " << f.value(QLatin1String("status")).toString() << "  "
                << f.value(QLatin1String("label")).toString() << " window " << f.value(QLatin1String("window")).toInt() << " clerk "
                << f.value(QLatin1String("clerk")).toString() << "  " << f.value(QLatin1String("rating")).toString()
                << (tags.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(tags.join(QStringLiteral(", ")))) << "  due "
                << QDateTime::fromMSecsSinceEpoch(f.value(QLatin1String("dueAt")).toInteger(), QTimeZone::utc()).toString(Qt::ISODate)
                << (f.contains(QLatin1String("note")) ? QStringLiteral("  note: ") + f.value(QLatin1String("note")).toString() : QString()) << Qt::endl;
        }
    } else if (op == QLatin1String("followup.close")) {
        out << "follow-up " << r.value(QLatin1String("followUp")).toInteger() << " closed" << Qt::endl;
    } else if (op == QLatin1String("config.reload")) {
        out << "configuration reloaded, version " << r.value(QLatin1String("configVersion")).toString() << Qt::endl;
    } else {
        out << QJsonDocument(r).toJson(QJsonDocument::Compact) << Qt::endl;
    }
}

} // namespace

bool runBusCommand(const QStringList &args, QTextStream &out, QTextStream &err, int *rc)
{
    // --server-key marks a bus command; "device add --key" is the offline registration.
    if (!args.contains(QStringLiteral("--server-key")))
        return false;
    const BusCall call = toCall(args);
    if (!call.error.isEmpty()) {
        err << "hallctl: " << call.error << Qt::endl;
        *rc = 2;
        return true;
    }
    QString error;
    const auto own = bus::readKeyFile(option(args, QStringLiteral("--key")), &error);
    const auto server = own ? bus::readKeyFile(option(args, QStringLiteral("--server-key")), &error) : std::nullopt;
    if (!own || !server) {
        err << "hallctl: " << (error.isEmpty() ? QStringLiteral("--key FILE and --server-key FILE.pub are required") : error) << Qt::endl;
        *rc = 2;
        return true;
    }
    const QString endpoint = option(args, QStringLiteral("--connect")).isEmpty() ? QStringLiteral("tcp://127.0.0.1:5570") : option(args, QStringLiteral("--connect"));
    zmq::context_t ctx;
    bus::HallClient client(ctx);
    client.setServer(endpoint.toUtf8(), *own, server->publicKey);
    if (!option(args, QStringLiteral("--timeout-ms")).isEmpty())
        client.setRetryPolicy(option(args, QStringLiteral("--timeout-ms")).toInt(), 3);
    if (!client.start(&error)) {
        err << "hallctl: " << error << Qt::endl;
        *rc = 1;
        return true;
    }
    QEventLoop loop;
    bus::Reply reply;
    auto done = [&](const bus::Reply &r) {
        reply = r;
        loop.quit();
    };
    // A script that retries a command passes the same --request-id, and the server answers with
    // the first reply instead of applying it twice.
    const QByteArray id = option(args, QStringLiteral("--request-id")).toLatin1();
    if (id.isEmpty())
        client.request(call.op, call.args, nullptr, done);
    else
        client.request(id, call.op, call.args, nullptr, done);
    loop.exec();
    if (!reply.ok) {
        err << "hallctl: " << reply.error.code << ": " << reply.error.message << Qt::endl;
        *rc = reply.error.code == QLatin1String(bus::clientcodes::unreachable) ? 3 : 1;
        return true;
    }
    if (call.op == QLatin1String("report.week") && !option(args, QStringLiteral("--csv")).isEmpty()) {
        const auto week = report::IsoWeek::parse(reply.result.value(QLatin1String("week")).toString().toStdString());
        const std::string csv = report::weekCsv(week.value_or(report::IsoWeek{}), rankedFromJson(reply.result.value(QLatin1String("clerks")).toArray()),
                                                reply.result.value(QLatin1String("minVotes")).toInt());
        QSaveFile file(option(args, QStringLiteral("--csv")));
        if (!file.open(QIODevice::WriteOnly) || file.write(csv.data(), qint64(csv.size())) != qint64(csv.size()) || !file.commit()) {
            err << "hallctl: " << file.fileName() << ": " << file.errorString() << Qt::endl;
            *rc = 1;
            return true;
        }
    }
    if (args.contains(QStringLiteral("--json")))
        out << QJsonDocument(reply.result).toJson(QJsonDocument::Compact) << Qt::endl;
    else if (call.op == QLatin1String("snapshot"))
        printStatus(reply.result, out);
    else
        printResult(call.op, reply.result, out);
    *rc = 0;
    return true;
}

} // namespace hall::ctl
