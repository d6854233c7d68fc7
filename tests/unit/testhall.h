// What the engine and store unit tests share: the hall most of them run, the hall's wall-clock
// times, and text forms of engine state. Comparisons go through text so that a failure names the
// first field that differs instead of only saying "not equal", which on a snapshot of hundreds of
// tickets would leave the reader to find the difference by hand.
#pragma once

#include "engine/engine.h"

#include <QByteArray>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace testhall {

using hall::engine::Clerk;
using hall::engine::Engine;
using hall::engine::EngineSnapshot;
using hall::engine::HallConfig;
using hall::engine::Millis;
using hall::engine::Service;
using hall::engine::Ticket;
using hall::engine::TicketId;
using hall::engine::WindowConfig;
using hall::engine::WindowState;

// The spec states times as local wall-clock times in the hall (UTC+8) while the engine works in
// UTC; tests speak the spec's language. Day 0 is Monday 2024-03-04, business day 19786, the day
// tests/data/make-hall-v1.sql was written for.
inline Millis localTime(int hour, int minute, int second = 0, int dayOffset = 0)
{
    using namespace std::chrono;
    const sys_days date = sys_days{year{2024} / March / 4} + days{dayOffset};
    const auto local = date.time_since_epoch() + hours{hour} + minutes{minute} + seconds{second};
    return duration_cast<milliseconds>(local - hours{8}).count();
}

// Clerks c1..cN, so a test can sign anyone in without caring who they are.
inline std::vector<Clerk> numberedClerks(int count)
{
    std::vector<Clerk> clerks;
    for (int i = 1; i <= count; ++i) {
        Clerk clerk;
        clerk.id = "c" + std::to_string(i);
        clerk.name = "Clerk " + std::to_string(i);
        clerks.push_back(clerk);
    }
    return clerks;
}

// Small enough to reason about by hand, yet every queue rule has a case: window 2 serves two
// services in a preferred order, RENEW has two windows, PICKUP a window of its own. The engine
// and store tests each adjust it (a tiny daily limit, the fixture's PIN hashes) where they need to.
inline HallConfig fourWindowHall()
{
    HallConfig c;
    c.hallId = "test-hall";
    c.nameZh = "测试大厅";
    c.nameEn = "Test hall";
    c.services = {
        Service{.code = "NEW", .prefix = 'A', .nameZh = "新办", .nameEn = "New", .estimatedServiceSeconds = 600},
        Service{.code = "RENEW", .prefix = 'B', .nameZh = "换领", .nameEn = "Renewal", .estimatedServiceSeconds = 300},
        Service{.code = "PICKUP", .prefix = 'C', .nameZh = "领证", .nameEn = "Pick-up", .estimatedServiceSeconds = 120},
    };
    c.windows = {
        WindowConfig{.number = 1, .name = "1号窗口", .services = {"NEW"}},
        WindowConfig{.number = 2, .name = "2号窗口", .services = {"RENEW", "NEW"}},
        WindowConfig{.number = 3, .name = "3号窗口", .services = {"RENEW"}},
        WindowConfig{.number = 4, .name = "4号窗口", .services = {"PICKUP"}},
    };
    c.clerks = numberedClerks(5);
    return c;
}

inline QByteArray bytes(const std::string &s) { return QByteArray::fromStdString(s); }

// ---- Text forms: every field, so two that print the same are the same ------------------------

inline std::string ticketText(const Ticket &t)
{
    std::ostringstream s;
    s << '#' << t.id << ' ' << t.label << ' ' << t.service << '/' << t.originalService << " n=" << t.number
      << " day=" << t.day << ' ' << toString(t.priority) << ' ' << toString(t.status) << " issued=" << t.issuedAt
      << " queued=" << t.queuedAt << " called=" << t.calledAt << " first=" << t.firstCalledAt
      << " serving=" << t.servingAt << " ended=" << t.endedAt << " window=" << t.window
      << " target=" << t.targetWindow << " clerk=" << t.clerk << " recalls=" << t.recalls
      << " transfers=" << t.transfers;
    return s.str();
}

inline std::string windowText(const WindowState &w)
{
    std::ostringstream s;
    s << "window " << w.number << " clerk=" << w.clerk << " paused=" << w.paused << " current=" << w.current
      << " opened=" << w.openedAt;
    if (w.rating.ticket)
        s << " rate=" << w.rating.ticket << "/" << w.rating.clerk << "/" << w.rating.openedAt << (w.rating.rated ? "/rated" : "");
    return s.str();
}

inline std::string numbersText(const std::map<std::string, int> &m)
{
    std::ostringstream s;
    for (const auto &[k, v] : m)
        s << k << ':' << v << ';';
    return s.str();
}

inline std::string samplesText(const std::map<std::string, std::vector<int>> &m)
{
    std::ostringstream s;
    for (const auto &[k, v] : m) {
        s << k << ':';
        for (int x : v)
            s << ' ' << x;
        s << ';';
    }
    return s.str();
}

// ---- Differences: empty when equal, otherwise the first one, readable in a failure message -----

