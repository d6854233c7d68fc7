#pragma once

// A simulated hall shared by the benchmark programs: a fixed 7-service / 12-window configuration
// and a driver that produces a plausible stream of operations against a real Engine. Every
// operation it asks for is one the engine must accept; any refusal aborts the program, because a
// benchmark that silently measured refusals would report the speed of the wrong code path.

#include "engine/engine.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace hall::bench {

using namespace hall::engine;

inline constexpr Millis kMinuteMs = 60'000;
inline constexpr Millis kHourMs = 60 * kMinuteMs;
inline constexpr Millis kDayMs = 24 * kHourMs;

[[noreturn]] inline void fatal(const std::string &message)
{
    std::fflush(stdout);
    std::fprintf(stderr, "\nbench: FATAL: %s\n", message.c_str());
    std::exit(2);
}

// A positive count from the command line; anything else ends the program with a message.
inline long parseCount(const char *s, const char *option)
{
    char *end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (!end || *end != '\0' || v <= 0)
        fatal(std::string("bad value for ") + option + ": " + s);
    return v;
}

// Local midnight (UTC+8) of Monday 2024-03-04 plus dayOffset days, as UTC milliseconds.
inline Millis localMidnight(int dayOffset)
{
    using namespace std::chrono;
    const sys_days date = sys_days{year{2024} / March / 4} + days{dayOffset};
    return duration_cast<milliseconds>(date.time_since_epoch() - hours{8}).count();
}

inline HallConfig benchConfig()
{
    HallConfig c;
    c.hallId = "bench-hall";
    c.nameZh = "车管所业务大厅";
    c.nameEn = "Vehicle registration hall (benchmark)";
    c.utcOffsetMinutes = 480;
    c.dayStartMinutes = 4 * 60;
    c.services = {
        Service{.code = "NEW", .prefix = 'A', .nameZh = "新车注册", .nameEn = "New vehicle", .estimatedServiceSeconds = 900},
        Service{.code = "TRANSFER", .prefix = 'B', .nameZh = "转移登记", .nameEn = "Ownership transfer", .estimatedServiceSeconds = 720},
        Service{.code = "PLATE", .prefix = 'C', .nameZh = "补换牌证", .nameEn = "Plates and papers", .estimatedServiceSeconds = 300},
        Service{.code = "LICENCE", .prefix = 'D', .nameZh = "驾驶证业务", .nameEn = "Driving licence", .estimatedServiceSeconds = 420},
        Service{.code = "PENALTY", .prefix = 'E', .nameZh = "违法处理", .nameEn = "Violations", .estimatedServiceSeconds = 240},
        Service{.code = "INSPECT", .prefix = 'F', .nameZh = "检验标志", .nameEn = "Inspection sticker", .estimatedServiceSeconds = 180},
        Service{.code = "CONSULT", .prefix = 'G', .nameZh = "咨询", .nameEn = "Enquiries", .estimatedServiceSeconds = 120},
    };
    const std::vector<std::vector<std::string>> serves = {
        {"NEW"}, {"NEW", "TRANSFER"}, {"TRANSFER", "NEW"}, {"TRANSFER"},
        {"PLATE", "LICENCE"}, {"LICENCE", "PLATE"}, {"LICENCE"}, {"PENALTY"},
        {"PENALTY", "INSPECT"}, {"INSPECT", "CONSULT"}, {"CONSULT", "PENALTY", "INSPECT"},
        {"NEW", "TRANSFER", "PLATE"},
    };
    for (int i = 0; i < int(serves.size()); ++i) {
        c.windows.push_back(WindowConfig{.number = i + 1, .name = std::to_string(i + 1) + "号窗口", .services = serves[std::size_t(i)]});
        Clerk clerk;
        clerk.id = "c" + std::to_string(101 + i);
        clerk.name = "Clerk " + std::to_string(101 + i);
        clerk.badge = std::to_string(320101 + i);
        c.clerks.push_back(clerk);
    }
    return c;
}

enum class Op : int { Issue, CallNext, Recall, Start, NoShow, Transfer, Finish, Cancel, SignIn, SignOut, Pause, Resume };
inline constexpr int kOpCount = 12;

inline const char *opName(Op op)
{
    static constexpr std::array<const char *, kOpCount> names = {
        "issue", "callNext", "recall", "startService", "noShow", "transferToService",
        "finish", "cancel", "signIn", "signOut", "pause", "resume",
    };
    return names[std::size_t(op)];
}

struct Action {
    Op op = Op::Issue;
    int window = 0;
    std::string service = {}; // issue, transfer
    std::string clerk = {};   // signIn
    Priority priority = Priority::Normal;
    TicketId ticket = 0; // expected ticket at the window, or the ticket to cancel
};

