#include "hallconfig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <sodium.h>

#include <cmath>

Q_LOGGING_CATEGORY(lcConfig, "hall.server.config")

namespace hall::config {

using namespace hall::engine;

namespace {

// Thrown with the key path and reason of the first problem; parse() turns it into the message.
struct Invalid {
    QString key;
    QString reason;
};

QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(v.toDouble());
    case QJsonValue::String: return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: return QStringLiteral("nothing");
    }
    return QString();
}

class Reader
{
public:
    Reader(const QJsonObject &o, QString path, std::initializer_list<const char *> allowed)
        : m_o(o)
        , m_path(std::move(path))
    {
        QSet<QString> known;
        for (const char *k : allowed)
            known.insert(QLatin1String(k));
        for (auto it = m_o.begin(); it != m_o.end(); ++it) {
            if (!known.contains(it.key()))
                throw Invalid{key(it.key()), QStringLiteral("unknown key (allowed: %1)").arg(QStringList(known.values()).join(QStringLiteral(", ")))};
        }
    }

    QString key(const QString &k) const { return m_path.isEmpty() ? k : m_path + QLatin1Char('.') + k; }

    bool has(const char *k) const { return m_o.contains(QLatin1String(k)); }

    QJsonValue required(const char *k) const
    {
        if (!has(k))
            throw Invalid{key(QLatin1String(k)), QStringLiteral("missing")};
        return m_o.value(QLatin1String(k));
    }

    QString string(const char *k, bool optional = false, const QString &fallback = QString()) const
    {
        if (optional && !has(k))
            return fallback;
        const QJsonValue v = required(k);
        if (!v.isString())
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be a string, got %1").arg(describe(v))};
        return v.toString();
    }

    double number(const char *k, double min, double max, bool optional = false, double fallback = 0) const
    {
        if (optional && !has(k))
            return fallback;
        const QJsonValue v = required(k);
        if (!v.isDouble())
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be a number, got %1").arg(describe(v))};
        const double d = v.toDouble();
        if (!(d >= min && d <= max))
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be between %1 and %2, got %3").arg(min).arg(max).arg(d)};
        return d;
    }

    int integer(const char *k, int min, int max, bool optional = false, int fallback = 0) const
    {
        const double d = number(k, min, max, optional, fallback);
        if (d != std::floor(d))
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be a whole number, got %1").arg(d)};
        return int(d);
    }

    QJsonArray array(const char *k) const
    {
        const QJsonValue v = required(k);
        if (!v.isArray())
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be an array, got %1").arg(describe(v))};
        return v.toArray();
    }

    QJsonObject object(const char *k) const
    {
        const QJsonValue v = required(k);
        if (!v.isObject())
            throw Invalid{key(QLatin1String(k)), QStringLiteral("must be an object, got %1").arg(describe(v))};
        return v.toObject();
    }

private:
    QJsonObject m_o;
    QString m_path;
};

QJsonObject objectAt(const QJsonArray &a, int i, const QString &path)
{
    if (!a.at(i).isObject())
        throw Invalid{QStringLiteral("%1[%2]").arg(path).arg(i), QStringLiteral("must be an object, got %1").arg(describe(a.at(i)))};
    return a.at(i).toObject();
}

// The reasons halls give most often for 不满意, used when the file lists none.
std::vector<RatingReason> defaultReasons()
{
    return {{"wait_long", "等候时间长", "Long wait"},
            {"attitude", "服务态度差", "Unfriendly"},
            {"slow", "办事效率低", "Slow service"},
            {"unclear", "解释不清楚", "Unclear explanation"},
            {"other", "其他", "Other"}};
}

void names(const Reader &r, const char *k, std::string *zh, std::string *en)
{
    const Reader n(r.object(k), r.key(QLatin1String(k)), {"zh", "en"});
    const QString z = n.string("zh");
    if (z.trimmed().isEmpty())
        throw Invalid{n.key(QStringLiteral("zh")), QStringLiteral("must not be empty")};
    *zh = z.toStdString();
    *en = n.string("en", true, z).toStdString();
}

