// A real hall for bus tests: key pairs, a database with registered devices, and the real
// hall-server binary on 127.0.0.1, plus a deliberately simple synchronous client that speaks the
// wire format of docs/protocol.md by hand (one DEALER, CURVE, zmq::poll with a deadline), so the
// tests check the protocol itself and not only our own client library.
#pragma once

#include "bus/codec.h"
#include "bus/curvekeys.h"
#include "bus/requestid.h"
#include "bus/settingsreader.h"
#include "config/hallconfig.h"
#include "ctl/hallctl.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <zmq.hpp>

#include <csignal>
#include <functional>
#include <map>
#include <memory>

namespace hallfixture {

inline const QString kPin = QStringLiteral("2468");

struct DeviceSpec {
    QString id;
    QString role;
    int window = 0;
};

class Hall
{
public:
    // tweak, when given, edits the example hall's configuration before it is written.
    explicit Hall(std::function<void(QJsonObject &)> tweak = {})
        : m_tweak(std::move(tweak))
    {
        m_ok = m_dir.isValid() && writeConfig() && makeKey(QStringLiteral("server"))
            && ctl({QStringLiteral("init"), QStringLiteral("--db"), db(), QStringLiteral("--config"), configPath()});
    }
    ~Hall() { stop(); }

    bool ok() const { return m_ok; }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString db() const { return path(QStringLiteral("hall.db")); }
    QString configPath() const { return path(QStringLiteral("hall.json")); }
    const hall::bus::KeyPair &keys(const QString &id) const { return m_keys.at(id); }
    const QByteArray &serverPublicKey() const { return m_keys.at(QStringLiteral("server")).publicKey; }
    QByteArray requests() const { return m_requests; }
    QByteArray events() const { return m_events; }
    QProcess &process() { return m_server; }
    // How a terminal registered here as id (addDevices) reaches this hall: its key files and the
    // server's endpoints, for the kiosk's, counter's, pad's or board's own settings.
    void fillTerminal(hall::bus::TerminalSettings &settings, const QString &id) const
    {
        settings.deviceId = id;
        settings.keyFile = path(id + QStringLiteral(".key"));
        settings.serverKeyFile = path(QStringLiteral("server.key.pub"));
        settings.requests = m_requests;
        settings.events = m_events;
    }

    // A key pair on disk and in memory; registering is separate, so a test can also hold keys
    // the server does not know.
    bool makeKey(const QString &id)
    {
        QString error;
        const auto k = hall::bus::generateKeyPair(&error);
        if (!k || !hall::bus::writeKeyFile(path(id + QStringLiteral(".key")), *k, id, &error)
            || !hall::bus::writeKeyFile(path(id + QStringLiteral(".key.pub")), {k->publicKey, {}}, id, &error)) {
            qWarning() << error;
            return false;
        }
        m_keys[id] = *k;
        return true;
    }

    // Registers devices straight into the database (the server must be stopped), as an
    // installer does with the first admin key.
    bool addDevices(const QList<DeviceSpec> &devices)
    {
        for (const DeviceSpec &d : devices) {
            if (!m_keys.count(d.id) && !makeKey(d.id))
                return false;
            QStringList args{QStringLiteral("device"), QStringLiteral("add"), QStringLiteral("--db"), db(), QStringLiteral("--id"), d.id,
                             QStringLiteral("--role"), d.role, QStringLiteral("--key"), path(d.id + QStringLiteral(".key.pub"))};
            if (d.window)
                args << QStringLiteral("--window") << QString::number(d.window);
            if (!ctl(args))
                return false;
        }
        return true;
    }

    bool ctl(const QStringList &args)
    {
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const int rc = hall::ctl::run(args, out, err);
        if (rc != 0)
            qWarning().noquote() << "hallctl" << args.join(QLatin1Char(' ')) << "failed:" << errText;
        return rc == 0;
    }

