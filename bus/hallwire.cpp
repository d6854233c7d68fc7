#include "hallwire.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace hall::bus::wire {

using namespace hall::engine;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

void putInt(QJsonObject &o, const char *key, qint64 v)
{
    if (v)
        o.insert(QLatin1String(key), v);
}

void putText(QJsonObject &o, const char *key, const std::string &v)
{
    if (!v.empty())
        o.insert(QLatin1String(key), qs(v));
}

// Reads optional fields of one object and remembers the first type error, so a decoder reads
// like a list of fields instead of a ladder of checks.
class Fields
{
public:
    Fields(const QJsonObject &o, QString where, QString *error) : m_o(o), m_where(std::move(where)), m_error(error) {}

    qint64 integer(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return 0;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 9007199254740992.0) {
            fail(key, QStringLiteral("a whole number"));
            return 0;
        }
        return qint64(d);
    }
    std::string text(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(key, QStringLiteral("text"));
            return {};
        }
        return v.toString().toStdString();
    }
    bool flag(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return false;
        if (!v.isBool())
            fail(key, QStringLiteral("true or false"));
        return v.toBool();
    }
    QJsonArray array(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isArray())
            fail(key, QStringLiteral("an array"));
        return v.toArray();
    }
    QJsonObject object(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isObject())
            fail(key, QStringLiteral("an object"));
        return v.toObject();
    }
    template<typename E>
    E named(const char *key, std::optional<E> (*parse)(const std::string &), E fallback)
    {
        const std::string s = text(key);
        if (s.empty())
            return fallback;
        const auto v = parse(s);
        if (!v)
            fail(key, QStringLiteral("a known value, not \"%1\"").arg(qs(s)));
        return v.value_or(fallback);
    }
    void fail(const char *key, const QString &what)
    {
        if (m_ok && m_error)
            *m_error = QStringLiteral("%1.%2: must be %3").arg(m_where, QLatin1String(key), what);
        m_ok = false;
    }
    bool ok() const { return m_ok; }

private:
    QJsonObject m_o;
    QString m_where;
    QString *m_error;
    bool m_ok = true;
};

std::optional<Ticket> ticketFromJson(const QJsonObject &o, const QString &where, QString *error)
{
    Fields f(o, where, error);
    Ticket t;
    t.id = f.integer("id");
    t.service = f.text("service");
    t.originalService = f.text("originalService");
    if (t.originalService.empty())
        t.originalService = t.service;
    t.number = int(f.integer("number"));
    t.label = f.text("label");
    t.day = int(f.integer("day"));
    t.priority = f.named<Priority>("priority", priorityFromString, Priority::Normal);
    t.status = f.named<TicketStatus>("status", statusFromString, TicketStatus::Waiting);
    t.issuedAt = f.integer("issuedAt");
    t.queuedAt = f.integer("queuedAt");
    if (!t.queuedAt)
        t.queuedAt = t.issuedAt;
    t.calledAt = f.integer("calledAt");
    t.firstCalledAt = f.integer("firstCalledAt");
    t.servingAt = f.integer("servingAt");
    t.endedAt = f.integer("endedAt");
    t.window = int(f.integer("window"));
    t.targetWindow = int(f.integer("targetWindow"));
    t.clerk = f.text("clerk");
    t.recalls = int(f.integer("recalls"));
    t.transfers = int(f.integer("transfers"));
    if (f.ok() && (t.id <= 0 || t.service.empty()))
        f.fail("id", QStringLiteral("present with a service"));
    return f.ok() ? std::optional(t) : std::nullopt;
}

} // namespace

QJsonObject eventData(const Event &e)
{
    QJsonObject o;
    putInt(o, "ticket", e.ticket);
    putInt(o, "window", e.window);
    putText(o, "clerk", e.clerk);
    putText(o, "service", e.service);
    putInt(o, "number", e.number);
    if (e.type == EventType::TicketIssued)
        o.insert(QLatin1String("priority"), QLatin1String(toString(e.priority)));
    putInt(o, "day", e.day);
    putInt(o, "targetWindow", e.targetWindow);
    putInt(o, "recalls", e.recalls);
    putText(o, "rating", e.rating);
    if (!e.tags.empty()) {
        QJsonArray tags;
        for (const auto &t : e.tags)
            tags.append(qs(t));
        o.insert(QLatin1String("tags"), tags);
    }
    putText(o, "device", e.device);
    putInt(o, "due", e.due);
    putInt(o, "followUp", e.followUp);
    putText(o, "note", e.note);
    return o;
}

