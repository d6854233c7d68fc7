#pragma once

#include "board/manager/managernorms.h"
#include "bus/hallstate.h"
#include "engine/engine.h"

#include <QMap>
#include <QString>

#include <map>
#include <vector>

// The manager board's figures as pure functions of the mirror (an Engine), the device list and
// "now" (server clock, Unix ms). No Qt object, no timer, no socket: tests run them on an engine
// driven by a manual clock with known times, and ManagerBoard recomputes them on every change.
namespace hall::board::figures {

using engine::Millis;

struct ServiceFigures {
    QString code;
    QString prefix;
    QString nameZh;
    QString nameEn;
    int waiting = 0;
    Millis oldestWaitingSince = 0; // issue time of the longest waiting visitor; 0 = nobody waits
    int longestWaitSeconds = 0;
    // Issue to first call, over the tickets first called today (by the service they were issued
    // for: the wait happened in that queue); -1 when nobody was called yet.
    int averageWaitSeconds = -1;
    int calledToday = 0;
    int issuedToday = 0;
    int servedToday = 0;  // finished today, by the service they were finished in
    int noShowsToday = 0; // likewise
    int openWindows = 0;  // signed in and not paused
    int normMinutes = 0;
    bool aboveNorm = false;
};

// "Idle" starts when a window last had something to do: the clerk signed in or resumed, or its
// last visitor left. The mirror keeps no resume or transfer times, so after a snapshot this is
// rebuilt from what it does keep (sign-in time, the tickets' call / start / end at the window)
// and live events then keep it exact.
using ActivityTimes = std::map<int, Millis>;
ActivityTimes activityFromMirror(const engine::Engine &e);
// Moves a window's last activity to the event's time when the event means the window did
// something (a call, a finish, a sign-in, a resume ...).
void noteActivity(ActivityTimes &times, const engine::Event &e);

struct WindowFigures {
    int number = 0;
    QString name;
    QString state;    // "open", "paused", "closed"
    QString activity; // "called", "serving", "idle" (open, unpaused, nobody at it), "" (closed or paused and empty)
    QString clerkId;
    QString clerkName;
    QString clerkBadge;
    QString label;   // the visitor called or served
    QString service; // their service code
    Millis activitySince = 0; // the call, the start of service, or the start of idling
    int queueWaiting = 0;     // people waiting that this window may call
    bool idleWithQueue = false;
    Millis idleWithQueueSince = 0; // since when both hold: idle and somebody it may call waits
    int servedToday = 0;
};

struct Alarm {
    QString key;      // stable while the condition lasts: "printer:kiosk-1", "wait:NEW", "idle:3", "sign:sign-3", "offline"
    QString kind;     // "printer", "wait", "idle", "sign", "offline"
    QString severity; // "fault" or "warning"
    QString textZh;
    QString textEn;
    int window = 0;
    QString device;
    QString service;
    QString code;   // the device's reported code ("paper_out", "offline", ...), empty for others
    QString detail; // the device's own words ("detail"), for the technician
    Millis since = 0;

    bool operator==(const Alarm &) const = default;
};

struct SeriesPoint {
    Millis at = 0;
    int waiting = 0;
};

std::vector<ServiceFigures> serviceFigures(const engine::Engine &e, const ManagerNorms &norms, Millis now);
std::vector<WindowFigures> windowFigures(const engine::Engine &e, const ActivityTimes &activity, Millis now);

// Whether a device is a kiosk printer or a sign, and its state, by the contract of
// docs/protocol.md (device.status): a printer reports {"printer": code}, a sign (role "sign",
// id "sign-<window>") {"sign": code}. Empty code: not such a device.
QString printerCode(const bus::DeviceInfo &d);
QString signCode(const bus::DeviceInfo &d);
int signWindow(const QString &id, const bus::DeviceInfo &d);

struct AlarmInput {
    const engine::Engine *engine = nullptr; // null before the first snapshot
    const std::vector<ServiceFigures> *services = nullptr;
    const std::vector<WindowFigures> *windows = nullptr;
    QMap<QString, bus::DeviceInfo> devices;
    ManagerNorms norms;
    bool online = true;
    Millis offlineSince = 0;
    Millis now = 0;
};

// Faults first, then warnings; within each, the oldest first; the key breaks ties.
std::vector<Alarm> alarms(const AlarmInput &in);

// People waiting at instant t: issued by t, not yet called (first call) and not cancelled by t.
// A visitor transferred back into a queue waits again from their latest call until now (the
// mirror keeps no transfer time; the latest call is the closest it knows). Today's tickets only.
int waitingAt(const engine::Engine &e, Millis t);
// waitingAt at from, from + step, ... up to and including to.
std::vector<SeriesPoint> waitingSeries(const engine::Engine &e, Millis from, Millis to, Millis step);
// Where the day's chart starts: the step boundary (counted from the business day's start) at or
// before the first ticket issued today, or at or before now when nobody came yet.
Millis seriesStart(const engine::Engine &e, Millis now, Millis step);

// "HH:mm" in hall time.
QString hallClock(const engine::Engine &e, Millis t);

} // namespace hall::board::figures
