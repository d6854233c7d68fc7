#pragma once

#include "bus/zmqsocket.h"

#include <QLoggingCategory>
#include <QObject>

#include <functional>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcBusZap)

namespace hall::bus {

// The context's ZAP handler (RFC 27): every CURVE handshake on a server socket of this context
// asks it, and only keys the lookup knows are admitted. The admitted device's id becomes the
// connection's User-Id, which is how the server learns who sent a message, never from the
// message itself. Anything but CURVE is refused.
class ZapHandler : public QObject
{
    Q_OBJECT

public:
    // Z85 public key -> device id, or nothing for an unknown or revoked key.
    using Lookup = std::function<std::optional<QByteArray>(const QByteArray &publicKeyZ85)>;

    ZapHandler(zmq::context_t &context, Lookup lookup, QObject *parent = nullptr);
    bool start(QString *error);

    qint64 admitted() const { return m_admitted; }
    qint64 refused() const { return m_refused; }

private:
    void handle(const QList<QByteArray> &request);

    ZmqSocket m_socket;
    Lookup m_lookup;
    qint64 m_admitted = 0;
    qint64 m_refused = 0;
};

} // namespace hall::bus
