#pragma once

#include "board/manager/managerfigures.h"
#include "board/manager/managermodels.h"
#include "board/manager/managernorms.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcManagerBoard)

namespace hall::bus {
class HallClient;
class HallState;
struct Reply;
} // namespace hall::bus

namespace hall::board {

// The manager's live board (hall-board --manager): what QML shows, as properties and models.
//
// Construct it from the terminal's two ends of the bus (bus/terminalbus.h, connectTerminal) with
// a device key of role "manager" (report.week and ratings.clerk need it; a "board" key gets
// today's satisfaction refused), then hand it to QML, e.g. as a required property of the root:
//
//     ManagerBoard board(*state, *client);   // both already started
//     board.setNorms(norms);                 // from the settings file
//     engine.setInitialProperties({{"manager", QVariant::fromValue(&board)}});
//
// Where the figures come from:
// - queues, windows, alarms and the chart: the HallState mirror, recomputed on every change (a
//   zero-delay timer folds a burst of events into one pass) and every second, because times
//   advance by themselves; all from the mirror's tickets, so they are right after a restart too;
// - today's satisfaction: ratings.clerk per configured clerk. The mirror does not carry today's
//   votes (a window's rating slot keeps only its last visitor, with a "rated" flag and no value;
//   ticket_rated events are only seen while connected), so the server's counts are asked for on
//   start, on a new snapshot, every reportRefreshSeconds, and a second after every vote for the
//   clerk who got it;
// - this week's satisfaction, ranking and service star: report.week, on start, on a new
//   snapshot, every reportRefreshSeconds and after votes. A failed request keeps the last figures
//   and sets their "stale" to true until a request succeeds again.
// Times are Unix milliseconds on the server's clock (now below), so a view computes durations as
// board.now - since.
class ManagerBoard : public QObject
{
    Q_OBJECT
    // The mirror hears the server (heartbeats) / follows the journal. The "offline" alarm is raised
    // after ManagerNorms::offlineGraceSeconds; the figures then show the last known state.
    Q_PROPERTY(bool online READ online NOTIFY statusChanged)
    Q_PROPERTY(bool synced READ synced NOTIFY statusChanged)
    // "Now" on the server's clock, Unix ms; moves every tick (about once a second).
    Q_PROPERTY(double now READ nowValue NOTIFY tick)
    Q_PROPERTY(QString hallNameZh READ hallNameZh NOTIFY hallChanged)
    Q_PROPERTY(QString hallNameEn READ hallNameEn NOTIFY hallChanged)
    // The business day shown, "YYYY-MM-DD"; empty before the first snapshot.
    Q_PROPERTY(QString date READ date NOTIFY hallChanged)
    // The hall at a glance (all ints): waiting, longestWaitSeconds, averageWaitSeconds (-1: nobody
    // called yet today), issuedToday, calledToday, servedToday, noShowsToday, openWindows,
    // pausedWindows, closedWindows, busyWindows (called or serving), idleWindows,
    // idleWithQueueWindows, servicesAboveNorm, waitNormMinutes (the default norm).
    Q_PROPERTY(QVariantMap summary READ summary NOTIFY figuresChanged)
    Q_PROPERTY(hall::board::ServiceStatsModel *services READ services CONSTANT)
    Q_PROPERTY(hall::board::WindowStatusModel *windows READ windows CONSTANT)
    Q_PROPERTY(hall::board::AlarmModel *alarms READ alarms CONSTANT)
    Q_PROPERTY(hall::board::WaitingSeriesModel *waitingSeries READ waitingSeries CONSTANT)
    Q_PROPERTY(int alarmCount READ alarmCount NOTIFY alarmsChanged)
    Q_PROPERTY(int faultCount READ faultCount NOTIFY alarmsChanged)
    // "fault", "warning" or "" (no alarm): the colour of the alarm banner.
    Q_PROPERTY(QString worstSeverity READ worstSeverity NOTIFY alarmsChanged)
    // Today's votes, all clerks: {available (bool: figures were received), stale (bool: the last
    // request for some clerk failed; the figures are the last known), rated, satisfied,
    // unsatisfied, share (0..1, -1 without votes), percent (0..100 rounded, -1 without votes),
    // services (sessions finished today), updatedAt (Unix ms, local clock), error (code of the last
    // failure, "" if none)}.
    Q_PROPERTY(QVariantMap satisfactionToday READ satisfactionToday NOTIFY satisfactionChanged)
    // This week from report.week: {available, stale, week ("2026-W48"), from, to ("YYYY-MM-DD"),
    // rated, satisfied, unsatisfied, share, percent, services, minVotes, rankedClerks, updatedAt,
    // error}.
    Q_PROPERTY(QVariantMap satisfactionWeek READ satisfactionWeek NOTIFY satisfactionChanged)
    // This week's service star (每周服务明星), rank 1 of report.week: {available (false when no clerk
    // has the minimum votes yet), stale, week, clerkId, name, badge, score (the Wilson lower
    // bound, 0..1, what the ranking uses), scorePercent, share, percent, rated, satisfied,
    // services, window (where they are signed in now, 0 if nowhere), windowName}.
    Q_PROPERTY(QVariantMap star READ star NOTIFY satisfactionChanged)
    // The week's rows in rank order: [{rank (0: not ranked), clerkId, name, badge, rated,
    // satisfied, share, percent, score, qualified, services}].
    Q_PROPERTY(QVariantList weekRanking READ weekRanking NOTIFY satisfactionChanged)

public:
    ManagerBoard(bus::HallState &state, bus::HallClient &client, QObject *parent = nullptr);
    ~ManagerBoard() override;

