#include "counter/counterconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace hall::counter {

namespace {

// The values of the five-level scale include the two-level one's, so a key map that passes
// here may still name a value the hall's scale lacks; the counter finds out once it knows the
// scale (from the server) and reports the keypad as failed.
const QSet<QString> &ratingValues()
{
    static const QSet<QString> values{QStringLiteral("very_satisfied"), QStringLiteral("satisfied"), QStringLiteral("basically_satisfied"),
                                      QStringLiteral("unsatisfied"), QStringLiteral("very_unsatisfied")};
    return values;
}

CounterKeypadConfig keypadConfig(bus::SettingsReader &r, const QJsonObject &k, const QDir &base)
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
    bus::SettingsReader r(json, sourceName);
    const QJsonObject &o = r.root();
    CounterConfig c;
    const QDir base(baseDir);
    bus::readTerminalSettings(r, base, {QStringLiteral("language"), QStringLiteral("messageSeconds"), QStringLiteral("keypad")}, c);
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