inline QByteArray differs(const char *what, const std::string &expected, const std::string &actual)
{
    return QByteArray(what) + " differs: expected [" + bytes(expected) + "] got [" + bytes(actual) + "]";
}

// Separate from snapshotDifference because tickets are all that a replay of one day's events can
// be held to: windows and service history outlive the day.
inline QByteArray ticketsDifference(const std::vector<Ticket> &expected, const std::vector<Ticket> &actual)
{
    for (std::size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
        const std::string e = i < expected.size() ? ticketText(expected[i]) : "(none)";
        const std::string a = i < actual.size() ? ticketText(actual[i]) : "(none)";
        if (e != a)
            return differs("ticket", e, a);
    }
    return {};
}

inline QByteArray snapshotDifference(const EngineSnapshot &expected, const EngineSnapshot &actual)
{
    if (expected.day != actual.day)
        return differs("day", std::to_string(expected.day), std::to_string(actual.day));
    if (expected.lastTicketId != actual.lastTicketId)
        return differs("lastTicketId", std::to_string(expected.lastTicketId), std::to_string(actual.lastTicketId));
    if (expected.lastNumbers != actual.lastNumbers)
        return differs("lastNumbers", numbersText(expected.lastNumbers), numbersText(actual.lastNumbers));
    if (QByteArray d = ticketsDifference(expected.tickets, actual.tickets); !d.isEmpty())
        return d;
    for (std::size_t i = 0; i < std::max(expected.windows.size(), actual.windows.size()); ++i) {
        const std::string e = i < expected.windows.size() ? windowText(expected.windows[i]) : "(none)";
        const std::string a = i < actual.windows.size() ? windowText(actual.windows[i]) : "(none)";
        if (e != a)
            return differs("window", e, a);
    }
    if (expected.recentServiceSeconds != actual.recentServiceSeconds)
        return differs("recentServiceSeconds", samplesText(expected.recentServiceSeconds),
                       samplesText(actual.recentServiceSeconds));
    return {};
}

// Everything the server and boards can ask the engine, one fact per line: a snapshot can agree
// while a query computed from it does not. A closed window prints the same whether the engine
// remembers it or not, because snapshots keep only windows with some state.
inline std::string queriesText(const Engine &e)
{
    std::ostringstream s;
    s << "today=" << e.today() << " lastTicket=" << e.lastTicketId() << " waiting=" << e.waitingTotal() << '\n';
    for (const Service &svc : e.config().services) {
        s << "service " << svc.code << " last=" << e.lastNumber(svc.code) << " waiting=" << e.waitingCount(svc.code)
          << " open=" << e.openWindowsFor(svc.code) << " average=" << e.averageServiceSeconds(svc.code)
          << " estimate=" << e.estimatedWaitSeconds(svc.code) << " order:";
        for (TicketId id : e.waitingFor(svc.code))
            s << ' ' << id;
        s << '\n';
    }
    for (const WindowConfig &cfg : e.config().windows) {
        const WindowState *w = e.window(cfg.number);
        s << "window " << cfg.number << " clerk=" << (w ? w->clerk : "") << " paused=" << (w && w->paused)
          << " current=" << (w ? w->current : 0) << " rate=" << (w ? w->rating.ticket : 0) << (w && w->rating.rated ? "/rated" : "") << '\n';
    }
    for (const auto &[id, t] : e.tickets()) {
        const Ticket *found = e.ticket(id);
        s << (found ? ticketText(*found) : "missing #" + std::to_string(id)) << " ahead=" << e.peopleAhead(id) << '\n';
    }
    return s.str();
}

inline QByteArray firstDifferentLine(const std::string &expected, const std::string &actual)
{
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (int line = 1;; ++line) {
        const bool moreE = bool(std::getline(e, le));
        const bool moreA = bool(std::getline(a, la));
        if (!moreE && !moreA)
            return {};
        if (!moreE)
            le = "(end)";
        if (!moreA)
            la = "(end)";
        if (le != la)
            return differs(("query line " + std::to_string(line)).c_str(), le, la);
    }
}

inline QByteArray queriesDifference(const Engine &expected, const Engine &actual)
{
    return firstDifferentLine(queriesText(expected), queriesText(actual));
}

} // namespace testhall

// Macros rather than functions because QVERIFY2 returns from the test function it stands in.
#define QVERIFY_SAME_SNAPSHOT(expected, actual)                                                         \
    do {                                                                                                \
        const QByteArray snapshotDiff_ = ::testhall::snapshotDifference((expected), (actual));          \
        QVERIFY2(snapshotDiff_.isEmpty(), snapshotDiff_.constData());                                   \
    } while (false)

#define QVERIFY_SAME_QUERIES(expectedEngine, actualEngine)                                              \
    do {                                                                                                \
        const QByteArray queryDiff_ = ::testhall::queriesDifference((expectedEngine), (actualEngine));  \
        QVERIFY2(queryDiff_.isEmpty(), queryDiff_.constData());                                         \
    } while (false)