    void setNorms(const ManagerNorms &norms);
    const ManagerNorms &norms() const { return m_norms; }
    // For tests: the clock the board reads "now" from (Unix ms, server time). Default: this
    // machine's clock plus the server's offset measured at the last snapshot.
    void setNowFunction(std::function<qint64()> now);
    qint64 now() const;
    // For tests: the ticking timer's interval (1000 ms by default); 0 stops it.
    void setTickInterval(int ms);

    bool online() const;
    bool synced() const;
    double nowValue() const { return double(now()); }
    QString hallNameZh() const;
    QString hallNameEn() const;
    QString date() const;
    QVariantMap summary() const { return m_summary; }
    ServiceStatsModel *services() const { return m_services; }
    WindowStatusModel *windows() const { return m_windows; }
    AlarmModel *alarms() const { return m_alarms; }
    WaitingSeriesModel *waitingSeries() const { return m_series; }
    int alarmCount() const { return int(m_alarmList.size()); }
    int faultCount() const;
    QString worstSeverity() const;
    QVariantMap satisfactionToday() const { return m_today; }
    QVariantMap satisfactionWeek() const { return m_week; }
    QVariantMap star() const { return m_star; }
    QVariantList weekRanking() const { return m_ranking; }

    // The figures as computed at the last recomputation, for tests and diagnostics.
    const std::vector<figures::ServiceFigures> &serviceFigures() const { return m_serviceFigures; }
    const std::vector<figures::WindowFigures> &windowFigures() const { return m_windowFigures; }
    const std::vector<figures::Alarm> &alarmList() const { return m_alarmList; }

    // Recomputes everything from the mirror now (it happens by itself on changes and ticks).
    Q_INVOKABLE void refresh();
    // Asks the server for this week's report and today's votes now.
    Q_INVOKABLE void refreshReports();

Q_SIGNALS:
    void statusChanged();
    void tick();
    void hallChanged();
    void figuresChanged();
    void alarmsChanged();
    void satisfactionChanged();

private:
    void scheduleRefresh();
    void onResynced();
    void onEvent(const engine::Event &e);
    void onOnlineChanged(bool online);
    void requestWeek();
    void onWeek(const bus::Reply &reply);
    void requestToday(const QString &clerk);
    void onToday(const QString &clerk, const bus::Reply &reply);
    void updateToday();
    void updateStar();

    bus::HallState &m_state;
    bus::HallClient &m_client;
    ManagerNorms m_norms;
    std::function<qint64()> m_now;

    ServiceStatsModel *m_services;
    WindowStatusModel *m_windows;
    AlarmModel *m_alarms;
    WaitingSeriesModel *m_series;

    QTimer m_recompute; // zero delay: one pass per burst of changes
    QTimer m_tick;
    QTimer m_reportTimer;
    QTimer m_afterVote; // a vote was seen: ask for the new counts shortly (votes come in bursts)

    figures::ActivityTimes m_activity;
    qint64 m_offlineSince = 0;
    QString m_lastDate;
    QVariantMap m_summary;
    std::vector<figures::ServiceFigures> m_serviceFigures;
    std::vector<figures::WindowFigures> m_windowFigures;
    std::vector<figures::Alarm> m_alarmList;

    // Today's votes: per clerk, the server's last answer {ratings, satisfied, services}.
    struct ClerkDay {
        int services = 0;
        int ratings = 0;
        int satisfied = 0;
    };
    QMap<QString, ClerkDay> m_todayByClerk;
    QSet<QString> m_todayFailed;  // clerks whose last ratings.clerk failed
    QSet<QString> m_todayPending; // in flight
    QSet<QString> m_todayAgain;   // asked for again while in flight
    QSet<QString> m_votedClerks;  // votes seen since the last refresh after votes
    QString m_todayError;
    qint64 m_todayAt = 0;
    QVariantMap m_today;

    bool m_weekInFlight = false;
    bool m_weekAgain = false;
    bool m_weekStale = false;
    QJsonObject m_weekReport; // the last good report.week result
    QString m_weekError;
    qint64 m_weekAt = 0;
    QVariantMap m_week;
    QVariantMap m_star;
    QVariantList m_ranking;
};

} // namespace hall::board
