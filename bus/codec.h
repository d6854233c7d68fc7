#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QString>

#include <optional>

namespace hall::bus {

// The wire format of docs/protocol.md: one ZeroMQ frame of compact UTF-8 JSON per message.
inline constexpr int kProtocolVersion = 1;
// Also the sockets' ZMQ_MAXMSGSIZE: a larger frame never reaches the parser.
inline constexpr qsizetype kMaxMessageBytes = 64 * 1024;
// Replies and events come from the server, which terminals trust (its key is pinned); a
// snapshot of a busy day is larger than any request, so the limit the other way is wider.
inline constexpr qsizetype kMaxServerMessageBytes = 16 * 1024 * 1024;
inline constexpr qsizetype kMaxRequestIdBytes = 64;
inline constexpr qsizetype kMaxNameBytes = 64; // op and event type names

// Refusals of the bus itself, before any operation runs (the engine's codes are separate).
namespace codes {
inline constexpr const char *badRequest = "bad_request";
inline constexpr const char *unsupportedVersion = "unsupported_version";
inline constexpr const char *messageTooLarge = "message_too_large";
} // namespace codes

struct Error {
    QString code;
    QString message;
};

struct Request {
    QByteArray id;
    QString op;
    QJsonObject args;
};

struct DecodedRequest {
    std::optional<Request> request;
    Error error;
    // The request id when it could be read although the rest was bad, so the refusal can name it.
    QByteArray id;
};

struct Reply {
    QByteArray id;
    bool ok = true;
    QJsonObject result; // when ok
    Error error;        // when not
};

// An event as published: its journal seq and the database's epoch, so a subscriber can tell a
// gap or a different database from a missed heartbeat.
struct EventMessage {
    QString epoch;
    qint64 seq = 0;
    QString type;
    qint64 at = 0;
    QJsonObject data;
};

QByteArray encodeRequest(const Request &r);
DecodedRequest decodeRequest(const QByteArray &frame);

QByteArray encodeReply(const Reply &r);
std::optional<Reply> decodeReply(const QByteArray &frame, QString *error);

QByteArray encodeEvent(const EventMessage &e);
// The same envelope around data that is already compact JSON (the journal's bytes), so the
// server encodes each event's data once for the journal and the wire. type and epoch must be
// plain tokens (they are: event type names and hex), so they need no escaping.
QByteArray encodeEventRaw(const QByteArray &epoch, qint64 seq, const QByteArray &type, qint64 at, const QByteArray &dataJson);
std::optional<EventMessage> decodeEvent(const QByteArray &frame, QString *error);

// Reads an operation's arguments strictly: each accessor checks presence, type and range, and
// finish() refuses keys nobody asked for (a misspelt optional argument must not be ignored).
// The first problem is kept; later calls return defaults.
class ArgReader
{
public:
    explicit ArgReader(const QJsonObject &args) : m_args(args) {}

    QString text(const QString &key, qsizetype maxChars);
    std::optional<QString> optionalText(const QString &key, qsizetype maxChars);
    qint64 integer(const QString &key, qint64 min, qint64 max);
    std::optional<qint64> optionalInteger(const QString &key, qint64 min, qint64 max);
    bool boolean(const QString &key);
    // An optional array of 1..maxChars-character texts, at most maxItems of them.
    std::optional<QStringList> optionalTextList(const QString &key, qsizetype maxItems, qsizetype maxChars);
    // A JSON object whose compact encoding is at most maxBytes.
    QJsonObject object(const QString &key, qsizetype maxBytes);

    bool finish();
    bool ok() const { return m_error.isEmpty(); }
    // "args.window: must be a whole number from 1 to 99", ready for a bad_request reply.
    const QString &error() const { return m_error; }

private:
    // The value if present (and marks the key as expected); a missing required key fails.
    std::optional<QJsonValue> take(const QString &key, bool required);
    std::optional<QString> readText(const QString &key, qsizetype maxChars, bool required);
    std::optional<qint64> readInteger(const QString &key, qint64 min, qint64 max, bool required);
    void fail(const QString &key, const QString &why);

    QJsonObject m_args;
    QSet<QString> m_seen;
    QString m_error;
};

} // namespace hall::bus