// Drives whole business days: windows sign in from 08:00, visitors arrive so that about
// eventsPerDay events happen before 17:30, then open visits are finished, clerks sign out and the
// clock jumps to the next weekday morning (past the 04:00 rollover, so the next operation starts a
// new business day). It reads the engine's own state to decide, so it can also take over an
// engine restored from a store in the middle of a day.
class HallSim
{
public:
    HallSim(Engine &engine, ManualClock &clock, std::uint64_t seed, int eventsPerDay = 4000)
        : m_engine(engine)
        , m_clock(clock)
        , m_rng(seed)
        , m_stepMs((17 * kHourMs + 30 * kMinuteMs - 8 * kHourMs) / eventsPerDay)
    {
        const Millis offset = Millis(engine.config().utcOffsetMinutes) * kMinuteMs;
        const Millis local = clock.now() + offset;
        m_midnight = local - (local % kDayMs) - offset;
        m_closeAt = m_midnight + 17 * kHourMs + 30 * kMinuteMs;
        m_weekday = int(((m_midnight - localMidnight(0)) / kDayMs) % 7); // day 0 is a Monday
        m_closing = clock.now() >= m_closeAt;
    }

    // Keeps every operation within the current business day (used to stop exactly at an event
    // count: the first operation of a day also carries the DayStarted event).
    void holdDay(bool hold) { m_hold = hold; }
    int newDays() const { return m_newDays; }

