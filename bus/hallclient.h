#pragma once

#include "bus/codec.h"
#include "bus/curvekeys.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <zmq.hpp>

#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcBusClient)

namespace hall::bus {

class ZmqSocket;

// Codes of replies the client makes up itself; the server never sends these.
namespace clientcodes {
// Every attempt timed out: the server is down, unreachable or refused our key (ZAP gives a
// refused peer no answer at all, so this is also what a revoked terminal sees).
inline constexpr const char *unreachable = "unreachable";
// request() with an explicit id that is still pending: two callbacks cannot share one reply.
inline constexpr const char *duplicateRequest = "duplicate_request";
} // namespace clientcodes

// A terminal's request side (ZeroMQ guide, "Lazy Pirate"): one DEALER, any number of requests
// in flight, each matched to its reply by id. When an attempt times out the socket is thrown
// away and a fresh one connected, because a connection that stopped answering (server restarted,
// CURVE handshake refused, network cut) is not worth waiting on; every pending request is then
// sent again with its original id, which the server de-duplicates, so a retried operation is
// applied at most once.
class HallClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)

public:
    using Callback = std::function<void(const Reply &)>;

    explicit HallClient(zmq::context_t &ctx, QObject *parent = nullptr);
    ~HallClient() override;

    void setServer(const QByteArray &endpoint, const KeyPair &own, const QByteArray &serverPublicKey);
    // timeoutMs per attempt; maxAttempts copies of a request at most before it fails.
    void setRetryPolicy(int timeoutMs, int maxAttempts);
    // Connects the DEALER and sends the requests made before; false (with the reason) when the
    // keys or the endpoint are unusable.
    bool start(QString *error);

    // Sends op with a fresh request id and returns that id. done runs exactly once, with the
    // server's reply or a client-made one (clientcodes), unless context is destroyed first; with
    // a null context it always runs. done must not delete this client (use deleteLater).
    QByteArray request(const QString &op, const QJsonObject &args, QObject *context, Callback done);
    // The same with the caller's id, for retrying an operation whose earlier request failed:
    // the server answers a repeated id with the reply it stored the first time.
    QByteArray request(const QByteArray &id, const QString &op, const QJsonObject &args, QObject *context, Callback done);

    // True once a reply has arrived, false again when an attempt times out.
    bool online() const { return m_online; }
    QByteArray endpoint() const { return m_endpoint; }
    int pending() const { return int(m_pending.size()); }

    // For tests and diagnostics.
    qint64 attemptsSent() const { return m_attemptsSent; }
    qint64 socketResets() const { return m_socketResets; }

Q_SIGNALS:
    void onlineChanged(bool online);

private:
    struct Pending {
        Request request;
        QPointer<QObject> context;
        bool guarded = false; // a context was given: once it is gone nobody wants the reply
        Callback done;
        int attempts = 0;
        qint64 deadline = 0; // on m_clock
    };

    bool createSocket(QString *error);
    void send(Pending &p, qint64 now);
    void onFrames(const QList<QByteArray> &frames);
    void onDeadline();
    void reschedule();
    void setOnline(bool online);
    // Removes abandoned requests (context destroyed) so they are neither resent nor answered.
    void dropAbandoned();
    // Runs the callbacks of finished requests, whose entries are already gone from m_pending, so
    // a callback may make new requests.
    void complete(std::vector<std::pair<Pending, Reply>> finished);

    zmq::context_t &m_ctx;
    bool m_started = false;
    QByteArray m_endpoint;
    KeyPair m_own;
    QByteArray m_serverKey;
    int m_timeoutMs = 2500;
    int m_maxAttempts = 4;

    std::unique_ptr<ZmqSocket> m_socket;
    std::map<QByteArray, Pending> m_pending;
    QTimer m_timer; // single shot, at the earliest deadline
    QElapsedTimer m_clock;
    bool m_online = false;
    qint64 m_attemptsSent = 0;
    qint64 m_socketResets = 0;
};

} // namespace hall::bus
