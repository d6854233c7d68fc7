#pragma once

#include "bus/codec.h"
#include "bus/curvekeys.h"
#include "engine/engine.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <zmq.hpp>

#include <memory>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcBusState)

namespace hall::bus {

class HallClient;
class ZmqSocket;

// What the hall knows about one terminal, from the snapshot and device_status notices.
struct DeviceInfo {
    QString role;
    int window = 0; // 0 = none
    QJsonObject status;
    qint64 at = 0; // when the status was reported, Unix ms; 0 = never
};

// A terminal's copy of the hall (ZeroMQ guide, "Clone"): a snapshot through the HallClient, then
// the journal events from the SUB socket applied to a mirror engine, so every terminal runs the
// same queue rules as the server. Events carry the journal seq and the database's epoch; a gap,
// another epoch, a notice announcing events we never saw, a changed configuration or a silence
// long enough to hide a server restart all lead to a fresh snapshot. Events arriving while a
// snapshot is on its way are kept and applied after it, so none fall between the two.
class HallState : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool synced READ synced NOTIFY syncedChanged)
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)

public:
    HallState(zmq::context_t &ctx, HallClient &client, QObject *parent = nullptr);
    ~HallState() override;

    void setEventEndpoint(const QByteArray &endpoint, const KeyPair &own, const QByteArray &serverPublicKey);
    // Silence on the SUB socket after which the server counts as gone (it heartbeats every second).
    void setOfflineAfterMs(int ms);
    // Pause before asking again when a snapshot request failed.
    void setSnapshotRetryMs(int ms);
    // Subscribes, then asks for the snapshot. The HallClient must be started too.
    bool start(QString *error);

    // The mirror; null until the first snapshot. Replaced by every snapshot (the configuration
    // may have changed), so never keep the pointer across resynced().
    const engine::Engine *engine() const { return m_engine.get(); }
    qint64 seq() const { return m_seq; }
    QString epoch() const { return m_epoch; }
    QString configVersion() const { return m_configVersion; }
    // True while the mirror follows the journal; false before the first snapshot and while a
    // new one is awaited. The mirror keeps its last state meanwhile, so screens need not blank.
    bool synced() const { return m_synced; }
    // True while the SUB socket hears from the server (heartbeats at least).
    bool online() const { return m_online; }
    // The server's clock minus ours at the last snapshot, in ms: for showing server times.
    qint64 serverTimeOffsetMs() const { return m_serverTimeOffset; }

    QStringList deviceIds() const { return m_devices.keys(); }
    const DeviceInfo *device(const QString &id) const;
    // {"id","role","window"?,"status","at"}; empty for an unknown device.
    QJsonObject deviceStatus(const QString &id) const;

    qint64 snapshotsTaken() const { return m_snapshotsTaken; }
    qint64 eventsApplied() const { return m_eventsApplied; }
    qint64 duplicatesIgnored() const { return m_duplicatesIgnored; }
    qint64 gapsDetected() const { return m_gapsDetected; }

Q_SIGNALS:
    void syncedChanged(bool synced);
    void onlineChanged(bool online);
    // A snapshot replaced the mirror (and the device list); views rebuild from scratch.
    void resynced();
    void eventApplied(const hall::engine::Event &event, qint64 seq);
    void deviceStatusChanged(const QString &device);
    // Anything changed: a snapshot, an event, a device status.
    void changed();

private:
    void onFrames(const QList<QByteArray> &frames);
    // fromBuffer: held back while a snapshot was awaited; journal events the snapshot already
    // contains are then expected, not duplicates.
    void handle(const EventMessage &m, bool fromBuffer);
    void buffer(const EventMessage &m);
    void resnapshot(const char *why);
    void requestSnapshot();
    void onSnapshot(const Reply &reply);
    bool applySnapshot(const QJsonObject &result, QString *error);
    void setSynced(bool synced);
    void setOnline(bool online);
    void onSilence();
    void updateDevice(const QString &id, const DeviceInfo &info);

    zmq::context_t &m_ctx;
    HallClient &m_client;
    QByteArray m_endpoint;
    KeyPair m_own;
    QByteArray m_serverKey;
    std::unique_ptr<ZmqSocket> m_sub;

    engine::SystemClock m_clock; // before m_engine, which keeps a reference to it
    std::unique_ptr<engine::Engine> m_engine;
    QString m_epoch;
    qint64 m_seq = 0;
    QString m_configVersion;
    qint64 m_serverTimeOffset = 0;
    QMap<QString, DeviceInfo> m_devices;

    bool m_synced = false;
    bool m_online = false;
    bool m_snapshotInFlight = false;
    // Whatever arrived after silence may come from a restarted server: snapshot again.
    bool m_staleAfterSilence = false;
    std::vector<EventMessage> m_buffer;
    QTimer m_silence;
    QTimer m_retry;

    qint64 m_snapshotsTaken = 0;
    qint64 m_eventsApplied = 0;
    qint64 m_duplicatesIgnored = 0;
    qint64 m_gapsDetected = 0;
};

} // namespace hall::bus