HallConfig parseRoot(const QJsonObject &root)
{
    const Reader r(root, QString(), {"formatVersion", "hall", "services", "windows", "clerks", "ratings", "signs", "$comment"});
    const int version = r.integer("formatVersion", 1, 1000);
    if (version != 1)
        throw Invalid{QStringLiteral("formatVersion"), QStringLiteral("this hall-server reads format 1, got %1").arg(version)};

    HallConfig c;
    {
        const Reader h(r.object("hall"), QStringLiteral("hall"), {"id", "name", "utcOffsetMinutes", "dayStartsAt"});
        const QString id = h.string("id");
        if (!QRegularExpression(QStringLiteral("^[a-z0-9][a-z0-9-]{0,63}$")).match(id).hasMatch())
            throw Invalid{h.key(QStringLiteral("id")), QStringLiteral("must be 1-64 lowercase letters, digits or '-', got \"%1\"").arg(id)};
        c.hallId = id.toStdString();
        names(h, "name", &c.nameZh, &c.nameEn);
        c.utcOffsetMinutes = h.integer("utcOffsetMinutes", -720, 840, true, 480);
        const QString start = h.string("dayStartsAt", true, QStringLiteral("04:00"));
        const auto m = QRegularExpression(QStringLiteral("^([01][0-9]|2[0-3]):([0-5][0-9])$")).match(start);
        if (!m.hasMatch())
            throw Invalid{h.key(QStringLiteral("dayStartsAt")), QStringLiteral("must be a time \"HH:MM\", got \"%1\"").arg(start)};
        c.dayStartMinutes = m.captured(1).toInt() * 60 + m.captured(2).toInt();
    }

    const QJsonArray services = r.array("services");
    if (services.isEmpty())
        throw Invalid{QStringLiteral("services"), QStringLiteral("a hall needs at least one service")};
    QSet<QString> codes;
    QSet<QChar> prefixes;
    for (int i = 0; i < services.size(); ++i) {
        const QString path = QStringLiteral("services[%1]").arg(i);
        const Reader s(objectAt(services, i, QStringLiteral("services")), path,
                       {"code", "prefix", "name", "estimatedServiceMinutes", "dailyLimit"});
        Service svc;
        const QString code = s.string("code");
        if (!QRegularExpression(QStringLiteral("^[A-Z][A-Z0-9_]{0,15}$")).match(code).hasMatch())
            throw Invalid{s.key(QStringLiteral("code")), QStringLiteral("must be 1-16 of A-Z, 0-9, '_' starting with a letter, got \"%1\"").arg(code)};
        if (codes.contains(code))
            throw Invalid{s.key(QStringLiteral("code")), QStringLiteral("\"%1\" is used by another service").arg(code)};
        codes.insert(code);
        const QString prefix = s.string("prefix");
        if (prefix.size() != 1 || prefix.at(0) < QLatin1Char('A') || prefix.at(0) > QLatin1Char('Z'))
            throw Invalid{s.key(QStringLiteral("prefix")), QStringLiteral("must be one letter A-Z, got \"%1\"").arg(prefix)};
        if (prefixes.contains(prefix.at(0)))
            throw Invalid{s.key(QStringLiteral("prefix")), QStringLiteral("\"%1\" is used by another service: ticket numbers would clash").arg(prefix)};
        prefixes.insert(prefix.at(0));
        svc.code = code.toStdString();
        svc.prefix = char(prefix.at(0).toLatin1());
        names(s, "name", &svc.nameZh, &svc.nameEn);
        svc.estimatedServiceSeconds = int(std::lround(s.number("estimatedServiceMinutes", 0.5, 240, true, 10) * 60));
        // Printed numbers have three digits.
        svc.dailyLimit = s.integer("dailyLimit", 1, 999, true, 999);
        c.services.push_back(std::move(svc));
    }

    const QJsonArray windows = r.array("windows");
    if (windows.isEmpty())
        throw Invalid{QStringLiteral("windows"), QStringLiteral("a hall needs at least one window")};
    QSet<int> numbers;
    for (int i = 0; i < windows.size(); ++i) {
        const QString path = QStringLiteral("windows[%1]").arg(i);
        const Reader w(objectAt(windows, i, QStringLiteral("windows")), path, {"number", "name", "services"});
        WindowConfig win;
        win.number = w.integer("number", 1, 999);
        if (numbers.contains(win.number))
            throw Invalid{w.key(QStringLiteral("number")), QStringLiteral("window %1 is defined twice").arg(win.number)};
        numbers.insert(win.number);
        win.name = w.string("name", true, QStringLiteral("%1号窗口").arg(win.number)).toStdString();
        const QJsonArray list = w.array("services");
        if (list.isEmpty())
            throw Invalid{w.key(QStringLiteral("services")), QStringLiteral("a window must serve at least one service")};
        QSet<QString> seen;
        for (int j = 0; j < list.size(); ++j) {
            const QString key = w.key(QStringLiteral("services[%1]").arg(j));
            if (!list.at(j).isString())
                throw Invalid{key, QStringLiteral("must be a service code, got %1").arg(describe(list.at(j)))};
            const QString code = list.at(j).toString();
            if (!codes.contains(code))
                throw Invalid{key, QStringLiteral("unknown service \"%1\"").arg(code)};
            if (seen.contains(code))
                throw Invalid{key, QStringLiteral("\"%1\" is listed twice").arg(code)};
            seen.insert(code);
            win.services.push_back(code.toStdString());
        }
        c.windows.push_back(std::move(win));
    }
    for (const auto &svc : c.services) {
        bool served = false;
        for (const auto &w : c.windows)
            served = served || std::find(w.services.begin(), w.services.end(), svc.code) != w.services.end();
        if (!served)
            throw Invalid{QStringLiteral("windows"), QStringLiteral("no window serves service \"%1\": its visitors would wait forever").arg(QString::fromStdString(svc.code))};
    }

    const QJsonArray clerks = r.array("clerks");
    QSet<QString> ids, badges;
    for (int i = 0; i < clerks.size(); ++i) {
        const QString path = QStringLiteral("clerks[%1]").arg(i);
        const Reader k(objectAt(clerks, i, QStringLiteral("clerks")), path, {"id", "name", "badge", "pinHash", "role", "photo"});
        Clerk clerk;
        const QString id = k.string("id");
        if (!QRegularExpression(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,31}$")).match(id).hasMatch())
            throw Invalid{k.key(QStringLiteral("id")), QStringLiteral("must be 1-32 lowercase letters, digits, '_' or '-', got \"%1\"").arg(id)};
        if (ids.contains(id))
            throw Invalid{k.key(QStringLiteral("id")), QStringLiteral("\"%1\" is used by another clerk").arg(id)};
        ids.insert(id);
        const QString name = k.string("name");
        if (name.trimmed().isEmpty())
            throw Invalid{k.key(QStringLiteral("name")), QStringLiteral("must not be empty")};
        const QString badge = k.string("badge");
        if (!QRegularExpression(QStringLiteral("^[0-9A-Za-z]{4,12}$")).match(badge).hasMatch())
            throw Invalid{k.key(QStringLiteral("badge")), QStringLiteral("must be 4-12 letters or digits, got \"%1\"").arg(badge)};
        if (badges.contains(badge))
            throw Invalid{k.key(QStringLiteral("badge")), QStringLiteral("badge %1 belongs to another clerk").arg(badge)};
        badges.insert(badge);
        const QString hash = k.string("pinHash");
        if (!isArgon2idHash(hash.toStdString()))
            throw Invalid{k.key(QStringLiteral("pinHash")),
                          QStringLiteral("must be an argon2id hash (\"$argon2id$...\"; make one with 'hallctl hash-pin'), never a plain PIN")};
        const QString role = k.string("role", true, QStringLiteral("clerk"));
        if (role != QLatin1String("clerk") && role != QLatin1String("accident_officer") && role != QLatin1String("manager"))
            throw Invalid{k.key(QStringLiteral("role")), QStringLiteral("must be clerk, accident_officer or manager, got \"%1\"").arg(role)};
        clerk.id = id.toStdString();
        clerk.name = name.toStdString();
        clerk.badge = badge.toStdString();
        clerk.pinHash = hash.toStdString();
        clerk.role = role.toStdString();
        clerk.photo = k.string("photo", true).toStdString();
        c.clerks.push_back(std::move(clerk));
    }

    if (r.has("ratings")) {
        const Reader g(r.object("ratings"), QStringLiteral("ratings"), {"scale", "windowSeconds", "starMinVotes", "followUpDays", "reasons"});
        const QString scale = g.string("scale", true, QStringLiteral("two"));
        if (scale != QLatin1String("two") && scale != QLatin1String("five"))
            throw Invalid{g.key(QStringLiteral("scale")), QStringLiteral("must be \"two\" (满意 / 不满意) or \"five\" (the national five levels), got \"%1\"").arg(scale)};
        c.ratings.scale = scale.toStdString();
        c.ratings.windowSeconds = g.integer("windowSeconds", 10, 900, true, 120);
        c.ratings.starMinVotes = g.integer("starMinVotes", 1, 1000, true, 10);
        c.ratings.followUpDays = g.integer("followUpDays", 0, 30, true, 3);
        if (g.has("reasons")) {
            const QJsonArray reasons = g.array("reasons");
            QSet<QString> seen;
            for (int i = 0; i < reasons.size(); ++i) {
                const Reader t(objectAt(reasons, i, QStringLiteral("ratings.reasons")), QStringLiteral("ratings.reasons[%1]").arg(i), {"code", "name"});
                const QString code = t.string("code");
                if (!QRegularExpression(QStringLiteral("^[a-z][a-z0-9_]{0,31}$")).match(code).hasMatch())
                    throw Invalid{t.key(QStringLiteral("code")), QStringLiteral("must be 1-32 of a-z, 0-9, '_' starting with a letter, got \"%1\"").arg(code)};
                if (seen.contains(code))
                    throw Invalid{t.key(QStringLiteral("code")), QStringLiteral("\"%1\" is used by another reason").arg(code)};
                seen.insert(code);
                RatingReason reason;
                reason.code = code.toStdString();
                names(t, "name", &reason.nameZh, &reason.nameEn);
                c.ratings.reasons.push_back(std::move(reason));
            }
            if (reasons.size() > 12)
                throw Invalid{g.key(QStringLiteral("reasons")), QStringLiteral("at most 12 reasons fit on a pad, got %1").arg(reasons.size())};
        } else {
            c.ratings.reasons = defaultReasons();
        }
    } else {
        c.ratings.reasons = defaultReasons();
    }
    return c;
}

SignsConfig parseSigns(const QJsonObject &root, const HallConfig &hall)
{
    SignsConfig c;
    if (!root.contains(QLatin1String("signs")))
        return c;
    const Reader top(root, QString(), {"formatVersion", "hall", "services", "windows", "clerks", "ratings", "signs", "$comment"});
    const Reader r(top.object("signs"), QStringLiteral("signs"),
                   {"enabled", "port", "baud", "ackTimeoutMs", "retries", "probeIntervalMs", "clockSyncMinutes", "brightness",
                    "texts", "windows", "$comment"});
    if (r.has("enabled")) {
        const QJsonValue v = r.required("enabled");
        if (!v.isBool())
            throw Invalid{r.key(QStringLiteral("enabled")), QStringLiteral("must be true or false, got %1").arg(describe(v))};
        c.enabled = v.toBool();
    } else {
        c.enabled = true;
    }
    c.port = r.string("port");
    if (c.port.isEmpty())
        throw Invalid{r.key(QStringLiteral("port")), QStringLiteral("must name the RS-485 adapter's serial port, e.g. \"/dev/ttyUSB1\"")};
    c.baud = r.integer("baud", 1200, 921600, true, 9600);
    c.ackTimeoutMs = r.integer("ackTimeoutMs", 20, 5000, true, 300);
    c.retries = r.integer("retries", 0, 5, true, 1);
    c.probeIntervalMs = r.integer("probeIntervalMs", 500, 600000, true, 5000);
    c.clockSyncMinutes = r.integer("clockSyncMinutes", 0, 1440, true, 60);
    c.brightness = r.integer("brightness", 0, 100, true, -1);
    static const QRegularExpression placeholder(QStringLiteral("\\{([^}]*)\\}"));
    auto text = [](const Reader &t, const char *k, const QString &fallback) {
        const QString v = t.string(k, true, fallback);
        if (v.trimmed().isEmpty() || v.size() > 64)
            throw Invalid{t.key(QLatin1String(k)), QStringLiteral("must be 1..64 characters")};
        for (auto it = placeholder.globalMatch(v); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (name != QLatin1String("ticket") && name != QLatin1String("window") && name != QLatin1String("name"))
                throw Invalid{t.key(QLatin1String(k)), QStringLiteral("unknown placeholder {%1} (known: {ticket}, {window}, {name})").arg(name)};
        }
        for (const QChar ch : v)
            if (ch.unicode() < 0x20)
                throw Invalid{t.key(QLatin1String(k)), QStringLiteral("must not contain control characters")};
        return v;
    };
    if (r.has("texts")) {
        const Reader t(r.object("texts"), r.key(QStringLiteral("texts")), {"call", "serving", "idle", "paused"});
        c.callText = text(t, "call", c.callText);
        c.servingText = text(t, "serving", c.servingText);
        c.idleText = text(t, "idle", c.idleText);
        c.pausedText = text(t, "paused", c.pausedText);
    }
    const QJsonArray windows = r.array("windows");
    if (windows.isEmpty())
        throw Invalid{r.key(QStringLiteral("windows")), QStringLiteral("must list at least one window's sign")};
    QSet<int> seenWindows, seenAddresses;
    for (int i = 0; i < windows.size(); ++i) {
        const QString path = QStringLiteral("signs.windows[%1]").arg(i);
        const Reader w(objectAt(windows, i, QStringLiteral("signs.windows")), path, {"window", "address", "idleText"});
        SignWindowConfig sw;
        sw.window = w.integer("window", 1, 999);
        if (!hall.window(sw.window))
            throw Invalid{w.key(QStringLiteral("window")), QStringLiteral("there is no window %1 in \"windows\"").arg(sw.window)};
        if (seenWindows.contains(sw.window))
            throw Invalid{w.key(QStringLiteral("window")), QStringLiteral("window %1 has a sign already").arg(sw.window)};
        sw.address = w.integer("address", 1, 247);
        if (seenAddresses.contains(sw.address))
            throw Invalid{w.key(QStringLiteral("address")), QStringLiteral("address %1 is used by another window's sign").arg(sw.address)};
        if (w.has("idleText"))
            sw.idleText = text(w, "idleText", {});
        seenWindows.insert(sw.window);
        seenAddresses.insert(sw.address);
        c.windows.push_back(std::move(sw));
    }
    return c;
}

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

} // namespace