    // Starts hall-server and waits for "ready". The first start lets the system pick ports;
    // restarts reuse them, as a real hall's terminals expect.
    bool start()
    {
        m_server.setProcessChannelMode(QProcess::SeparateChannels);
        m_server.start(QStringLiteral(HALL_SERVER_BIN),
                       {QStringLiteral("--config"), configPath(), QStringLiteral("--db"), db(), QStringLiteral("--server-key"),
                        path(QStringLiteral("server.key")), QStringLiteral("--requests"),
                        QString::fromLatin1(m_requests.isEmpty() ? QByteArray("tcp://127.0.0.1:*") : m_requests),
                        QStringLiteral("--events"), QString::fromLatin1(m_events.isEmpty() ? QByteArray("tcp://127.0.0.1:*") : m_events)});
        m_log.clear();
        QElapsedTimer t;
        t.start();
        while (!m_log.contains("ready:") && t.elapsed() < 10000 && m_server.state() != QProcess::NotRunning) {
            m_server.waitForReadyRead(100);
            m_log += m_server.readAllStandardError();
        }
        static const QRegularExpression ready(QStringLiteral("requests (\\S+), events (\\S+)"));
        const auto m = ready.match(QString::fromUtf8(m_log));
        if (!m.hasMatch()) {
            qWarning().noquote() << "hall-server did not get ready:" << m_log;
            return false;
        }
        m_requests = m.captured(1).toLatin1();
        m_events = m.captured(2).toLatin1();
        return true;
    }

    void kill9()
    {
        if (m_server.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_server.processId()), SIGKILL);
        m_server.waitForFinished(5000);
    }

    void stop()
    {
        if (m_server.state() == QProcess::NotRunning)
            return;
        m_server.terminate();
        if (!m_server.waitForFinished(5000))
            kill9();
    }

    QByteArray log()
    {
        m_server.waitForReadyRead(200);
        m_log += m_server.readAllStandardError();
        return m_log;
    }

private:
    // The example hall, with every clerk's PIN set to kPin so tests can sign anyone in.
    bool writeConfig()
    {
        QFile in(QStringLiteral(HALL_EXAMPLE_CONFIG));
        if (!in.open(QIODevice::ReadOnly))
            return false;
        QJsonObject cfg = QJsonDocument::fromJson(in.readAll()).object();
        const QString hash = hall::config::hashPin(kPin);
        QJsonArray clerks = cfg.value(QLatin1String("clerks")).toArray();
        for (auto c : clerks) {
            QJsonObject o = c.toObject();
            o.insert(QLatin1String("pinHash"), hash);
            c = o;
        }
        cfg.insert(QLatin1String("clerks"), clerks);
        if (m_tweak)
            m_tweak(cfg);
        QFile out(configPath());
        return out.open(QIODevice::WriteOnly) && out.write(QJsonDocument(cfg).toJson()) > 0;
    }

    std::function<void(QJsonObject &)> m_tweak;
    QTemporaryDir m_dir;
    bool m_ok = false;
    std::map<QString, hall::bus::KeyPair> m_keys;
    QProcess m_server;
    QByteArray m_log;
    QByteArray m_requests;
    QByteArray m_events;
};

// One terminal's DEALER, driven synchronously. reset() is Lazy Pirate's "close and reconnect".
class Client
{
public:
    Client(zmq::context_t &ctx, const hall::bus::KeyPair &own, const QByteArray &serverKey, const QByteArray &endpoint)
        : m_ctx(ctx), m_own(own), m_serverKey(serverKey), m_endpoint(endpoint)
    {
        reset();
    }

    void reset()
    {
        m_socket = std::make_unique<zmq::socket_t>(m_ctx, zmq::socket_type::dealer);
        m_socket->set(zmq::sockopt::linger, 0);
        m_socket->set(zmq::sockopt::curve_serverkey, m_serverKey.toStdString());
        m_socket->set(zmq::sockopt::curve_publickey, m_own.publicKey.toStdString());
        m_socket->set(zmq::sockopt::curve_secretkey, m_own.secretKey.toStdString());
        m_socket->connect(m_endpoint.toStdString());
    }

    void sendRaw(const QByteArray &frame) { m_socket->send(zmq::buffer(frame.constData(), std::size_t(frame.size())), zmq::send_flags::dontwait); }

