#include "busserver.h"

#include "bus/hallwire.h"
#include "config/hallconfig.h"
#include "report/ranking.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaObject>
#include <QRegularExpression>
#include <QRunnable>

Q_LOGGING_CATEGORY(lcBusServer, "hall.server.bus")

namespace hall::server {

using namespace hall::engine;
using bus::ArgReader;

namespace {

constexpr qint64 kMaxTicketId = 9007199254740991LL;
constexpr int kMaxWindow = 999;
constexpr int kBadgeFailuresBeforeLock = 5;
constexpr int kDeviceFailuresBeforeLock = 10;
constexpr qint64 kLockoutMs = 5 * 60 * 1000;
constexpr int kMaxPinChecks = 16; // in progress at once; each holds 64 MiB while it runs
// An unknown badge is checked against this hash (of a random PIN nobody knows, with the same
// argon2id parameters as real ones), so it costs what a real check costs and answers alike.
constexpr const char *kUnknownBadgeHash = "$argon2id$v=19$m=65536,t=2,p=1$43uWnpzc1HU2HoY0dj+Czw$ykMToBklK+lZTLBWFBJBnvKmovfx6vldq87A8RPZtrM";

// Codes the bus adds to the engine's (docs/protocol.md, "Error codes").
namespace codes {
constexpr const char *unknownOperation = "unknown_operation";
constexpr const char *forbidden = "forbidden";
constexpr const char *deviceRevoked = "device_revoked";
constexpr const char *internalError = "internal_error";
constexpr const char *signInFailed = "sign_in_failed";
constexpr const char *clerkLocked = "clerk_locked";
constexpr const char *tooManyAttempts = "too_many_attempts";
constexpr const char *deviceExists = "device_exists";
constexpr const char *unknownDevice = "unknown_device";
constexpr const char *alreadyRevoked = "already_revoked";
constexpr const char *keyInUse = "key_in_use";
constexpr const char *keyRevoked = "key_revoked";
constexpr const char *unknownFollowUp = "unknown_follow_up";
constexpr const char *followUpClosed = "follow_up_closed";
} // namespace codes

bus::Error err(const char *code, const QString &message)
{
    return {QString::fromLatin1(code), message};
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QByteArray workKey(const QByteArray &device, const QByteArray &requestId)
{
    return device + '\n' + requestId;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The PIN check off the event loop. The verdict is posted back to the server object, which
// outlives the pool (its destructor waits for it).
class PinCheck : public QRunnable
{
public:
    PinCheck(std::string hash, QString pin, std::function<void(bool)> done)
        : m_hash(std::move(hash)), m_pin(std::move(pin)), m_done(std::move(done))
    {
    }
    void run() override { m_done(config::verifyPin(m_hash, m_pin)); }

private:
    std::string m_hash;
    QString m_pin;
    std::function<void(bool)> m_done;
};

} // namespace

BusServer::BusServer(HallHost &host, BusOptions options, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_options(std::move(options))
    , m_context(1)
{
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &BusServer::flush);
    connect(&m_heartbeat, &QTimer::timeout, this, &BusServer::publishHeartbeat);
    m_rebindTimer.setSingleShot(true);
    connect(&m_rebindTimer, &QTimer::timeout, this, &BusServer::rebindPublisher);
    // Two PIN checks at a time are plenty for a hall and cap the memory argon2id takes (64 MiB each).
    m_pinPool.setMaxThreadCount(2);

    const unsigned windowRoles = Counter | Admin;
    m_ops = {
        {QStringLiteral("hello"), {AnyRole, &BusServer::opHello, true}},
        {QStringLiteral("snapshot"), {AnyRole, &BusServer::opSnapshot, true}},
        {QStringLiteral("ticket.issue"), {Kiosk | Admin, &BusServer::opIssue}},
        {QStringLiteral("ticket.cancel"), {Manager | Admin, &BusServer::opCancel}},
        {QStringLiteral("window.callNext"), {windowRoles, &BusServer::opCallNext}},
        {QStringLiteral("window.recall"), {windowRoles, &BusServer::opRecall}},
        {QStringLiteral("window.start"), {windowRoles, &BusServer::opStart}},
        {QStringLiteral("window.noShow"), {windowRoles, &BusServer::opNoShow}},
        {QStringLiteral("window.transfer"), {windowRoles, &BusServer::opTransfer}},
        {QStringLiteral("window.finish"), {windowRoles, &BusServer::opFinish}},
        {QStringLiteral("window.pause"), {windowRoles, &BusServer::opPause}},
        {QStringLiteral("window.resume"), {windowRoles, &BusServer::opResume}},
        {QStringLiteral("clerk.signIn"), {windowRoles, &BusServer::opSignIn}},
        {QStringLiteral("clerk.signOut"), {windowRoles, &BusServer::opSignOut}},
        {QStringLiteral("device.status"), {AnyRole, &BusServer::opDeviceStatus}},
        {QStringLiteral("device.register"), {Admin, &BusServer::opDeviceRegister}},
        {QStringLiteral("device.revoke"), {Admin, &BusServer::opDeviceRevoke}},
        {QStringLiteral("device.list"), {Manager | Admin, &BusServer::opDeviceList, true}},
        {QStringLiteral("config.reload"), {Admin, &BusServer::opConfigReload, true}},
        {QStringLiteral("rating.request"), {windowRoles, &BusServer::opRatingRequest}},
        // Votes from pads alone, admins included: a clerk's or an operator's key must never vote.
        {QStringLiteral("rating.submit"), {Pad, &BusServer::opRatingSubmit}},
        {QStringLiteral("ratings.clerk"), {Counter | Pad | Manager | Admin, &BusServer::opRatingsClerk, true}},
        {QStringLiteral("report.week"), {Counter | Pad | Board | Manager | Admin, &BusServer::opReportWeek, true}},
        {QStringLiteral("followup.list"), {Manager | Admin, &BusServer::opFollowUpList, true}},
        {QStringLiteral("followup.close"), {Manager | Admin, &BusServer::opFollowUpClose}},
    };
}

BusServer::~BusServer()
{
    m_pinPool.waitForDone();
    // One line for the operator at shutdown: how much the bus did and how much it refused.
    qCInfo(lcBusServer, "served %lld requests in %lld commits; %lld retries answered from the store, %lld from revoked devices refused, "
                        "%lld malformed messages dropped",
           m_stats.requests, m_stats.commits, m_stats.replayedReplies, m_stats.refusedRevoked, m_stats.malformedFrames);
}

unsigned BusServer::roleBit(const std::string &role)
{
    static const std::map<std::string, unsigned> bits{{"kiosk", Kiosk}, {"counter", Counter}, {"pad", Pad},
                                                      {"board", Board}, {"manager", Manager}, {"admin", Admin}};
    const auto it = bits.find(role);
    return it == bits.end() ? 0 : it->second;
}

// ---- Sockets ------------------------------------------------------------------------------------

bool BusServer::start(QString *error)
{
    loadRegistry();
    m_zap = std::make_unique<bus::ZapHandler>(m_context, [this](const QByteArray &key) { return deviceForKey(key); });
    if (!m_zap->start(error))
        return false;
    m_router = std::make_unique<bus::ZmqSocket>(m_context, zmq::socket_type::router);
    if (!m_router->makeCurveServer(m_options.serverKeys, error) || !m_router->bind(m_options.requestEndpoint, error))
        return false;
    connect(m_router.get(), &bus::ZmqSocket::received, this, &BusServer::onRequest);
    if (!bindPublisher(error))
        return false;
    m_heartbeat.start(m_options.heartbeatMs);
    qCInfo(lcBusServer).noquote() << "requests on" << m_router->lastEndpoint() << "events on" << m_boundEventEndpoint << "-"
                                  << m_activeKeys.size() << "devices registered";
    return true;
}

QByteArray BusServer::requestEndpoint() const
{
    return m_router ? m_router->lastEndpoint() : QByteArray();
}

QByteArray BusServer::eventEndpoint() const
{
    return m_boundEventEndpoint;
}

bool BusServer::bindPublisher(QString *error)
{
    auto pub = std::make_unique<bus::ZmqSocket>(m_context, zmq::socket_type::pub);
    // A subscriber that falls this far behind loses messages; it notices the gap and takes a
    // snapshot, which is cheaper than the server holding unbounded queues for it.
    pub->handle().set(zmq::sockopt::sndhwm, 100000);
    const QByteArray endpoint = m_boundEventEndpoint.isEmpty() ? m_options.eventEndpoint : m_boundEventEndpoint;
    if (!pub->makeCurveServer(m_options.serverKeys, error) || !pub->bind(endpoint, error))
        return false;
    m_boundEventEndpoint = pub->lastEndpoint();
    m_publisher = std::move(pub);
    return true;
}

void BusServer::rebindPublisher()
{
    // PUB cannot drop one subscriber, so a revocation closes the socket: every terminal
    // reconnects through ZAP, which now refuses the revoked key, and the others resync.
    if (m_publisher) {
        m_publisher.reset();
        m_rebindTries = 0;
    }
    QString error;
    if (bindPublisher(&error)) {
        qCInfo(lcBusServer).noquote() << "event socket reopened on" << m_boundEventEndpoint << "after a revocation";
        publishHeartbeat();
        return;
    }
    // The old listener is closed by ZeroMQ's I/O thread, a moment later than our close.
    if (++m_rebindTries < 200)
        m_rebindTimer.start(25);
    else
        qCCritical(lcBusServer).noquote() << "cannot reopen the event socket:" << error;
}

void BusServer::onRequest(const QList<QByteArray> &frames, const QByteArray &userId)
{
    ++m_stats.requests;
    // DEALER peers send [payload], REQ peers [empty, payload]; ROUTER adds the identity.
    const bool withDelimiter = frames.size() == 3 && frames[1].isEmpty();
    if ((frames.size() != 2 && !withDelimiter) || userId.isEmpty()) {
        ++m_stats.malformedFrames;
        qCDebug(lcBusServer) << "dropped a message of" << frames.size() << "frames from" << userId;
        return;
    }
    // The ZAP handler's User-Id is "<device id> <public key>" (see deviceForKey).
    const qsizetype space = userId.indexOf(' ');
    if (m_batch.empty())
        m_batchWait.start();
    m_batch.push_back({frames[0], withDelimiter, userId.left(space), frames.last(), space < 0 ? QByteArray() : userId.mid(space + 1)});
    if (int(m_batch.size()) >= m_options.maxBatch)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start(0); // after this wake-up's drain: everything that arrived together commits together
}

void BusServer::sendReply(const Incoming &to, const QByteArray &reply)
{
    QList<QByteArray> frames{to.identity};
    if (to.delimiter)
        frames.append(QByteArray());
    frames.append(reply);
    if (m_router)
        m_router->send(frames);
}

void BusServer::answer(const Work &w, const QByteArray &reply)
{
    sendReply(w.from, reply);
    // Retries of the same request that arrived while it was being answered get the same reply.
    if (const auto others = m_alsoReplyTo.find(workKey(w.from.device, w.request.id)); others != m_alsoReplyTo.end()) {
        for (const Incoming &to : others->second)
            sendReply(to, reply);
        m_alsoReplyTo.erase(others);
    }
}

QByteArray BusServer::replyBytes(const Work &w) const
{
    bus::Reply r;
    r.id = w.request.id;
    r.ok = !w.error;
    if (w.error)
        r.error = *w.error;
    else
        r.result = w.result;
    return bus::encodeReply(r);
}

// ---- The batch ----------------------------------------------------------------------------------

void BusServer::flush()
{
    m_flushTimer.stop();
    std::vector<Work> works = std::move(m_ready);
    m_ready.clear();
    works.reserve(works.size() + m_batch.size());
    for (Incoming &in : m_batch) {
        Work w;
        w.from = std::move(in);
        works.push_back(std::move(w));
    }
    m_batch.clear();
    if (works.empty())
        return;

    const qint64 waitedNs = m_batchWait.isValid() ? m_batchWait.nsecsElapsed() : 0;
    m_batchWait.invalidate();
    QElapsedTimer phase;
    phase.start();
    m_pendingSeq = m_host.store().lastSeq();
    m_batchKeys.clear();
    m_batchClosedFollowUps.clear();
    for (Work &w : works)
        handle(w);
    const qint64 handledNs = phase.nsecsElapsed();

    std::vector<store::CommitEntry> entries;
    for (Work &w : works) {
        if (w.mutates && !w.error) {
            w.reply = replyBytes(w);
            entries.push_back({w.events, w.from.device.toStdString(), w.request.id.toStdString(), w.reply, w.eventData, w.writes});
        }
    }
    bool committed = true;
    std::vector<std::vector<qint64>> seqs; // per entry, as the journal assigned them
    if (!entries.empty()) {
        QString error;
        committed = m_host.store().commit(entries, &seqs, &error);
        ++m_stats.commits;
        if (!committed) {
            qCCritical(lcBusServer).noquote() << "batch of" << entries.size() << "operations not applied:" << error;
            m_host.recoverFromStore();
            loadRegistry();
        } else if (m_host.store().lastSeq() != m_pendingSeq) {
            // Replies name the seq of their events before the commit assigns it; SQLite gives
            // max(seq) + 1 to an append-only table, so this cannot differ unless the file was
            // written behind our back.
            qCCritical(lcBusServer) << "journal seq" << m_host.store().lastSeq() << "differs from the expected" << m_pendingSeq;
        }
    }

    for (Work &w : works) {
        if (w.skip || w.async)
            continue;
        if (w.mutates && !w.error && !committed) {
            w.error = err(codes::internalError, QStringLiteral("the hall database refused the write; nothing was applied, try again"));
            w.reply.clear();
        }
        if (w.mutates && !w.error && w.afterCommit)
            w.afterCommit();
        if (w.deferredRead)
            continue;
        answer(w, !w.storedReply.isEmpty() ? w.storedReply : !w.reply.isEmpty() ? w.reply : replyBytes(w));
    }
    const qint64 committedNs = phase.nsecsElapsed();
    if (committed) {
        std::size_t entry = 0;
        for (const Work &w : works)
            if (w.mutates && !w.error)
                publishCommitted(w.events, seqs.at(entry++), w.eventData);
    }
    for (Work &w : works) {
        if (!w.deferredRead || w.skip)
            continue;
        // Reads answered after the commit and its events: a snapshot never shows state that is
        // not yet durable, and its seq is exactly the last event published before it.
        // After a failed commit the engine may not have been rebuilt (the process is stopping).
        if (!committed)
            w.error = err(codes::internalError, QStringLiteral("the hall database refused a write; try again"));
        if (!w.error) {
            if (w.read)
                w.read(w);
            else
                w.result = snapshotJson();
        }
        answer(w, replyBytes(w));
    }
    for (Work &w : works) {
        if (w.error || (w.mutates && !committed))
            continue;
        for (bus::EventMessage &n : w.notices) {
            n.seq = m_host.store().lastSeq(); // a notice says how far the journal is as it goes out
            publish(n);
        }
    }
    qCDebug(lcBusServer, "batch of %zu: waited %lld us, handled in %lld us, committed %zu in %lld us, answered and published in %lld us", works.size(),
            waitedNs / 1000, handledNs / 1000, entries.size(), (committedNs - handledNs) / 1000, (phase.nsecsElapsed() - committedNs) / 1000);
    if (m_rebindPending) {
        m_rebindPending = false;
        m_rebindTimer.stop(); // a reopening already under way starts again from a closed socket
        m_publisher.reset();
        m_rebindTries = 0;
        rebindPublisher();
    }
}

void BusServer::handle(Work &w)
{
    if (w.resume) {
        // A sign-in whose PIN was checked: it joins this batch like any operation.
        const QByteArray key = workKey(w.from.device, w.request.id);
        m_inFlight.remove(key);
        m_batchKeys.insert(key);
        w.async = false;
        const auto resume = std::move(w.resume);
        resume(w);
        return;
    }
    bus::DecodedRequest decoded = bus::decodeRequest(w.from.payload);
    if (!decoded.request) {
        w.request.id = decoded.id;
        w.error = decoded.error;
        return;
    }
    w.request = std::move(*decoded.request);
    const auto device = m_devices.find(w.from.device.toStdString());
    if (!stillServed(w.from)) {
        ++m_stats.refusedRevoked;
        w.error = err(codes::deviceRevoked, QStringLiteral("device %1 is not registered or was revoked").arg(QString::fromUtf8(w.from.device)));
        return;
    }
    w.device = &device->second;
    const QByteArray key = workKey(w.from.device, w.request.id);
    if (m_inFlight.contains(key) || m_batchKeys.contains(key)) {
        // A retry of a request still being answered: it gets the same reply when that is ready.
        m_alsoReplyTo[key].push_back(w.from);
        w.skip = true;
        return;
    }
    const auto op = m_ops.find(w.request.op);
    if (op == m_ops.end()) {
        w.error = err(codes::unknownOperation, QStringLiteral("unknown operation \"%1\"").arg(w.request.op));
        return;
    }
    // Reads never leave a stored reply, so only operations that may change state look for one.
    if (!op->second.readOnly) {
        if (auto stored = m_host.store().findReply(w.from.device.toStdString(), w.request.id.toStdString())) {
            ++m_stats.replayedReplies;
            w.storedReply = std::move(*stored);
            return;
        }
    }
    if (!(op->second.roles & roleBit(w.device->role))) {
        w.error = err(codes::forbidden, QStringLiteral("%1 is not allowed for a %2 device").arg(w.request.op, qs(w.device->role)));
        return;
    }
    m_batchKeys.insert(key);
    ArgReader args(w.request.args);
    (this->*op->second.handler)(w, args);
}

bool BusServer::argsOk(Work &w, ArgReader &args)
{
    if (w.error)
        return false;
    if (!args.finish() || !args.ok()) {
        w.error = err(bus::codes::badRequest, args.error());
        return false;
    }
    return true;
}

void BusServer::applyOutcome(Work &w, const Outcome &out)
{
    if (!out.ok()) {
        w.error = err(toString(out.error->code), qs(out.error->message));
        return;
    }
    w.mutates = true;
    w.events = out.events;
    for (const Event &e : out.events)
        w.eventData.push_back(bus::wire::eventDataBytes(e));
    m_pendingSeq += qint64(out.events.size());
    w.result.insert(QLatin1String("seq"), m_pendingSeq);
    if (out.ticket)
        if (const Ticket *t = m_host.engine().ticket(out.ticket))
            w.result.insert(QLatin1String("ticket"), bus::wire::ticketJson(*t));
}

int BusServer::windowFor(Work &w, ArgReader &args)
{
    const auto given = args.optionalInteger(QStringLiteral("window"), 1, kMaxWindow);
    if (w.device->role == "counter" || w.device->role == "pad") {
        if (given && *given != w.device->window)
            w.error = err(codes::forbidden, QStringLiteral("this %1 belongs to window %2, not %3")
                                                .arg(qs(w.device->role)).arg(w.device->window).arg(*given));
        return w.device->window;
    }
    if (!given && args.ok())
        w.error = err(bus::codes::badRequest, QStringLiteral("args.window: required (only a counter has a window of its own)"));
    return int(given.value_or(0));
}

QJsonObject BusServer::windowJson(int number) const
{
    QJsonObject o{{QLatin1String("number"), number}};
    if (const WindowState *w = m_host.engine().window(number)) {
        if (!w->clerk.empty())
            o.insert(QLatin1String("clerk"), qs(w->clerk));
        o.insert(QLatin1String("paused"), w->paused);
        if (w->current)
            o.insert(QLatin1String("current"), qint64(w->current));
    }
    return o;
}

QJsonObject BusServer::deviceJson(const store::Device &d, bool full) const
{
    QJsonObject o{{QLatin1String("id"), qs(d.id)}, {QLatin1String("role"), qs(d.role)}};
    if (d.window)
        o.insert(QLatin1String("window"), d.window);
    if (const auto s = m_statuses.find(d.id); s != m_statuses.end()) {
        o.insert(QLatin1String("status"), QJsonDocument::fromJson(s->second.status).object());
        o.insert(QLatin1String("statusAt"), s->second.at);
    }
    if (full) {
        o.insert(QLatin1String("publicKey"), qs(d.publicKey));
        if (!d.note.empty())
            o.insert(QLatin1String("note"), qs(d.note));
        o.insert(QLatin1String("registeredAt"), d.registeredAt);
        o.insert(QLatin1String("registeredBy"), qs(d.registeredBy));
        if (d.revokedAt) {
            o.insert(QLatin1String("revokedAt"), d.revokedAt);
            o.insert(QLatin1String("revokedBy"), qs(d.revokedBy));
        }
    }
    return o;
}

QJsonObject BusServer::snapshotJson() const
{
    const Engine &engine = m_host.engine();
    QJsonArray devices;
    for (const auto &[id, d] : m_devices)
        if (!d.revokedAt)
            devices.append(deviceJson(d, false));
    for (const auto &[id, d] : m_serverDevices) {
        if (m_devices.count(id.toStdString()))
            continue; // a registered terminal of that name is listed already
        QJsonObject o{{QLatin1String("id"), id}, {QLatin1String("role"), d.role}, {QLatin1String("status"), d.status},
                      {QLatin1String("statusAt"), d.at}};
        if (d.window)
            o.insert(QLatin1String("window"), d.window);
        devices.append(o);
    }
    return {{QLatin1String("epoch"), m_host.store().epoch()},
            {QLatin1String("seq"), m_host.store().lastSeq()},
            {QLatin1String("configVersion"), bus::wire::configVersion(engine.config())},
            {QLatin1String("config"), bus::wire::publicConfigJson(engine.config())},
            {QLatin1String("state"), bus::wire::stateJson(engine.snapshot())},
            {QLatin1String("devices"), devices},
            {QLatin1String("serverTime"), nowMs()}};
}

// ---- Events -------------------------------------------------------------------------------------

void BusServer::publish(const bus::EventMessage &m)
{
    if (m_publisher)
        m_publisher->send({bus::encodeEvent(m)});
}

bus::EventMessage BusServer::notice(const QString &type, const QJsonObject &data) const
{
    return {m_host.store().epoch(), m_host.store().lastSeq(), type, nowMs(), data};
}

void BusServer::publishCommitted(const std::vector<Event> &events, const std::vector<qint64> &seqs, const std::vector<QByteArray> &eventData)
{
    if (m_publisher) {
        const QByteArray epoch = m_host.store().epoch().toLatin1();
        for (std::size_t i = 0; i < events.size() && i < seqs.size(); ++i) {
            const QByteArray data = i < eventData.size() ? eventData[i] : bus::wire::eventDataBytes(events[i]);
            m_publisher->send({bus::encodeEventRaw(epoch, seqs[i], QByteArray(toString(events[i].type)), events[i].at, data)});
        }
    }
    if (m_committedListener && !events.empty())
        m_committedListener(events);
}

void BusServer::publishServerDeviceStatus(const QString &id, const QString &role, int window, const QJsonObject &status)
{
    const auto known = m_serverDevices.find(id);
    if (known != m_serverDevices.end() && known->second.status == status && known->second.role == role
        && known->second.window == window)
        return;
    ServerDevice d{role, window, status, nowMs()};
    m_serverDevices[id] = d;
    QJsonObject data{{QLatin1String("device"), id}, {QLatin1String("role"), role},
                     {QLatin1String("status"), status}, {QLatin1String("at"), d.at}};
    if (window)
        data.insert(QLatin1String("window"), window);
    publish(notice(QStringLiteral("device_status"), data));
}

void BusServer::publishHeartbeat()
{
    publish(notice(QStringLiteral("heartbeat"), {{QLatin1String("configVersion"), bus::wire::configVersion(m_host.engine().config())}}));
}

// ---- Registry -----------------------------------------------------------------------------------

void BusServer::loadRegistry()
{
    // Read everything first and swap it in only when all of it was read: a half-read registry
    // would refuse every terminal, or let a revoked key be registered again.
    std::map<std::string, store::Device> devices;
    std::map<QByteArray, std::string> activeKeys;
    QSet<QByteArray> revokedKeys;
    std::map<std::string, store::DeviceStatus> statuses;
    try {
        for (store::Device &d : m_host.store().devices()) {
            if (!d.revokedAt)
                activeKeys[QByteArray::fromStdString(d.publicKey)] = d.id;
            devices[d.id] = std::move(d);
        }
        for (const std::string &k : m_host.store().revokedKeys())
            revokedKeys.insert(QByteArray::fromStdString(k));
        for (store::DeviceStatus &s : m_host.store().deviceStatuses())
            statuses[s.device] = std::move(s);
    } catch (const store::StoreFailure &f) {
        qCCritical(lcBusServer).noquote() << "cannot read the device registry; keeping the one in memory:" << qs(f.message);
        return;
    }
    m_devices = std::move(devices);
    m_activeKeys = std::move(activeKeys);
    m_revokedKeys = std::move(revokedKeys);
    m_statuses = std::move(statuses);
}

std::optional<QByteArray> BusServer::deviceForKey(const QByteArray &publicKey) const
{
    const auto it = m_activeKeys.find(publicKey);
    if (it == m_activeKeys.end())
        return std::nullopt;
    // The key goes with the id, so every request can be checked against the device's current
    // key: a connection made with a key revoked since must not be served when the device id is
    // registered again with a new one.
    return QByteArray::fromStdString(it->second) + ' ' + publicKey;
}

bool BusServer::stillServed(const Incoming &from) const
{
    const auto d = m_devices.find(from.device.toStdString());
    return d != m_devices.end() && !d->second.revokedAt && d->second.publicKey == from.key.toStdString();
}

// ---- Operations ---------------------------------------------------------------------------------

void BusServer::opHello(Work &w, ArgReader &args)
{
    if (!argsOk(w, args))
        return;
    w.result = {{QLatin1String("device"), qs(w.device->id)},
                {QLatin1String("role"), qs(w.device->role)},
                {QLatin1String("hall"), qs(m_host.engine().config().hallId)},
                {QLatin1String("protocol"), bus::kProtocolVersion},
                {QLatin1String("epoch"), m_host.store().epoch()},
                {QLatin1String("seq"), m_host.store().lastSeq()},
                {QLatin1String("configVersion"), bus::wire::configVersion(m_host.engine().config())},
                {QLatin1String("serverTime"), nowMs()}};
    if (w.device->window)
        w.result.insert(QLatin1String("window"), w.device->window);
}

void BusServer::opSnapshot(Work &w, ArgReader &args)
{
    if (argsOk(w, args))
        w.deferredRead = true;
}

void BusServer::opIssue(Work &w, ArgReader &args)
{
    const QString service = args.text(QStringLiteral("service"), 32);
    const auto priorityName = args.optionalText(QStringLiteral("priority"), 16);
    if (!argsOk(w, args))
        return;
    const auto priority = priorityFromString(priorityName.value_or(QStringLiteral("normal")).toStdString());
    if (!priority) {
        w.error = err(bus::codes::badRequest, QStringLiteral("args.priority: must be normal, elderly or appointment"));
        return;
    }
    const Outcome out = m_host.engine().issue(service.toStdString(), *priority);
    applyOutcome(w, out);
    if (w.error)
        return;
    // The wait of this visitor, not of the whole queue: the people ahead of them, at the recent
    // service time, shared among the windows open for the service (one assumed when none is).
    const Engine &engine = m_host.engine();
    const int ahead = engine.peopleAhead(out.ticket);
    const int windows = std::max(1, engine.openWindowsFor(service.toStdString()));
    w.result.insert(QLatin1String("peopleAhead"), ahead);
    w.result.insert(QLatin1String("estimatedWaitSeconds"), qint64(ahead) * engine.averageServiceSeconds(service.toStdString()) / windows);
}

void BusServer::opCancel(Work &w, ArgReader &args)
{
    const qint64 ticket = args.integer(QStringLiteral("ticket"), 1, kMaxTicketId);
    if (argsOk(w, args))
        applyOutcome(w, m_host.engine().cancel(ticket));
}

void BusServer::windowOp(Work &w, ArgReader &args, bool takesTicket, const std::function<Outcome(Engine &, int, TicketId)> &call)
{
    const int window = windowFor(w, args);
    // The ticket the clerk's screen shows, when the operation acts on the current visitor: a
    // stale screen then acts on nothing instead of on the wrong visitor.
    const qint64 ticket = takesTicket ? args.optionalInteger(QStringLiteral("ticket"), 1, kMaxTicketId).value_or(0) : 0;
    if (!argsOk(w, args))
        return;
    applyOutcome(w, call(m_host.engine(), window, ticket));
    if (!w.error)
        w.result.insert(QLatin1String("window"), windowJson(window));
}

void BusServer::opCallNext(Work &w, ArgReader &args)
{
    windowOp(w, args, false, [](Engine &e, int window, TicketId) { return e.callNext(window); });
}

void BusServer::opRecall(Work &w, ArgReader &args)
{
    windowOp(w, args, true, [](Engine &e, int window, TicketId t) { return e.recall(window, t); });
}

void BusServer::opStart(Work &w, ArgReader &args)
{
    windowOp(w, args, true, [](Engine &e, int window, TicketId t) { return e.startService(window, t); });
}

void BusServer::opNoShow(Work &w, ArgReader &args)
{
    windowOp(w, args, true, [](Engine &e, int window, TicketId t) { return e.noShow(window, t); });
}

void BusServer::opFinish(Work &w, ArgReader &args)
{
    windowOp(w, args, true, [](Engine &e, int window, TicketId t) { return e.finish(window, t); });
}

void BusServer::opPause(Work &w, ArgReader &args)
{
    windowOp(w, args, false, [](Engine &e, int window, TicketId) { return e.pause(window); });
}

void BusServer::opResume(Work &w, ArgReader &args)
{
    windowOp(w, args, false, [](Engine &e, int window, TicketId) { return e.resume(window); });
}

void BusServer::opSignOut(Work &w, ArgReader &args)
{
    windowOp(w, args, false, [](Engine &e, int window, TicketId) { return e.signOut(window); });
}

void BusServer::opTransfer(Work &w, ArgReader &args)
{
    const int window = windowFor(w, args);
    const qint64 ticket = args.optionalInteger(QStringLiteral("ticket"), 1, kMaxTicketId).value_or(0);
    const auto service = args.optionalText(QStringLiteral("service"), 32);
    const auto toWindow = args.optionalInteger(QStringLiteral("toWindow"), 1, kMaxWindow);
    if (!argsOk(w, args))
        return;
    if (service.has_value() == toWindow.has_value()) {
        w.error = err(bus::codes::badRequest, QStringLiteral("args: give exactly one of service and toWindow"));
        return;
    }
    applyOutcome(w, service ? m_host.engine().transferToService(window, service->toStdString(), ticket)
                            : m_host.engine().transferToWindow(window, int(*toWindow), ticket));
    if (!w.error)
        w.result.insert(QLatin1String("window"), windowJson(window));
}




bool BusServer::lockedOut(Work &w, const std::string &badge)
{
    const qint64 now = nowMs();
    // Failures that are old and did not lock anything are forgotten, so the maps stay small.
    auto fresh = [now](auto &attempts, const auto &key) -> SignInAttempt * {
        const auto it = attempts.find(key);
        if (it == attempts.end())
            return nullptr;
        SignInAttempt &a = it->second;
        if (!a.checking && a.lockedUntil <= now && now - a.lastFailureAt > kLockoutMs) {
            attempts.erase(it);
            return nullptr;
        }
        return &a;
    };
    const SignInAttempt *device = fresh(m_deviceAttempts, w.from.device);
    const SignInAttempt *attempts = fresh(m_badgeAttempts, badge);
    if (device && device->lockedUntil > now) {
        w.error = err(codes::tooManyAttempts, QStringLiteral("too many failed sign-ins at this terminal; try again in %1 s")
                                                  .arg((device->lockedUntil - now + 999) / 1000));
        return true;
    }
    if (attempts && attempts->lockedUntil > now) {
        w.error = err(codes::clerkLocked, QStringLiteral("badge %1 is locked after repeated wrong PINs; try again in %2 s")
                                              .arg(qs(badge)).arg((attempts->lockedUntil - now + 999) / 1000));
        return true;
    }
    // One check at a time per badge and per terminal: a burst of guesses would otherwise all be
    // checked before the first failure counted.
    if ((device && device->checking) || (attempts && attempts->checking) || m_pinChecks >= kMaxPinChecks) {
        w.error = err(codes::tooManyAttempts, QStringLiteral("a sign-in is being checked already; try again when it is answered"));
        return true;
    }
    return false;
}

void BusServer::noteFailure(const std::string &badge, const QByteArray &device)
{
    const qint64 now = nowMs();
    auto bump = [now](SignInAttempt &a, int limit) {
        a.lastFailureAt = now;
        if (++a.failures >= limit) {
            a.failures = 0;
            a.lockedUntil = now + kLockoutMs;
        }
    };
    bump(m_badgeAttempts[badge], kBadgeFailuresBeforeLock);
    bump(m_deviceAttempts[device], kDeviceFailuresBeforeLock);
}

void BusServer::opSignIn(Work &w, ArgReader &args)
{
    const int window = windowFor(w, args);
    const std::string badge = args.text(QStringLiteral("badge"), 32).toStdString();
    const QString pin = args.text(QStringLiteral("pin"), 64);
    if (!argsOk(w, args) || lockedOut(w, badge))
        return;
    if (!m_host.engine().config().window(window)) {
        w.error = err(toString(ErrorCode::UnknownWindow), QStringLiteral("there is no window %1").arg(window));
        return;
    }
    const Clerk *clerk = nullptr;
    for (const Clerk &c : m_host.engine().config().clerks)
        if (c.badge == badge)
            clerk = &c;
    const std::string hash = clerk ? clerk->pinHash : std::string(kUnknownBadgeHash);
    const std::string clerkId = clerk ? clerk->id : std::string();
    const QByteArray key = workKey(w.from.device, w.request.id);
    m_batchKeys.remove(key);
    m_inFlight.insert(key);
    ++m_badgeAttempts[badge].checking;
    ++m_deviceAttempts[w.from.device].checking;
    ++m_pinChecks;
    w.async = true;
    Work pending = w;
    m_pinPool.start(new PinCheck(hash, pin, [this, pending, window, clerkId, badge](bool ok) {
        QMetaObject::invokeMethod(this, [this, pending, window, clerkId, badge, ok]() {
            finishSignIn(pending, window, clerkId, badge, ok && !clerkId.empty());
        }, Qt::QueuedConnection);
    }));
}

void BusServer::finishSignIn(Work w, int window, const std::string &clerk, const std::string &badge, bool pinOk)
{
    --m_badgeAttempts[badge].checking;
    --m_deviceAttempts[w.from.device].checking;
    --m_pinChecks;
    w.async = false;
    if (!pinOk)
        noteFailure(badge, w.from.device);
    // The world may have moved while the PIN was checked: the terminal revoked, the badge
    // locked by failures elsewhere.
    const qint64 now = nowMs();
    if (!stillServed(w.from))
        w.error = err(codes::deviceRevoked, QStringLiteral("device %1 was revoked").arg(QString::fromUtf8(w.from.device)));
    else if (!pinOk)
        w.error = err(codes::signInFailed, QStringLiteral("badge number or PIN is wrong"));
    else if (m_badgeAttempts[badge].lockedUntil > now)
        w.error = err(codes::clerkLocked, QStringLiteral("badge %1 is locked after repeated wrong PINs").arg(qs(badge)));
    if (w.error) {
        m_inFlight.remove(workKey(w.from.device, w.request.id));
        if (!pinOk)
            qCInfo(lcBusServer).noquote() << "failed sign-in for badge" << qs(badge) << "at" << QString::fromUtf8(w.from.device);
        answer(w, replyBytes(w));
        return;
    }
    m_badgeAttempts.erase(badge);
    m_deviceAttempts.erase(w.from.device);
    w.resume = [this, window, clerk](Work &work) {
        applyOutcome(work, m_host.engine().signIn(window, clerk));
        if (work.error)
            return;
        work.result.insert(QLatin1String("window"), windowJson(window));
        if (const Clerk *c = m_host.engine().config().clerk(clerk))
            work.result.insert(QLatin1String("clerk"), QJsonObject{{QLatin1String("id"), qs(c->id)},
                                                                   {QLatin1String("name"), qs(c->name)},
                                                                   {QLatin1String("badge"), qs(c->badge)}});
    };
    m_ready.push_back(std::move(w));
    if (!m_flushTimer.isActive())
        m_flushTimer.start(0);
}

void BusServer::opDeviceStatus(Work &w, ArgReader &args)
{
    const QJsonObject status = args.object(QStringLiteral("status"), 2048);
    if (!argsOk(w, args))
        return;
    store::DeviceStatus s{w.device->id, QJsonDocument(status).toJson(QJsonDocument::Compact), nowMs()};
    const auto known = m_statuses.find(s.device);
    if (known != m_statuses.end() && known->second.status == s.status)
        return; // a repeated report: nothing new to keep or announce
    w.mutates = true;
    w.result.insert(QLatin1String("seq"), m_pendingSeq);
    w.writes = [s](store::Store &store) { store.writeDeviceStatus(s); };
    QJsonObject data{{QLatin1String("device"), qs(s.device)}, {QLatin1String("role"), qs(w.device->role)},
                     {QLatin1String("status"), status}, {QLatin1String("at"), s.at}};
    if (w.device->window)
        data.insert(QLatin1String("window"), w.device->window);
    w.notices.push_back(notice(QStringLiteral("device_status"), data));
    w.afterCommit = [this, s]() { m_statuses[s.device] = s; };
}

void BusServer::opDeviceRegister(Work &w, ArgReader &args)
{
    const QString id = args.text(QStringLiteral("id"), 64);
    const QString role = args.text(QStringLiteral("role"), 16);
    const QString key = args.text(QStringLiteral("publicKey"), 40);
    const auto window = args.optionalInteger(QStringLiteral("window"), 1, kMaxWindow);
    const auto note = args.optionalText(QStringLiteral("note"), 200);
    if (!argsOk(w, args))
        return;
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    auto bad = [&w](const QString &message) { w.error = err(bus::codes::badRequest, message); };
    if (!idPattern.match(id).hasMatch())
        return bad(QStringLiteral("args.id: letters, digits, '.', '_' and '-' only, starting with a letter or digit"));
    if (!roleBit(role.toStdString()))
        return bad(QStringLiteral("args.role: must be kiosk, counter, pad, board, manager or admin"));
    if (!bus::isZ85Key(key.toLatin1()))
        return bad(QStringLiteral("args.publicKey: must be a 40-character Z85 CURVE public key"));
    const bool bound = role == QLatin1String("counter") || role == QLatin1String("pad");
    if (bound != window.has_value())
        return bad(bound ? QStringLiteral("args.window: required for a %1").arg(role)
                         : QStringLiteral("args.window: only counters and pads belong to a window"));
    if (window && !m_host.engine().config().window(int(*window))) {
        w.error = err(toString(ErrorCode::UnknownWindow), QStringLiteral("there is no window %1").arg(*window));
        return;
    }
    const std::string idText = id.toStdString();
    if (const auto existing = m_devices.find(idText); existing != m_devices.end() && !existing->second.revokedAt) {
        w.error = err(codes::deviceExists, QStringLiteral("device %1 is already registered; revoke it first to give it a new key").arg(id));
        return;
    }
    if (m_revokedKeys.contains(key.toLatin1())) {
        w.error = err(codes::keyRevoked, QStringLiteral("this key was revoked and can never be registered again; generate a new one"));
        return;
    }
    if (const auto user = m_activeKeys.find(key.toLatin1()); user != m_activeKeys.end()) {
        w.error = err(codes::keyInUse, QStringLiteral("this key belongs to device %1").arg(qs(user->second)));
        return;
    }
    store::Device d;
    d.id = idText;
    d.publicKey = key.toStdString();
    d.role = role.toStdString();
    d.window = int(window.value_or(0));
    d.note = note.value_or(QString()).toStdString();
    d.registeredAt = nowMs();
    d.registeredBy = w.device->id;
    // The registry changes now, so later requests in this batch see it; a failed commit reloads it.
    m_devices[d.id] = d;
    m_activeKeys[key.toLatin1()] = d.id;
    m_statuses.erase(d.id);
    w.mutates = true;
    w.writes = [d](store::Store &store) { store.writeDevice(d); };
    w.result = {{QLatin1String("device"), deviceJson(d, true)}, {QLatin1String("seq"), m_pendingSeq}};
    qCInfo(lcBusServer).noquote() << "device" << id << "registered as" << role << "by" << qs(w.device->id);
}

void BusServer::opDeviceRevoke(Work &w, ArgReader &args)
{
    const std::string id = args.text(QStringLiteral("id"), 64).toStdString();
    if (!argsOk(w, args))
        return;
    const auto it = m_devices.find(id);
    if (it == m_devices.end()) {
        w.error = err(codes::unknownDevice, QStringLiteral("no device %1").arg(qs(id)));
        return;
    }
    store::Device &d = it->second;
    if (d.revokedAt) {
        w.error = err(codes::alreadyRevoked, QStringLiteral("device %1 was revoked already").arg(qs(id)));
        return;
    }
    d.revokedAt = nowMs();
    d.revokedBy = w.device->id;
    m_activeKeys.erase(QByteArray::fromStdString(d.publicKey));
    m_revokedKeys.insert(QByteArray::fromStdString(d.publicKey));
    w.mutates = true;
    const qint64 at = d.revokedAt;
    const std::string by = d.revokedBy;
    w.writes = [id, at, by](store::Store &store) { store.writeRevocation(id, at, by); };
    w.result = {{QLatin1String("device"), deviceJson(d, true)}, {QLatin1String("seq"), m_pendingSeq}};
    w.afterCommit = [this]() { m_rebindPending = true; };
    qCInfo(lcBusServer).noquote() << "device" << qs(id) << "revoked by" << qs(w.device->id);
}

void BusServer::opDeviceList(Work &w, ArgReader &args)
{
    if (!argsOk(w, args))
        return;
    QJsonArray devices;
    for (const auto &[id, d] : m_devices)
        devices.append(deviceJson(d, true));
    w.result = {{QLatin1String("devices"), devices}};
}

void BusServer::opConfigReload(Work &w, ArgReader &args)
{
    if (!argsOk(w, args))
        return;
    QString code, message;
    if (!m_host.reloadConfig(&code, &message)) {
        w.error = bus::Error{code, message};
        return;
    }
    const QString version = bus::wire::configVersion(m_host.engine().config());
    w.result = {{QLatin1String("configVersion"), version}};
    // Terminals compare the heartbeat's version with their snapshot's and take a new snapshot.
    w.notices.push_back(notice(QStringLiteral("heartbeat"), {{QLatin1String("configVersion"), version}}));
    qCInfo(lcBusServer).noquote() << "configuration reloaded by" << qs(w.device->id) << "version" << version;
}

// ---- Ratings and reports (docs/protocol.md section 8) --------------------------------------------

void BusServer::opRatingRequest(Work &w, ArgReader &args)
{
    windowOp(w, args, true, [](Engine &e, int window, TicketId t) { return e.requestRating(window, t); });
}

void BusServer::opRatingSubmit(Work &w, ArgReader &args)
{
    // The pad's own window, always: a pad never names one, so a vote cannot be aimed elsewhere.
    const int window = w.device->window;
    const QString rating = args.text(QStringLiteral("rating"), 32);
    const qint64 ticket = args.optionalInteger(QStringLiteral("ticket"), 1, kMaxTicketId).value_or(0);
    const QStringList tags = args.optionalTextList(QStringLiteral("tags"), 5, 32).value_or(QStringList());
    if (!argsOk(w, args))
        return;
    std::vector<std::string> tagList;
    for (const QString &t : tags)
        tagList.push_back(t.toStdString());
    const Outcome out = m_host.engine().rate(window, rating.toStdString(), tagList, w.device->id, ticket);
    applyOutcome(w, out);
    if (w.error)
        return;
    const Event &e = out.events.back();
    QJsonObject r{{QLatin1String("ticket"), qint64(e.ticket)},
                  {QLatin1String("window"), e.window},
                  {QLatin1String("clerk"), qs(e.clerk)},
                  {QLatin1String("rating"), qs(e.rating)},
                  {QLatin1String("at"), qint64(e.at)}};
    if (const Ticket *t = m_host.engine().ticket(e.ticket))
        r.insert(QLatin1String("label"), qs(t->label));
    if (!tags.isEmpty())
        r.insert(QLatin1String("tags"), QJsonArray::fromStringList(tags));
    w.result.insert(QLatin1String("rating"), r);
}

const std::vector<store::ClerkCounts> &BusServer::countsFor(int fromDay, int toDay)
{
    if (m_countsCache.size() > 64) // a manager paging through old weeks: keep memory bounded
        m_countsCache.clear();
    auto &cached = m_countsCache[{fromDay, toDay}];
    const qint64 seq = m_host.store().lastSeq();
    if (cached.first != seq || seq == 0) {
        const Engine &engine = m_host.engine();
        cached = {seq, m_host.store().clerkCounts(fromDay, toDay, engine.dayStartMs(fromDay), engine.dayStartMs(toDay + 1))};
    }
    return cached.second;
}

namespace {
std::vector<report::RankedClerk> rankedWeek(const std::vector<store::ClerkCounts> &counts, const HallConfig &config)
{
    std::vector<report::ClerkTally> tallies;
    for (const auto &c : counts) {
        const Clerk *k = config.clerk(c.clerk);
        tallies.push_back({c.clerk, k ? k->name : c.clerk, k ? k->badge : std::string(), c.services, c.ratings, c.satisfied});
    }
    return report::rankWeek(std::move(tallies), config.ratings.starMinVotes);
}

QJsonObject rankedJson(const report::RankedClerk &r)
{
    QJsonObject o{{QLatin1String("clerk"), qs(r.clerk)},
                  {QLatin1String("name"), qs(r.name)},
                  {QLatin1String("badge"), qs(r.badge)},
                  {QLatin1String("services"), r.services},
                  {QLatin1String("ratings"), r.ratings},
                  {QLatin1String("satisfied"), r.satisfied},
                  {QLatin1String("qualified"), r.qualified}};
    if (r.ratings) {
        o.insert(QLatin1String("share"), r.share());
        o.insert(QLatin1String("wilson"), r.wilson);
    }
    if (r.rank)
        o.insert(QLatin1String("rank"), r.rank);
    return o;
}
} // namespace

void BusServer::opRatingsClerk(Work &w, ArgReader &args)
{
    const auto given = args.optionalText(QStringLiteral("clerk"), 32);
    if (!argsOk(w, args))
        return;
    const Engine &engine = m_host.engine();
    std::string clerk;
    if (given) {
        clerk = given->toStdString();
    } else if (w.device->window) {
        const WindowState *ws = engine.window(w.device->window);
        if (!ws || ws->clerk.empty()) {
            w.error = err(toString(ErrorCode::WindowNotOpen), QStringLiteral("window %1 has no clerk signed in; name one").arg(w.device->window));
            return;
        }
        clerk = ws->clerk;
    } else {
        w.error = err(bus::codes::badRequest, QStringLiteral("args.clerk: required (only counters and pads have a window of their own)"));
        return;
    }
    const Clerk *k = engine.config().clerk(clerk);
    if (!k) {
        w.error = err(toString(ErrorCode::UnknownClerk), QStringLiteral("unknown clerk \"%1\"").arg(qs(clerk)));
        return;
    }
    w.deferredRead = true;
    w.read = [this, clerk](Work &w) {
        const Engine &engine = m_host.engine();
        const Clerk *k = engine.config().clerk(clerk);
        QJsonObject who{{QLatin1String("id"), qs(clerk)}, {QLatin1String("name"), qs(k ? k->name : clerk)}, {QLatin1String("badge"), qs(k ? k->badge : "")}};
        if (k && !k->photo.empty())
            who.insert(QLatin1String("photo"), qs(k->photo));
        const int today = engine.today();
        QJsonObject day{{QLatin1String("services"), 0}, {QLatin1String("ratings"), 0}, {QLatin1String("satisfied"), 0}};
        for (const auto &c : countsFor(today, today))
            if (c.clerk == clerk)
                day = {{QLatin1String("services"), c.services}, {QLatin1String("ratings"), c.ratings}, {QLatin1String("satisfied"), c.satisfied}};
        const report::IsoWeek week = report::IsoWeek::ofDay(today);
        const auto rows = rankedWeek(countsFor(week.monday(), week.sunday()), engine.config());
        int ranked = 0;
        QJsonObject mine{{QLatin1String("services"), 0}, {QLatin1String("ratings"), 0}, {QLatin1String("satisfied"), 0}, {QLatin1String("qualified"), false}};
        for (const auto &r : rows) {
            ranked += r.rank ? 1 : 0;
            if (r.clerk == clerk)
                mine = rankedJson(r);
        }
        for (const char *drop : {"clerk", "name", "badge"})
            mine.remove(QLatin1String(drop));
        mine.insert(QLatin1String("week"), qs(week.toString()));
        mine.insert(QLatin1String("ranked"), ranked);
        const report::IsoWeek last = week.previous();
        const auto lastRows = rankedWeek(countsFor(last.monday(), last.sunday()), engine.config());
        const bool lastStar = !lastRows.empty() && lastRows.front().rank == 1 && lastRows.front().clerk == clerk;
        w.result = {{QLatin1String("clerk"), who}, {QLatin1String("today"), day}, {QLatin1String("week"), mine},
                    {QLatin1String("lastWeekStar"), lastStar}};
    };
}

void BusServer::opReportWeek(Work &w, ArgReader &args)
{
    const auto text = args.optionalText(QStringLiteral("week"), 8);
    if (!argsOk(w, args))
        return;
    report::IsoWeek week = report::IsoWeek::ofDay(m_host.engine().today());
    if (text) {
        const auto parsed = report::IsoWeek::parse(text->toStdString());
        if (!parsed) {
            w.error = err(bus::codes::badRequest, QStringLiteral("args.week: must be an ISO week like \"2026-W48\", got \"%1\"").arg(*text));
            return;
        }
        week = *parsed;
    }
    w.deferredRead = true;
    w.read = [this, week](Work &w) {
        const HallConfig &config = m_host.engine().config();
        QJsonArray rows;
        for (const auto &r : rankedWeek(countsFor(week.monday(), week.sunday()), config))
            rows.append(rankedJson(r));
        w.result = {{QLatin1String("week"), qs(week.toString())},
                    {QLatin1String("from"), qs(businessDayDate(week.monday()))},
                    {QLatin1String("to"), qs(businessDayDate(week.sunday()))},
                    {QLatin1String("scale"), qs(config.ratings.scale)},
                    {QLatin1String("minVotes"), config.ratings.starMinVotes},
                    {QLatin1String("clerks"), rows}};
    };
}

void BusServer::opFollowUpList(Work &w, ArgReader &args)
{
    const QString status = args.optionalText(QStringLiteral("status"), 8).value_or(QStringLiteral("open"));
    const int limit = int(args.optionalInteger(QStringLiteral("limit"), 1, 1000).value_or(200));
    if (!argsOk(w, args))
        return;
    if (status != QLatin1String("open") && status != QLatin1String("closed") && status != QLatin1String("all")) {
        w.error = err(bus::codes::badRequest, QStringLiteral("args.status: must be open, closed or all"));
        return;
    }
    w.deferredRead = true;
    w.read = [this, status, limit](Work &w) {
        QJsonArray list;
        for (const store::FollowUp &f : m_host.store().followUps(status.toStdString(), limit)) {
            QJsonObject o{{QLatin1String("id"), f.id},
                          {QLatin1String("ticket"), qint64(f.ticket)},
                          {QLatin1String("label"), qs(f.label)},
                          {QLatin1String("window"), f.window},
                          {QLatin1String("clerk"), qs(f.clerk)},
                          {QLatin1String("rating"), qs(f.rating)},
                          {QLatin1String("ratedAt"), f.ratedAt},
                          {QLatin1String("dueAt"), f.dueAt},
                          {QLatin1String("status"), qs(f.status)}};
            if (!f.tags.isEmpty())
                o.insert(QLatin1String("tags"), QJsonDocument::fromJson(f.tags).array());
            if (f.closedAt) {
                o.insert(QLatin1String("closedAt"), f.closedAt);
                o.insert(QLatin1String("closedBy"), qs(f.closedBy));
                o.insert(QLatin1String("note"), qs(f.note));
            }
            list.append(o);
        }
        w.result = {{QLatin1String("followUps"), list}};
    };
}

void BusServer::opFollowUpClose(Work &w, ArgReader &args)
{
    const qint64 id = args.integer(QStringLiteral("id"), 1, std::numeric_limits<qint64>::max() / 2);
    const QString note = args.text(QStringLiteral("note"), 500);
    if (!argsOk(w, args))
        return;
    const auto f = m_host.store().followUp(id);
    if (!f) {
        w.error = err(codes::unknownFollowUp, QStringLiteral("no follow-up %1").arg(id));
        return;
    }
    if (f->status != "open" || m_batchClosedFollowUps.contains(id)) {
        w.error = err(codes::followUpClosed, QStringLiteral("follow-up %1 was closed already").arg(id));
        return;
    }
    Outcome out = m_host.engine().tick(); // a day that started meanwhile goes first in the journal
    Event e;
    e.type = EventType::FollowUpClosed;
    e.at = m_host.engine().clock().now();
    e.followUp = id;
    e.note = note.toStdString();
    e.device = w.device->id;
    out.events.push_back(e);
    applyOutcome(w, out);
    if (!w.error) {
        m_batchClosedFollowUps.insert(id);
        w.result.insert(QLatin1String("followUp"), id);
    }
}

} // namespace hall::server
