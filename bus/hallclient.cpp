#include "hallclient.h"

#include "requestid.h"
#include "zmqsocket.h"

#include <algorithm>

Q_LOGGING_CATEGORY(lcBusClient, "hall.bus.client")

namespace hall::bus {

HallClient::HallClient(zmq::context_t &ctx, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
{
    m_timer.setSingleShot(true);
    // A coarse timer may fire 5% early or late; the deadlines are checked against m_clock
    // anyway, but precise firing keeps an attempt's length what the policy says.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &HallClient::onDeadline);
    m_clock.start();
}

HallClient::~HallClient() = default;

void HallClient::setServer(const QByteArray &endpoint, const KeyPair &own, const QByteArray &serverPublicKey)
{
    m_endpoint = endpoint;
    m_own = own;
    m_serverKey = serverPublicKey;
}

void HallClient::setRetryPolicy(int timeoutMs, int maxAttempts)
{
    m_timeoutMs = std::max(1, timeoutMs);
    m_maxAttempts = std::max(1, maxAttempts);
}

bool HallClient::start(QString *error)
{
    if (m_started)
        return true;
    if (!createSocket(error))
        return false;
    m_started = true;
    const qint64 now = m_clock.elapsed();
    for (auto &[id, p] : m_pending)
        send(p, now);
    reschedule();
    return true;
}

bool HallClient::createSocket(QString *error)
{
    auto socket = std::make_unique<ZmqSocket>(m_ctx, zmq::socket_type::dealer);
    if (!socket->makeCurveClient(m_own, m_serverKey, error))
        return false;
    socket->setMaxMessageBytes(kMaxServerMessageBytes);
    if (!socket->connectTo(m_endpoint, error))
        return false;
    connect(socket.get(), &ZmqSocket::received, this, [this](const QList<QByteArray> &frames) { onFrames(frames); });
    m_socket = std::move(socket);
    return true;
}

QByteArray HallClient::request(const QString &op, const QJsonObject &args, QObject *context, Callback done)
{
    return request(newRequestId(), op, args, context, std::move(done));
}

QByteArray HallClient::request(const QByteArray &id, const QString &op, const QJsonObject &args, QObject *context, Callback done)
{
    const QByteArray requestId = id.isEmpty() ? newRequestId() : id;
    if (m_pending.count(requestId)) {
        qCWarning(lcBusClient).noquote() << "request" << requestId << "is already pending; refusing a second" << op;
        const Reply refusal{requestId, false, {},
                            Error{QString::fromLatin1(clientcodes::duplicateRequest),
                                  QStringLiteral("request %1 is already pending").arg(QString::fromLatin1(requestId))}};
        // Never from inside request(): callers do not expect their callback before it returns.
        QTimer::singleShot(0, context ? context : this, [refusal, done = std::move(done)] {
            if (done)
                done(refusal);
        });
        return requestId;
    }
    Pending &p = m_pending[requestId];
    p.request = Request{requestId, op, args};
    p.context = context;
    p.guarded = context != nullptr;
    p.done = std::move(done);
    if (m_started) {
        send(p, m_clock.elapsed());
        reschedule();
    }
    return requestId;
}

void HallClient::send(Pending &p, qint64 now)
{
    ++p.attempts;
    ++m_attemptsSent;
    p.deadline = now + m_timeoutMs;
    // A refused send (queue full) is just a lost attempt: its deadline handles it like any other.
    if (m_socket)
        m_socket->send({encodeRequest(p.request)});
    qCDebug(lcBusClient).noquote() << "sent" << p.request.op << p.request.id << "attempt" << p.attempts;
}

void HallClient::onFrames(const QList<QByteArray> &frames)
{
    // Anything at all from the server shows it is reachable, even a reply nobody waits for.
    setOnline(true);
    if (frames.size() != 1) {
        qCWarning(lcBusClient) << "ignoring a reply of" << frames.size() << "frames";
        return;
    }
    QString error;
    const auto reply = decodeReply(frames.first(), &error);
    if (!reply) {
        qCWarning(lcBusClient).noquote() << "ignoring an undecodable reply:" << error;
        return;
    }
    const auto it = m_pending.find(reply->id);
    if (it == m_pending.end()) {
        // A second copy's reply after the first was taken, or a reply to an abandoned request.
        qCDebug(lcBusClient).noquote() << "ignoring reply to" << reply->id << "(not pending)";
        return;
    }
    std::vector<std::pair<Pending, Reply>> finished;
    finished.emplace_back(std::move(it->second), *reply);
    m_pending.erase(it);
    reschedule();
    complete(std::move(finished));
}

void HallClient::onDeadline()
{
    const qint64 now = m_clock.elapsed();
    dropAbandoned();
    std::vector<std::pair<Pending, Reply>> finished;
    const auto unreachable = [this](const Pending &p) {
        return Reply{p.request.id, false, {},
                     Error{QString::fromLatin1(clientcodes::unreachable),
                           QStringLiteral("no reply from %1 after %2 attempts").arg(QString::fromLatin1(m_endpoint)).arg(p.attempts)}};
    };
    bool expired = false, retry = false;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        Pending &p = it->second;
        if (p.attempts == 0 || p.deadline > now) {
            ++it;
            continue;
        }
        expired = true;
        if (p.attempts >= m_maxAttempts) {
            qCWarning(lcBusClient).noquote() << p.request.op << p.request.id << "failed: no reply after" << p.attempts << "attempts";
            Reply failure = unreachable(p);
            finished.emplace_back(std::move(p), std::move(failure));
            it = m_pending.erase(it);
        } else {
            retry = true;
            ++it;
        }
    }
    if (expired)
        setOnline(false);
    if (retry) {
        // Lazy Pirate: a fresh socket rather than waiting on a connection that stopped answering.
        // The replies to copies sent on the old one can no longer arrive (the server routes them
        // to the old connection), so every pending request goes out again, not only the late one.
        qCInfo(lcBusClient).noquote() << "no reply from" << m_endpoint << "within" << m_timeoutMs << "ms; reconnecting and resending"
                                      << m_pending.size() << "request(s)";
        m_socket.reset();
        ++m_socketResets;
        QString error;
        if (!createSocket(&error))
            qCCritical(lcBusClient).noquote() << "cannot reconnect:" << error; // the deadlines still run out
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            Pending &p = it->second;
            if (p.attempts >= m_maxAttempts) {
                // Its last copy went down with the old socket; another would exceed the policy.
                Reply failure = unreachable(p);
                finished.emplace_back(std::move(p), std::move(failure));
                it = m_pending.erase(it);
            } else {
                send(p, now);
                ++it;
            }
        }
    }
    reschedule();
    complete(std::move(finished));
}

void HallClient::reschedule()
{
    qint64 earliest = -1;
    for (const auto &[id, p] : m_pending)
        if (p.attempts > 0 && (earliest < 0 || p.deadline < earliest))
            earliest = p.deadline;
    if (earliest < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::max<qint64>(0, earliest - m_clock.elapsed())));
}

void HallClient::setOnline(bool online)
{
    if (m_online == online)
        return;
    m_online = online;
    qCInfo(lcBusClient).noquote() << m_endpoint << (online ? "is answering" : "stopped answering");
    Q_EMIT onlineChanged(online);
}

void HallClient::dropAbandoned()
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.guarded && !it->second.context) {
            qCDebug(lcBusClient).noquote() << "abandoning" << it->second.request.op << it->first << "(its context is gone)";
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
}

void HallClient::complete(std::vector<std::pair<Pending, Reply>> finished)
{
    const QPointer<HallClient> self(this);
    for (auto &[p, reply] : finished) {
        if ((p.guarded && !p.context) || !p.done)
            continue;
        p.done(reply);
        if (!self)
            return;
    }
}

} // namespace hall::bus
