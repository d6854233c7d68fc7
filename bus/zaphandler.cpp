#include "zaphandler.h"

#include <zmq.h>

Q_LOGGING_CATEGORY(lcBusZap, "hall.bus.zap")

namespace hall::bus {

ZapHandler::ZapHandler(zmq::context_t &context, Lookup lookup, QObject *parent)
    : QObject(parent)
    , m_socket(context, zmq::socket_type::rep)
    , m_lookup(std::move(lookup))
{
    connect(&m_socket, &ZmqSocket::received, this, [this](const QList<QByteArray> &frames) { handle(frames); });
}

bool ZapHandler::start(QString *error)
{
    // The endpoint libzmq itself asks; one handler per context.
    return m_socket.bind("inproc://zeromq.zap.01", error);
}

void ZapHandler::handle(const QList<QByteArray> &request)
{
    // version, request id, domain, address, routing id, mechanism, credentials...
    const QByteArray requestId = request.value(1);
    QByteArray status = "400", text = "refused", userId;
    if (request.size() < 6 || request[0] != "1.0") {
        text = "malformed ZAP request";
    } else if (request[5] != "CURVE" || request.size() != 7 || request[6].size() != 32) {
        text = "CURVE only";
    } else {
        char z85[41] = {};
        zmq_z85_encode(z85, reinterpret_cast<const uint8_t *>(request[6].constData()), 32);
        const QByteArray key(z85, 40);
        if (const auto device = m_lookup(key)) {
            status = "200";
            text = "OK";
            userId = *device;
        } else {
            text = "unknown or revoked key";
            qCWarning(lcBusZap).noquote() << "refused" << request[3] << "key" << key << ":" << text;
        }
    }
    (status == "200" ? m_admitted : m_refused)++;
    m_socket.send({"1.0", requestId, status, text, userId, QByteArray()});
}

} // namespace hall::bus