QByteArray eventDataBytes(const Event &e)
{
    return QJsonDocument(eventData(e)).toJson(QJsonDocument::Compact);
}

std::optional<Event> eventFromData(EventType type, qint64 at, const QJsonObject &data, QString *error)
{
    Fields f(data, QStringLiteral("data"), error);
    Event e;
    e.type = type;
    e.at = at;
    e.ticket = f.integer("ticket");
    e.window = int(f.integer("window"));
    e.clerk = f.text("clerk");
    e.service = f.text("service");
    e.number = int(f.integer("number"));
    e.priority = f.named<Priority>("priority", priorityFromString, Priority::Normal);
    e.day = int(f.integer("day"));
    e.targetWindow = int(f.integer("targetWindow"));
    e.recalls = int(f.integer("recalls"));
    e.rating = f.text("rating");
    for (const QJsonValue v : f.array("tags")) {
        if (!v.isString())
            f.fail("tags", QStringLiteral("an array of text"));
        e.tags.push_back(v.toString().toStdString());
    }
    e.device = f.text("device");
    e.due = f.integer("due");
    e.followUp = f.integer("followUp");
    e.note = f.text("note");
    return f.ok() ? std::optional(e) : std::nullopt;
}

QJsonObject ticketJson(const Ticket &t)
{
    QJsonObject o;
    o.insert(QLatin1String("id"), qint64(t.id));
    o.insert(QLatin1String("service"), qs(t.service));
    if (t.originalService != t.service)
        putText(o, "originalService", t.originalService);
    o.insert(QLatin1String("number"), t.number);
    o.insert(QLatin1String("label"), qs(t.label));
    o.insert(QLatin1String("day"), t.day);
    o.insert(QLatin1String("priority"), QLatin1String(toString(t.priority)));
    o.insert(QLatin1String("status"), QLatin1String(toString(t.status)));
    o.insert(QLatin1String("issuedAt"), qint64(t.issuedAt));
    if (t.queuedAt != t.issuedAt)
        putInt(o, "queuedAt", t.queuedAt);
    putInt(o, "calledAt", t.calledAt);
    putInt(o, "firstCalledAt", t.firstCalledAt);
    putInt(o, "servingAt", t.servingAt);
    putInt(o, "endedAt", t.endedAt);
    putInt(o, "window", t.window);
    putInt(o, "targetWindow", t.targetWindow);
    putText(o, "clerk", t.clerk);
    putInt(o, "recalls", t.recalls);
    putInt(o, "transfers", t.transfers);
    return o;
}

QJsonObject stateJson(const EngineSnapshot &s)
{
    QJsonObject numbers;
    for (const auto &[service, n] : s.lastNumbers)
        numbers.insert(qs(service), n);
    QJsonArray tickets;
    for (const Ticket &t : s.tickets)
        tickets.append(ticketJson(t));
    QJsonArray windows;
    for (const WindowState &w : s.windows) {
        QJsonObject o{{QLatin1String("number"), w.number}};
        putText(o, "clerk", w.clerk);
        if (w.paused)
            o.insert(QLatin1String("paused"), true);
        putInt(o, "current", w.current);
        putInt(o, "openedAt", w.openedAt);
        if (w.rating.ticket != 0) {
            QJsonObject r{{QLatin1String("ticket"), qint64(w.rating.ticket)}, {QLatin1String("openedAt"), qint64(w.rating.openedAt)}};
            putText(r, "clerk", w.rating.clerk);
            if (w.rating.rated)
                r.insert(QLatin1String("rated"), true);
            o.insert(QLatin1String("rating"), r);
        }
        windows.append(o);
    }
    QJsonObject samples;
    for (const auto &[service, seconds] : s.recentServiceSeconds) {
        QJsonArray a;
        for (int v : seconds)
            a.append(v);
        samples.insert(qs(service), a);
    }
    return {{QLatin1String("day"), s.day},
            {QLatin1String("date"), qs(businessDayDate(s.day))},
            {QLatin1String("lastTicketId"), qint64(s.lastTicketId)},
            {QLatin1String("lastNumbers"), numbers},
            {QLatin1String("tickets"), tickets},
            {QLatin1String("windows"), windows},
            {QLatin1String("recentServiceSeconds"), samples}};
}

