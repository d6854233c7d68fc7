#include "counter/pad/padcontroller.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QTimeZone>
#include <QUrl>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcPad, "hall.pad.screen")

namespace hall::pad {

namespace {
constexpr int kTickMs = 250;
// The chips are sent this long before the vote closes, so a slow visitor's vote still counts.
constexpr qint64 kReasonMarginMs = 2000;
constexpr int kHelloRetryMs = 3000;
constexpr int kStarsRefreshMs = 5 * 60 * 1000; // the week's figures move with other windows' votes too
constexpr int kStarsRetryMs = 30 * 1000;
constexpr int kMaxTags = 5; // docs/protocol.md section 8

struct ScaleValue {
    const char *value;
    const char *zh;
    const char *en;
};
constexpr ScaleValue kTwo[] = {{"satisfied", "满意", "Satisfied"}, {"unsatisfied", "不满意", "Unsatisfied"}};
constexpr ScaleValue kFive[] = {{"very_satisfied", "非常满意", "Very satisfied"},
                                {"satisfied", "满意", "Satisfied"},
                                {"basically_satisfied", "基本满意", "Fairly satisfied"},
                                {"unsatisfied", "不满意", "Unsatisfied"},
                                {"very_unsatisfied", "非常不满意", "Very unsatisfied"}};

QString initialsOf(const QString &name)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return QStringLiteral("?");
    // Chinese names: the given name, as DingTalk and WeChat Work draw their avatars; Latin
    // names: the first letters of the first two words.
    if (n.at(0).unicode() >= 0x2e80) {
        return n.size() >= 3 ? n.right(2) : n;
    }
    const QStringList words = n.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString out;
    for (const QString &w : words.mid(0, 2))
        out += w.at(0).toUpper();
    return out;
}

// Codes after which the same vote can never be taken: the pad stops offering it.
bool finalRefusal(const QString &code)
{
    return code != QLatin1String(bus::clientcodes::unreachable) && code != QLatin1String("internal_error");
}

} // namespace

PadController::PadController(const PadConfig &config, bus::HallClient &client, bus::HallState &state, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_client(client)
    , m_state(state)
{
    m_stars = {{QStringLiteral("available"), false}};
    connect(&m_state, &bus::HallState::syncedChanged, this, &PadController::updateOnline);
    connect(&m_state, &bus::HallState::onlineChanged, this, &PadController::updateOnline);
    connect(&m_state, &bus::HallState::resynced, this, [this] {
        // The mirror was replaced: the configuration (scale, reasons, clerks) may be new, and a
        // restarted server may have moved this pad to another window.
        askWhoAmI();
        Q_EMIT hallChanged();
        updateClerk();
        refreshStars();
        evaluate();
    });
    connect(&m_state, &bus::HallState::eventApplied, this, &PadController::onEvent);
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &PadController::tick);
    m_tick.start();
    m_helloRetry.setSingleShot(true);
    connect(&m_helloRetry, &QTimer::timeout, this, &PadController::askWhoAmI);
    m_starsTimer.setSingleShot(true);
    connect(&m_starsTimer, &QTimer::timeout, this, &PadController::refreshStars);
    askWhoAmI();
    updateOnline();
}

PadController::~PadController() = default;

void PadController::askWhoAmI()
{
    if (m_asking)
        return;
    m_asking = true;
    m_client.request(QStringLiteral("hello"), {}, this, [this](const bus::Reply &reply) {
        m_asking = false;
        if (!reply.ok) {
            qCWarning(lcPad).noquote() << "hello:" << reply.error.code << reply.error.message;
            m_helloRetry.start(kHelloRetryMs);
            return;
        }
        const int window = reply.result.value(QLatin1String("window")).toInt();
        if (reply.result.value(QLatin1String("role")).toString() != QLatin1String("pad") || window <= 0)
            qCCritical(lcPad).noquote() << "this key is registered as" << reply.result.value(QLatin1String("role")).toString()
                                        << "for window" << window << "; a pad needs a pad key of one window";
        if (window != m_window) {
            qCInfo(lcPad) << "pad of window" << window;
            m_window = window;
            Q_EMIT hallChanged();
            updateClerk();
            refreshStars();
        }
        updateOnline();
    });
}

