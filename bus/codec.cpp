#include "codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <cmath>

namespace hall::bus {

namespace {

// Doubles hold integers exactly up to 2^53; beyond that two seqs could compare equal.
constexpr double kMaxExactInteger = 9007199254740992.0;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<qint64> exactInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > kMaxExactInteger)
        return std::nullopt;
    return qint64(d);
}

// Printable ASCII only: ids end up in logs and in the store's key.
bool isPlainToken(const QByteArray &s)
{
    for (char c : s)
        if (c < 0x21 || c > 0x7e)
            return false;
    return !s.isEmpty();
}

// Parses a frame into an object, checking size, JSON, version and the allowed top-level keys.
std::optional<QJsonObject> envelope(const QByteArray &frame, const QSet<QString> &allowed, Error *error, qsizetype limit = kMaxMessageBytes)
{
    if (frame.size() > limit) {
        *error = {QString::fromLatin1(codes::messageTooLarge),
                  QStringLiteral("message of %1 bytes; the limit is %2").arg(frame.size()).arg(limit)};
        return std::nullopt;
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &parse);
    if (parse.error != QJsonParseError::NoError) {
        *error = {QString::fromLatin1(codes::badRequest),
                  QStringLiteral("not valid JSON at byte %1: %2").arg(parse.offset).arg(parse.errorString())};
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = {QString::fromLatin1(codes::badRequest), QStringLiteral("a message is a JSON object")};
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    const auto version = exactInteger(o.value(QLatin1String("v")));
    if (!version) {
        *error = {QString::fromLatin1(codes::badRequest), QStringLiteral("v: the protocol version is required, a whole number")};
        return std::nullopt;
    }
    if (*version != kProtocolVersion) {
        *error = {QString::fromLatin1(codes::unsupportedVersion),
                  QStringLiteral("protocol version %1; this server speaks %2").arg(*version).arg(kProtocolVersion)};
        return std::nullopt;
    }
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!allowed.contains(it.key())) {
            *error = {QString::fromLatin1(codes::badRequest), QStringLiteral("%1: unknown key").arg(it.key())};
            return std::nullopt;
        }
    return o;
}

std::optional<QString> name(const QJsonObject &o, const char *key, Error *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    const QByteArray s = v.toString().toUtf8();
    if (!v.isString() || !isPlainToken(s) || s.size() > kMaxNameBytes) {
        *error = {QString::fromLatin1(codes::badRequest),
                  QStringLiteral("%1: required, 1 to %2 printable ASCII characters").arg(QLatin1String(key)).arg(kMaxNameBytes)};
        return std::nullopt;
    }
    return v.toString();
}

std::optional<QJsonObject> objectOrEmpty(const QJsonObject &o, const char *key, Error *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return QJsonObject();
    if (!v.isObject()) {
        *error = {QString::fromLatin1(codes::badRequest), QStringLiteral("%1: must be a JSON object").arg(QLatin1String(key))};
        return std::nullopt;
    }
    return v.toObject();
}

} // namespace

// ---- Requests -------------------------------------------------------------------------------

QByteArray encodeRequest(const Request &r)
{
    QJsonObject o{{QLatin1String("v"), kProtocolVersion},
                  {QLatin1String("id"), QString::fromLatin1(r.id)},
                  {QLatin1String("op"), r.op}};
    if (!r.args.isEmpty())
        o.insert(QLatin1String("args"), r.args);
    return compact(o);
}

DecodedRequest decodeRequest(const QByteArray &frame)
{
    DecodedRequest d;
    static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("id"), QStringLiteral("op"), QStringLiteral("args")};
    const auto o = envelope(frame, allowed, &d.error);
    if (!o) {
        // Name the request in the refusal whenever its id can be read, so the client can match
        // the reply (a wrong version or an unknown key is not worth a timeout and a retry).
        if (frame.size() <= kMaxMessageBytes) {
            const QJsonValue id = QJsonDocument::fromJson(frame).object().value(QLatin1String("id"));
            const QByteArray idBytes = id.toString().toUtf8();
            if (id.isString() && isPlainToken(idBytes) && idBytes.size() <= kMaxRequestIdBytes)
                d.id = idBytes;
        }
        return d;
    }
    const QJsonValue id = o->value(QLatin1String("id"));
    const QByteArray idBytes = id.toString().toUtf8();
    if (!id.isString() || !isPlainToken(idBytes) || idBytes.size() > kMaxRequestIdBytes) {
        d.error = {QString::fromLatin1(codes::badRequest),
                   QStringLiteral("id: required, 1 to %1 printable ASCII characters").arg(kMaxRequestIdBytes)};
        return d;
    }
    d.id = idBytes;
    const auto op = name(*o, "op", &d.error);
    if (!op)
        return d;
    const auto args = objectOrEmpty(*o, "args", &d.error);
    if (!args)
        return d;
    d.request = Request{idBytes, *op, *args};
    return d;
}

