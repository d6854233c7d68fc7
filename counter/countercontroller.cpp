#include "counter/countercontroller.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/keypadbridge.h"
#include "counter/waitinglistmodel.h"

#include <QDateTime>
#include <QJsonObject>

#include <cmath>

Q_LOGGING_CATEGORY(lcCounter, "hall.counter.screen")

namespace hall::counter {

using namespace hall::engine;

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// ratings.clerk again after a refusal that may pass (the server is being upgraded, or busy).
constexpr int kStatsRetryMs = 60000;
// The longest a screen waits for its own change to reach the mirror before taking input again.
constexpr int kBusyGuardMs = 6000;
// Waited minutes in the list move on by themselves this often.
constexpr int kWaitingRefreshTicks = 15;

int percent(qint64 satisfied, qint64 ratings)
{
    return ratings > 0 ? int(std::lround(100.0 * double(satisfied) / double(ratings))) : -1;
}
} // namespace

CounterController::CounterController(const CounterConfig &config, bus::HallClient &client, bus::HallState &state, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_client(client)
    , m_state(state)
    , m_waiting(new WaitingListModel(&state, 0, this))
    , m_language(config.language)
{
    m_satisfaction = {{QStringLiteral("available"), false}};
    m_lastRating = {{QStringLiteral("state"), QStringLiteral("none")}};
    connect(&m_state, &bus::HallState::changed, this, &CounterController::refresh);
    connect(&m_state, &bus::HallState::onlineChanged, this, &CounterController::refresh);
    connect(&m_state, &bus::HallState::syncedChanged, this, &CounterController::refresh);
    connect(&m_state, &bus::HallState::resynced, this, [this] {
        // Whatever we were waiting for is in this snapshot or never happened.
        m_awaitSeq = 0;
        setBusy(false);
        Q_EMIT hallChanged();
        fetchSatisfaction();
    });
    connect(&m_state, &bus::HallState::eventApplied, this, [this](const Event &e) { onEvent(e); });
    m_busyGuard.setSingleShot(true);
    m_busyGuard.setInterval(kBusyGuardMs);
    connect(&m_busyGuard, &QTimer::timeout, this, [this] {
        qCWarning(lcCounter) << "the mirror did not reach seq" << m_awaitSeq << "in time; taking input again";
        m_awaitSeq = 0;
        setBusy(false);
    });
    m_messageTimer.setSingleShot(true);
    connect(&m_messageTimer, &QTimer::timeout, this, &CounterController::clearMessage);
    m_statsRetry.setSingleShot(true);
    m_statsRetry.setInterval(kStatsRetryMs);
    connect(&m_statsRetry, &QTimer::timeout, this, &CounterController::fetchSatisfaction);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        updateElapsed();
        updateLastRating();
        if (++m_ticks % kWaitingRefreshTicks == 0)
            m_waiting->refresh(serverNowMs());
    });
    m_tick.start();
    refresh();
}

CounterController::~CounterController() = default;

void CounterController::setKeypad(KeypadBridge *bridge)
{
    m_keypad = bridge;
    if (bridge)
        connect(bridge, &KeypadBridge::statusChanged, this, &CounterController::keypadStatusChanged);
    Q_EMIT keypadStatusChanged();
}

QString CounterController::keypadStatus() const
{
    if (!m_config.keypad)
        return QStringLiteral("none");
    return m_keypad ? m_keypad->status() : QStringLiteral("unknown");
}

QAbstractItemModel *CounterController::waiting() const
{
    return m_waiting;
}

int CounterController::waitingCount() const
{
    return m_waiting->count();
}

void CounterController::setLanguage(const QString &language)
{
    if (language == m_language || (language != QLatin1String("zh") && language != QLatin1String("en")))
        return;
    m_language = language;
    Q_EMIT languageChanged();
    Q_EMIT hallChanged();
}

QString CounterController::hallName() const
{
    const auto *engine = m_state.engine();
    if (!engine)
        return {};
    const auto &c = engine->config();
    return qs(m_language == QLatin1String("en") && !c.nameEn.empty() ? c.nameEn : c.nameZh);
}

