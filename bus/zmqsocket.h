#pragma once

#include <QList>
#include <QLoggingCategory>
#include <QObject>

#include "bus/curvekeys.h"

#include <zmq.hpp>

#include <memory>

class QSocketNotifier;

Q_DECLARE_LOGGING_CATEGORY(lcBusSocket)

namespace hall::bus {

// One ZeroMQ socket driven by the Qt event loop of the thread that owns it: no polling thread,
// no timer. ZMQ_FD is edge-triggered, so every wake-up drains the socket while ZMQ_EVENTS says
// POLLIN, and every send re-checks it (a send can consume the edge that announced new input).
class ZmqSocket : public QObject
{
    Q_OBJECT

public:
    ZmqSocket(zmq::context_t &context, zmq::socket_type type, QObject *parent = nullptr);
    ~ZmqSocket() override;

    // CURVE on this socket, before bind / connect. The server side hands every handshake to the
    // context's ZAP handler (domain "hall"); there is no plaintext fallback.
    bool makeCurveServer(const KeyPair &server, QString *error);
    bool makeCurveClient(const KeyPair &own, const QByteArray &serverPublicKey, QString *error);

    // Terminals accept replies and events up to kMaxServerMessageBytes (a snapshot of a busy
    // day); the server keeps the default, kMaxMessageBytes, for what it receives.
    void setMaxMessageBytes(qint64 bytes);

    bool bind(const QByteArray &endpoint, QString *error);
    bool connectTo(const QByteArray &endpoint, QString *error);
    // The endpoint actually bound, e.g. tcp://127.0.0.1:41237 after binding port *.
    QByteArray lastEndpoint() const;

    // Queues a multipart message without blocking; false (with the reason logged) when ZeroMQ
    // cannot take it now, e.g. a DEALER with no peer yet or at its high-water mark.
    bool send(const QList<QByteArray> &frames);

    zmq::socket_t &handle() { return m_socket; }

Q_SIGNALS:
    // userId: the ZAP handler's User-Id for the peer (the device id), empty without ZAP.
    void received(const QList<QByteArray> &frames, const QByteArray &userId);

private:
    bool attach(const QByteArray &endpoint, bool asBind, QString *error);
    void drain();
    void scheduleDrainIfReadable();

    zmq::socket_t m_socket;
    std::unique_ptr<QSocketNotifier> m_notifier;
    bool m_draining = false;
};

} // namespace hall::bus
