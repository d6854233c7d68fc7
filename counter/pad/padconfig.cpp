#include "counter/pad/padconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace hall::pad {

namespace {

class Reader
{
public:
    explicit Reader(QString source) : m_source(std::move(source)) {}

    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const QString &key, const QString &why)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: %2: %3").arg(m_source, key, why);
    }

    void onlyKeys(const QJsonObject &o, const QString &where, const QSet<QString> &allowed)
    {
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!allowed.contains(it.key()))
                fail(where.isEmpty() ? it.key() : where + QLatin1Char('.') + it.key(), QStringLiteral("unknown key"));
    }

    QString text(const QJsonObject &o, const QString &key, const QString &path, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            if (required)
                fail(path, QStringLiteral("missing"));
            return {};
        }
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            fail(path, QStringLiteral("must be a non-empty string"));
            return {};
        }
        return v.toString();
    }

    int integer(const QJsonObject &o, const QString &key, int fallback, int min, int max)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(-1e300);
        if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max) {
            fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
            return fallback;
        }
        return int(d);
    }

private:
    QString m_source;
    QString m_error;
};

} // namespace

PadConfigResult parsePadConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return {std::nullopt, QStringLiteral("%1: not a JSON object (%2 at offset %3)").arg(sourceName, parseError.errorString()).arg(parseError.offset)};
    const QJsonObject o = doc.object();
    Reader r(sourceName);
    r.onlyKeys(o, {}, {QStringLiteral("$comment"), QStringLiteral("device"), QStringLiteral("keyFile"), QStringLiteral("server"), QStringLiteral("photoDir"),
                       QStringLiteral("thanksSeconds"), QStringLiteral("reasonSeconds")});
    PadConfig c;
    const QDir base(baseDir);
    c.deviceId = r.text(o, QStringLiteral("device"), QStringLiteral("device"), true);
    const QString keyFile = r.text(o, QStringLiteral("keyFile"), QStringLiteral("keyFile"), true);
    if (!keyFile.isEmpty())
        c.keyFile = base.filePath(keyFile);
    const QJsonValue server = o.value(QLatin1String("server"));
    if (!server.isObject()) {
        r.fail(QStringLiteral("server"), QStringLiteral("must be an object with requests, events and publicKeyFile"));
    } else {
        const QJsonObject s = server.toObject();
        r.onlyKeys(s, QStringLiteral("server"), {QStringLiteral("requests"), QStringLiteral("events"), QStringLiteral("publicKeyFile")});
        c.requests = r.text(s, QStringLiteral("requests"), QStringLiteral("server.requests"), true).toUtf8();
        c.events = r.text(s, QStringLiteral("events"), QStringLiteral("server.events"), true).toUtf8();
        const QString serverKey = r.text(s, QStringLiteral("publicKeyFile"), QStringLiteral("server.publicKeyFile"), true);
        if (!serverKey.isEmpty())
            c.serverKeyFile = base.filePath(serverKey);
        for (const auto &[key, endpoint] : {std::pair{QStringLiteral("server.requests"), c.requests}, std::pair{QStringLiteral("server.events"), c.events}})
            if (!r.failed() && !endpoint.startsWith("tcp://"))
                r.fail(key, QStringLiteral("must be a tcp:// endpoint"));
    }
    const QString photoDir = r.text(o, QStringLiteral("photoDir"), QStringLiteral("photoDir"), false);
    if (!photoDir.isEmpty())
        c.photoDir = QDir::cleanPath(base.filePath(photoDir));
    c.thanksSeconds = r.integer(o, QStringLiteral("thanksSeconds"), c.thanksSeconds, 2, 60);
    c.reasonSeconds = r.integer(o, QStringLiteral("reasonSeconds"), c.reasonSeconds, 3, 60);
    if (r.failed())
        return {std::nullopt, r.error()};
    return {std::move(c), {}};
}

PadConfigResult loadPadConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: cannot read: %2").arg(path, f.errorString())};
    return parsePadConfig(f.readAll(), path, QFileInfo(path).absolutePath());
}

} // namespace hall::pad