QString CounterController::windowName() const
{
    const auto *engine = m_state.engine();
    const WindowConfig *w = engine && m_window ? engine->config().window(m_window) : nullptr;
    return w ? qs(w->name) : QString();
}

QTimeZone CounterController::hallZone() const
{
    const auto *engine = m_state.engine();
    return QTimeZone(engine ? engine->config().utcOffsetMinutes * 60 : 8 * 3600);
}

double CounterController::clockOffsetMs() const
{
    const qint64 localZoneMs = qint64(QDateTime::currentDateTime().offsetFromUtc()) * 1000;
    const qint64 hallZoneMs = qint64(hallZone().offsetFromUtc(QDateTime::currentDateTimeUtc())) * 1000;
    return double(m_state.serverTimeOffsetMs() + hallZoneMs - localZoneMs);
}

qint64 CounterController::serverNowMs() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_state.serverTimeOffsetMs();
}

// ---- from the mirror ------------------------------------------------------------------------

void CounterController::refresh()
{
    const Engine *e = m_state.engine();
    // The server's registry says which window this terminal is; the settings file does not.
    if (e) {
        const bus::DeviceInfo *me = m_state.device(m_config.deviceId);
        const int window = me ? me->window : 0;
        if (window != m_window) {
            qCInfo(lcCounter) << "this counter is window" << window;
            m_window = window;
            m_waiting->setWindow(window);
            Q_EMIT hallChanged();
        }
    }
    const WindowState *w = e && m_window ? e->window(m_window) : nullptr;

    QVariantMap clerk;
    if (w && !w->clerk.empty()) {
        const Clerk *c = e->config().clerk(w->clerk);
        clerk = {{QStringLiteral("id"), qs(w->clerk)},
                 {QStringLiteral("name"), c ? qs(c->name) : qs(w->clerk)},
                 {QStringLiteral("badge"), c ? qs(c->badge) : QString()}};
    }
    if (clerk != m_clerk) {
        const bool someoneElse = clerk.value(QStringLiteral("id")) != m_clerk.value(QStringLiteral("id"));
        m_clerk = clerk;
        Q_EMIT clerkChanged();
        if (someoneElse) {
            m_satisfaction = {{QStringLiteral("available"), false}};
            Q_EMIT statsChanged();
            if (!m_clerk.isEmpty())
                fetchSatisfaction();
        }
    }

    QVariantMap current{{QStringLiteral("ticketId"), qlonglong(0)}};
    const Ticket *t = w && w->current ? e->ticket(w->current) : nullptr;
    if (t) {
        const Service *s = e->config().service(t->service);
        current = {{QStringLiteral("ticketId"), qlonglong(t->id)},
                   {QStringLiteral("label"), qs(t->label)},
                   {QStringLiteral("service"), qs(t->service)},
                   {QStringLiteral("serviceZh"), s ? qs(s->nameZh) : qs(t->service)},
                   {QStringLiteral("serviceEn"), s ? qs(s->nameEn.empty() ? s->nameZh : s->nameEn) : qs(t->service)},
                   {QStringLiteral("status"), QString::fromLatin1(toString(t->status))},
                   {QStringLiteral("priority"), QString::fromLatin1(toString(t->priority))},
                   {QStringLiteral("recalls"), t->recalls},
                   {QStringLiteral("transfers"), t->transfers}};
    }
    m_currentId = t ? t->id : 0;
    if (current != m_current) {
        m_current = current;
        Q_EMIT currentChanged();
    }
    updateElapsed();

    int served = 0;
    if (e && !m_clerk.isEmpty()) {
        const std::string me = m_clerk.value(QStringLiteral("id")).toString().toStdString();
        for (const auto &[id, ticket] : e->tickets())
            if (ticket.status == TicketStatus::Finished && ticket.day == e->today() && ticket.clerk == me)
                ++served;
    }
    if (served != m_servedToday) {
        m_servedToday = served;
        Q_EMIT statsChanged();
    }

    const int waitingBefore = m_waiting->count();
    m_waiting->refresh(serverNowMs());
    if (m_waiting->count() != waitingBefore)
        Q_EMIT waitingCountChanged();

    QVariantList services, windows;
    if (e) {
        for (const Service &s : e->config().services)
            services.append(QVariantMap{{QStringLiteral("code"), qs(s.code)},
                                        {QStringLiteral("prefix"), QString(QLatin1Char(s.prefix))},
                                        {QStringLiteral("nameZh"), qs(s.nameZh)},
                                        {QStringLiteral("nameEn"), qs(s.nameEn.empty() ? s.nameZh : s.nameEn)},
                                        {QStringLiteral("waiting"), e->waitingCount(s.code)},
                                        {QStringLiteral("isCurrent"), t && t->service == s.code}});
        for (const WindowConfig &wc : e->config().windows) {
            if (wc.number == m_window)
                continue;
            const WindowState *ws = e->window(wc.number);
            QStringList names;
            for (const auto &code : wc.services)
                if (const Service *s = e->config().service(code))
                    names << qs(s->nameZh);
            windows.append(QVariantMap{{QStringLiteral("number"), wc.number},
                                       {QStringLiteral("name"), qs(wc.name)},
                                       {QStringLiteral("open"), ws && !ws->clerk.empty()},
                                       {QStringLiteral("paused"), ws && ws->paused},
                                       {QStringLiteral("services"), names.join(QStringLiteral("、"))}});
        }
    }
    if (services != m_services || windows != m_windows) {
        m_services = services;
        m_windows = windows;
        Q_EMIT servicesChanged();
    }

    updateLastRating();
    if (m_awaitSeq && m_state.seq() >= m_awaitSeq) {
        m_awaitSeq = 0;
        setBusy(false);
    }
    updateState();
}

