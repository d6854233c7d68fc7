#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Plain data of the queue engine. Pure C++ on purpose: the engine is replayed in tests,
// benchmarks and the simulator without any I/O or Qt event loop.
namespace hall::engine {

using Millis = std::int64_t; // milliseconds since the Unix epoch, UTC
using TicketId = std::int64_t;

enum class Priority : int { Appointment = 0, Elderly = 1, Normal = 2 };

enum class TicketStatus : int {
    Waiting = 0,
    Called = 1,
    Serving = 2,
    Finished = 3,
    NoShow = 4,
    Cancelled = 5,
    Expired = 6,
};

bool isOpen(TicketStatus s); // waiting, called or serving
const char *toString(Priority p);
const char *toString(TicketStatus s);
std::optional<Priority> priorityFromString(const std::string &s);
std::optional<TicketStatus> statusFromString(const std::string &s);
// A business day number (days since 1970-01-01 in the hall's local time, shifted by the rollover
// hour) as the date people call it: "2024-03-04".
std::string businessDayDate(int day);

struct Service {
    std::string code;   // stable key, e.g. "NEW"
    char prefix = 'A';  // ticket letter, e.g. 'A' in A001
    std::string nameZh;
    std::string nameEn;
    int estimatedServiceSeconds = 600; // used until real service times are known
    int dailyLimit = 999;              // numbers are three digits on the printed ticket
};

struct WindowConfig {
    int number = 0;
    std::string name;
    std::vector<std::string> services; // in the order this window prefers them
};

struct Clerk {
    std::string id;
    std::string name;
    std::string badge;   // 警号
    std::string pinHash; // argon2id string; checked outside the engine
    std::string role = "clerk";
    std::string photo;
};

// The electronic evaluation system's rules (docs/protocol.md section 8).
struct RatingReason {
    std::string code; // stable key, e.g. "wait_long"
    std::string nameZh;
    std::string nameEn;
};

struct RatingRules {
    std::string scale = "two";  // "two" (满意 / 不满意, the hall's default) or "five" (national)
    int windowSeconds = 120;    // how long after finish (or a request) the window's pad takes a vote
    int starMinVotes = 10;      // votes a clerk needs in a week to be ranked
    int followUpDays = 3;       // an unsatisfied vote's follow-up is due this many days later
    std::vector<RatingReason> reasons; // tags an unsatisfied vote may carry

    // The scale's values, most satisfied first.
    const std::vector<std::string> &values() const;
    bool isValue(const std::string &rating) const;
    // Counts as satisfied in shares and the service star: 满意 on the two-level scale, the top
    // three (非常满意, 满意, 基本满意) on the five-level one.
    static bool isSatisfied(const std::string &rating);
    const RatingReason *reason(const std::string &code) const;
};

struct HallConfig {
    std::string hallId;
    std::string nameZh;
    std::string nameEn;
    int utcOffsetMinutes = 480; // China Standard Time; no DST in China
    int dayStartMinutes = 4 * 60; // business day begins at 04:00 local time
    std::vector<Service> services;
    std::vector<WindowConfig> windows;
    std::vector<Clerk> clerks;
    RatingRules ratings;

    const Service *service(const std::string &code) const;
    const WindowConfig *window(int number) const;
    const Clerk *clerk(const std::string &id) const;
};

struct Ticket {
    TicketId id = 0;
    std::string service;  // current service (changes on transfer to a service)
    std::string originalService;
    int number = 0;       // per original service per business day
    std::string label;    // "A001"
    int day = 0;          // business day number, see Engine::businessDay
    Priority priority = Priority::Normal;
    TicketStatus status = TicketStatus::Waiting;
    Millis issuedAt = 0;
    Millis queuedAt = 0;  // place in line; kept across transfers so the visitor keeps their place
    Millis calledAt = 0;  // latest call
    Millis firstCalledAt = 0; // wait = firstCalledAt - issuedAt
    Millis servingAt = 0;
    Millis endedAt = 0;
    int window = 0;       // window holding the ticket (called / serving), or the last one
    int targetWindow = 0; // when transferred to one window; 0 = any window of the service
    std::string clerk;
    int recalls = 0;
    int transfers = 0;
};

// The one visitor who may rate at a window: opened by finishing them (or by the clerk asking
// them to rate), replaced by the next, cleared by a new day.
struct RatingSlot {
    TicketId ticket = 0;  // 0 = nobody may rate here
    std::string clerk;    // who served them: the vote counts for this clerk
    Millis openedAt = 0;
    bool rated = false;   // the first press counted

    bool operator==(const RatingSlot &) const = default;
};

struct WindowState {
    int number = 0;
    std::string clerk;     // empty = closed
    bool paused = false;
    TicketId current = 0;  // ticket called or being served here
    Millis openedAt = 0;
    RatingSlot rating;
};

enum class EventType : int {
    DayStarted,
    TicketIssued,
    TicketCalled,
    TicketRecalled,
    ServiceStarted,
    TicketNoShow,
    TicketTransferred,
    TicketFinished,
    TicketCancelled,
    ClerkSignedIn,
    ClerkSignedOut,
    WindowPaused,
    WindowResumed,
    RatingRequested,
    TicketRated,
    FollowUpClosed,
};

const char *toString(EventType t);
std::optional<EventType> eventTypeFromString(const std::string &s);

// One fact that happened. A flat record rather than a variant: every event names at most a
// ticket, a window, a clerk and a service, and a flat shape keeps the journal codec trivial.
struct Event {
    EventType type = EventType::DayStarted;
    Millis at = 0;
    TicketId ticket = 0;
    int window = 0;
    std::string clerk;
    std::string service;    // TicketIssued: the service; TicketTransferred: the new service
    int number = 0;         // TicketIssued: the number; DayStarted: unused
    Priority priority = Priority::Normal;
    int day = 0;            // TicketIssued and DayStarted
    int targetWindow = 0;   // TicketTransferred: window it was sent to (0 = any)
    int recalls = 0;        // TicketRecalled: count after the recall
    std::string rating;     // TicketRated: the value on the hall's scale
    std::vector<std::string> tags; // TicketRated: reason codes of an unsatisfied vote
    std::string device;     // TicketRated: the pad; FollowUpClosed: who closed it
    Millis due = 0;         // TicketRated, unsatisfied: when its follow-up is due
    std::int64_t followUp = 0; // FollowUpClosed: the follow-up (the seq of its ticket_rated)
    std::string note;       // FollowUpClosed: what was done

    bool operator==(const Event &) const = default;
};

} // namespace hall::engine
