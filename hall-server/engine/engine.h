#pragma once

#include "clock.h"
#include "types.h"

#include <deque>
#include <set>
#include <tuple>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

namespace hall::engine {

enum class ErrorCode : int {
    UnknownService,
    UnknownWindow,
    UnknownClerk,
    UnknownTicket,
    WindowNotOpen,
    WindowPaused,
    WindowNotPaused,
    WindowOccupied,
    ClerkAtOtherWindow,
    VisitorInProgress,
    NoCurrentTicket,
    TicketNotAtWindow,
    TicketAlreadyServing,
    TicketNotWaiting,
    NobodyWaiting,
    DailyLimitReached,
    InvalidTransfer,
    InvalidArgument,
    NothingToRate,
    RatingClosed,
    AlreadyRated,
    InvalidRating,
};

const char *toString(ErrorCode c); // stable snake_case code, used on the wire and in the journal

struct Error {
    ErrorCode code;
    std::string message; // English, for logs and operators; terminals translate by code
};

// What an operation did: either an error (and nothing changed) or the events it applied.
struct Outcome {
    std::optional<Error> error;
    std::vector<Event> events;
    TicketId ticket = 0; // the ticket the operation acted on, if any

    bool ok() const { return !error.has_value(); }
};

// Everything needed to rebuild an engine without replaying the journal: the store keeps these
// as projections, so start-up cost depends on today's tickets, not on the length of history.
struct EngineSnapshot {
    int day = 0;
    TicketId lastTicketId = 0;
    std::map<std::string, int> lastNumbers;              // today's, per original service
    std::vector<Ticket> tickets;                         // today's, plus any still open
    std::vector<WindowState> windows;                    // windows with a clerk, pause or ticket
    std::map<std::string, std::vector<int>> recentServiceSeconds; // oldest first
};

class Engine
{
public:
    static constexpr int kRecentSamples = 20;

    Engine(HallConfig config, const Clock &clock);

    const HallConfig &config() const { return m_config; }
    const Clock &clock() const { return m_clock; }

    // Operations. Each either refuses with an Error and changes nothing, or applies its events.
    // The ones acting on a window's current ticket take the ticket the caller believes is there;
    // 0 skips the check, anything else must match, so a stale terminal cannot finish the wrong visitor.
    Outcome issue(const std::string &service, Priority priority = Priority::Normal);
    Outcome callNext(int window);
    Outcome recall(int window, TicketId expected = 0);
    Outcome startService(int window, TicketId expected = 0);
    Outcome noShow(int window, TicketId expected = 0);
    Outcome transferToService(int window, const std::string &service, TicketId expected = 0);
    Outcome transferToWindow(int window, int toWindow, TicketId expected = 0);
    Outcome finish(int window, TicketId expected = 0);
    Outcome cancel(TicketId ticket);
    Outcome signIn(int window, const std::string &clerk);
    Outcome signOut(int window);
    Outcome pause(int window);
    Outcome resume(int window);
    // The clerk asks the visitor to rate: the one called or served now, or the last one finished
    // while their slot is still open (expected, when given, must be one of them).
    Outcome requestRating(int window, TicketId expected = 0);
    // A vote from the window's pad for the visitor in the window's rating slot. Only the first
    // vote of a slot counts, and only until RatingRules::windowSeconds after it opened.
    Outcome rate(int window, const std::string &rating, const std::vector<std::string> &tags, const std::string &device,
                 TicketId expected = 0);
    // When a rating slot opened at `openedAt` stops taking votes.
    Millis ratingUntil(Millis openedAt) const { return openedAt + Millis(m_config.ratings.windowSeconds) * 1000; }
    // The first instant of a business day (its rollover time), UTC ms: businessDay's inverse.
    Millis dayStartMs(int day) const;
    // Starts the new business day if the clock has passed the rollover hour. Every operation does
    // this first; the server also calls it from a timer so boards clear at the hour.
    Outcome tick();

    // Applies an event as the operations do; replaying a journal through it rebuilds the state.
    void apply(const Event &e);

    void restore(const EngineSnapshot &s);
    EngineSnapshot snapshot() const;

    // Queries
    int businessDay(Millis t) const;
    int today() const { return m_day; }
    TicketId lastTicketId() const { return m_lastTicketId; }
    const Ticket *ticket(TicketId id) const;
    const std::map<TicketId, Ticket> &tickets() const { return m_tickets; }
    const WindowState *window(int number) const;
    const std::map<int, WindowState> &windows() const { return m_windows; }
    int lastNumber(const std::string &service) const;
    int waitingCount(const std::string &service) const;
    int waitingTotal() const;
    // Waiting tickets of a service, in the order a window serving only it would call them.
    std::vector<TicketId> waitingFor(const std::string &service) const;
    // Visitors to be called before this ticket by windows that serve its service.
    int peopleAhead(TicketId id) const;
    int openWindowsFor(const std::string &service) const;
    int averageServiceSeconds(const std::string &service) const;
    int estimatedWaitSeconds(const std::string &service) const;

    static std::string label(char prefix, int number);

private:
    using Key = std::tuple<int, Millis, TicketId>; // priority class, place in line, id
    // An ordered waiting line that also counts the keys before a key in O(log n) (libstdc++'s
    // order-statistics tree): every printed ticket says how many are ahead, and std::set would
    // walk the whole line for it, which at a few hundred waiting cost more than the commit.
    using Queue = __gnu_pbds::tree<Key, __gnu_pbds::null_type, std::less<Key>, __gnu_pbds::rb_tree_tag,
                                   __gnu_pbds::tree_order_statistics_node_update>;

    void rolloverIfDue(Outcome &out);
    void emit(Outcome &out, Event e);
    // The window, known and with a clerk signed in; null with the refusal set otherwise.
    const WindowState *openWindow(int window, Outcome &refusal) const;
    // Shared checks of the operations on a window's current ticket.
    const Ticket *heldTicket(int window, TicketId expected, Outcome &refusal) const;
    WindowState &windowState(int number);
    static Key keyOf(const Ticket &t);
    void enqueue(const Ticket &t);
    void dequeue(const Ticket &t);
    void noteServiceTime(const std::string &service, int seconds);

    HallConfig m_config;
    const Clock &m_clock;
    int m_day = 0;
    TicketId m_lastTicketId = 0;
    std::map<std::string, int> m_lastNumbers;
    std::map<TicketId, Ticket> m_tickets;
    std::map<int, WindowState> m_windows;
    std::map<std::string, Queue> m_waitingByService; // tickets open to any window
    std::map<int, Queue> m_waitingByWindow;          // tickets sent to one window
    std::map<std::string, std::deque<int>> m_recentServiceSeconds;
};

} // namespace hall::engine