void CounterController::updateState()
{
    const bool online = m_state.online() && m_state.synced() && m_state.engine() && m_window > 0;
    const WindowState *w = online ? m_state.engine()->window(m_window) : nullptr;
    QString name;
    if (!online)
        name = QStringLiteral("offline");
    else if (m_signingIn)
        name = QStringLiteral("signingIn");
    else if (m_clerk.isEmpty())
        name = QStringLiteral("signedOut");
    else if (w && w->paused)
        name = QStringLiteral("paused");
    else
        name = QStringLiteral("open");
    if (online == m_online && name == m_stateName)
        return;
    if (online != m_online)
        qCInfo(lcCounter) << (online ? "the hall server is reachable" : "the hall server is unreachable");
    if (name != m_stateName)
        qCInfo(lcCounter).noquote() << "state" << m_stateName << "->" << name;
    m_online = online;
    m_stateName = name;
    Q_EMIT stateChanged();
}

void CounterController::updateElapsed()
{
    int elapsed = 0;
    if (const Engine *e = m_state.engine(); e && m_currentId) {
        if (const Ticket *t = e->ticket(m_currentId)) {
            const Millis since = t->status == TicketStatus::Serving && t->servingAt ? t->servingAt : t->calledAt;
            if (since > 0)
                elapsed = int(std::max<qint64>(0, serverNowMs() - since) / 1000);
        }
    }
    if (elapsed != m_elapsed) {
        m_elapsed = elapsed;
        Q_EMIT elapsedChanged();
    }
}

