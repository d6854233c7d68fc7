#include <algorithm>
#include "types.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <utility>

namespace hall::engine {

namespace {
template<typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, const char *>, N> &table, const std::string &s)
{
    for (const auto &[value, name] : table) {
        if (s == name)
            return value;
    }
    return std::nullopt;
}

template<typename E, std::size_t N>
const char *nameOf(const std::array<std::pair<E, const char *>, N> &table, E v)
{
    for (const auto &[value, name] : table) {
        if (value == v)
            return name;
    }
    return "?";
}

constexpr std::array<std::pair<Priority, const char *>, 3> kPriorities{{
    {Priority::Appointment, "appointment"},
    {Priority::Elderly, "elderly"},
    {Priority::Normal, "normal"},
}};

constexpr std::array<std::pair<TicketStatus, const char *>, 7> kStatuses{{
    {TicketStatus::Waiting, "waiting"},
    {TicketStatus::Called, "called"},
    {TicketStatus::Serving, "serving"},
    {TicketStatus::Finished, "finished"},
    {TicketStatus::NoShow, "no_show"},
    {TicketStatus::Cancelled, "cancelled"},
    {TicketStatus::Expired, "expired"},
}};

constexpr std::array<std::pair<EventType, const char *>, 16> kEventTypes{{
    {EventType::DayStarted, "day_started"},
    {EventType::TicketIssued, "ticket_issued"},
    {EventType::TicketCalled, "ticket_called"},
    {EventType::TicketRecalled, "ticket_recalled"},
    {EventType::ServiceStarted, "service_started"},
    {EventType::TicketNoShow, "ticket_no_show"},
    {EventType::TicketTransferred, "ticket_transferred"},
    {EventType::TicketFinished, "ticket_finished"},
    {EventType::TicketCancelled, "ticket_cancelled"},
    {EventType::ClerkSignedIn, "clerk_signed_in"},
    {EventType::ClerkSignedOut, "clerk_signed_out"},
    {EventType::WindowPaused, "window_paused"},
    {EventType::WindowResumed, "window_resumed"},
    {EventType::RatingRequested, "rating_requested"},
    {EventType::TicketRated, "ticket_rated"},
    {EventType::FollowUpClosed, "followup_closed"},
}};
} // namespace

bool isOpen(TicketStatus s)
{
    return s == TicketStatus::Waiting || s == TicketStatus::Called || s == TicketStatus::Serving;
}

const char *toString(Priority p) { return nameOf(kPriorities, p); }
const char *toString(TicketStatus s) { return nameOf(kStatuses, s); }
const char *toString(EventType t) { return nameOf(kEventTypes, t); }
std::optional<Priority> priorityFromString(const std::string &s) { return lookup(kPriorities, s); }
std::optional<TicketStatus> statusFromString(const std::string &s) { return lookup(kStatuses, s); }
std::optional<EventType> eventTypeFromString(const std::string &s) { return lookup(kEventTypes, s); }

const Service *HallConfig::service(const std::string &code) const
{
    for (const auto &s : services) {
        if (s.code == code)
            return &s;
    }
    return nullptr;
}

const WindowConfig *HallConfig::window(int number) const
{
    for (const auto &w : windows) {
        if (w.number == number)
            return &w;
    }
    return nullptr;
}

const Clerk *HallConfig::clerk(const std::string &id) const
{
    for (const auto &c : clerks) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

const std::vector<std::string> &RatingRules::values() const
{
    static const std::vector<std::string> two{"satisfied", "unsatisfied"};
    static const std::vector<std::string> five{"very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied"};
    return scale == "five" ? five : two;
}

bool RatingRules::isValue(const std::string &rating) const
{
    const auto &v = values();
    return std::find(v.begin(), v.end(), rating) != v.end();
}

bool RatingRules::isSatisfied(const std::string &rating)
{
    return rating == "satisfied" || rating == "very_satisfied" || rating == "basically_satisfied";
}

const RatingReason *RatingRules::reason(const std::string &code) const
{
    for (const auto &r : reasons) {
        if (r.code == code)
            return &r;
    }
    return nullptr;
}

std::string businessDayDate(int day)
{
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return text;
}

} // namespace hall::engine
