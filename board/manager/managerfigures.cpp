#include "board/manager/managerfigures.h"

#include <algorithm>
#include <limits>

namespace hall::board::figures {

using namespace hall::engine;

namespace {

constexpr Millis kNever = std::numeric_limits<Millis>::max();

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

const std::string &issuedFor(const Ticket &t)
{
    return t.originalService.empty() ? t.service : t.originalService;
}

// When the visitor's present wait began: a transferred visitor (called before, waiting again)
// waits anew from their latest call, the last moment a window held them.
Millis waitStart(const Ticket &t)
{
    return t.firstCalledAt > 0 ? t.calledAt : t.issuedAt;
}

bool mayCall(const WindowConfig &w, const Ticket &t)
{
    if (t.targetWindow != 0)
        return t.targetWindow == w.number;
    return std::find(w.services.begin(), w.services.end(), t.service) != w.services.end();
}

int seconds(Millis ms)
{
    return int(std::max<Millis>(0, ms) / 1000);
}

QString minutesText(Millis ms)
{
    return QString::number(std::max<Millis>(0, ms) / 60000);
}

struct CodeText {
    const char *code;
    const char *zh;
    const char *en;
};

// The kiosk's printer codes (docs/protocol.md, device.status) in words a manager acts on.
constexpr CodeText kPrinterTexts[] = {
    {"paper_out", "打印机缺纸", "printer out of paper"},
    {"paper_near_end", "打印纸将尽", "printer paper running low"},
    {"cover_open", "打印机盖未关", "printer cover open"},
    {"offline", "打印机离线", "printer offline"},
    {"failed", "打印机故障", "printer failed"},
};

constexpr CodeText kSignTexts[] = {
    {"offline", "LED 屏离线", "LED sign offline"},
    {"error", "LED 屏故障", "LED sign error"},
};

template <std::size_t N>
std::pair<QString, QString> describe(const CodeText (&table)[N], const QString &code, const char *zhOther, const char *enOther)
{
    for (const CodeText &c : table) {
        if (code == QLatin1String(c.code))
            return {QString::fromUtf8(c.zh), QString::fromLatin1(c.en)};
    }
    return {QString::fromUtf8(zhOther) + QStringLiteral("（%1）").arg(code), QString::fromLatin1(enOther) + QStringLiteral(" (%1)").arg(code)};
}

} // namespace

// ---- services -------------------------------------------------------------------------------

std::vector<ServiceFigures> serviceFigures(const Engine &e, const ManagerNorms &norms, Millis now)
{
    const HallConfig &config = e.config();
    const int today = e.today();
    const Millis dayStart = e.dayStartMs(today);
    std::vector<ServiceFigures> out;
    std::map<std::string, std::size_t> index;
    std::vector<Millis> waitSum(config.services.size(), 0);
    for (const Service &s : config.services) {
        index[s.code] = out.size();
        ServiceFigures f;
        f.code = qs(s.code);
        f.prefix = QString(QLatin1Char(s.prefix));
        f.nameZh = qs(s.nameZh);
        f.nameEn = qs(s.nameEn);
        f.openWindows = e.openWindowsFor(s.code);
        f.normMinutes = norms.waitNormFor(f.code);
        out.push_back(f);
    }
    auto at = [&](const std::string &code) -> ServiceFigures * {
        const auto it = index.find(code);
        return it == index.end() ? nullptr : &out[it->second];
    };
    for (const auto &[id, t] : e.tickets()) {
        if (t.status == TicketStatus::Waiting) {
            if (ServiceFigures *f = at(t.service)) {
                ++f->waiting;
                const Millis since = waitStart(t);
                if (f->oldestWaitingSince == 0 || since < f->oldestWaitingSince)
                    f->oldestWaitingSince = since;
            }
        }
        if (ServiceFigures *f = at(issuedFor(t))) {
            if (t.day == today)
                ++f->issuedToday;
            if (t.firstCalledAt >= dayStart) {
                ++f->calledToday;
                waitSum[std::size_t(f - out.data())] += t.firstCalledAt - t.issuedAt;
            }
        }
        if (t.endedAt >= dayStart) {
            if (ServiceFigures *f = at(t.service)) {
                if (t.status == TicketStatus::Finished)
                    ++f->servedToday;
                else if (t.status == TicketStatus::NoShow)
                    ++f->noShowsToday;
            }
        }
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        ServiceFigures &f = out[i];
        if (f.calledToday > 0)
            f.averageWaitSeconds = int(waitSum[i] / f.calledToday / 1000);
        if (f.waiting > 0)
            f.longestWaitSeconds = seconds(now - f.oldestWaitingSince);
        f.aboveNorm = f.waiting > 0 && f.longestWaitSeconds > f.normMinutes * 60;
    }
    return out;
}

// ---- windows --------------------------------------------------------------------------------

ActivityTimes activityFromMirror(const Engine &e)
{
    ActivityTimes times;
    for (const auto &[number, w] : e.windows())
        times[number] = std::max(times[number], w.openedAt);
    for (const auto &[id, t] : e.tickets()) {
        if (t.window != 0)
            times[t.window] = std::max({times[t.window], t.calledAt, t.servingAt, t.endedAt});
    }
    return times;
}

void noteActivity(ActivityTimes &times, const Event &e)
{
    switch (e.type) {
    case EventType::TicketCalled:
    case EventType::TicketRecalled:
    case EventType::ServiceStarted:
    case EventType::TicketNoShow:
    case EventType::TicketTransferred:
    case EventType::TicketFinished:
    case EventType::ClerkSignedIn:
    case EventType::ClerkSignedOut:
    case EventType::WindowPaused:
    case EventType::WindowResumed:
    case EventType::RatingRequested:
        if (e.window != 0)
            times[e.window] = std::max(times[e.window], e.at);
        break;
    default:
        break;
    }
}

std::vector<WindowFigures> windowFigures(const Engine &e, const ActivityTimes &activity, Millis now)
{
    (void)now; // figures hold instants; durations are the view's (and the alarms') business
    const HallConfig &config = e.config();
    const Millis dayStart = e.dayStartMs(e.today());
    std::vector<const Ticket *> waiting;
    std::map<int, int> served;
    for (const auto &[id, t] : e.tickets()) {
        if (t.status == TicketStatus::Waiting)
            waiting.push_back(&t);
        else if (t.status == TicketStatus::Finished && t.endedAt >= dayStart)
            ++served[t.window];
    }
    std::vector<WindowFigures> out;
    for (const WindowConfig &w : config.windows) {
        WindowFigures f;
        f.number = w.number;
        f.name = qs(w.name);
        const WindowState *ws = e.window(w.number);
        if (!ws || ws->clerk.empty())
            f.state = QStringLiteral("closed");
        else
            f.state = ws->paused ? QStringLiteral("paused") : QStringLiteral("open");
        if (ws && !ws->clerk.empty()) {
            f.clerkId = qs(ws->clerk);
            if (const Clerk *c = config.clerk(ws->clerk)) {
                f.clerkName = qs(c->name);
                f.clerkBadge = qs(c->badge);
            }
        }
        const Ticket *t = ws && ws->current ? e.ticket(ws->current) : nullptr;
        Millis oldest = 0;
        for (const Ticket *q : waiting) {
            if (mayCall(w, *q)) {
                ++f.queueWaiting;
                if (oldest == 0 || waitStart(*q) < oldest)
                    oldest = waitStart(*q);
            }
        }
        if (t && (t->status == TicketStatus::Called || t->status == TicketStatus::Serving)) {
            const bool serving = t->status == TicketStatus::Serving;
            f.activity = serving ? QStringLiteral("serving") : QStringLiteral("called");
            f.label = qs(t->label);
            f.service = qs(t->service);
            f.activitySince = serving ? t->servingAt : t->calledAt;
        } else if (f.state == QLatin1String("open")) {
            f.activity = QStringLiteral("idle");
            const auto it = activity.find(w.number);
            f.activitySince = std::max(it == activity.end() ? Millis(0) : it->second, ws->openedAt);
            if (f.queueWaiting > 0) {
                f.idleWithQueue = true;
                f.idleWithQueueSince = std::max(f.activitySince, oldest);
            }
        }
        if (const auto it = served.find(w.number); it != served.end())
            f.servedToday = it->second;
        out.push_back(f);
    }
    return out;
}

// ---- devices and alarms ---------------------------------------------------------------------

QString printerCode(const bus::DeviceInfo &d)
{
    return d.status.value(QLatin1String("printer")).toString();
}

QString signCode(const bus::DeviceInfo &d)
{
    // A sign the server lists but that never reported has no code and is not an alarm yet: the
    // server reports a sign that does not answer as "offline" itself.
    return d.status.value(QLatin1String("sign")).toString();
}

int signWindow(const QString &id, const bus::DeviceInfo &d)
{
    if (d.window)
        return d.window;
    if (id.startsWith(QLatin1String("sign-"))) {
        bool ok = false;
        const int n = id.mid(5).toInt(&ok);
        if (ok && n > 0)
            return n;
    }
    return 0;
}

std::vector<Alarm> alarms(const AlarmInput &in)
{
    std::vector<Alarm> out;
    const Millis now = in.now;

    if (!in.online && now - in.offlineSince >= Millis(in.norms.offlineGraceSeconds) * 1000) {
        Alarm a;
        a.key = QStringLiteral("offline");
        a.kind = QStringLiteral("offline");
        a.severity = QStringLiteral("fault");
        a.textZh = QStringLiteral("与大厅服务器失去联系，显示的是最后已知的状态");
        a.textEn = QStringLiteral("Hall server unreachable; showing the last known state");
        a.since = in.offlineSince;
        out.push_back(a);
    }

    for (auto it = in.devices.constBegin(); it != in.devices.constEnd(); ++it) {
        const QString &id = it.key();
        const bus::DeviceInfo &d = it.value();
        const QString detail = d.status.value(QLatin1String("detail")).toString();
        if (const QString code = printerCode(d); !code.isEmpty() && code != QLatin1String("ok")) {
            const auto [zh, en] = describe(kPrinterTexts, code, "打印机异常", "printer problem");
            Alarm a;
            a.key = QStringLiteral("printer:") + id;
            a.kind = QStringLiteral("printer");
            a.severity = code == QLatin1String("paper_near_end") ? QStringLiteral("warning") : QStringLiteral("fault");
            a.textZh = QStringLiteral("取号机 %1：%2").arg(id, zh);
            a.textEn = QStringLiteral("Kiosk %1: %2").arg(id, en);
            a.window = d.window;
            a.device = id;
            a.code = code;
            a.detail = detail;
            a.since = d.at;
            out.push_back(a);
        }
        const bool isSign = d.role == QLatin1String("sign") || d.status.contains(QLatin1String("sign"));
        if (const QString code = signCode(d); isSign && !code.isEmpty() && code != QLatin1String("ok")) {
            const auto [zh, en] = describe(kSignTexts, code, "LED 屏异常", "LED sign problem");
            const int window = signWindow(id, d);
            Alarm a;
            a.key = QStringLiteral("sign:") + id;
            a.kind = QStringLiteral("sign");
            a.severity = QStringLiteral("fault");
            a.textZh = window ? QStringLiteral("%1号窗口%2").arg(window).arg(zh) : QStringLiteral("%1：%2").arg(id, zh);
            a.textEn = window ? QStringLiteral("Window %1: %2").arg(window).arg(en) : QStringLiteral("%1: %2").arg(id, en);
            a.window = window;
            a.device = id;
            a.code = code;
            a.detail = detail;
            a.since = d.at;
            out.push_back(a);
        }
    }

    if (in.services) {
        for (const ServiceFigures &s : *in.services) {
            if (!s.aboveNorm)
                continue;
            const Millis longest = Millis(s.longestWaitSeconds) * 1000;
            Alarm a;
            a.key = QStringLiteral("wait:") + s.code;
            a.kind = QStringLiteral("wait");
            a.severity = QStringLiteral("warning");
            a.textZh = QStringLiteral("%1：最长已等候 %2 分钟（标准 %3 分钟），%4 人在等")
                           .arg(s.nameZh, minutesText(longest)).arg(s.normMinutes).arg(s.waiting);
            a.textEn = QStringLiteral("%1: longest wait %2 min (norm %3 min), %4 waiting")
                           .arg(s.nameEn, minutesText(longest)).arg(s.normMinutes).arg(s.waiting);
            a.service = s.code;
            a.since = s.oldestWaitingSince + Millis(s.normMinutes) * 60000;
            out.push_back(a);
        }
    }

    if (in.windows) {
        for (const WindowFigures &w : *in.windows) {
            if (!w.idleWithQueue || now - w.idleWithQueueSince < Millis(in.norms.idleGraceSeconds) * 1000)
                continue;
            Alarm a;
            a.key = QStringLiteral("idle:%1").arg(w.number);
            a.kind = QStringLiteral("idle");
            a.severity = QStringLiteral("warning");
            const QString name = w.name.isEmpty() ? QStringLiteral("%1号窗口").arg(w.number) : w.name;
            a.textZh = QStringLiteral("%1空闲已 %2 分钟，%3 人在等候").arg(name, minutesText(now - w.idleWithQueueSince)).arg(w.queueWaiting);
            a.textEn = QStringLiteral("Window %1 idle for %2 min while %3 wait").arg(w.number).arg(minutesText(now - w.idleWithQueueSince)).arg(w.queueWaiting);
            a.window = w.number;
            a.since = w.idleWithQueueSince;
            out.push_back(a);
        }
    }

    std::sort(out.begin(), out.end(), [](const Alarm &a, const Alarm &b) {
        const bool fa = a.severity == QLatin1String("fault");
        const bool fb = b.severity == QLatin1String("fault");
        if (fa != fb)
            return fa;
        if (a.since != b.since)
            return a.since < b.since;
        return a.key < b.key;
    });
    return out;
}

// ---- the day's series -----------------------------------------------------------------------

namespace {

// Intervals [start, end) during which a ticket of today waited.
template <typename F>
void forEachWait(const Engine &e, F &&f)
{
    const int today = e.today();
    for (const auto &[id, t] : e.tickets()) {
        if (t.day != today)
            continue;
        if (t.firstCalledAt > 0) {
            f(t.issuedAt, t.firstCalledAt);
            // Back in a queue after a transfer: waiting again since (about) the latest call.
            if (t.status == TicketStatus::Waiting)
                f(t.calledAt, kNever);
            else if (t.status == TicketStatus::Cancelled)
                f(t.calledAt, t.endedAt);
        } else if (t.status == TicketStatus::Waiting) {
            f(t.issuedAt, kNever);
        } else if (t.endedAt > 0) {
            f(t.issuedAt, t.endedAt); // cancelled before anyone called them
        }
    }
}

} // namespace

int waitingAt(const Engine &e, Millis t)
{
    int n = 0;
    forEachWait(e, [&](Millis start, Millis end) {
        if (start <= t && t < end)
            ++n;
    });
    return n;
}

std::vector<SeriesPoint> waitingSeries(const Engine &e, Millis from, Millis to, Millis step)
{
    std::vector<SeriesPoint> out;
    if (step <= 0 || to < from)
        return out;
    // One sweep over sorted changes instead of a scan of every ticket for every point: a busy
    // day has a few thousand tickets and well over a hundred points.
    std::vector<std::pair<Millis, int>> changes;
    forEachWait(e, [&](Millis start, Millis end) {
        if (end <= start)
            return;
        changes.emplace_back(start, +1);
        if (end != kNever)
            changes.emplace_back(end, -1);
    });
    std::sort(changes.begin(), changes.end());
    std::size_t next = 0;
    int level = 0;
    for (Millis t = from; t <= to; t += step) {
        while (next < changes.size() && changes[next].first <= t)
            level += changes[next++].second;
        out.push_back({t, level});
    }
    return out;
}

Millis seriesStart(const Engine &e, Millis now, Millis step)
{
    const int today = e.today();
    const Millis dayStart = e.dayStartMs(today);
    Millis first = now;
    for (const auto &[id, t] : e.tickets()) {
        if (t.day == today)
            first = std::min(first, t.issuedAt);
    }
    if (step <= 0 || first <= dayStart)
        return dayStart;
    return dayStart + (first - dayStart) / step * step;
}

QString hallClock(const Engine &e, Millis t)
{
    const Millis local = t + Millis(e.config().utcOffsetMinutes) * 60000;
    Millis minutes = local / 60000 % 1440;
    if (minutes < 0)
        minutes += 1440;
    return QStringLiteral("%1:%2").arg(minutes / 60, 2, 10, QLatin1Char('0')).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

} // namespace hall::board::figures