void CounterController::updateLastRating()
{
    QVariantMap r{{QStringLiteral("state"), QStringLiteral("none")}};
    const Engine *e = m_state.engine();
    const WindowState *w = e && m_window ? e->window(m_window) : nullptr;
    if (w && w->rating.ticket) {
        const Ticket *t = e->ticket(w->rating.ticket);
        const qint64 left = e->ratingUntil(w->rating.openedAt) - serverNowMs();
        QString state = QStringLiteral("closed");
        if (w->rating.rated)
            state = QStringLiteral("rated");
        else if (left > 0)
            state = QStringLiteral("open");
        const auto vote = m_votes.find(w->rating.ticket);
        r = {{QStringLiteral("state"), state},
             {QStringLiteral("ticketId"), qlonglong(w->rating.ticket)},
             {QStringLiteral("label"), t ? qs(t->label) : QString()},
             {QStringLiteral("rating"), vote != m_votes.end() ? vote->second : QString()},
             // Our clock and the server's differ by a few ms: never more than the whole window.
             {QStringLiteral("secondsLeft"), state == QLatin1String("open") ? int((std::min<qint64>(left, e->ratingUntil(0)) + 999) / 1000) : 0}};
    }
    if (r != m_lastRating) {
        m_lastRating = r;
        Q_EMIT lastRatingChanged();
    }
}

void CounterController::onEvent(const Event &e)
{
    const QString me = m_clerk.value(QStringLiteral("id")).toString();
    if (e.type == EventType::TicketRated) {
        if (e.window == m_window) {
            m_votes[e.ticket] = qs(e.rating);
            while (m_votes.size() > 64)
                m_votes.erase(m_votes.begin());
            updateLastRating();
        }
        if (!me.isEmpty() && qs(e.clerk) == me)
            fetchSatisfaction();
    } else if (e.type == EventType::TicketFinished && !me.isEmpty() && qs(e.clerk) == me) {
        fetchSatisfaction(); // this week's services, and a day that began
    }
}

// ---- satisfaction ---------------------------------------------------------------------------

void CounterController::refreshSatisfaction()
{
    fetchSatisfaction();
}

void CounterController::fetchSatisfaction()
{
    if (m_clerk.isEmpty())
        return;
    if (m_statsInFlight) {
        m_statsAgain = true;
        return;
    }
    m_statsInFlight = true;
    m_statsRetry.stop();
    m_client.request(QStringLiteral("ratings.clerk"), {}, this, [this](const bus::Reply &reply) { onSatisfaction(reply); });
}

void CounterController::onSatisfaction(const bus::Reply &reply)
{
    m_statsInFlight = false;
    if (m_statsAgain) {
        m_statsAgain = false;
        fetchSatisfaction();
        return;
    }
    if (!reply.ok) {
        // unknown_operation: a server older than the ratings; the rest of the screen works and
        // the figures appear once it is upgraded.
        qCInfo(lcCounter).noquote() << "no satisfaction figures:" << reply.error.code << reply.error.message;
        if (m_satisfaction.value(QStringLiteral("available")).toBool() && reply.error.code == QLatin1String(bus::clientcodes::unreachable)) {
            m_statsRetry.start(); // keep the last figures while the server is away
            return;
        }
        m_satisfaction = {{QStringLiteral("available"), false}, {QStringLiteral("error"), reply.error.code}};
        Q_EMIT statsChanged();
        if (!m_clerk.isEmpty())
            m_statsRetry.start();
        return;
    }
    const QJsonObject clerk = reply.result.value(QLatin1String("clerk")).toObject();
    if (clerk.value(QLatin1String("id")).toString() != m_clerk.value(QStringLiteral("id")).toString())
        return; // the figures of whoever was signed in when it was asked
    const QJsonObject today = reply.result.value(QLatin1String("today")).toObject();
    const QJsonObject week = reply.result.value(QLatin1String("week")).toObject();
    const qint64 todayRatings = today.value(QLatin1String("ratings")).toInteger();
    const qint64 todaySatisfied = today.value(QLatin1String("satisfied")).toInteger();
    const qint64 weekRatings = week.value(QLatin1String("ratings")).toInteger();
    const qint64 weekSatisfied = week.value(QLatin1String("satisfied")).toInteger();
    m_satisfaction = {{QStringLiteral("available"), true},
                      {QStringLiteral("todayRatings"), todayRatings},
                      {QStringLiteral("todaySatisfied"), todaySatisfied},
                      {QStringLiteral("todayPercent"), percent(todaySatisfied, todayRatings)},
                      {QStringLiteral("weekRatings"), weekRatings},
                      {QStringLiteral("weekSatisfied"), weekSatisfied},
                      {QStringLiteral("weekPercent"), percent(weekSatisfied, weekRatings)},
                      {QStringLiteral("weekServices"), week.value(QLatin1String("services")).toInteger()},
                      {QStringLiteral("qualified"), week.value(QLatin1String("qualified")).toBool()},
                      {QStringLiteral("rank"), week.value(QLatin1String("rank")).toInt()},
                      {QStringLiteral("ranked"), week.value(QLatin1String("ranked")).toInt()},
                      {QStringLiteral("lastWeekStar"), reply.result.value(QLatin1String("lastWeekStar")).toBool()}};
    Q_EMIT statsChanged();
}