LoadResult parse(const QByteArray &json, const QString &sourceName)
{
    LoadResult result;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        // Report a line number: operators edit this file by hand.
        const int line = int(json.left(err.offset).count('\n')) + 1;
        result.error = QStringLiteral("%1: line %2: not valid JSON: %3").arg(sourceName).arg(line).arg(err.errorString());
        return result;
    }
    if (!doc.isObject()) {
        result.error = QStringLiteral("%1: (top level): must be a JSON object").arg(sourceName);
        return result;
    }
    try {
        HallConfig config = parseRoot(doc.object());
        result.signs = parseSigns(doc.object(), config);
        result.config = std::move(config);
    } catch (const Invalid &invalid) {
        result.error = QStringLiteral("%1: %2: %3").arg(sourceName, invalid.key, invalid.reason);
    }
    return result;
}

LoadResult loadFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        LoadResult r;
        r.error = QStringLiteral("%1: cannot read: %2").arg(path, f.errorString());
        return r;
    }
    return parse(f.readAll(), path);
}

bool isArgon2idHash(const std::string &hash)
{
    if (!sodiumReady() || hash.rfind("$argon2id$", 0) != 0)
        return false;
    // needs_rehash returns -1 for a string it cannot parse; 0 and 1 are both well-formed hashes.
    return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != -1;
}

QString hashPin(const QString &pin)
{
    if (!sodiumReady())
        return QString();
    const QByteArray bytes = pin.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, bytes.constData(), quint64(bytes.size()), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return QString(); // out of memory
    return QString::fromLatin1(out);
}

bool verifyPin(const std::string &hash, const QString &pin)
{
    if (!sodiumReady())
        return false;
    const QByteArray bytes = pin.toUtf8();
    return crypto_pwhash_str_verify(hash.c_str(), bytes.constData(), quint64(bytes.size())) == 0;
}

} // namespace hall::config
