#include "counter/counterconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>

namespace hall::counter {

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

    QString text(const QJsonObject &o, const QString &key, const QString &path, bool required, const QString &fallback = {})
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            if (required)
                fail(path, QStringLiteral("missing"));
            return fallback;
        }
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            fail(path, QStringLiteral("must be a non-empty string"));
            return fallback;
        }
        return v.toString();
    }

    int integer(const QJsonObject &o, const QString &key, const QString &path, int fallback, int min, int max)
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

private:
    QString m_source;
    QString m_error;
};

// The values of the five-level scale include the two-level one's, so a key map that passes
// here may still name a value the hall's scale lacks; the counter finds out once it knows the
// scale (from the server) and reports the keypad as failed.
const QSet<QString> &ratingValues()
{
    static const QSet<QString> values{QStringLiteral("very_satisfied"), QStringLiteral("satisfied"), QStringLiteral("basically_satisfied"),
                                      QStringLiteral("unsatisfied"), QStringLiteral("very_unsatisfied")};
    return values;
}

CounterKeypadConfig keypadConfig(Reader &r, const QJsonObject &k, const QDir &base)
{
    CounterKeypadConfig c;
    c.padKeyFile = base.filePath(r.text(k, QStringLiteral("padKey"), QStringLiteral("keypad.padKey"), true));
    const QJsonValue map = k.value(QLatin1String("keyMap"));
    if (map.isObject()) {
        c.keyMap = map.toObject();
        if (c.keyMap.isEmpty())
            r.fail(QStringLiteral("keypad.keyMap"), QStringLiteral("maps no key"));
        for (auto it = c.keyMap.begin(); it != c.keyMap.end(); ++it) {
            bool ok = false;
            const int key = it.key().toInt(&ok);
            const QString path = QStringLiteral("keypad.keyMap.") + it.key();
            if (!ok || key < 1 || key > 16)
                r.fail(path, QStringLiteral("must be a key number from 1 to 16"));
            else if (!it.value().isString() || !ratingValues().contains(it.value().toString()))
                r.fail(path, QStringLiteral("must be a rating (satisfied, unsatisfied, very_satisfied, basically_satisfied, very_unsatisfied)"));
        }
    } else if (!map.isUndefined()) {
        r.fail(QStringLiteral("keypad.keyMap"), QStringLiteral("must be an object of key number to rating"));
    }
    c.driver = k;
    c.driver.remove(QLatin1String("padKey"));
    c.driver.remove(QLatin1String("keyMap"));
    if (c.driver.isEmpty())
        r.fail(QStringLiteral("keypad"), QStringLiteral("names no keypad driver settings"));
    return c;
}

} // namespace

CounterConfigResult parseCounterConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return {std::nullopt, QStringLiteral("%1: not a JSON object (%2 at offset %3)").arg(sourceName, parseError.errorString()).arg(parseError.offset)};
    const QJsonObject o = doc.object();
    Reader r(sourceName);
    r.onlyKeys(o, {}, {QStringLiteral("$comment"), QStringLiteral("device"), QStringLiteral("keyFile"), QStringLiteral("server"),
                       QStringLiteral("language"), QStringLiteral("messageSeconds"), QStringLiteral("keypad")});
    CounterConfig c;
    const QDir base(baseDir);
    c.deviceId = r.text(o, QStringLiteral("device"), QStringLiteral("device"), true);
    c.keyFile = base.filePath(r.text(o, QStringLiteral("keyFile"), QStringLiteral("keyFile"), true));
    const QJsonValue server = o.value(QLatin1String("server"));
    if (!server.isObject()) {
        r.fail(QStringLiteral("server"), QStringLiteral("must be an object with requests, events and publicKeyFile"));
    } else {
        const QJsonObject s = server.toObject();
        r.onlyKeys(s, QStringLiteral("server"), {QStringLiteral("requests"), QStringLiteral("events"), QStringLiteral("publicKeyFile")});
        c.requests = r.text(s, QStringLiteral("requests"), QStringLiteral("server.requests"), true).toUtf8();
        c.events = r.text(s, QStringLiteral("events"), QStringLiteral("server.events"), true).toUtf8();
        c.serverKeyFile = base.filePath(r.text(s, QStringLiteral("publicKeyFile"), QStringLiteral("server.publicKeyFile"), true));
        for (const auto &[key, endpoint] : {std::pair{QStringLiteral("server.requests"), c.requests}, std::pair{QStringLiteral("server.events"), c.events}})
            if (!r.failed() && !endpoint.startsWith("tcp://"))
                r.fail(key, QStringLiteral("must be a tcp:// endpoint"));
    }
    c.language = r.text(o, QStringLiteral("language"), QStringLiteral("language"), false, c.language);
    if (c.language != QLatin1String("zh") && c.language != QLatin1String("en"))
        r.fail(QStringLiteral("language"), QStringLiteral("must be \"zh\" or \"en\""));
    c.messageSeconds = r.integer(o, QStringLiteral("messageSeconds"), QStringLiteral("messageSeconds"), c.messageSeconds, 2, 600);
    const QJsonValue keypad = o.value(QLatin1String("keypad"));
    if (keypad.isObject())
        c.keypad = keypadConfig(r, keypad.toObject(), base);
    else if (!keypad.isUndefined() && !keypad.isNull())
        r.fail(QStringLiteral("keypad"), QStringLiteral("must be an object (or null for a counter without a keypad)"));
    if (r.failed())
        return {std::nullopt, r.error()};
    return {std::move(c), {}};
}

CounterConfigResult loadCounterConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: cannot read: %2").arg(path, f.errorString())};
    return parseCounterConfig(f.readAll(), path, QFileInfo(path).absolutePath());
}

} // namespace hall::counter