std::optional<EngineSnapshot> stateFromJson(const QJsonObject &o, QString *error)
{
    Fields f(o, QStringLiteral("state"), error);
    EngineSnapshot s;
    s.day = int(f.integer("day"));
    s.lastTicketId = f.integer("lastTicketId");
    const QJsonObject numbers = f.object("lastNumbers");
    for (auto it = numbers.begin(); it != numbers.end(); ++it) {
        if (!it.value().isDouble())
            f.fail("lastNumbers", QStringLiteral("an object of whole numbers"));
        s.lastNumbers[it.key().toStdString()] = it.value().toInt();
    }
    const QJsonArray tickets = f.array("tickets");
    for (qsizetype i = 0; i < tickets.size() && f.ok(); ++i) {
        const auto t = ticketFromJson(tickets.at(i).toObject(), QStringLiteral("state.tickets[%1]").arg(i), error);
        if (!t)
            return std::nullopt;
        s.tickets.push_back(*t);
    }
    const QJsonArray windows = f.array("windows");
    for (qsizetype i = 0; i < windows.size() && f.ok(); ++i) {
        Fields w(windows.at(i).toObject(), QStringLiteral("state.windows[%1]").arg(i), error);
        WindowState ws;
        ws.number = int(w.integer("number"));
        ws.clerk = w.text("clerk");
        ws.paused = w.flag("paused");
        ws.current = w.integer("current");
        ws.openedAt = w.integer("openedAt");
        const QJsonObject rating = w.object("rating");
        if (!rating.isEmpty()) {
            Fields r(rating, QStringLiteral("state.windows[%1].rating").arg(i), error);
            ws.rating.ticket = r.integer("ticket");
            ws.rating.clerk = r.text("clerk");
            ws.rating.openedAt = r.integer("openedAt");
            ws.rating.rated = r.flag("rated");
            if (!r.ok())
                return std::nullopt;
        }
        if (!w.ok())
            return std::nullopt;
        s.windows.push_back(ws);
    }
    const QJsonObject samples = f.object("recentServiceSeconds");
    for (auto it = samples.begin(); it != samples.end(); ++it) {
        auto &list = s.recentServiceSeconds[it.key().toStdString()];
        for (const QJsonValue v : it.value().toArray())
            list.push_back(v.toInt());
    }
    return f.ok() ? std::optional(s) : std::nullopt;
}

QJsonObject publicConfigJson(const HallConfig &c)
{
    QJsonArray services;
    for (const Service &s : c.services)
        services.append(QJsonObject{{QLatin1String("code"), qs(s.code)},
                                    {QLatin1String("prefix"), QString(QLatin1Char(s.prefix))},
                                    {QLatin1String("nameZh"), qs(s.nameZh)},
                                    {QLatin1String("nameEn"), qs(s.nameEn)},
                                    {QLatin1String("estimatedServiceSeconds"), s.estimatedServiceSeconds},
                                    {QLatin1String("dailyLimit"), s.dailyLimit}});
    QJsonArray windows;
    for (const WindowConfig &w : c.windows) {
        QJsonArray served;
        for (const auto &s : w.services)
            served.append(qs(s));
        windows.append(QJsonObject{{QLatin1String("number"), w.number}, {QLatin1String("name"), qs(w.name)}, {QLatin1String("services"), served}});
    }
    QJsonArray clerks;
    for (const Clerk &k : c.clerks)
        clerks.append(QJsonObject{{QLatin1String("id"), qs(k.id)},
                                  {QLatin1String("name"), qs(k.name)},
                                  {QLatin1String("badge"), qs(k.badge)},
                                  {QLatin1String("role"), qs(k.role)},
                                  {QLatin1String("photo"), qs(k.photo)}});
    QJsonArray reasons;
    for (const RatingReason &r : c.ratings.reasons)
        reasons.append(QJsonObject{{QLatin1String("code"), qs(r.code)}, {QLatin1String("nameZh"), qs(r.nameZh)}, {QLatin1String("nameEn"), qs(r.nameEn)}});
    const QJsonObject ratings{{QLatin1String("scale"), qs(c.ratings.scale)},
                              {QLatin1String("windowSeconds"), c.ratings.windowSeconds},
                              {QLatin1String("starMinVotes"), c.ratings.starMinVotes},
                              {QLatin1String("followUpDays"), c.ratings.followUpDays},
                              {QLatin1String("reasons"), reasons}};
    return {{QLatin1String("hallId"), qs(c.hallId)},
            {QLatin1String("nameZh"), qs(c.nameZh)},
            {QLatin1String("nameEn"), qs(c.nameEn)},
            {QLatin1String("utcOffsetMinutes"), c.utcOffsetMinutes},
            {QLatin1String("dayStartMinutes"), c.dayStartMinutes},
            {QLatin1String("services"), services},
            {QLatin1String("windows"), windows},
            {QLatin1String("clerks"), clerks},
            {QLatin1String("ratings"), ratings}};
}

