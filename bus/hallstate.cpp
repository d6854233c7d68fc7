#include "hallstate.h"

#include "hallclient.h"
#include "hallwire.h"
#include "zmqsocket.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

Q_LOGGING_CATEGORY(lcBusState, "hall.bus.state")

namespace hall::bus {

namespace {

// Messages kept while a snapshot is awaited. Beyond this the server is far ahead of us anyway;
// dropping them is safe because the next event or heartbeat after the snapshot shows the gap.
constexpr std::size_t kMaxBuffered = 10000;

std::optional<qint64> wholeNumber(const QJsonValue &v)
{
    const double d = v.toDouble(std::nan(""));
    // Doubles hold whole numbers exactly up to 2^53, the protocol's limit.
    if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

} // namespace

HallState::HallState(zmq::context_t &ctx, HallClient &client, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
    , m_client(client)
{
    m_silence.setSingleShot(true);
    m_silence.setInterval(3000);
    connect(&m_silence, &QTimer::timeout, this, &HallState::onSilence);
    m_retry.setSingleShot(true);
    m_retry.setInterval(1000);
    connect(&m_retry, &QTimer::timeout, this, &HallState::requestSnapshot);
}

HallState::~HallState() = default;

void HallState::setEventEndpoint(const QByteArray &endpoint, const KeyPair &own, const QByteArray &serverPublicKey)
{
    m_endpoint = endpoint;
    m_own = own;
    m_serverKey = serverPublicKey;
}

void HallState::setOfflineAfterMs(int ms)
{
    m_silence.setInterval(ms);
}

void HallState::setSnapshotRetryMs(int ms)
{
    m_retry.setInterval(ms);
}

bool HallState::start(QString *error)
{
    if (m_sub)
        return true;
    auto sub = std::make_unique<ZmqSocket>(m_ctx, zmq::socket_type::sub);
    if (!sub->makeCurveClient(m_own, m_serverKey, error))
        return false;
    sub->setMaxMessageBytes(kMaxServerMessageBytes);
    sub->handle().set(zmq::sockopt::subscribe, "");
    // Subscribed before the snapshot is asked for, so no event can fall between the two.
    if (!sub->connectTo(m_endpoint, error))
        return false;
    connect(sub.get(), &ZmqSocket::received, this, [this](const QList<QByteArray> &frames) { onFrames(frames); });
    m_sub = std::move(sub);
    m_silence.start();
    requestSnapshot();
    return true;
}

const DeviceInfo *HallState::device(const QString &id) const
{
    const auto it = m_devices.constFind(id);
    return it == m_devices.constEnd() ? nullptr : &it.value();
}

QJsonObject HallState::deviceStatus(const QString &id) const
{
    const DeviceInfo *d = device(id);
    if (!d)
        return {};
    QJsonObject o{{QLatin1String("id"), id},
                  {QLatin1String("role"), d->role},
                  {QLatin1String("status"), d->status},
                  {QLatin1String("at"), d->at}};
    if (d->window)
        o.insert(QLatin1String("window"), d->window);
    return o;
}

void HallState::onFrames(const QList<QByteArray> &frames)
{
    m_silence.start();
    setOnline(true);
    if (frames.size() != 1) {
        qCWarning(lcBusState) << "ignoring an event of" << frames.size() << "frames";
        return;
    }
    QString error;
    const auto m = decodeEvent(frames.first(), &error);
    if (!m) {
        qCWarning(lcBusState).noquote() << "ignoring an undecodable event:" << error;
        return;
    }
    if (m_staleAfterSilence) {
        m_staleAfterSilence = false;
        // Unsynced means a snapshot is already on its way (or about to be retried).
        if (m_synced) {
            buffer(*m);
            resnapshot("the server was silent; it may have restarted");
            return;
        }
    }
    handle(*m, false);
}

void HallState::handle(const EventMessage &m, bool fromBuffer)
{
    if (!m_synced) {
        buffer(m);
        return;
    }
    if (m.epoch != m_epoch) {
        buffer(m);
        resnapshot("the server's database changed (new epoch)");
        return;
    }
    if (const auto type = engine::eventTypeFromString(m.type.toStdString())) {
        if (m.seq <= m_seq) {
            // Held back during the snapshot and already in it, or a real repeat.
            if (!fromBuffer)
                ++m_duplicatesIgnored;
            return;
        }
        if (m.seq > m_seq + 1) {
            ++m_gapsDetected;
            qCInfo(lcBusState).noquote() << "missed events" << m_seq + 1 << "to" << m.seq - 1;
            buffer(m);
            resnapshot("events were missed");
            return;
        }
        QString error;
        const auto event = wire::eventFromData(*type, m.at, m.data, &error);
        if (!event) {
            // Applying anything else would leave the mirror wrong from here on.
            qCWarning(lcBusState).noquote() << "cannot read event" << m.seq << m.type << ":" << error;
            resnapshot("an event could not be read");
            return;
        }
        m_engine->apply(*event);
        m_seq = m.seq;
        ++m_eventsApplied;
        Q_EMIT eventApplied(*event, m.seq);
        Q_EMIT changed();
        return;
    }

    // A notice: it does not consume a seq but names the latest one, so it reveals lost events.
    if (m.seq > m_seq) {
        ++m_gapsDetected;
        qCInfo(lcBusState).noquote() << m.type << "names seq" << m.seq << "but we have" << m_seq;
        buffer(m);
        resnapshot("events were missed");
        return;
    }
    if (m.type == QLatin1String("heartbeat")) {
        const QString version = m.data.value(QLatin1String("configVersion")).toString();
        if (!version.isEmpty() && version != m_configVersion)
            resnapshot("the configuration changed");
        return;
    }
    if (m.type == QLatin1String("device_status")) {
        const QString id = m.data.value(QLatin1String("device")).toString();
        if (id.isEmpty()) {
            qCWarning(lcBusState) << "ignoring a device_status without a device";
            return;
        }
        DeviceInfo info;
        info.role = m.data.value(QLatin1String("role")).toString();
        info.window = m.data.value(QLatin1String("window")).toInt();
        info.status = m.data.value(QLatin1String("status")).toObject();
        info.at = wholeNumber(m.data.value(QLatin1String("at"))).value_or(m.at);
        // A notice held back during a snapshot may be older than what the snapshot says.
        if (const DeviceInfo *known = device(id); known && known->at > info.at)
            return;
        updateDevice(id, info);
        return;
    }
    // Notices added to the protocol later: the seq check above is all they mean to us.
}

void HallState::buffer(const EventMessage &m)
{
    if (m_buffer.size() >= kMaxBuffered) {
        qCWarning(lcBusState) << "dropping" << m_buffer.size() << "events held for the snapshot; the next ones will show the gap";
        m_buffer.clear();
    }
    m_buffer.push_back(m);
}

void HallState::resnapshot(const char *why)
{
    qCInfo(lcBusState).noquote() << "resynchronising:" << why;
    setSynced(false);
    requestSnapshot();
}

void HallState::requestSnapshot()
{
    if (m_snapshotInFlight)
        return;
    m_retry.stop();
    m_snapshotInFlight = true;
    // A fresh id each time: a snapshot is a read, and a retry must see the current state.
    m_client.request(QStringLiteral("snapshot"), {}, this, [this](const Reply &reply) { onSnapshot(reply); });
}

void HallState::onSnapshot(const Reply &reply)
{
    m_snapshotInFlight = false;
    QString error;
    if (!reply.ok)
        error = reply.error.code + QLatin1String(": ") + reply.error.message;
    else
        applySnapshot(reply.result, &error);
    if (!error.isEmpty()) {
        qCWarning(lcBusState).noquote() << "snapshot failed (" << error << "); asking again in" << m_retry.interval() << "ms";
        m_retry.start();
        return;
    }
    ++m_snapshotsTaken;
    m_staleAfterSilence = false; // this snapshot is the fresh start the silence called for
    qCInfo(lcBusState).noquote() << "synchronised at" << m_epoch << "seq" << m_seq << "with" << m_buffer.size() << "event(s) held";
    setSynced(true);
    Q_EMIT resynced();
    Q_EMIT changed();
    // Anything held that the snapshot does not contain, in arrival order; this may find a new
    // reason to resynchronise, and then what follows is held again.
    std::vector<EventMessage> held;
    held.swap(m_buffer);
    for (const EventMessage &m : held)
        handle(m, true);
}

bool HallState::applySnapshot(const QJsonObject &result, QString *error)
{
    const QString epoch = result.value(QLatin1String("epoch")).toString();
    const auto seq = wholeNumber(result.value(QLatin1String("seq")));
    if (epoch.isEmpty() || !seq || *seq < 0) {
        *error = QStringLiteral("the snapshot lacks its epoch or seq");
        return false;
    }
    const auto config = wire::publicConfigFromJson(result.value(QLatin1String("config")).toObject(), error);
    if (!config)
        return false;
    const auto state = wire::stateFromJson(result.value(QLatin1String("state")).toObject(), error);
    if (!state)
        return false;

    QMap<QString, DeviceInfo> devices;
    for (const QJsonValue v : result.value(QLatin1String("devices")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString id = o.value(QLatin1String("id")).toString();
        if (id.isEmpty())
            continue;
        DeviceInfo d;
        d.role = o.value(QLatin1String("role")).toString();
        d.window = o.value(QLatin1String("window")).toInt();
        d.status = o.value(QLatin1String("status")).toObject();
        d.at = wholeNumber(o.value(QLatin1String("statusAt"))).value_or(0);
        devices.insert(id, d);
    }

    QString version = result.value(QLatin1String("configVersion")).toString();
    if (version.isEmpty())
        version = wire::configVersion(*config);
    auto mirror = std::make_unique<engine::Engine>(*config, m_clock);
    mirror->restore(*state);

    m_engine = std::move(mirror);
    m_epoch = epoch;
    m_seq = *seq;
    m_configVersion = version;
    m_devices = devices;
    if (const auto serverTime = wholeNumber(result.value(QLatin1String("serverTime"))))
        m_serverTimeOffset = *serverTime - QDateTime::currentMSecsSinceEpoch();
    return true;
}

void HallState::updateDevice(const QString &id, const DeviceInfo &info)
{
    m_devices.insert(id, info);
    Q_EMIT deviceStatusChanged(id);
    Q_EMIT changed();
}

void HallState::setSynced(bool synced)
{
    if (m_synced == synced)
        return;
    m_synced = synced;
    Q_EMIT syncedChanged(synced);
}

void HallState::setOnline(bool online)
{
    if (m_online == online)
        return;
    m_online = online;
    Q_EMIT onlineChanged(online);
}

void HallState::onSilence()
{
    qCInfo(lcBusState).noquote() << "nothing from" << m_endpoint << "for" << m_silence.interval() << "ms";
    m_staleAfterSilence = true;
    setOnline(false);
}

} // namespace hall::bus
