#include "board/manager/managerboard.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

Q_LOGGING_CATEGORY(lcManagerBoard, "hall.board.manager")

namespace hall::board {

using namespace hall::engine;

namespace {

// Votes come in bursts at the end of a busy hour; one request a second per clerk is plenty.
constexpr int kAfterVoteMs = 1000;

QVariant share(qint64 satisfied, qint64 rated)
{
    return rated > 0 ? double(satisfied) / double(rated) : -1.0;
}

int percent(qint64 satisfied, qint64 rated)
{
    return rated > 0 ? int(std::lround(100.0 * double(satisfied) / double(rated))) : -1;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

ManagerBoard::ManagerBoard(bus::HallState &state, bus::HallClient &client, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_client(client)
    , m_services(new ServiceStatsModel(&state, this))
    , m_windows(new WindowStatusModel(&state, this))
    , m_alarms(new AlarmModel(&state, this))
    , m_series(new WaitingSeriesModel(&state, this))
{
    m_recompute.setSingleShot(true);
    m_recompute.setInterval(0);
    connect(&m_recompute, &QTimer::timeout, this, &ManagerBoard::refresh);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        refresh();
        Q_EMIT tick();
    });
    m_tick.start();
    m_reportTimer.setInterval(m_norms.reportRefreshSeconds * 1000);
    connect(&m_reportTimer, &QTimer::timeout, this, &ManagerBoard::refreshReports);
    m_reportTimer.start();
    m_afterVote.setSingleShot(true);
    m_afterVote.setInterval(kAfterVoteMs);
    connect(&m_afterVote, &QTimer::timeout, this, [this] {
        const QSet<QString> clerks = std::exchange(m_votedClerks, {});
        for (const QString &c : clerks)
            requestToday(c);
        requestWeek();
    });

    connect(&m_state, &bus::HallState::changed, this, &ManagerBoard::scheduleRefresh);
    connect(&m_state, &bus::HallState::syncedChanged, this, [this] {
        Q_EMIT statusChanged();
        scheduleRefresh();
    });
    connect(&m_state, &bus::HallState::onlineChanged, this, &ManagerBoard::onOnlineChanged);
    connect(&m_state, &bus::HallState::resynced, this, &ManagerBoard::onResynced);
    connect(&m_state, &bus::HallState::eventApplied, this, [this](const Event &e) { onEvent(e); });

    m_today = {{QStringLiteral("available"), false}, {QStringLiteral("stale"), false}};
    m_week = m_today;
    m_star = m_today;
    if (!m_state.online())
        m_offlineSince = now();
    if (m_state.engine())
        onResynced(); // a mirror that was synchronised before the board was made
    else
        requestWeek();
    refresh();
}

ManagerBoard::~ManagerBoard() = default;

void ManagerBoard::setNorms(const ManagerNorms &norms)
{
    m_norms = norms;
    m_reportTimer.setInterval(std::max(1, norms.reportRefreshSeconds) * 1000);
    refresh();
}

void ManagerBoard::setNowFunction(std::function<qint64()> now)
{
    m_now = std::move(now);
    if (!m_state.online())
        m_offlineSince = this->now();
    refresh();
    Q_EMIT tick(); // views showing "now - since" must not wait for the next second to catch up
}

qint64 ManagerBoard::now() const
{
    if (m_now)
        return m_now();
    return QDateTime::currentMSecsSinceEpoch() + m_state.serverTimeOffsetMs();
}

void ManagerBoard::setTickInterval(int ms)
{
    if (ms <= 0) {
        m_tick.stop();
        return;
    }
    m_tick.start(ms);
}

bool ManagerBoard::online() const
{
    return m_state.online();
}

bool ManagerBoard::synced() const
{
    return m_state.synced();
}

QString ManagerBoard::hallNameZh() const
{
    const Engine *e = m_state.engine();
    return e ? qs(e->config().nameZh) : QString();
}

QString ManagerBoard::hallNameEn() const
{
    const Engine *e = m_state.engine();
    return e ? qs(e->config().nameEn) : QString();
}

QString ManagerBoard::date() const
{
    const Engine *e = m_state.engine();
    return e ? qs(businessDayDate(e->today())) : QString();
}

int ManagerBoard::faultCount() const
{
    return int(std::count_if(m_alarmList.begin(), m_alarmList.end(),
                             [](const figures::Alarm &a) { return a.severity == QLatin1String("fault"); }));
}

QString ManagerBoard::worstSeverity() const
{
    if (m_alarmList.empty())
        return QString();
    return m_alarmList.front().severity; // faults sort first
}

void ManagerBoard::scheduleRefresh()
{
    if (!m_recompute.isActive())
        m_recompute.start();
}

void ManagerBoard::onOnlineChanged(bool online)
{
    if (!online)
        m_offlineSince = now();
    else
        refreshReports(); // whatever failed while the server was away
    Q_EMIT statusChanged();
    scheduleRefresh();
}

void ManagerBoard::onResynced()
{
    const Engine *e = m_state.engine();
    if (!e)
        return;
    // Live events may know better (a resume, a transfer); the mirror never knows later.
    for (const auto &[window, at] : figures::activityFromMirror(*e))
        m_activity[window] = std::max(m_activity[window], at);
    // A reloaded configuration may have other clerks.
    QSet<QString> clerks;
    for (const Clerk &c : e->config().clerks)
        clerks.insert(qs(c.id));
    for (auto it = m_todayByClerk.begin(); it != m_todayByClerk.end();) {
        if (clerks.contains(it.key()))
            ++it;
        else
            it = m_todayByClerk.erase(it);
    }
    m_todayFailed.intersect(clerks);
    Q_EMIT hallChanged(); // a reloaded configuration may name the hall otherwise
    refreshReports();
}

void ManagerBoard::onEvent(const Event &e)
{
    figures::noteActivity(m_activity, e);
    if (e.type == EventType::DayStarted) {
        // A new day's votes start from nothing; the server's answer follows.
        m_todayByClerk.clear();
        m_todayFailed.clear();
        updateToday();
        refreshReports();
    } else if (e.type == EventType::TicketRated) {
        m_votedClerks.insert(qs(e.clerk));
        if (!m_afterVote.isActive())
            m_afterVote.start();
    }
}

void ManagerBoard::refresh()
{
    m_recompute.stop();
    const Engine *e = m_state.engine();
    const qint64 t = now();
    if (e) {
        m_serviceFigures = figures::serviceFigures(*e, m_norms, t);
        m_windowFigures = figures::windowFigures(*e, m_activity, t);
    } else {
        m_serviceFigures.clear();
        m_windowFigures.clear();
    }
    figures::AlarmInput in;
    in.engine = e;
    in.services = &m_serviceFigures;
    in.windows = &m_windowFigures;
    for (const QString &id : m_state.deviceIds()) {
        if (const bus::DeviceInfo *d = m_state.device(id))
            in.devices.insert(id, *d);
    }
    in.norms = m_norms;
    in.online = m_state.online();
    in.offlineSince = m_offlineSince;
    in.now = t;
    std::vector<figures::Alarm> alarms = figures::alarms(in);

    m_services->update(m_serviceFigures);
    m_windows->update(m_windowFigures);
    if (e) {
        const Millis step = Millis(std::max(1, m_norms.seriesStepMinutes)) * 60000;
        m_series->update(figures::waitingSeries(*e, figures::seriesStart(*e, t, step), t, step), e);
    } else {
        m_series->update({}, nullptr);
    }

    QVariantMap summary;
    int waiting = 0, longest = 0, issued = 0, called = 0, served = 0, noShows = 0, above = 0;
    qint64 waitSum = 0;
    for (const auto &s : m_serviceFigures) {
        waiting += s.waiting;
        longest = std::max(longest, s.longestWaitSeconds);
        issued += s.issuedToday;
        called += s.calledToday;
        served += s.servedToday;
        noShows += s.noShowsToday;
        above += s.aboveNorm ? 1 : 0;
        if (s.calledToday > 0)
            waitSum += qint64(s.averageWaitSeconds) * s.calledToday;
    }
    int open = 0, paused = 0, closed = 0, busy = 0, idle = 0, idleWithQueue = 0;
    for (const auto &w : m_windowFigures) {
        open += w.state == QLatin1String("open") ? 1 : 0;
        paused += w.state == QLatin1String("paused") ? 1 : 0;
        closed += w.state == QLatin1String("closed") ? 1 : 0;
        busy += w.activity == QLatin1String("called") || w.activity == QLatin1String("serving") ? 1 : 0;
        idle += w.activity == QLatin1String("idle") ? 1 : 0;
        idleWithQueue += w.idleWithQueue ? 1 : 0;
    }
    summary = {{QStringLiteral("waiting"), waiting},
               {QStringLiteral("longestWaitSeconds"), longest},
               {QStringLiteral("averageWaitSeconds"), called > 0 ? int(waitSum / called) : -1},
               {QStringLiteral("issuedToday"), issued},
               {QStringLiteral("calledToday"), called},
               {QStringLiteral("servedToday"), served},
               {QStringLiteral("noShowsToday"), noShows},
               {QStringLiteral("openWindows"), open},
               {QStringLiteral("pausedWindows"), paused},
               {QStringLiteral("closedWindows"), closed},
               {QStringLiteral("busyWindows"), busy},
               {QStringLiteral("idleWindows"), idle},
               {QStringLiteral("idleWithQueueWindows"), idleWithQueue},
               {QStringLiteral("servicesAboveNorm"), above},
               {QStringLiteral("waitNormMinutes"), m_norms.waitNormMinutes}};
    if (summary != m_summary) {
        m_summary = summary;
        Q_EMIT figuresChanged();
    }

    if (alarms != m_alarmList) {
        for (const auto &a : alarms) {
            const bool known = std::any_of(m_alarmList.begin(), m_alarmList.end(), [&](const figures::Alarm &o) { return o.key == a.key; });
            if (!known)
                qCInfo(lcManagerBoard).noquote() << "alarm" << a.key << a.severity << a.textEn;
        }
        for (const auto &o : m_alarmList) {
            const bool kept = std::any_of(alarms.begin(), alarms.end(), [&](const figures::Alarm &a) { return o.key == a.key; });
            if (!kept)
                qCInfo(lcManagerBoard).noquote() << "alarm cleared" << o.key;
        }
        m_alarmList = std::move(alarms);
        m_alarms->update(m_alarmList);
        Q_EMIT alarmsChanged();
    }

    const QString d = date();
    if (d != m_lastDate) {
        m_lastDate = d;
        Q_EMIT hallChanged();
    }
    // The star's window follows sign-ins.
    updateStar();
}

// ---- reports --------------------------------------------------------------------------------

void ManagerBoard::refreshReports()
{
    requestWeek();
    if (const Engine *e = m_state.engine()) {
        for (const Clerk &c : e->config().clerks)
            requestToday(qs(c.id));
    }
}

void ManagerBoard::requestWeek()
{
    if (m_weekInFlight) {
        m_weekAgain = true;
        return;
    }
    m_weekInFlight = true;
    m_client.request(QStringLiteral("report.week"), {}, this, [this](const bus::Reply &reply) { onWeek(reply); });
}

void ManagerBoard::onWeek(const bus::Reply &reply)
{
    m_weekInFlight = false;
    if (std::exchange(m_weekAgain, false)) {
        requestWeek(); // asked again meanwhile: that answer is the fresher one
        return;
    }
    if (!reply.ok) {
        qCInfo(lcManagerBoard).noquote() << "report.week failed:" << reply.error.code << reply.error.message << "(keeping the last figures)";
        m_weekStale = true;
        m_weekError = reply.error.code;
    } else {
        m_weekReport = reply.result;
        m_weekStale = false;
        m_weekError.clear();
        m_weekAt = QDateTime::currentMSecsSinceEpoch();
    }
    const bool available = !m_weekReport.isEmpty();
    int rated = 0, satisfied = 0, services = 0, ranked = 0;
    QVariantList ranking;
    for (const QJsonValue v : m_weekReport.value(QLatin1String("clerks")).toArray()) {
        const QJsonObject r = v.toObject();
        const int n = r.value(QLatin1String("ratings")).toInt();
        const int s = r.value(QLatin1String("satisfied")).toInt();
        rated += n;
        satisfied += s;
        services += r.value(QLatin1String("services")).toInt();
        ranked += r.value(QLatin1String("rank")).toInt() > 0 ? 1 : 0;
        const double wilson = r.value(QLatin1String("wilson")).toDouble();
        ranking.append(QVariantMap{{QStringLiteral("rank"), r.value(QLatin1String("rank")).toInt()},
                                   {QStringLiteral("clerkId"), r.value(QLatin1String("clerk")).toString()},
                                   {QStringLiteral("name"), r.value(QLatin1String("name")).toString()},
                                   {QStringLiteral("badge"), r.value(QLatin1String("badge")).toString()},
                                   {QStringLiteral("rated"), n},
                                   {QStringLiteral("satisfied"), s},
                                   {QStringLiteral("share"), share(s, n)},
                                   {QStringLiteral("percent"), percent(s, n)},
                                   {QStringLiteral("score"), wilson},
                                   {QStringLiteral("qualified"), r.value(QLatin1String("qualified")).toBool()},
                                   {QStringLiteral("services"), r.value(QLatin1String("services")).toInt()}});
    }
    m_ranking = ranking;
    m_week = {{QStringLiteral("available"), available},
              {QStringLiteral("stale"), m_weekStale},
              {QStringLiteral("week"), m_weekReport.value(QLatin1String("week")).toString()},
              {QStringLiteral("from"), m_weekReport.value(QLatin1String("from")).toString()},
              {QStringLiteral("to"), m_weekReport.value(QLatin1String("to")).toString()},
              {QStringLiteral("rated"), rated},
              {QStringLiteral("satisfied"), satisfied},
              {QStringLiteral("unsatisfied"), rated - satisfied},
              {QStringLiteral("share"), share(satisfied, rated)},
              {QStringLiteral("percent"), percent(satisfied, rated)},
              {QStringLiteral("services"), services},
              {QStringLiteral("minVotes"), m_weekReport.value(QLatin1String("minVotes")).toInt()},
              {QStringLiteral("rankedClerks"), ranked},
              {QStringLiteral("updatedAt"), m_weekAt},
              {QStringLiteral("error"), m_weekError}};
    updateStar();
    Q_EMIT satisfactionChanged();
}

void ManagerBoard::updateStar()
{
    QVariantMap star{{QStringLiteral("available"), false}, {QStringLiteral("stale"), m_weekStale},
                     {QStringLiteral("week"), m_weekReport.value(QLatin1String("week")).toString()}};
    const QJsonArray rows = m_weekReport.value(QLatin1String("clerks")).toArray();
    const QJsonObject top = rows.isEmpty() ? QJsonObject() : rows.first().toObject();
    if (top.value(QLatin1String("rank")).toInt() == 1) {
        const QString clerk = top.value(QLatin1String("clerk")).toString();
        int window = 0;
        QString windowName;
        if (const Engine *e = m_state.engine()) {
            for (const auto &[number, w] : e->windows()) {
                if (qs(w.clerk) == clerk) {
                    window = number;
                    if (const WindowConfig *c = e->config().window(number))
                        windowName = qs(c->name);
                }
            }
        }
        const int n = top.value(QLatin1String("ratings")).toInt();
        const int s = top.value(QLatin1String("satisfied")).toInt();
        const double wilson = top.value(QLatin1String("wilson")).toDouble();
        star.insert(QStringLiteral("available"), true);
        star.insert(QStringLiteral("clerkId"), clerk);
        star.insert(QStringLiteral("name"), top.value(QLatin1String("name")).toString());
        star.insert(QStringLiteral("badge"), top.value(QLatin1String("badge")).toString());
        star.insert(QStringLiteral("score"), wilson);
        star.insert(QStringLiteral("scorePercent"), int(std::lround(100.0 * wilson)));
        star.insert(QStringLiteral("share"), share(s, n));
        star.insert(QStringLiteral("percent"), percent(s, n));
        star.insert(QStringLiteral("rated"), n);
        star.insert(QStringLiteral("satisfied"), s);
        star.insert(QStringLiteral("services"), top.value(QLatin1String("services")).toInt());
        star.insert(QStringLiteral("window"), window);
        star.insert(QStringLiteral("windowName"), windowName);
    }
    if (star != m_star) {
        m_star = star;
        Q_EMIT satisfactionChanged();
    }
}

void ManagerBoard::requestToday(const QString &clerk)
{
    if (m_todayPending.contains(clerk)) {
        m_todayAgain.insert(clerk);
        return;
    }
    m_todayPending.insert(clerk);
    m_client.request(QStringLiteral("ratings.clerk"), {{QStringLiteral("clerk"), clerk}}, this,
                     [this, clerk](const bus::Reply &reply) { onToday(clerk, reply); });
}

void ManagerBoard::onToday(const QString &clerk, const bus::Reply &reply)
{
    m_todayPending.remove(clerk);
    if (m_todayAgain.remove(clerk)) {
        requestToday(clerk);
        return;
    }
    if (!reply.ok) {
        if (!m_todayFailed.contains(clerk))
            qCInfo(lcManagerBoard).noquote() << "ratings.clerk" << clerk << "failed:" << reply.error.code << reply.error.message;
        m_todayFailed.insert(clerk);
        m_todayError = reply.error.code;
    } else {
        const QJsonObject today = reply.result.value(QLatin1String("today")).toObject();
        m_todayByClerk[clerk] = ClerkDay{today.value(QLatin1String("services")).toInt(), today.value(QLatin1String("ratings")).toInt(),
                                         today.value(QLatin1String("satisfied")).toInt()};
        m_todayFailed.remove(clerk);
        if (m_todayFailed.isEmpty())
            m_todayError.clear();
        m_todayAt = QDateTime::currentMSecsSinceEpoch();
    }
    updateToday();
}

void ManagerBoard::updateToday()
{
    int rated = 0, satisfied = 0, services = 0;
    for (const ClerkDay &d : std::as_const(m_todayByClerk)) {
        rated += d.ratings;
        satisfied += d.satisfied;
        services += d.services;
    }
    const QVariantMap today{{QStringLiteral("available"), !m_todayByClerk.isEmpty()},
                            {QStringLiteral("stale"), !m_todayFailed.isEmpty()},
                            {QStringLiteral("rated"), rated},
                            {QStringLiteral("satisfied"), satisfied},
                            {QStringLiteral("unsatisfied"), rated - satisfied},
                            {QStringLiteral("share"), share(satisfied, rated)},
                            {QStringLiteral("percent"), percent(satisfied, rated)},
                            {QStringLiteral("services"), services},
                            {QStringLiteral("updatedAt"), m_todayAt},
                            {QStringLiteral("error"), m_todayError}};
    if (today != m_today) {
        m_today = today;
        Q_EMIT satisfactionChanged();
    }
}

} // namespace hall::board