// ---- Replies --------------------------------------------------------------------------------

QByteArray encodeReply(const Reply &r)
{
    QJsonObject o{{QLatin1String("v"), kProtocolVersion}, {QLatin1String("id"), QString::fromLatin1(r.id)}, {QLatin1String("ok"), r.ok}};
    if (r.ok)
        o.insert(QLatin1String("result"), r.result);
    else
        o.insert(QLatin1String("error"), QJsonObject{{QLatin1String("code"), r.error.code}, {QLatin1String("message"), r.error.message}});
    return compact(o);
}

std::optional<Reply> decodeReply(const QByteArray &frame, QString *error)
{
    Error e;
    static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("id"), QStringLiteral("ok"), QStringLiteral("result"),
                                       QStringLiteral("error")};
    const auto o = envelope(frame, allowed, &e, kMaxServerMessageBytes);
    if (!o) {
        *error = e.message;
        return std::nullopt;
    }
    Reply r;
    const QJsonValue id = o->value(QLatin1String("id"));
    const QJsonValue ok = o->value(QLatin1String("ok"));
    if (!id.isString() || !ok.isBool()) {
        *error = QStringLiteral("a reply needs a string id and a boolean ok");
        return std::nullopt;
    }
    r.id = id.toString().toUtf8();
    r.ok = ok.toBool();
    if (r.ok) {
        const auto result = objectOrEmpty(*o, "result", &e);
        if (!result || o->contains(QLatin1String("error"))) {
            *error = result ? QStringLiteral("a successful reply carries no error") : e.message;
            return std::nullopt;
        }
        r.result = *result;
    } else {
        const QJsonValue err = o->value(QLatin1String("error"));
        const QJsonObject eo = err.toObject();
        if (!err.isObject() || !eo.value(QLatin1String("code")).isString() || !eo.value(QLatin1String("message")).isString()
            || o->contains(QLatin1String("result"))) {
            *error = QStringLiteral("a refusal carries error {code, message} and no result");
            return std::nullopt;
        }
        r.error = {eo.value(QLatin1String("code")).toString(), eo.value(QLatin1String("message")).toString()};
    }
    return r;
}

// ---- Events ---------------------------------------------------------------------------------

QByteArray encodeEvent(const EventMessage &e)
{
    QJsonObject o{{QLatin1String("v"), kProtocolVersion},
                  {QLatin1String("epoch"), e.epoch},
                  {QLatin1String("seq"), e.seq},
                  {QLatin1String("type"), e.type},
                  {QLatin1String("at"), e.at}};
    if (!e.data.isEmpty())
        o.insert(QLatin1String("data"), e.data);
    return compact(o);
}

QByteArray encodeEventRaw(const QByteArray &epoch, qint64 seq, const QByteArray &type, qint64 at, const QByteArray &dataJson)
{
    QByteArray out;
    out.reserve(64 + epoch.size() + type.size() + dataJson.size());
    out += "{\"v\":" + QByteArray::number(kProtocolVersion) + ",\"epoch\":\"" + epoch + "\",\"seq\":" + QByteArray::number(seq)
        + ",\"type\":\"" + type + "\",\"at\":" + QByteArray::number(at) + ",\"data\":" + dataJson + '}';
    return out;
}

