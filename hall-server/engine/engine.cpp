#include "engine.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>

namespace hall::engine {

namespace {
constexpr Millis kDayMs = 24LL * 60 * 60 * 1000;

std::string windowName(int n) { return "window " + std::to_string(n); }
} // namespace

const char *toString(ErrorCode c)
{
    switch (c) {
    case ErrorCode::UnknownService: return "unknown_service";
    case ErrorCode::UnknownWindow: return "unknown_window";
    case ErrorCode::UnknownClerk: return "unknown_clerk";
    case ErrorCode::UnknownTicket: return "unknown_ticket";
    case ErrorCode::WindowNotOpen: return "window_not_open";
    case ErrorCode::WindowPaused: return "window_paused";
    case ErrorCode::WindowNotPaused: return "window_not_paused";
    case ErrorCode::WindowOccupied: return "window_occupied";
    case ErrorCode::ClerkAtOtherWindow: return "clerk_at_other_window";
    case ErrorCode::VisitorInProgress: return "visitor_in_progress";
    case ErrorCode::NoCurrentTicket: return "no_current_ticket";
    case ErrorCode::TicketNotAtWindow: return "ticket_not_at_window";
    case ErrorCode::TicketAlreadyServing: return "ticket_already_serving";
    case ErrorCode::TicketNotWaiting: return "ticket_not_waiting";
    case ErrorCode::NobodyWaiting: return "nobody_waiting";
    case ErrorCode::DailyLimitReached: return "daily_limit_reached";
    case ErrorCode::InvalidTransfer: return "invalid_transfer";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::NothingToRate: return "nothing_to_rate";
    case ErrorCode::RatingClosed: return "rating_closed";
    case ErrorCode::AlreadyRated: return "already_rated";
    case ErrorCode::InvalidRating: return "invalid_rating";
    }
    return "?";
}

Engine::Engine(HallConfig config, const Clock &clock)
    : m_config(std::move(config))
    , m_clock(clock)
{
}

std::string Engine::label(char prefix, int number)
{
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%c%03d", prefix, number);
    return buf.data();
}

int Engine::businessDay(Millis t) const
{
    const Millis local = t + Millis(m_config.utcOffsetMinutes) * 60000 - Millis(m_config.dayStartMinutes) * 60000;
    // floor division: times before 1970 never happen here, but a wrong sign would be a silent bug
    Millis d = local / kDayMs;
    if (local % kDayMs < 0)
        --d;
    return int(d);
}

Millis Engine::dayStartMs(int day) const
{
    return Millis(day) * kDayMs - Millis(m_config.utcOffsetMinutes) * 60000 + Millis(m_config.dayStartMinutes) * 60000;
}

void Engine::rolloverIfDue(Outcome &out)
{
    const int day = businessDay(m_clock.now());
    if (day > m_day) {
        Event e;
        e.type = EventType::DayStarted;
        e.day = day;
        emit(out, e);
    }
}

void Engine::emit(Outcome &out, Event e)
{
    e.at = m_clock.now();
    apply(e);
    out.events.push_back(std::move(e));
}

Engine::Key Engine::keyOf(const Ticket &t)
{
    return {int(t.priority), t.queuedAt, t.id};
}

void Engine::enqueue(const Ticket &t)
{
    if (t.targetWindow != 0)
        m_waitingByWindow[t.targetWindow].insert(keyOf(t));
    else
        m_waitingByService[t.service].insert(keyOf(t));
}

void Engine::dequeue(const Ticket &t)
{
    if (t.targetWindow != 0)
        m_waitingByWindow[t.targetWindow].erase(keyOf(t));
    else
        m_waitingByService[t.service].erase(keyOf(t));
}

WindowState &Engine::windowState(int number)
{
    auto &w = m_windows[number];
    w.number = number;
    return w;
}

void Engine::noteServiceTime(const std::string &service, int seconds)
{
    auto &q = m_recentServiceSeconds[service];
    q.push_back(std::max(0, seconds));
    while (int(q.size()) > kRecentSamples)
        q.pop_front();
}

void Engine::apply(const Event &e)
{
    switch (e.type) {
    case EventType::DayStarted: {
        // Yesterday's open tickets expire; the store marks them so. Closed tickets leave memory:
        // the engine only needs today's.
        m_day = e.day;
        m_lastNumbers.clear();
        m_tickets.clear();
        m_waitingByService.clear();
        m_waitingByWindow.clear();
        for (auto &[n, w] : m_windows) {
            w.current = 0;
            w.rating = {}; // yesterday's visitors have gone home
        }
        return;
    }
    case EventType::TicketIssued: {
        const Service *s = m_config.service(e.service);
        Ticket t;
        t.id = e.ticket;
        t.service = e.service;
        t.originalService = e.service;
        t.number = e.number;
        t.label = label(s ? s->prefix : '?', e.number);
        t.day = e.day;
        t.priority = e.priority;
        t.issuedAt = e.at;
        t.queuedAt = e.at;
        m_lastTicketId = std::max(m_lastTicketId, e.ticket);
        m_lastNumbers[e.service] = std::max(m_lastNumbers[e.service], e.number);
        enqueue(t);
        m_tickets.emplace(t.id, std::move(t));
        return;
    }
    default:
        break;
    }

    if (e.type == EventType::ClerkSignedIn) {
        auto &w = windowState(e.window);
        w.clerk = e.clerk;
        w.paused = false;
        w.openedAt = e.at;
        return;
    }
    if (e.type == EventType::ClerkSignedOut) {
        auto &w = windowState(e.window);
        w.clerk.clear();
        w.paused = false;
        w.openedAt = 0; // as the store keeps it: a closed window was opened by nobody
        return;
    }
    if (e.type == EventType::WindowPaused || e.type == EventType::WindowResumed) {
        windowState(e.window).paused = e.type == EventType::WindowPaused;
        return;
    }
    if (e.type == EventType::RatingRequested) {
        windowState(e.window).rating = RatingSlot{e.ticket, e.clerk, e.at, false};
        return;
    }
    if (e.type == EventType::TicketRated) {
        RatingSlot &slot = windowState(e.window).rating;
        if (slot.ticket == e.ticket)
            slot.rated = true;
        return;
    }
    if (e.type == EventType::FollowUpClosed)
        return; // a manager's note: nothing the queue depends on

    auto it = m_tickets.find(e.ticket);
    if (it == m_tickets.end())
        return; // a ticket of a day already closed: nothing left in memory to change
    Ticket &t = it->second;
    switch (e.type) {
    case EventType::TicketCalled:
        dequeue(t);
        t.status = TicketStatus::Called;
        t.calledAt = e.at;
        if (t.firstCalledAt == 0)
            t.firstCalledAt = e.at;
        t.servingAt = 0;
        t.window = e.window;
        t.clerk = e.clerk;
        t.targetWindow = 0;
        windowState(e.window).current = t.id;
        break;
    case EventType::TicketRecalled:
        t.recalls = e.recalls;
        t.calledAt = e.at;
        break;
    case EventType::ServiceStarted:
        t.status = TicketStatus::Serving;
        t.servingAt = e.at;
        break;
    case EventType::TicketNoShow:
        t.status = TicketStatus::NoShow;
        t.endedAt = e.at;
        windowState(e.window).current = 0;
        break;
    case EventType::TicketTransferred:
        windowState(e.window).current = 0;
        t.status = TicketStatus::Waiting;
        if (!e.service.empty())
            t.service = e.service;
        t.targetWindow = e.targetWindow;
        t.servingAt = 0;
        ++t.transfers;
        enqueue(t);
        break;
    case EventType::TicketFinished:
        if (t.servingAt == 0)
            t.servingAt = t.calledAt; // finished straight from "called": served since the call
        t.status = TicketStatus::Finished;
        t.endedAt = e.at;
        windowState(e.window).current = 0;
        // A visitor who rated when the clerk asked, before the finish, has had their one vote.
        if (RatingSlot &slot = windowState(e.window).rating; !(slot.ticket == t.id && slot.rated))
            slot = RatingSlot{t.id, e.clerk, e.at, false};
        noteServiceTime(t.service, int((t.endedAt - t.servingAt) / 1000));
        break;
    case EventType::TicketCancelled:
        dequeue(t);
        t.status = TicketStatus::Cancelled;
        t.endedAt = e.at;
        break;
    default:
        break;
    }
}

Outcome Engine::tick()
{
    Outcome out;
    rolloverIfDue(out);
    return out;
}

Outcome Engine::issue(const std::string &service, Priority priority)
{
    Outcome out;
    rolloverIfDue(out);
    const Service *s = m_config.service(service);
    if (!s) {
        out.error = Error{ErrorCode::UnknownService, "unknown service \"" + service + "\""};
        return out;
    }
    if (priority != Priority::Appointment && priority != Priority::Elderly && priority != Priority::Normal) {
        out.error = Error{ErrorCode::InvalidArgument, "unknown priority class " + std::to_string(int(priority))};
        return out;
    }
    const int number = lastNumber(service) + 1;
    if (number > s->dailyLimit) {
        out.error = Error{ErrorCode::DailyLimitReached,
                          "service " + service + " has issued its daily limit of " + std::to_string(s->dailyLimit) + " tickets"};
        return out;
    }
    Event e;
    e.type = EventType::TicketIssued;
    e.ticket = m_lastTicketId + 1;
    e.service = service;
    e.number = number;
    e.priority = priority;
    e.day = m_day;
    out.ticket = e.ticket;
    emit(out, e);
    return out;
}

Outcome Engine::signIn(int window, const std::string &clerk)
{
    Outcome out;
    rolloverIfDue(out);
    if (!m_config.window(window)) {
        out.error = Error{ErrorCode::UnknownWindow, "there is no " + windowName(window)};
        return out;
    }
    if (!m_config.clerk(clerk)) {
        out.error = Error{ErrorCode::UnknownClerk, "unknown clerk \"" + clerk + "\""};
        return out;
    }
    const WindowState *w = this->window(window);
    if (w && !w->clerk.empty()) {
        out.error = Error{ErrorCode::WindowOccupied, windowName(window) + " is already open by clerk " + w->clerk};
        return out;
    }
    for (const auto &[n, other] : m_windows) {
        if (other.clerk == clerk) {
            out.error = Error{ErrorCode::ClerkAtOtherWindow,
                              "clerk " + clerk + " is signed in at " + windowName(n) + "; sign out there first"};
            return out;
        }
    }
    Event e;
    e.type = EventType::ClerkSignedIn;
    e.window = window;
    e.clerk = clerk;
    emit(out, e);
    return out;
}

Outcome Engine::signOut(int window)
{
    Outcome out;
    rolloverIfDue(out);
    const WindowState *w = openWindow(window, out);
    if (!w)
        return out;
    if (w->current != 0) {
        out.error = Error{ErrorCode::VisitorInProgress, windowName(window) + " still holds ticket "
                                                            + m_tickets.at(w->current).label + "; finish, transfer or mark it no-show first"};
        return out;
    }
    Event e;
    e.type = EventType::ClerkSignedOut;
    e.window = window;
    e.clerk = w->clerk;
    emit(out, e);
    return out;
}

Outcome Engine::pause(int window)
{
    Outcome out;
    rolloverIfDue(out);
    const WindowState *w = openWindow(window, out);
    if (!w)
        return out;
    if (w->paused) {
        out.error = Error{ErrorCode::WindowPaused, windowName(window) + " is already paused"};
        return out;
    }
    Event e;
    e.type = EventType::WindowPaused;
    e.window = window;
    e.clerk = w->clerk;
    emit(out, e);
    return out;
}

Outcome Engine::resume(int window)
{
    Outcome out;
    rolloverIfDue(out);
    const WindowState *w = openWindow(window, out);
    if (!w)
        return out;
    if (!w->paused) {
        out.error = Error{ErrorCode::WindowNotPaused, windowName(window) + " is not paused"};
        return out;
    }
    Event e;
    e.type = EventType::WindowResumed;
    e.window = window;
    e.clerk = w->clerk;
    emit(out, e);
    return out;
}

Outcome Engine::callNext(int window)
{
    Outcome out;
    rolloverIfDue(out);
    const WindowConfig *cfg = m_config.window(window);
    if (!cfg) {
        out.error = Error{ErrorCode::UnknownWindow, "there is no " + windowName(window)};
        return out;
    }
    const WindowState *w = this->window(window);
    if (!w || w->clerk.empty()) {
        out.error = Error{ErrorCode::WindowNotOpen, windowName(window) + " is not open"};
        return out;
    }
    if (w->paused) {
        out.error = Error{ErrorCode::WindowPaused, windowName(window) + " is paused; resume it to call"};
        return out;
    }
    if (w->current != 0) {
        out.error = Error{ErrorCode::VisitorInProgress, windowName(window) + " still holds ticket "
                                                            + m_tickets.at(w->current).label + "; finish, transfer or mark it no-show first"};
        return out;
    }
    // Visitors sent to this window by a transfer come first: they already waited their turn once.
    std::optional<Key> next;
    if (auto it = m_waitingByWindow.find(window); it != m_waitingByWindow.end() && !it->second.empty())
        next = *it->second.begin();
    for (std::size_t i = 0; !next && i < cfg->services.size(); ++i) {
        auto it = m_waitingByService.find(cfg->services[i]);
        if (it != m_waitingByService.end() && !it->second.empty())
            next = *it->second.begin();
    }
    if (!next) {
        out.error = Error{ErrorCode::NobodyWaiting, "nobody is waiting for " + windowName(window)};
        return out;
    }
    Event e;
    e.type = EventType::TicketCalled;
    e.ticket = std::get<2>(*next);
    e.window = window;
    e.clerk = w->clerk;
    out.ticket = e.ticket;
    emit(out, e);
    return out;
}

const WindowState *Engine::openWindow(int window, Outcome &refusal) const
{
    if (!m_config.window(window)) {
        refusal.error = Error{ErrorCode::UnknownWindow, "there is no " + windowName(window)};
        return nullptr;
    }
    const WindowState *w = this->window(window);
    if (!w || w->clerk.empty()) {
        refusal.error = Error{ErrorCode::WindowNotOpen, windowName(window) + " is not open"};
        return nullptr;
    }
    return w;
}

const Ticket *Engine::heldTicket(int window, TicketId expected, Outcome &refusal) const
{
    const WindowState *w = openWindow(window, refusal);
    if (!w)
        return nullptr;
    if (w->current == 0) {
        refusal.error = Error{ErrorCode::NoCurrentTicket, windowName(window) + " has no current visitor"};
        return nullptr;
    }
    const Ticket &t = m_tickets.at(w->current);
    if (expected != 0 && expected != t.id) {
        const Ticket *other = ticket(expected);
        refusal.error = Error{ErrorCode::TicketNotAtWindow,
                              "ticket " + (other ? other->label : "#" + std::to_string(expected)) + " is not at "
                                  + windowName(window) + " (it holds " + t.label + ")"};
        return nullptr;
    }
    return &t;
}

Outcome Engine::recall(int window, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    if (t->status != TicketStatus::Called) {
        out.error = Error{ErrorCode::TicketAlreadyServing, t->label + " is already being served; there is nobody to recall"};
        return out;
    }
    Event e;
    e.type = EventType::TicketRecalled;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    e.recalls = t->recalls + 1;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::startService(int window, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    if (t->status != TicketStatus::Called) {
        out.error = Error{ErrorCode::TicketAlreadyServing, t->label + " is already being served"};
        return out;
    }
    Event e;
    e.type = EventType::ServiceStarted;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::noShow(int window, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    if (t->status != TicketStatus::Called) {
        out.error = Error{ErrorCode::TicketAlreadyServing, t->label + " is being served; finish or transfer it instead"};
        return out;
    }
    Event e;
    e.type = EventType::TicketNoShow;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::transferToService(int window, const std::string &service, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    if (!m_config.service(service)) {
        out.error = Error{ErrorCode::UnknownService, "unknown service \"" + service + "\""};
        return out;
    }
    if (service == t->service) {
        out.error = Error{ErrorCode::InvalidTransfer, t->label + " is already in service " + service};
        return out;
    }
    Event e;
    e.type = EventType::TicketTransferred;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    e.service = service;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::transferToWindow(int window, int toWindow, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    if (!m_config.window(toWindow)) {
        out.error = Error{ErrorCode::UnknownWindow, "there is no " + windowName(toWindow)};
        return out;
    }
    if (toWindow == window) {
        out.error = Error{ErrorCode::InvalidTransfer, t->label + " is already at " + windowName(window)};
        return out;
    }
    Event e;
    e.type = EventType::TicketTransferred;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    e.targetWindow = toWindow;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::finish(int window, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = heldTicket(window, expected, out);
    if (!t)
        return out;
    Event e;
    e.type = EventType::TicketFinished;
    e.ticket = t->id;
    e.window = window;
    e.clerk = t->clerk;
    out.ticket = t->id;
    emit(out, e);
    return out;
}

Outcome Engine::requestRating(int window, TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const WindowState *w = openWindow(window, out);
    if (!w)
        return out;
    const Millis now = m_clock.now();
    const bool slotOpen = w->rating.ticket != 0 && now < ratingUntil(w->rating.openedAt);
    TicketId target = 0;
    if (expected != 0) {
        if (expected == w->current || (slotOpen && expected == w->rating.ticket)) {
            target = expected;
        } else {
            const Ticket *other = ticket(expected);
            out.error = Error{ErrorCode::TicketNotAtWindow, "ticket " + (other ? other->label : "#" + std::to_string(expected))
                                                                + " is neither at " + windowName(window) + " nor waiting to rate there"};
            return out;
        }
    } else if (w->current != 0) {
        target = w->current;
    } else if (slotOpen) {
        target = w->rating.ticket;
    }
    if (target == 0) {
        out.error = Error{ErrorCode::NoCurrentTicket, windowName(window) + " has nobody to ask for a rating"};
        return out;
    }
    if (w->rating.ticket == target && w->rating.rated) {
        out.error = Error{ErrorCode::AlreadyRated, m_tickets.at(target).label + " has rated already"};
        return out;
    }
    Event e;
    e.type = EventType::RatingRequested;
    e.ticket = target;
    e.window = window;
    // The vote counts for whoever served the visitor, which after a sign-out and sign-in at the
    // window is not necessarily the clerk there now.
    e.clerk = m_tickets.at(target).clerk.empty() ? w->clerk : m_tickets.at(target).clerk;
    out.ticket = target;
    emit(out, e);
    return out;
}

Outcome Engine::rate(int window, const std::string &rating, const std::vector<std::string> &tags, const std::string &device,
                     TicketId expected)
{
    Outcome out;
    rolloverIfDue(out);
    const RatingRules &rules = m_config.ratings;
    if (!rules.isValue(rating)) {
        std::string allowed;
        for (const auto &v : rules.values())
            allowed += (allowed.empty() ? "" : ", ") + v;
        out.error = Error{ErrorCode::InvalidRating, "\"" + rating + "\" is not on this hall's scale (" + allowed + ")"};
        return out;
    }
    if (!tags.empty() && RatingRules::isSatisfied(rating)) {
        out.error = Error{ErrorCode::InvalidRating, "reasons go with an unsatisfied rating only"};
        return out;
    }
    if (tags.size() > 5) {
        out.error = Error{ErrorCode::InvalidRating, "at most 5 reasons"};
        return out;
    }
    for (size_t i = 0; i < tags.size(); ++i) {
        if (!rules.reason(tags[i])) {
            out.error = Error{ErrorCode::InvalidRating, "unknown reason \"" + tags[i] + "\""};
            return out;
        }
        if (std::find(tags.begin(), tags.begin() + std::ptrdiff_t(i), tags[i]) != tags.begin() + std::ptrdiff_t(i)) {
            out.error = Error{ErrorCode::InvalidRating, "reason \"" + tags[i] + "\" given twice"};
            return out;
        }
    }
    if (!m_config.window(window)) {
        out.error = Error{ErrorCode::UnknownWindow, "there is no " + windowName(window)};
        return out;
    }
    const WindowState *w = this->window(window);
    if (!w || w->rating.ticket == 0) {
        out.error = Error{ErrorCode::NothingToRate, windowName(window) + " has no visitor to rate"};
        return out;
    }
    const RatingSlot &slot = w->rating;
    const Ticket *t = ticket(slot.ticket);
    const std::string label = t ? t->label : "#" + std::to_string(slot.ticket);
    if (expected != 0 && expected != slot.ticket) {
        const Ticket *other = ticket(expected);
        out.error = Error{ErrorCode::TicketNotAtWindow, "ticket " + (other ? other->label : "#" + std::to_string(expected))
                                                            + " may not rate at " + windowName(window) + " (" + label + " may)"};
        return out;
    }
    if (slot.rated) {
        out.error = Error{ErrorCode::AlreadyRated, label + " has rated already; the first press counts"};
        return out;
    }
    if (m_clock.now() >= ratingUntil(slot.openedAt)) {
        out.error = Error{ErrorCode::RatingClosed, "the time to rate " + label + " ran out "
                                                       + std::to_string((m_clock.now() - ratingUntil(slot.openedAt)) / 1000) + " s ago"};
        return out;
    }
    Event e;
    e.type = EventType::TicketRated;
    e.ticket = slot.ticket;
    e.window = window;
    e.clerk = slot.clerk;
    e.rating = rating;
    e.tags = tags;
    e.device = device;
    // Due at the end of the business day followUpDays after today: a manager gets whole days.
    if (!RatingRules::isSatisfied(rating))
        e.due = dayStartMs(m_day + 1 + rules.followUpDays) - 1;
    out.ticket = slot.ticket;
    emit(out, e);
    return out;
}

Outcome Engine::cancel(TicketId id)
{
    Outcome out;
    rolloverIfDue(out);
    const Ticket *t = ticket(id);
    if (!t) {
        out.error = Error{ErrorCode::UnknownTicket, "no ticket #" + std::to_string(id) + " today"};
        return out;
    }
    if (t->status != TicketStatus::Waiting) {
        out.error = Error{ErrorCode::TicketNotWaiting, t->label + " is " + toString(t->status) + ", only a waiting ticket can be cancelled"};
        return out;
    }
    Event e;
    e.type = EventType::TicketCancelled;
    e.ticket = id;
    out.ticket = id;
    emit(out, e);
    return out;
}

void Engine::restore(const EngineSnapshot &s)
{
    m_day = s.day;
    m_lastTicketId = s.lastTicketId;
    m_lastNumbers = s.lastNumbers;
    m_tickets.clear();
    m_waitingByService.clear();
    m_waitingByWindow.clear();
    m_windows.clear();
    m_recentServiceSeconds.clear();
    for (const auto &t : s.tickets) {
        m_tickets[t.id] = t;
        if (t.status == TicketStatus::Waiting)
            enqueue(t);
        m_lastTicketId = std::max(m_lastTicketId, t.id);
    }
    for (const auto &w : s.windows)
        m_windows[w.number] = w;
    for (const auto &[service, samples] : s.recentServiceSeconds) {
        auto &q = m_recentServiceSeconds[service];
        for (int v : samples)
            q.push_back(v);
        while (int(q.size()) > kRecentSamples)
            q.pop_front();
    }
}

EngineSnapshot Engine::snapshot() const
{
    EngineSnapshot s;
    s.day = m_day;
    s.lastTicketId = m_lastTicketId;
    s.lastNumbers = m_lastNumbers;
    for (const auto &[id, t] : m_tickets)
        s.tickets.push_back(t);
    for (const auto &[n, w] : m_windows) {
        if (!w.clerk.empty() || w.paused || w.current != 0 || w.rating.ticket != 0)
            s.windows.push_back(w);
    }
    for (const auto &[service, q] : m_recentServiceSeconds)
        s.recentServiceSeconds[service] = std::vector<int>(q.begin(), q.end());
    return s;
}

const Ticket *Engine::ticket(TicketId id) const
{
    auto it = m_tickets.find(id);
    return it == m_tickets.end() ? nullptr : &it->second;
}

const WindowState *Engine::window(int number) const
{
    auto it = m_windows.find(number);
    return it == m_windows.end() ? nullptr : &it->second;
}

int Engine::lastNumber(const std::string &service) const
{
    auto it = m_lastNumbers.find(service);
    return it == m_lastNumbers.end() ? 0 : it->second;
}

int Engine::waitingCount(const std::string &service) const
{
    int n = 0;
    if (auto it = m_waitingByService.find(service); it != m_waitingByService.end())
        n += int(it->second.size());
    for (const auto &[w, keys] : m_waitingByWindow) {
        for (const auto &k : keys) {
            if (m_tickets.at(std::get<2>(k)).service == service)
                ++n;
        }
    }
    return n;
}

int Engine::waitingTotal() const
{
    int n = 0;
    for (const auto &[s, keys] : m_waitingByService)
        n += int(keys.size());
    for (const auto &[w, keys] : m_waitingByWindow)
        n += int(keys.size());
    return n;
}

std::vector<TicketId> Engine::waitingFor(const std::string &service) const
{
    std::vector<TicketId> ids;
    if (auto it = m_waitingByService.find(service); it != m_waitingByService.end()) {
        for (const auto &k : it->second)
            ids.push_back(std::get<2>(k));
    }
    return ids;
}

int Engine::peopleAhead(TicketId id) const
{
    const Ticket *t = ticket(id);
    if (!t || t->status != TicketStatus::Waiting)
        return 0;
    const Key key = keyOf(*t);
    const Queue *queue = nullptr;
    if (t->targetWindow != 0) {
        auto it = m_waitingByWindow.find(t->targetWindow);
        queue = it == m_waitingByWindow.end() ? nullptr : &it->second;
    } else {
        auto it = m_waitingByService.find(t->service);
        queue = it == m_waitingByService.end() ? nullptr : &it->second;
    }
    if (!queue)
        return 0;
    return int(queue->order_of_key(key));
}

int Engine::openWindowsFor(const std::string &service) const
{
    int n = 0;
    for (const auto &[number, w] : m_windows) {
        if (w.clerk.empty() || w.paused)
            continue;
        const WindowConfig *cfg = m_config.window(number);
        if (cfg && std::find(cfg->services.begin(), cfg->services.end(), service) != cfg->services.end())
            ++n;
    }
    return n;
}

int Engine::averageServiceSeconds(const std::string &service) const
{
    auto it = m_recentServiceSeconds.find(service);
    if (it == m_recentServiceSeconds.end() || it->second.empty()) {
        const Service *s = m_config.service(service);
        return s ? s->estimatedServiceSeconds : 0;
    }
    const auto &q = it->second;
    return int(std::accumulate(q.begin(), q.end(), 0LL) / Millis(q.size()));
}

int Engine::estimatedWaitSeconds(const std::string &service) const
{
    // Windows serving several services share their time between them; dividing by every open
    // window that lists the service overestimates capacity a little, which visitors forgive more
    // easily than a number that is too high. With no window open we assume one will open.
    const int windows = std::max(1, openWindowsFor(service));
    return int(Millis(waitingCount(service)) * averageServiceSeconds(service) / windows);
}

} // namespace hall::engine