void PadController::updateOnline()
{
    // Not synced() as well: a resnapshot (a config reload, a gap) keeps the last mirror, and a
    // visitor on the rating page should not see "offline" flash for it.
    const bool online = m_state.online() && m_state.engine() && m_window > 0;
    if (online != m_online) {
        m_online = online;
        qCInfo(lcPad) << (online ? "the hall server is reachable" : "the hall server is unreachable");
        Q_EMIT onlineChanged();
        Q_EMIT hallChanged();
        if (online) {
            updateClerk();
            refreshStars();
        }
    }
    evaluate();
}

QString PadController::windowName() const
{
    const auto *engine = m_state.engine();
    if (const auto *w = engine ? engine->config().window(m_window) : nullptr; w && !w->name.empty())
        return QString::fromStdString(w->name);
    return m_window > 0 ? QStringLiteral("%1号窗口").arg(m_window) : QString();
}

QString PadController::scale() const
{
    const auto *engine = m_state.engine();
    return engine ? QString::fromStdString(engine->config().ratings.scale) : QStringLiteral("two");
}

QVariantList PadController::options() const
{
    QVariantList out;
    const bool five = scale() == QLatin1String("five");
    const auto add = [&](const ScaleValue *values, int n) {
        for (int i = 0; i < n; ++i) {
            const QString v = QString::fromLatin1(values[i].value);
            // Levels run 0 (best) to 4 (worst) on both scales, so two-level buttons take the
            // colours of the five-level scale's ends.
            out << QVariantMap{{QStringLiteral("value"), v},
                               {QStringLiteral("zh"), QString::fromUtf8(values[i].zh)},
                               {QStringLiteral("en"), QString::fromLatin1(values[i].en)},
                               {QStringLiteral("satisfied"), isSatisfied(v)},
                               {QStringLiteral("level"), n == 5 ? i : i * 4}};
        }
    };
    if (five)
        add(kFive, 5);
    else
        add(kTwo, 2);
    return out;
}

QVariantList PadController::reasons() const
{
    QVariantList out;
    if (const auto *engine = m_state.engine())
        for (const auto &r : engine->config().ratings.reasons)
            out << QVariantMap{{QStringLiteral("code"), QString::fromStdString(r.code)},
                               {QStringLiteral("zh"), QString::fromStdString(r.nameZh)},
                               {QStringLiteral("en"), QString::fromStdString(r.nameEn.empty() ? r.nameZh : r.nameEn)}};
    return out;
}

bool PadController::isSatisfied(const QString &value) const
{
    return engine::RatingRules::isSatisfied(value.toStdString());
}

qint64 PadController::serverNow() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_state.serverTimeOffsetMs();
}

double PadController::clockOffsetMs() const
{
    const auto *engine = m_state.engine();
    const QTimeZone hall(engine ? engine->config().utcOffsetMinutes * 60 : 8 * 3600);
    const qint64 localZoneMs = qint64(QDateTime::currentDateTime().offsetFromUtc()) * 1000;
    const qint64 hallZoneMs = qint64(hall.offsetFromUtc(QDateTime::currentDateTimeUtc())) * 1000;
    return double(m_state.serverTimeOffsetMs() + hallZoneMs - localZoneMs);
}

void PadController::setPage(const QString &page)
{
    if (page == m_page)
        return;
    qCInfo(lcPad).noquote() << "page" << m_page << "->" << page;
    m_page = page;
    if (page == QLatin1String("reasons") || page == QLatin1String("thanks") || page == QLatin1String("notice"))
        m_pageClock.start();
    Q_EMIT pageChanged();
    updateClerk();
    tick();
}