    // Decides the next operation and advances the clock to its time.
    Action next()
    {
        if (!m_closing && m_clock.now() >= m_closeAt)
            m_closing = true;
        if (m_closing) {
            m_clock.advance(20'000);
            for (const auto &w : m_engine.config().windows) {
                const WindowState *ws = m_engine.window(w.number);
                if (ws && ws->current != 0)
                    return Action{.op = Op::Finish, .window = w.number, .ticket = ws->current};
                if (ws && !ws->clerk.empty())
                    return Action{.op = Op::SignOut, .window = w.number};
            }
            if (m_hold)
                return issueAction(); // a late visitor at the kiosk; expires tomorrow
            startNextDay();
        }

        m_clock.advance(jitter(m_stepMs));
        if (!m_allSignedIn) {
            for (std::size_t i = 0; i < m_engine.config().windows.size(); ++i) {
                const int n = m_engine.config().windows[i].number;
                const WindowState *ws = m_engine.window(n);
                if (!ws || ws->clerk.empty())
                    return Action{.op = Op::SignIn, .window = n, .clerk = m_engine.config().clerks[i].id};
            }
            m_allSignedIn = true;
        }

        const int waiting = m_engine.waitingTotal();
        if (waiting > 0 && chance(0.01)) {
            if (auto a = cancelAction())
                return *a;
        }
        if (waiting < kTargetQueue && chance(0.5))
            return issueAction();
        if (auto a = windowAction())
            return *a;
        return issueAction();
    }

    Outcome perform(const Action &a)
    {
        switch (a.op) {
        case Op::Issue: return m_engine.issue(a.service, a.priority);
        case Op::CallNext: return m_engine.callNext(a.window);
        case Op::Recall: return m_engine.recall(a.window, a.ticket);
        case Op::Start: return m_engine.startService(a.window, a.ticket);
        case Op::NoShow: return m_engine.noShow(a.window, a.ticket);
        case Op::Transfer: return m_engine.transferToService(a.window, a.service, a.ticket);
        case Op::Finish: return m_engine.finish(a.window, a.ticket);
        case Op::Cancel: return m_engine.cancel(a.ticket);
        case Op::SignIn: return m_engine.signIn(a.window, a.clerk);
        case Op::SignOut: return m_engine.signOut(a.window);
        case Op::Pause: return m_engine.pause(a.window);
        case Op::Resume: return m_engine.resume(a.window);
        }
        fatal("unknown operation");
    }

    static void check(const Action &a, const Outcome &o)
    {
        if (!o.ok()) {
            fatal(std::string("the engine refused ") + opName(a.op) + " (window " + std::to_string(a.window) + ", service '" + a.service
                  + "'): " + toString(o.error->code) + ": " + o.error->message);
        }
        if (o.events.empty())
            fatal(std::string(opName(a.op)) + " succeeded without any event");
    }

    Outcome step(Action *done = nullptr)
    {
        Action a = next();
        Outcome o = perform(a);
        check(a, o);
        if (done)
            *done = std::move(a);
        return o;
    }

private:
    static constexpr int kTargetQueue = 12;
    static constexpr int kLimitMargin = 5;

    static int weightOf(const std::string &code)
    {
        if (code == "NEW" || code == "TRANSFER")
            return 18;
        if (code == "LICENCE")
            return 17;
        if (code == "PENALTY")
            return 15;
        if (code == "CONSULT")
            return 8;
        return 12;
    }

    bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng) < p; }
    Millis jitter(Millis ms) { return std::uniform_int_distribution<Millis>(ms / 2, ms + ms / 2)(m_rng); }

    void startNextDay()
    {
        // Weekends are closed; the rollover at 04:00 happens with the first operation of the day.
        const int skip = m_weekday == 4 ? 3 : 1;
        m_weekday = (m_weekday + skip) % 7;
        m_midnight += skip * kDayMs;
        m_closeAt = m_midnight + 17 * kHourMs + 30 * kMinuteMs;
        m_clock.set(m_midnight + 8 * kHourMs + std::uniform_int_distribution<Millis>(0, 10 * kMinuteMs)(m_rng));
        m_closing = false;
        m_allSignedIn = false;
        ++m_newDays;
    }

    Action issueAction()
    {
        // Weighted choice among services still below their daily limit; when every service is
        // near it the hall closes for the day instead of provoking DailyLimitReached.
        int total = 0;
        for (const auto &s : m_engine.config().services) {
            if (m_engine.lastNumber(s.code) < s.dailyLimit - kLimitMargin)
                total += weightOf(s.code);
        }
        if (total == 0) {
            if (m_hold)
                fatal("every service is at its daily limit while the day must be held");
            m_closing = true;
            m_closeAt = m_clock.now();
            return next();
        }
        int pick = std::uniform_int_distribution<int>(0, total - 1)(m_rng);
        Action a{.op = Op::Issue};
        for (const auto &s : m_engine.config().services) {
            if (m_engine.lastNumber(s.code) >= s.dailyLimit - kLimitMargin)
                continue;
            pick -= weightOf(s.code);
            if (pick < 0) {
                a.service = s.code;
                break;
            }
        }
        const double r = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
        a.priority = r < 0.03 ? Priority::Appointment : r < 0.08 ? Priority::Elderly : Priority::Normal;
        return a;
    }

    std::optional<Action> cancelAction()
    {
        const auto &services = m_engine.config().services;
        const auto &s = services[std::uniform_int_distribution<std::size_t>(0, services.size() - 1)(m_rng)];
        const std::vector<TicketId> waiting = m_engine.waitingFor(s.code);
        if (waiting.empty())
            return std::nullopt;
        return Action{.op = Op::Cancel, .ticket = waiting.back()}; // the latest arrival gives up
    }

    bool anyoneWaitingFor(const WindowConfig &w) const
    {
        for (const auto &s : w.services) {
            if (m_engine.waitingCount(s) > 0)
                return true;
        }
        return false;
    }

    std::optional<Action> windowAction()
    {
        const auto &windows = m_engine.config().windows;
        for (std::size_t k = 0; k < windows.size(); ++k) {
            const WindowConfig &w = windows[(m_cursor + k) % windows.size()];
            const WindowState *ws = m_engine.window(w.number);
            if (!ws || ws->clerk.empty())
                continue;
            Action a{.window = w.number};
            if (ws->paused) {
                if (!chance(0.2))
                    continue;
                a.op = Op::Resume;
            } else if (ws->current != 0) {
                const Ticket *t = m_engine.ticket(ws->current);
                if (!t)
                    fatal("window " + std::to_string(w.number) + " holds ticket " + std::to_string(ws->current) + " the engine does not know");
                a.ticket = t->id;
                const double r = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
                if (t->status == TicketStatus::Called) {
                    a.op = (r < 0.04 && t->recalls < 2) ? Op::Recall : r < 0.08 ? Op::NoShow : Op::Start;
                } else if (r < 0.03) {
                    a.op = Op::Transfer;
                    const auto &services = m_engine.config().services;
                    do {
                        a.service = services[std::uniform_int_distribution<std::size_t>(0, services.size() - 1)(m_rng)].code;
                    } while (a.service == t->service);
                } else {
                    a.op = Op::Finish;
                }
            } else if (anyoneWaitingFor(w)) {
                a.op = chance(0.002) ? Op::Pause : Op::CallNext;
            } else {
                continue;
            }
            m_cursor = (m_cursor + k + 1) % windows.size();
            return a;
        }
        return std::nullopt;
    }

    Engine &m_engine;
    ManualClock &m_clock;
    std::mt19937_64 m_rng;
    Millis m_stepMs;
    Millis m_midnight = 0;
    Millis m_closeAt = 0;
    int m_weekday = 0;
    int m_newDays = 0;
    std::size_t m_cursor = 0;
    bool m_closing = false;
    bool m_allSignedIn = false;
    bool m_hold = false;
};

// Nearest-rank percentiles of a sample, in whatever unit it was taken.
struct Stats {
    std::size_t n = 0;
    double mean = 0, p50 = 0, p99 = 0, max = 0, total = 0;
};

inline Stats summarize(std::vector<double> v)
{
    Stats s;
    s.n = v.size();
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    for (double x : v)
        s.total += x;
    s.mean = s.total / double(v.size());
    auto rank = [&](double p) {
        std::size_t i = std::size_t(std::ceil(p * double(v.size())));
        return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
    };
    s.p50 = rank(0.50);
    s.p99 = rank(0.99);
    s.max = v.back();
    return s;
}

} // namespace hall::bench