    // The next reply frame, or nothing within the timeout.
    std::optional<QByteArray> receiveRaw(int timeoutMs)
    {
        zmq::pollitem_t item{m_socket->handle(), 0, ZMQ_POLLIN, 0};
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            zmq::poll(&item, 1, std::chrono::milliseconds(std::max<qint64>(1, timeoutMs - t.elapsed())));
            zmq::message_t msg;
            if (m_socket->recv(msg, zmq::recv_flags::dontwait))
                return QByteArray(static_cast<const char *>(msg.data()), qsizetype(msg.size()));
        }
        return std::nullopt;
    }

    QByteArray send(const QString &op, const QJsonObject &args = {}, QByteArray id = {})
    {
        if (id.isEmpty())
            id = hall::bus::newRequestId();
        sendRaw(hall::bus::encodeRequest({id, op, args}));
        return id;
    }

    // The reply object, or an empty object on timeout. Replies to other ids are skipped.
    QJsonObject call(const QString &op, const QJsonObject &args = {}, QByteArray id = {}, int timeoutMs = 5000)
    {
        id = send(op, args, id);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            const auto frame = receiveRaw(int(timeoutMs - t.elapsed()));
            if (!frame)
                break;
            const QJsonObject o = QJsonDocument::fromJson(*frame).object();
            if (o.value(QLatin1String("id")).toString().toLatin1() == id) {
                m_lastFrame = *frame;
                return o;
            }
        }
        return {};
    }

    QByteArray lastFrame() const { return m_lastFrame; }

private:
    zmq::context_t &m_ctx;
    hall::bus::KeyPair m_own;
    QByteArray m_serverKey;
    QByteArray m_endpoint;
    std::unique_ptr<zmq::socket_t> m_socket;
    QByteArray m_lastFrame;
};

inline QJsonObject args(std::initializer_list<std::pair<QString, QJsonValue>> list)
{
    QJsonObject o;
    for (const auto &[k, v] : list)
        o.insert(k, v);
    return o;
}

// A SUB socket read synchronously: every message the server publishes, decoded.
class Subscriber
{
public:
    Subscriber(zmq::context_t &ctx, const hall::bus::KeyPair &own, const QByteArray &serverKey, const QByteArray &endpoint)
        : m_socket(ctx, zmq::socket_type::sub)
    {
        m_socket.set(zmq::sockopt::linger, 0);
        m_socket.set(zmq::sockopt::curve_serverkey, serverKey.toStdString());
        m_socket.set(zmq::sockopt::curve_publickey, own.publicKey.toStdString());
        m_socket.set(zmq::sockopt::curve_secretkey, own.secretKey.toStdString());
        m_socket.set(zmq::sockopt::subscribe, "");
        m_socket.connect(endpoint.toStdString());
    }

    // Messages until one satisfies pred or the time is up; returns all read.
    QList<hall::bus::EventMessage> readUntil(const std::function<bool(const hall::bus::EventMessage &)> &pred, int timeoutMs)
    {
        QList<hall::bus::EventMessage> got;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            zmq::pollitem_t item{m_socket.handle(), 0, ZMQ_POLLIN, 0};
            zmq::poll(&item, 1, std::chrono::milliseconds(50));
            zmq::message_t msg;
            while (m_socket.recv(msg, zmq::recv_flags::dontwait)) {
                QString error;
                const auto e = hall::bus::decodeEvent(QByteArray(static_cast<const char *>(msg.data()), qsizetype(msg.size())), &error);
                if (!e)
                    continue;
                got.append(*e);
                if (pred(*e))
                    return got;
            }
        }
        return got;
    }

private:
    zmq::socket_t m_socket;
};

inline QString errorCode(const QJsonObject &reply)
{
    return reply.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString();
}

inline QJsonObject result(const QJsonObject &reply)
{
    return reply.value(QLatin1String("result")).toObject();
}

// What a screen test's QML compares: "" for success, the error code, or "no_reply".
inline QString replyCode(const QJsonObject &reply)
{
    if (reply.isEmpty())
        return QStringLiteral("no_reply");
    return reply.value(QLatin1String("ok")).toBool() ? QString() : errorCode(reply);
}

} // namespace hallfixture
