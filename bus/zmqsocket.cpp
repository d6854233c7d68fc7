#include "zmqsocket.h"

#include "codec.h"

#include <QMetaObject>
#include <QSocketNotifier>

Q_LOGGING_CATEGORY(lcBusSocket, "hall.bus.socket")

namespace hall::bus {

ZmqSocket::ZmqSocket(zmq::context_t &context, zmq::socket_type type, QObject *parent)
    : QObject(parent)
    , m_socket(context, type)
{
    // Closing must never wait for unsent messages: a terminal that quits retries on restart.
    m_socket.set(zmq::sockopt::linger, 0);
    // A bigger frame is cut off inside ZeroMQ (the peer is disconnected) before any parsing;
    // the slack covers ROUTER identity frames.
    m_socket.set(zmq::sockopt::maxmsgsize, int64_t(kMaxMessageBytes) + 1024);
    const auto fd = m_socket.get(zmq::sockopt::fd);
    m_notifier = std::make_unique<QSocketNotifier>(qintptr(fd), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &ZmqSocket::drain);
}

ZmqSocket::~ZmqSocket()
{
    m_notifier.reset();
}

void ZmqSocket::setMaxMessageBytes(qint64 bytes)
{
    m_socket.set(zmq::sockopt::maxmsgsize, int64_t(bytes) + 1024);
}

bool ZmqSocket::makeCurveServer(const KeyPair &server, QString *error)
{
    if (!isZ85Key(server.publicKey) || !isZ85Key(server.secretKey)) {
        *error = QStringLiteral("the server's CURVE key pair is missing or malformed");
        return false;
    }
    m_socket.set(zmq::sockopt::curve_server, true);
    m_socket.set(zmq::sockopt::curve_secretkey, server.secretKey.toStdString());
    m_socket.set(zmq::sockopt::zap_domain, "hall");
    return true;
}

bool ZmqSocket::makeCurveClient(const KeyPair &own, const QByteArray &serverPublicKey, QString *error)
{
    if (!isZ85Key(own.publicKey) || !isZ85Key(own.secretKey) || !isZ85Key(serverPublicKey)) {
        *error = QStringLiteral("a CURVE client needs its own key pair and the server's public key");
        return false;
    }
    m_socket.set(zmq::sockopt::curve_serverkey, serverPublicKey.toStdString());
    m_socket.set(zmq::sockopt::curve_publickey, own.publicKey.toStdString());
    m_socket.set(zmq::sockopt::curve_secretkey, own.secretKey.toStdString());
    return true;
}

bool ZmqSocket::bind(const QByteArray &endpoint, QString *error)
{
    return attach(endpoint, true, error);
}

bool ZmqSocket::connectTo(const QByteArray &endpoint, QString *error)
{
    return attach(endpoint, false, error);
}

bool ZmqSocket::attach(const QByteArray &endpoint, bool asBind, QString *error)
{
    try {
        if (asBind)
            m_socket.bind(endpoint.toStdString());
        else
            m_socket.connect(endpoint.toStdString());
        return true;
    } catch (const zmq::error_t &e) {
        *error = QStringLiteral("cannot %1 %2: %3")
                     .arg(asBind ? QStringLiteral("bind") : QStringLiteral("connect to"), QString::fromLatin1(endpoint),
                          QString::fromLocal8Bit(e.what()));
        return false;
    }
}

QByteArray ZmqSocket::lastEndpoint() const
{
    return QByteArray::fromStdString(m_socket.get(zmq::sockopt::last_endpoint));
}

bool ZmqSocket::send(const QList<QByteArray> &frames)
{
    bool ok = !frames.isEmpty();
    try {
        for (qsizetype i = 0; ok && i < frames.size(); ++i) {
            const auto flags = zmq::send_flags::dontwait | (i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
            ok = m_socket.send(zmq::const_buffer(frames[i].constData(), std::size_t(frames[i].size())), flags).has_value();
        }
        if (!ok)
            qCWarning(lcBusSocket) << "message of" << frames.size() << "frames not sent (no peer or queue full)";
    } catch (const zmq::error_t &e) {
        qCWarning(lcBusSocket) << "send failed:" << e.what();
        ok = false;
    }
    scheduleDrainIfReadable();
    return ok;
}

void ZmqSocket::scheduleDrainIfReadable()
{
    if (m_draining)
        return;
    if (m_socket.get(zmq::sockopt::events) & ZMQ_POLLIN)
        QMetaObject::invokeMethod(this, &ZmqSocket::drain, Qt::QueuedConnection);
}

void ZmqSocket::drain()
{
    // A receiver may send from its slot (a server replying), which re-enters through send().
    if (m_draining)
        return;
    m_draining = true;
    try {
        while (m_socket.get(zmq::sockopt::events) & ZMQ_POLLIN) {
            QList<QByteArray> frames;
            QByteArray userId;
            zmq::message_t part;
            do {
                if (!m_socket.recv(part, zmq::recv_flags::dontwait))
                    break;
                if (userId.isEmpty()) {
                    // Metadata of the connection, set by the ZAP handler; never from the message.
                    // A ROUTER's routing-id frame is made locally and carries none.
                    try {
                        userId = part.gets("User-Id");
                    } catch (const zmq::error_t &) {
                        // No ZAP on this socket: no user id.
                    }
                }
                frames.append(QByteArray(static_cast<const char *>(part.data()), qsizetype(part.size())));
            } while (part.more());
            if (!frames.isEmpty())
                Q_EMIT received(frames, userId);
        }
    } catch (const zmq::error_t &e) {
        qCWarning(lcBusSocket) << "receive failed:" << e.what();
    }
    m_draining = false;
}

} // namespace hall::bus