std::optional<EventMessage> decodeEvent(const QByteArray &frame, QString *error)
{
    Error e;
    static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("epoch"), QStringLiteral("seq"), QStringLiteral("type"),
                                       QStringLiteral("at"), QStringLiteral("data")};
    const auto o = envelope(frame, allowed, &e, kMaxServerMessageBytes);
    if (!o) {
        *error = e.message;
        return std::nullopt;
    }
    EventMessage m;
    const QJsonValue epoch = o->value(QLatin1String("epoch"));
    const auto seq = exactInteger(o->value(QLatin1String("seq")));
    const auto at = exactInteger(o->value(QLatin1String("at")));
    if (!epoch.isString() || epoch.toString().isEmpty() || !seq || *seq < 0 || !at) {
        *error = QStringLiteral("an event needs a string epoch, a whole seq >= 0 and a whole at");
        return std::nullopt;
    }
    const auto type = name(*o, "type", &e);
    const auto data = type ? objectOrEmpty(*o, "data", &e) : std::nullopt;
    if (!type || !data) {
        *error = e.message;
        return std::nullopt;
    }
    m.epoch = epoch.toString();
    m.seq = *seq;
    m.type = *type;
    m.at = *at;
    m.data = *data;
    return m;
}

// ---- Arguments ------------------------------------------------------------------------------

void ArgReader::fail(const QString &key, const QString &why)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("args.%1: %2").arg(key, why);
}

std::optional<QJsonValue> ArgReader::take(const QString &key, bool required)
{
    m_seen.insert(key);
    const QJsonValue v = m_args.value(key);
    if (v.isUndefined()) {
        if (required)
            fail(key, QStringLiteral("required"));
        return std::nullopt;
    }
    return v;
}

std::optional<QString> ArgReader::readText(const QString &key, qsizetype maxChars, bool required)
{
    const auto taken = take(key, required);
    if (!taken)
        return std::nullopt;
    const QJsonValue &v = *taken;
    if (!v.isString() || v.toString().isEmpty() || v.toString().size() > maxChars) {
        fail(key, QStringLiteral("must be a text of 1 to %1 characters").arg(maxChars));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<qint64> ArgReader::readInteger(const QString &key, qint64 min, qint64 max, bool required)
{
    const auto taken = take(key, required);
    if (!taken)
        return std::nullopt;
    const auto n = exactInteger(*taken);
    if (!n || *n < min || *n > max) {
        fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        return std::nullopt;
    }
    return n;
}

QString ArgReader::text(const QString &key, qsizetype maxChars)
{
    return readText(key, maxChars, true).value_or(QString());
}

std::optional<QString> ArgReader::optionalText(const QString &key, qsizetype maxChars)
{
    return readText(key, maxChars, false);
}

qint64 ArgReader::integer(const QString &key, qint64 min, qint64 max)
{
    return readInteger(key, min, max, true).value_or(min);
}

std::optional<qint64> ArgReader::optionalInteger(const QString &key, qint64 min, qint64 max)
{
    return readInteger(key, min, max, false);
}

bool ArgReader::boolean(const QString &key)
{
    const auto taken = take(key, true);
    if (taken && !taken->isBool())
        fail(key, QStringLiteral("must be true or false"));
    return taken && taken->toBool();
}

std::optional<QStringList> ArgReader::optionalTextList(const QString &key, qsizetype maxItems, qsizetype maxChars)
{
    const auto taken = take(key, false);
    if (!taken)
        return std::nullopt;
    const QString why = QStringLiteral("must be an array of at most %1 texts of 1 to %2 characters").arg(maxItems).arg(maxChars);
    if (!taken->isArray() || taken->toArray().size() > maxItems) {
        fail(key, why);
        return std::nullopt;
    }
    QStringList out;
    for (const QJsonValue v : taken->toArray()) {
        if (!v.isString() || v.toString().isEmpty() || v.toString().size() > maxChars) {
            fail(key, why);
            return std::nullopt;
        }
        out.append(v.toString());
    }
    return out;
}

QJsonObject ArgReader::object(const QString &key, qsizetype maxBytes)
{
    const auto taken = take(key, true);
    if (!taken)
        return {};
    if (!taken->isObject() || compact(taken->toObject()).size() > maxBytes) {
        fail(key, QStringLiteral("must be an object of at most %1 bytes").arg(maxBytes));
        return {};
    }
    return taken->toObject();
}

bool ArgReader::finish()
{
    for (auto it = m_args.begin(); it != m_args.end(); ++it)
        if (!m_seen.contains(it.key()))
            fail(it.key(), QStringLiteral("unknown argument"));
    return ok();
}

} // namespace hall::bus