void PadController::setBusy(bool busy)
{
    if (busy != m_busy) {
        m_busy = busy;
        Q_EMIT busyChanged();
    }
}

void PadController::setChosen(const QString &value)
{
    if (value != m_chosen) {
        m_chosen = value;
        Q_EMIT chosenChanged();
    }
}

void PadController::setSecondsLeft(int s)
{
    if (s != m_secondsLeft) {
        m_secondsLeft = s;
        Q_EMIT secondsLeftChanged();
    }
}

void PadController::evaluate()
{
    // A visitor in the middle of a vote keeps their page: the reasons they are picking, the vote
    // on its way, the thanks or the refusal they are reading. tick() ends those.
    if (m_busy || m_page == QLatin1String("reasons") || m_page == QLatin1String("thanks") || m_page == QLatin1String("notice"))
        return;
    const auto *engine = m_state.engine();
    const auto *w = m_online && engine ? engine->window(m_window) : nullptr;
    if (!m_online || !engine) {
        setPage(QStringLiteral("offline"));
        return;
    }
    if (w && w->rating.ticket != 0 && !w->rating.rated && w->rating.ticket != m_doneTicket
        && serverNow() < engine->ratingUntil(w->rating.openedAt)) {
        if (m_slotTicket != w->rating.ticket) {
            m_slotTicket = w->rating.ticket;
            m_selected.clear();
            Q_EMIT selectedReasonsChanged();
            setChosen({});
            const engine::Ticket *t = engine->ticket(m_slotTicket);
            qCInfo(lcPad).noquote() << "visitor" << (t ? QString::fromStdString(t->label) : QString::number(m_slotTicket)) << "may rate";
        }
        m_slotClerk = QString::fromStdString(w->rating.clerk);
        m_slotUntil = engine->ratingUntil(w->rating.openedAt);
        setPage(QStringLiteral("rating"));
        return;
    }
    if (m_page == QLatin1String("rating") && m_slotTicket != 0 && m_slotTicket != m_doneTicket)
        qCInfo(lcPad) << "the time to rate ran out without a vote";
    m_slotTicket = 0;
    const QString pausedReason = !w || w->clerk.empty() ? QStringLiteral("closed") : w->paused ? QStringLiteral("paused") : QString();
    if (pausedReason != m_pausedReason) {
        m_pausedReason = pausedReason;
        Q_EMIT pageChanged();
    }
    setPage(pausedReason.isEmpty() ? QStringLiteral("idle") : QStringLiteral("paused"));
}

void PadController::tick()
{
    if (m_page == QLatin1String("rating")) {
        evaluate(); // the vote may have closed (by the server's clock; nothing is published then)
        // Our estimate of the server's clock lags by the snapshot's trip: never more than the
        // hall's window on screen.
        if (const auto *engine = m_state.engine(); engine && m_page == QLatin1String("rating"))
            setSecondsLeft(int(std::clamp<qint64>((m_slotUntil - serverNow() + 999) / 1000, 0, engine->config().ratings.windowSeconds)));
        return;
    }
    if (m_page == QLatin1String("reasons")) {
        const qint64 left = m_pageMs - m_pageClock.elapsed();
        setSecondsLeft(int(std::max<qint64>(0, (left + 999) / 1000)));
        if (left <= 0 && !m_busy) {
            qCInfo(lcPad) << "reasons not confirmed in time; sending the vote with what was picked";
            submitReasons();
        }
        return;
    }
    if (m_page == QLatin1String("thanks") || m_page == QLatin1String("notice")) {
        const qint64 left = m_pageMs - m_pageClock.elapsed();
        setSecondsLeft(int(std::max<qint64>(0, (left + 999) / 1000)));
        if (left <= 0) {
            setChosen({});
            m_notice.clear();
            m_page = QStringLiteral("-"); // released: evaluate() picks what comes next
            evaluate();
        }
        return;
    }
    setSecondsLeft(0);
}

