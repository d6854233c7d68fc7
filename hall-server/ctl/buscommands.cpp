#include "buscommands.h"

#include "ctl/options.h"

#include "bus/curvekeys.h"
#include "bus/hallclient.h"
#include "bus/hallwire.h"

#include <QDateTime>
#include <QEventLoop>
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