// ---- actions --------------------------------------------------------------------------------

void CounterController::setBusy(bool busy)
{
    if (busy)
        m_busyGuard.start();
    else
        m_busyGuard.stop();
    if (!busy && m_signingIn) {
        m_signingIn = false;
        updateState();
    }
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void CounterController::awaitSeq(qint64 seq)
{
    // The reply comes before the event: until the mirror shows the change, the screen still
    // shows the old visitor, and another key press would act on it.
    if (seq <= 0 || m_state.seq() >= seq) {
        setBusy(false);
        return;
    }
    m_awaitSeq = seq;
}

void CounterController::showMessage(const QString &code, const QString &action, const QString &kind, const QString &arg)
{
    m_message = code;
    m_messageAction = action;
    m_messageKind = kind;
    m_messageArg = arg;
    ++m_messageSerial;
    m_messageTimer.start(m_config.messageSeconds * 1000);
    Q_EMIT messageChanged();
}

void CounterController::clearMessage()
{
    m_messageTimer.stop();
    if (m_message.isEmpty())
        return;
    m_message.clear();
    m_messageAction.clear();
    m_messageKind.clear();
    m_messageArg.clear();
    ++m_messageSerial;
    Q_EMIT messageChanged();
}

void CounterController::act(const QString &action, const QString &op, QJsonObject args, bool withTicket, OnOk onOk)
{
    if (m_busy) {
        qCInfo(lcCounter).noquote() << action << "ignored: the last action is still on its way";
        return;
    }
    if (!m_online) {
        showMessage(QStringLiteral("offline"), action, QStringLiteral("refusal"));
        return;
    }
    if (withTicket) {
        if (!m_currentId) {
            showMessage(QStringLiteral("no_current_ticket"), action, QStringLiteral("refusal"));
            return;
        }
        args.insert(QStringLiteral("ticket"), m_currentId);
    }
    clearMessage();
    setBusy(true);
    const QString label = m_current.value(QStringLiteral("label")).toString();
    qCInfo(lcCounter).noquote() << action << (withTicket ? label : QString());
    m_client.request(op, args, this, [this, action, label, onOk](const bus::Reply &reply) {
        if (!reply.ok) {
            qCInfo(lcCounter).noquote() << action << "refused:" << reply.error.code << reply.error.message;
            setBusy(false);
            showMessage(reply.error.code, action, QStringLiteral("refusal"), label);
            return;
        }
        if (onOk)
            onOk(reply);
        awaitSeq(reply.result.value(QLatin1String("seq")).toInteger());
    });
}

void CounterController::signIn(const QString &badge, const QString &pin)
{
    if (m_busy || !m_clerk.isEmpty())
        return;
    if (badge.trimmed().isEmpty() || pin.isEmpty()) {
        showMessage(QStringLiteral("missing_credentials"), QStringLiteral("signIn"), QStringLiteral("refusal"));
        return;
    }
    if (!m_online) {
        showMessage(QStringLiteral("offline"), QStringLiteral("signIn"), QStringLiteral("refusal"));
        return;
    }
    act(QStringLiteral("signIn"), QStringLiteral("clerk.signIn"), {{QStringLiteral("badge"), badge.trimmed()}, {QStringLiteral("pin"), pin}}, false);
    m_signingIn = m_busy;
    updateState();
}

void CounterController::signOut()
{
    act(QStringLiteral("signOut"), QStringLiteral("clerk.signOut"), {}, false);
}

void CounterController::callNext()
{
    act(QStringLiteral("callNext"), QStringLiteral("window.callNext"), {}, false);
}

void CounterController::recall()
{
    act(QStringLiteral("recall"), QStringLiteral("window.recall"), {}, true, [this](const bus::Reply &reply) {
        showMessage(QStringLiteral("recalled"), QStringLiteral("recall"), QStringLiteral("info"),
                    reply.result.value(QLatin1String("ticket")).toObject().value(QLatin1String("label")).toString());
    });
}

void CounterController::start()
{
    act(QStringLiteral("start"), QStringLiteral("window.start"), {}, true);
}

void CounterController::noShow()
{
    act(QStringLiteral("noShow"), QStringLiteral("window.noShow"), {}, true, [this](const bus::Reply &reply) {
        showMessage(QStringLiteral("no_show"), QStringLiteral("noShow"), QStringLiteral("info"),
                    reply.result.value(QLatin1String("ticket")).toObject().value(QLatin1String("label")).toString());
    });
}

void CounterController::finish()
{
    act(QStringLiteral("finish"), QStringLiteral("window.finish"), {}, true);
}

void CounterController::transferToService(const QString &service)
{
    act(QStringLiteral("transfer"), QStringLiteral("window.transfer"), {{QStringLiteral("service"), service}}, true, [this](const bus::Reply &reply) {
        showMessage(QStringLiteral("transferred"), QStringLiteral("transfer"), QStringLiteral("info"),
                    reply.result.value(QLatin1String("ticket")).toObject().value(QLatin1String("label")).toString());
    });
}

void CounterController::transferToWindow(int window)
{
    act(QStringLiteral("transfer"), QStringLiteral("window.transfer"), {{QStringLiteral("toWindow"), window}}, true, [this](const bus::Reply &reply) {
        showMessage(QStringLiteral("transferred"), QStringLiteral("transfer"), QStringLiteral("info"),
                    reply.result.value(QLatin1String("ticket")).toObject().value(QLatin1String("label")).toString());
    });
}

void CounterController::pause()
{
    act(QStringLiteral("pause"), QStringLiteral("window.pause"), {}, false);
}

void CounterController::resume()
{
    act(QStringLiteral("resume"), QStringLiteral("window.resume"), {}, false);
}

void CounterController::togglePause()
{
    if (m_stateName == QLatin1String("paused"))
        resume();
    else
        pause();
}

void CounterController::requestRating()
{
    // The visitor on screen, or else the last one finished whose slot is still open: the
    // ticket is always the one the clerk sees, so the server never asks someone else.
    qint64 ticket = m_currentId;
    if (!ticket && m_lastRating.value(QStringLiteral("state")).toString() == QLatin1String("open"))
        ticket = m_lastRating.value(QStringLiteral("ticketId")).toLongLong();
    if (!ticket && m_lastRating.value(QStringLiteral("state")).toString() == QLatin1String("rated")) {
        showMessage(QStringLiteral("already_rated"), QStringLiteral("requestRating"), QStringLiteral("refusal"),
                    m_lastRating.value(QStringLiteral("label")).toString());
        return;
    }
    if (!ticket) {
        showMessage(QStringLiteral("no_current_ticket"), QStringLiteral("requestRating"), QStringLiteral("refusal"));
        return;
    }
    const Engine *e = m_state.engine();
    const Ticket *t = e ? e->ticket(ticket) : nullptr;
    const QString label = t ? qs(t->label) : QString();
    act(QStringLiteral("requestRating"), QStringLiteral("rating.request"), {{QStringLiteral("ticket"), ticket}}, false, [this, label](const bus::Reply &) {
        showMessage(QStringLiteral("rating_requested"), QStringLiteral("requestRating"), QStringLiteral("info"), label);
    });
}

} // namespace hall::counter