void PadController::press(const QString &value)
{
    if (m_page != QLatin1String("rating") || m_busy) {
        qCInfo(lcPad).noquote() << "press on" << value << "ignored on page" << m_page << (m_busy ? "(a vote is on its way)" : "");
        return;
    }
    bool known = false;
    for (const QVariant &o : options())
        known = known || o.toMap().value(QStringLiteral("value")).toString() == value;
    if (!known) {
        qCWarning(lcPad).noquote() << "press on" << value << "ignored: not on the hall's scale";
        return;
    }
    setChosen(value);
    if (!isSatisfied(value) && !reasons().isEmpty()) {
        // The press is the vote; the chips only add to it. There is no way back to satisfied.
        m_selected.clear();
        Q_EMIT selectedReasonsChanged();
        restartReasonCountdown();
        setPage(QStringLiteral("reasons"));
        return;
    }
    submit(value, {});
}

void PadController::restartReasonCountdown()
{
    m_pageClock.start();
    const qint64 beforeClose = m_slotUntil - kReasonMarginMs - serverNow();
    m_pageMs = std::clamp<qint64>(beforeClose, 0, qint64(m_config.reasonSeconds) * 1000);
}

void PadController::toggleReason(const QString &code)
{
    if (m_page != QLatin1String("reasons") || m_busy)
        return;
    bool known = false;
    for (const QVariant &r : reasons())
        known = known || r.toMap().value(QStringLiteral("code")).toString() == code;
    if (!known)
        return;
    if (m_selected.contains(code))
        m_selected.removeAll(code);
    else if (m_selected.size() < kMaxTags)
        m_selected << code;
    else
        return;
    Q_EMIT selectedReasonsChanged();
    restartReasonCountdown(); // a visitor still choosing gets their time again
    tick();
}

void PadController::submitReasons()
{
    if (m_page != QLatin1String("reasons") || m_busy)
        return;
    submit(m_chosen, m_selected);
}

void PadController::skipReasons()
{
    if (m_page != QLatin1String("reasons") || m_busy)
        return;
    m_selected.clear();
    Q_EMIT selectedReasonsChanged();
    submit(m_chosen, {});
}

void PadController::submit(const QString &value, const QStringList &tags)
{
    const qint64 ticket = m_slotTicket;
    QJsonObject args{{QStringLiteral("rating"), value}, {QStringLiteral("ticket"), ticket}};
    if (!tags.isEmpty())
        args.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
    qCInfo(lcPad).noquote() << "vote" << value << (tags.isEmpty() ? QString() : tags.join(QLatin1Char(','))) << "for ticket" << ticket;
    setBusy(true);
    m_client.request(QStringLiteral("rating.submit"), args, this,
                     [this, ticket, value](const bus::Reply &reply) { onSubmitted(reply, ticket, value); });
}

void PadController::onSubmitted(const bus::Reply &reply, qint64 ticket, const QString &value)
{
    setBusy(false);
    m_pageMs = qint64(m_config.thanksSeconds) * 1000;
    if (reply.ok) {
        m_doneTicket = ticket;
        setChosen(value);
        setPage(QStringLiteral("thanks"));
        refreshStars();
        return;
    }
    const QString code = reply.error.code;
    qCWarning(lcPad).noquote() << "vote for ticket" << ticket << "not taken:" << code << reply.error.message;
    if (finalRefusal(code))
        m_doneTicket = ticket;
    m_notice = code;
    // Reading a refusal in two languages takes longer than a thank-you.
    m_pageMs += 2000;
    setPage(QStringLiteral("notice"));
}

