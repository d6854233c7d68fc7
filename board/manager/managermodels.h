#pragma once

#include "board/manager/managerfigures.h"
#include "bus/hallmodels.h"

// The manager board's list models. Like the bus's models (bus/hallmodels.h) they hold rows as
// values and are filled by their owner, ManagerBoard, which recomputes the figures on every
// change of the mirror and on its one-second tick; a view never reads the mirror itself. Rows
// keep their key (first role), so a recomputation that changes a figure only reports that row
// as changed and delegates do not flicker.
namespace hall::board {

// One row per configured service, in configuration order.
class ServiceStatsModel : public bus::HallListModel
{
    Q_OBJECT

public:
    enum Role {
        CodeRole = Qt::UserRole + 1,
        PrefixRole,
        NameZhRole,
        NameEnRole,
        WaitingRole,
        LongestWaitSecondsRole, // of those waiting now; 0 when nobody waits
        AverageWaitSecondsRole, // issue to first call, today; -1 when nobody was called yet
        CalledTodayRole,
        IssuedTodayRole,
        ServedTodayRole,
        NoShowsTodayRole,
        OpenWindowsRole, // signed in and not paused
        NormMinutesRole, // the wait norm in force for this service
        AboveNormRole,   // the longest wait is above it
    };

    explicit ServiceStatsModel(const bus::HallState *state, QObject *parent = nullptr);
    void update(const std::vector<figures::ServiceFigures> &services);
};

// One row per configured window, in configuration order.
class WindowStatusModel : public bus::HallListModel
{
    Q_OBJECT

public:
    enum Role {
        NumberRole = Qt::UserRole + 1,
        NameRole,
        StateRole,    // "open", "paused", "closed"
        ActivityRole, // "called", "serving", "idle" (open, nobody at it), "" (closed / paused and empty)
        ClerkIdRole,
        ClerkNameRole,
        ClerkBadgeRole,
        LabelRole,         // the visitor called or served ("A012"), empty otherwise
        ServiceRole,       // their service code
        ActivitySinceRole, // Unix ms (server clock): the call, the start of service, or the start of idling; 0 if none
        QueueWaitingRole,  // people waiting that this window may call
        IdleWithQueueRole, // idle while QueueWaiting > 0 (an alarm once it lasts the grace period)
        IdleWithQueueSinceRole, // Unix ms; 0 unless IdleWithQueue
        ServedTodayRole,
    };

    explicit WindowStatusModel(const bus::HallState *state, QObject *parent = nullptr);
    void update(const std::vector<figures::WindowFigures> &windows);
};

// The alarms in force: faults first, then warnings, oldest first. A cleared condition removes its
// row; a new one adds a row (the view may animate both).
class AlarmModel : public bus::HallListModel
{
    Q_OBJECT

public:
    enum Role {
        KeyRole = Qt::UserRole + 1, // stable while the alarm lasts: "printer:kiosk-1", "wait:NEW", "idle:3", "sign:sign-3", "offline"
        KindRole,                   // "printer", "wait", "idle", "sign", "offline"
        SeverityRole,               // "fault" (red) or "warning" (amber)
        TextZhRole,
        TextEnRole,
        WindowRole,  // 0 when none
        DeviceRole,  // device id, for printer and sign alarms
        ServiceRole, // service code, for wait alarms
        CodeRole,    // the device's status code ("paper_out", "offline", ...)
        DetailRole,  // the device's "detail" text, if any
        SinceRole,   // Unix ms (server clock) the condition began
    };

    explicit AlarmModel(const bus::HallState *state, QObject *parent = nullptr);
    void update(const std::vector<figures::Alarm> &alarms);
};

// People waiting over the business day, one point every step (ManagerNorms::seriesStepMinutes)
// from the step at or before the day's first ticket to now. New points are appended as time
// passes (rowsInserted), so a chart can extend its line instead of redrawing.
class WaitingSeriesModel : public bus::HallListModel
{
    Q_OBJECT
    // The largest value in the series, for the chart's axis.
    Q_PROPERTY(int maxWaiting READ maxWaiting NOTIFY maxWaitingChanged)

public:
    enum Role {
        AtRole = Qt::UserRole + 1, // Unix ms (server clock)
        TimeRole,                  // "HH:mm" in hall time
        WaitingRole,
    };

    explicit WaitingSeriesModel(const bus::HallState *state, QObject *parent = nullptr);
    void update(const std::vector<figures::SeriesPoint> &points, const engine::Engine *engine);
    int maxWaiting() const { return m_max; }

Q_SIGNALS:
    void maxWaitingChanged();

private:
    int m_max = 0;
};

} // namespace hall::board
