#pragma once

#include "bus/codec.h"
#include "bus/curvekeys.h"
#include "bus/zaphandler.h"
#include "bus/zmqsocket.h"
#include "engine/engine.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcBusServer)

namespace hall::server {

struct BusOptions {
    QByteArray requestEndpoint = "tcp://*:5570";
    QByteArray eventEndpoint = "tcp://*:5571";
    bus::KeyPair serverKeys;
    int heartbeatMs = 1000;
    int maxBatch = 256; // operations per group commit
};

// What the bus needs from the process that owns the hall state. The daemon implements it; the
// engine and store it hands out are the only ones, so the bus is the single writer's front door.
class HallHost
{
public:
    virtual ~HallHost() = default;
    virtual engine::Engine &engine() = 0;
    virtual store::Store &store() = 0;
    // Rereads the configuration file; on failure leaves everything as it was and says why.
    virtual bool reloadConfig(QString *code, QString *message) = 0;
    // The journal failed: rebuild the engine from the store (or stop the process).
    virtual void recoverFromStore() = 0;
};

// The server end of docs/protocol.md: a ROUTER for requests and a PUB for events, both CURVE
// with the device registry behind ZAP. Requests that arrive together are applied and committed
// together (with their idempotency records), then answered, then their events published.
class BusServer : public QObject
{
    Q_OBJECT

public:
    BusServer(HallHost &host, BusOptions options, QObject *parent = nullptr);
    ~BusServer() override;

    bool start(QString *error);
    QByteArray requestEndpoint() const;
    QByteArray eventEndpoint() const;

    // Publishes committed events with the seqs the journal gave them; eventData, when given, is
    // their data already encoded for the journal (the day rollover timer passes none).
    void publishCommitted(const std::vector<engine::Event> &events, const std::vector<qint64> &seqs,
                          const std::vector<QByteArray> &eventData = {});
    void publishHeartbeat();

    // Called with every batch of committed events after they were answered and published (the
    // LED signs follow the hall this way, never ahead of the journal and never delaying a reply).
    using CommittedListener = std::function<void(const std::vector<engine::Event> &)>;
    void setCommittedListener(CommittedListener listener) { m_committedListener = std::move(listener); }

    // A device the server drives itself (an LED window sign, docs/protocol.md "Server-driven
    // devices"): it has no key and sends no requests, but its status is published as a
    // device_status notice and listed in snapshots like a terminal's. Kept in memory only: the
    // server learns it afresh after a restart. A repeated status is not published again.
    void publishServerDeviceStatus(const QString &id, const QString &role, int window, const QJsonObject &status);

    // Logged at shutdown.
    struct Stats {
        qint64 requests = 0;
        qint64 commits = 0;
        qint64 replayedReplies = 0;
        qint64 refusedRevoked = 0;
        qint64 malformedFrames = 0;
    };

private:
    enum Role : unsigned {
        Kiosk = 1,
        Counter = 2,
        Pad = 4,
        Board = 8,
        Manager = 16,
        Admin = 32,
        AnyRole = 63,
    };

    struct Incoming {
        QByteArray identity;
        bool delimiter = false; // a REQ peer's empty frame, mirrored in the reply
        QByteArray device;
        QByteArray payload;
        QByteArray key; // the connection's CURVE key: a revoked key stays revoked when its id is reused
    };

    // One request on its way through a batch.
    struct Work {
        Incoming from;
        bus::Request request;
        const store::Device *device = nullptr;
        bool mutates = false;
        std::vector<engine::Event> events;
        std::vector<QByteArray> eventData; // encoded once, for the journal and the PUB socket
        QByteArray reply;                  // encoded once, for the idempotency record and the peer
        std::function<void(store::Store &)> writes;
        std::function<void()> afterCommit; // registry and memory updates once durable
        QJsonObject result;
        std::optional<bus::Error> error;
        bool deferredRead = false; // answered after the commit (snapshot sees committed state)
        bool async = false;        // answered later (PIN verification)
        bool skip = false;         // a duplicate of a request in progress; answered with it
        QByteArray storedReply;    // the first reply to a retried request
        std::function<void(Work &)> resume; // set when a checked sign-in rejoins a batch
        std::function<void(Work &)> read;   // a deferred read other than the snapshot (reports)
        std::vector<bus::EventMessage> notices; // published after the commit
    };

    using Handler = void (BusServer::*)(Work &, bus::ArgReader &);
    struct OpSpec {
        unsigned roles;
        Handler handler;
        bool readOnly = false; // never stores a reply, so a retry needs no lookup
    };

    void onRequest(const QList<QByteArray> &frames, const QByteArray &userId);
    void flush();
    void handle(Work &w);
    bool argsOk(Work &w, bus::ArgReader &args);
    void sendReply(const Incoming &to, const QByteArray &reply);
    void answer(const Work &w, const QByteArray &reply); // to the sender and to its retries in flight
    QByteArray replyBytes(const Work &w) const;
    void publish(const bus::EventMessage &m);
    bus::EventMessage notice(const QString &type, const QJsonObject &data) const;
    bool bindPublisher(QString *error);
    void rebindPublisher();
    void loadRegistry();
    std::optional<QByteArray> deviceForKey(const QByteArray &publicKey) const;
    static unsigned roleBit(const std::string &role);

