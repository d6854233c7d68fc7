#include "board/boardconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace hall::board {

QStringList BoardConfig::defaultSlogans()
{
    // The county brigade's spring campaign, as the article reports it.
    return {
        QStringLiteral("文明交通行动计划 · 春风行动：文明出行，安全出行"),
        QStringLiteral("严禁农用车违法载人"),
        QStringLiteral("一盔一带，安全常在"),
        QStringLiteral("减少六大交通陋习，杜绝六大危险驾驶行为"),
        QStringLiteral("酒后不开车，开车不喝酒"),
    };
}

namespace {

constexpr int kMaxSlogans = 20;
constexpr int kMaxSloganChars = 60; // a longer line scrolls for too long to be read

void readSlogans(bus::SettingsReader &r, const QJsonObject &o, BoardConfig &c)
{
    const QJsonValue v = o.value(QLatin1String("slogans"));
    if (v.isUndefined())
        return;
    if (!v.isArray() || v.toArray().isEmpty() || v.toArray().size() > kMaxSlogans) {
        r.fail(QStringLiteral("slogans"), QStringLiteral("must be a list of 1 to %1 texts").arg(kMaxSlogans));
        return;
    }
    QStringList slogans;
    const QJsonArray a = v.toArray();
    for (int i = 0; i < a.size(); ++i) {
        const QString s = a.at(i).toString().trimmed();
        if (!a.at(i).isString() || s.isEmpty() || s.size() > kMaxSloganChars) {
            r.fail(QStringLiteral("slogans[%1]").arg(i), QStringLiteral("must be a text of 1 to %1 characters").arg(kMaxSloganChars));
            return;
        }
        slogans << s;
    }
    c.slogans = slogans;
}

bool flag(bus::SettingsReader &r, const QJsonObject &o, const QString &key, const QString &path, bool fallback)
{
    const QJsonValue v = o.value(key);
    if (!v.isUndefined() && !v.isBool())
        r.fail(path, QStringLiteral("must be true or false"));
    return v.toBool(fallback);
}

void readVoice(bus::SettingsReader &r, const QJsonObject &o, VoiceSettings &voice)
{
    const QJsonValue v = o.value(QLatin1String("voice"));
    if (v.isUndefined())
        return;
    if (!v.isObject()) {
        r.fail(QStringLiteral("voice"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject vo = v.toObject();
    r.onlyKeys(vo, QStringLiteral("voice"), {QStringLiteral("enabled"), QStringLiteral("volumePercent"), QStringLiteral("repeats"), QStringLiteral("english")});
    voice.enabled = flag(r, vo, QStringLiteral("enabled"), QStringLiteral("voice.enabled"), voice.enabled);
    voice.english = flag(r, vo, QStringLiteral("english"), QStringLiteral("voice.english"), voice.english);
    voice.volume = r.integer(vo, QStringLiteral("volumePercent"), QStringLiteral("voice.volumePercent"), int(voice.volume * 100), 0, 100) / 100.0;
    voice.repeats = r.integer(vo, QStringLiteral("repeats"), QStringLiteral("voice.repeats"), voice.repeats, 1, 3);
}

void readManager(bus::SettingsReader &r, const QJsonObject &o, ManagerSettings &m)
{
    const QJsonValue v = o.value(QLatin1String("manager"));
    if (v.isUndefined())
        return;
    if (!v.isObject()) {
        r.fail(QStringLiteral("manager"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject mo = v.toObject();
    r.onlyKeys(mo, QStringLiteral("manager"), {QStringLiteral("waitNormMinutes"), QStringLiteral("waitNormByService"), QStringLiteral("idleGraceSeconds"),
                                                QStringLiteral("reportRefreshSeconds")});
    m.waitNormMinutes = r.integer(mo, QStringLiteral("waitNormMinutes"), QStringLiteral("manager.waitNormMinutes"), m.waitNormMinutes, 1, 600);
    const QJsonValue byService = mo.value(QLatin1String("waitNormByService"));
    if (!byService.isUndefined() && !byService.isObject())
        r.fail(QStringLiteral("manager.waitNormByService"), QStringLiteral("must be an object of service code: minutes"));
    // The codes are the hall's, which only the server knows: an unknown one is harmless (it never
    // matches) and the board cannot check it here.
    const QJsonObject norms = byService.toObject();
    for (auto it = norms.begin(); it != norms.end(); ++it)
        m.waitNormByService[it.key()] =
            r.integer(norms, it.key(), QStringLiteral("manager.waitNormByService.%1").arg(it.key()), m.waitNormMinutes, 1, 600);
    m.idleGraceSeconds = r.integer(mo, QStringLiteral("idleGraceSeconds"), QStringLiteral("manager.idleGraceSeconds"), m.idleGraceSeconds, 0, 3600);
    m.reportRefreshSeconds = r.integer(mo, QStringLiteral("reportRefreshSeconds"), QStringLiteral("manager.reportRefreshSeconds"), m.reportRefreshSeconds, 10, 3600);
}

} // namespace

BoardConfigResult parseBoardConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir)
{
    bus::SettingsReader r(json, sourceName);
    const QJsonObject &o = r.root();
    BoardConfig c;
    c.slogans = BoardConfig::defaultSlogans();
    bus::readTerminalSettings(r, QDir(baseDir),
                              {QStringLiteral("slogans"), QStringLiteral("recentCalls"), QStringLiteral("idleAfterSeconds"), QStringLiteral("voice"),
                               QStringLiteral("manager")},
                              c);
    readSlogans(r, o, c);
    c.recentCalls = r.integer(o, QStringLiteral("recentCalls"), QStringLiteral("recentCalls"), c.recentCalls, 1, 12);
    c.idleAfterSeconds = r.integer(o, QStringLiteral("idleAfterSeconds"), QStringLiteral("idleAfterSeconds"), c.idleAfterSeconds, 10, 3600);
    readVoice(r, o, c.voice);
    readManager(r, o, c.manager);
    if (r.failed())
        return {std::nullopt, r.error()};
    return {std::move(c), {}};
}

BoardConfigResult loadBoardConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: cannot read: %2").arg(path, f.errorString())};
    return parseBoardConfig(f.readAll(), path, QFileInfo(path).absolutePath());
}

} // namespace hall::board