std::optional<HallConfig> publicConfigFromJson(const QJsonObject &o, QString *error)
{
    Fields f(o, QStringLiteral("config"), error);
    HallConfig c;
    c.hallId = f.text("hallId");
    c.nameZh = f.text("nameZh");
    c.nameEn = f.text("nameEn");
    c.utcOffsetMinutes = int(f.integer("utcOffsetMinutes"));
    c.dayStartMinutes = int(f.integer("dayStartMinutes"));
    const QJsonArray services = f.array("services");
    for (qsizetype i = 0; i < services.size(); ++i) {
        Fields s(services.at(i).toObject(), QStringLiteral("config.services[%1]").arg(i), error);
        Service sv;
        sv.code = s.text("code");
        const std::string prefix = s.text("prefix");
        sv.prefix = prefix.size() == 1 ? prefix[0] : '?';
        sv.nameZh = s.text("nameZh");
        sv.nameEn = s.text("nameEn");
        sv.estimatedServiceSeconds = int(s.integer("estimatedServiceSeconds"));
        sv.dailyLimit = int(s.integer("dailyLimit"));
        if (!s.ok())
            return std::nullopt;
        c.services.push_back(sv);
    }
    const QJsonArray windows = f.array("windows");
    for (qsizetype i = 0; i < windows.size(); ++i) {
        Fields w(windows.at(i).toObject(), QStringLiteral("config.windows[%1]").arg(i), error);
        WindowConfig wc;
        wc.number = int(w.integer("number"));
        wc.name = w.text("name");
        for (const QJsonValue v : w.array("services"))
            wc.services.push_back(v.toString().toStdString());
        if (!w.ok())
            return std::nullopt;
        c.windows.push_back(wc);
    }
    const QJsonArray clerks = f.array("clerks");
    for (qsizetype i = 0; i < clerks.size(); ++i) {
        Fields k(clerks.at(i).toObject(), QStringLiteral("config.clerks[%1]").arg(i), error);
        Clerk cl;
        cl.id = k.text("id");
        cl.name = k.text("name");
        cl.badge = k.text("badge");
        cl.role = k.text("role");
        cl.photo = k.text("photo");
        if (!k.ok())
            return std::nullopt;
        c.clerks.push_back(cl);
    }
    const QJsonObject ratings = f.object("ratings");
    if (!ratings.isEmpty()) {
        Fields r(ratings, QStringLiteral("config.ratings"), error);
        c.ratings.scale = r.text("scale");
        c.ratings.windowSeconds = int(r.integer("windowSeconds"));
        c.ratings.starMinVotes = int(r.integer("starMinVotes"));
        c.ratings.followUpDays = int(r.integer("followUpDays"));
        const QJsonArray reasons = r.array("reasons");
        for (qsizetype i = 0; i < reasons.size(); ++i) {
            Fields t(reasons.at(i).toObject(), QStringLiteral("config.ratings.reasons[%1]").arg(i), error);
            RatingReason reason{t.text("code"), t.text("nameZh"), t.text("nameEn")};
            if (!t.ok())
                return std::nullopt;
            c.ratings.reasons.push_back(reason);
        }
        if (!r.ok())
            return std::nullopt;
    }
    return f.ok() ? std::optional(c) : std::nullopt;
}

QString configVersion(const HallConfig &c)
{
    const QByteArray bytes = QJsonDocument(publicConfigJson(c)).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().left(16));
}

} // namespace hall::bus::wire