QVariantMap PadController::clerkInfo(const QString &id) const
{
    const auto *engine = m_state.engine();
    const engine::Clerk *c = engine && !id.isEmpty() ? engine->config().clerk(id.toStdString()) : nullptr;
    if (!c)
        return {};
    const QString name = QString::fromStdString(c->name);
    QString photo;
    if (!c->photo.empty() && !m_config.photoDir.isEmpty()) {
        const QString path = QDir(m_config.photoDir).filePath(QString::fromStdString(c->photo));
        // A photo that cannot be read gets the initials, never somebody else's face.
        if (QFileInfo(path).isReadable() && QImageReader(path).canRead())
            photo = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString();
        else
            qCWarning(lcPad).noquote() << "photo of" << name << "unreadable:" << path;
    }
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("badge"), QString::fromStdString(c->badge)},
            {QStringLiteral("photo"), photo},
            {QStringLiteral("initials"), initialsOf(name)}};
}

void PadController::updateClerk()
{
    const auto *engine = m_state.engine();
    const auto *w = engine ? engine->window(m_window) : nullptr;
    const QString signedIn = w ? QString::fromStdString(w->clerk) : QString();
    if (signedIn != m_windowClerk) {
        m_windowClerk = signedIn;
        m_stars = {{QStringLiteral("available"), false}};
        Q_EMIT starsChanged();
        refreshStars();
    }
    const bool voting = m_page == QLatin1String("rating") || m_page == QLatin1String("reasons") || m_page == QLatin1String("thanks")
        || m_page == QLatin1String("notice");
    const QVariantMap info = clerkInfo(voting && !m_slotClerk.isEmpty() ? m_slotClerk : signedIn);
    if (info != m_clerk) {
        m_clerk = info;
        Q_EMIT clerkChanged();
    }
}

void PadController::onEvent(const engine::Event &e)
{
    if (e.type == engine::EventType::TicketRated && (e.window == m_window || QString::fromStdString(e.clerk) == m_windowClerk))
        refreshStars();
    if (e.window == m_window || e.type == engine::EventType::DayStarted)
        updateClerk();
    evaluate();
}

void PadController::refreshStars()
{
    if (!m_online || m_windowClerk.isEmpty())
        return;
    if (m_starsInFlight) {
        m_starsAgain = true;
        return;
    }
    m_starsInFlight = true;
    m_starsTimer.stop();
    // No `clerk` argument: the server answers for whoever is signed in at this pad's window.
    m_client.request(QStringLiteral("ratings.clerk"), {}, this, [this](const bus::Reply &reply) { onStars(reply); });
}

void PadController::onStars(const bus::Reply &reply)
{
    m_starsInFlight = false;
    if (m_starsAgain) {
        m_starsAgain = false;
        refreshStars();
        return;
    }
    if (!reply.ok) {
        // unknown_operation: a server from before the ratings; window_not_open: signed out meanwhile.
        qCInfo(lcPad).noquote() << "no stars this time:" << reply.error.code << reply.error.message;
        m_starsTimer.start(kStarsRetryMs);
        return;
    }
    ++m_starsRefreshes;
    m_starsTimer.start(kStarsRefreshMs);
    const QString id = reply.result.value(QLatin1String("clerk")).toObject().value(QLatin1String("id")).toString();
    if (id != m_windowClerk)
        return; // about the clerk before a change of shift; the new one's figures are on their way
    const QJsonObject week = reply.result.value(QLatin1String("week")).toObject();
    const int votes = week.value(QLatin1String("ratings")).toInt();
    const int satisfied = week.value(QLatin1String("satisfied")).toInt();
    const double share = votes > 0 ? double(satisfied) / double(votes) : 0.0;
    QVariantMap stars{{QStringLiteral("available"), true},
                      {QStringLiteral("votes"), votes},
                      {QStringLiteral("satisfied"), satisfied},
                      {QStringLiteral("percent"), int(std::lround(share * 100.0))},
                      {QStringLiteral("stars"), std::round(share * 10.0) / 2.0},
                      {QStringLiteral("serviceStar"), week.value(QLatin1String("rank")).toInt() == 1},
                      {QStringLiteral("lastWeekStar"), reply.result.value(QLatin1String("lastWeekStar")).toBool()}};
    if (stars != m_stars) {
        m_stars = stars;
        Q_EMIT starsChanged();
    }
}

} // namespace hall::pad