    // Argument helpers shared by operations.
    int windowFor(Work &w, bus::ArgReader &args);
    void windowOp(Work &w, bus::ArgReader &args, bool takesTicket,
                  const std::function<engine::Outcome(engine::Engine &, int, engine::TicketId)> &call);
    void applyOutcome(Work &w, const engine::Outcome &out);
    QJsonObject windowJson(int number) const;
    QJsonObject snapshotJson() const;
    QJsonObject deviceJson(const store::Device &d, bool full) const;

    // Operations (docs/protocol.md, "Operations").
    void opHello(Work &w, bus::ArgReader &args);
    void opSnapshot(Work &w, bus::ArgReader &args);
    void opIssue(Work &w, bus::ArgReader &args);
    void opCallNext(Work &w, bus::ArgReader &args);
    void opRecall(Work &w, bus::ArgReader &args);
    void opStart(Work &w, bus::ArgReader &args);
    void opNoShow(Work &w, bus::ArgReader &args);
    void opTransfer(Work &w, bus::ArgReader &args);
    void opFinish(Work &w, bus::ArgReader &args);
    void opPause(Work &w, bus::ArgReader &args);
    void opResume(Work &w, bus::ArgReader &args);
    void opCancel(Work &w, bus::ArgReader &args);
    void opSignIn(Work &w, bus::ArgReader &args);
    void opSignOut(Work &w, bus::ArgReader &args);
    void opDeviceStatus(Work &w, bus::ArgReader &args);
    void opDeviceRegister(Work &w, bus::ArgReader &args);
    void opDeviceRevoke(Work &w, bus::ArgReader &args);
    void opDeviceList(Work &w, bus::ArgReader &args);
    void opConfigReload(Work &w, bus::ArgReader &args);
    void opRatingRequest(Work &w, bus::ArgReader &args);
    void opRatingSubmit(Work &w, bus::ArgReader &args);
    void opRatingsClerk(Work &w, bus::ArgReader &args);
    void opReportWeek(Work &w, bus::ArgReader &args);
    void opFollowUpList(Work &w, bus::ArgReader &args);
    void opFollowUpClose(Work &w, bus::ArgReader &args);

    // The clerks' counts over business days [from, to], from the store, cached until the next
    // commit: every pad asks for its clerk's stars after every vote.
    const std::vector<store::ClerkCounts> &countsFor(int fromDay, int toDay);
    QJsonArray weekRows(int day, int *ranked);

    // PIN checks run on the thread pool (argon2id takes tens of milliseconds and 64 MiB); the
    // verdict comes back here and joins the next batch.
    struct SignInAttempt {
        int failures = 0;
        qint64 lockedUntil = 0;
        qint64 lastFailureAt = 0;
        int checking = 0; // PIN checks in progress: the count must not be outrun by a burst
    };
    void finishSignIn(Work w, int window, const std::string &clerk, const std::string &badge, bool pinOk);
    bool lockedOut(Work &w, const std::string &badge);
    void noteFailure(const std::string &badge, const QByteArray &device);
    bool stillServed(const Incoming &from) const; // registered, not revoked, same key

    HallHost &m_host;
    BusOptions m_options;
    zmq::context_t m_context;
    std::unique_ptr<bus::ZapHandler> m_zap;
    std::unique_ptr<bus::ZmqSocket> m_router;
    std::unique_ptr<bus::ZmqSocket> m_publisher;
    QByteArray m_boundEventEndpoint;
    QTimer m_heartbeat;
    QTimer m_flushTimer;
    std::vector<Incoming> m_batch;
    QElapsedTimer m_batchWait; // since the batch's first request arrived
    std::vector<Work> m_ready; // sign-ins whose PIN was checked, waiting for the next batch
    QSet<QByteArray> m_inFlight; // device + request id of requests being answered asynchronously
    std::map<std::string, store::Device> m_devices;          // by id
    std::map<QByteArray, std::string> m_activeKeys;          // public key -> device id
    std::map<std::string, store::DeviceStatus> m_statuses;   // by device id
    std::map<std::string, SignInAttempt> m_badgeAttempts;
    std::map<QByteArray, SignInAttempt> m_deviceAttempts;
    std::map<QString, OpSpec> m_ops;
    Stats m_stats;
    int m_rebindTries = 0;
    bool m_rebindPending = false;
    qint64 m_pendingSeq = 0; // the journal seq the batch's events will reach
    QSet<QByteArray> m_batchKeys;
    std::map<QByteArray, std::vector<Incoming>> m_alsoReplyTo; // retries of a request in progress
    QSet<QByteArray> m_revokedKeys;
    QSet<qint64> m_batchClosedFollowUps; // closed by an earlier request of the batch being handled
    std::map<std::pair<int, int>, std::pair<qint64, std::vector<store::ClerkCounts>>> m_countsCache; // days -> (seq, counts)
    int m_pinChecks = 0; // in progress, all terminals together
    QTimer m_rebindTimer;
    struct ServerDevice {
        QString role;
        int window = 0;
        QJsonObject status;
        qint64 at = 0;
    };
    std::map<QString, ServerDevice> m_serverDevices; // by id
    CommittedListener m_committedListener;
    // Last member: destroyed first, waiting for PIN checks that post back to this object.
    QThreadPool m_pinPool;
};

} // namespace hall::server
