#include "bus/settingsreader.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <utility>

namespace hall::bus {

SettingsReader::SettingsReader(const QByteArray &json, QString source, EmptyOptionalText emptyOptional)
    : m_source(std::move(source))
    , m_emptyOptional(emptyOptional)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        m_error = QStringLiteral("%1: not a JSON object (%2 at offset %3)").arg(m_source, parseError.errorString()).arg(parseError.offset);
    else
        m_root = doc.object();
}

void SettingsReader::fail(const QString &key, const QString &why)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("%1: %2: %3").arg(m_source, key, why);
}

void SettingsReader::onlyKeys(const QJsonObject &o, const QString &where, const QSet<QString> &allowed)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!allowed.contains(it.key()))
            fail(where.isEmpty() ? it.key() : where + QLatin1Char('.') + it.key(), QStringLiteral("unknown key"));
}

QString SettingsReader::text(const QJsonObject &o, const QString &key, const QString &path, bool required, const QString &fallback)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        if (required)
            fail(path, QStringLiteral("missing"));
        return fallback;
    }
    const bool mayBeEmpty = !required && m_emptyOptional == EmptyOptionalText::Accept;
    if (!v.isString() || (!mayBeEmpty && v.toString().trimmed().isEmpty())) {
        fail(path, QStringLiteral("must be a non-empty string"));
        return fallback;
    }
    return v.toString();
}

int SettingsReader::integer(const QJsonObject &o, const QString &key, const QString &path, int fallback, int min, int max)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return fallback;
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max) {
        fail(path, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        return fallback;
    }
    return int(d);
}

void readTerminalSettings(SettingsReader &r, const QDir &base, const QSet<QString> &ownKeys, TerminalSettings &into)
{
    const QJsonObject &o = r.root();
    r.onlyKeys(o, {}, ownKeys + QSet<QString>{QStringLiteral("$comment"), QStringLiteral("device"), QStringLiteral("keyFile"), QStringLiteral("server")});
    into.deviceId = r.text(o, QStringLiteral("device"), QStringLiteral("device"), true);
    const QString keyFile = r.text(o, QStringLiteral("keyFile"), QStringLiteral("keyFile"), true);
    if (!keyFile.isEmpty())
        into.keyFile = base.filePath(keyFile);
    const QJsonValue server = o.value(QLatin1String("server"));
    if (!server.isObject()) {
        r.fail(QStringLiteral("server"), QStringLiteral("must be an object with requests, events and publicKeyFile"));
        return;
    }
    const QJsonObject s = server.toObject();
    r.onlyKeys(s, QStringLiteral("server"), {QStringLiteral("requests"), QStringLiteral("events"), QStringLiteral("publicKeyFile")});
    into.requests = r.text(s, QStringLiteral("requests"), QStringLiteral("server.requests"), true).toUtf8();
    into.events = r.text(s, QStringLiteral("events"), QStringLiteral("server.events"), true).toUtf8();
    const QString serverKey = r.text(s, QStringLiteral("publicKeyFile"), QStringLiteral("server.publicKeyFile"), true);
    if (!serverKey.isEmpty())
        into.serverKeyFile = base.filePath(serverKey);
    for (const auto &[key, endpoint] : {std::pair{QStringLiteral("server.requests"), into.requests}, std::pair{QStringLiteral("server.events"), into.events}})
        if (!r.failed() && !endpoint.startsWith("tcp://"))
            r.fail(key, QStringLiteral("must be a tcp:// endpoint"));
}

} // namespace hall::bus
