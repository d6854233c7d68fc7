#pragma once

#include <optional>
#include <string>
#include <vector>

// The weekly service star (每周服务明星): pure computation shared by hall-server's report.week,
// the pads' stars and hallctl's CSV, so every screen and every report agrees.
namespace hall::report {

// An ISO 8601 week ("2026-W48"): Monday to Sunday, week 1 holds the year's first Thursday.
struct IsoWeek {
    int year = 0;
    int week = 0;

    // Refuses anything but YYYY-Www with a week that exists in that year.
    static std::optional<IsoWeek> parse(const std::string &text);
    // The week holding a day (days since 1970-01-01, as business days are numbered).
    static IsoWeek ofDay(int day);
    int monday() const; // its first day, days since 1970-01-01
    int sunday() const { return monday() + 6; }
    IsoWeek previous() const { return ofDay(monday() - 7); }
    std::string toString() const;
    bool operator==(const IsoWeek &) const = default;
};

// One clerk's week as counted from the store.
struct ClerkTally {
    std::string clerk;
    std::string name;
    std::string badge;
    int services = 0;  // sessions the clerk finished
    int ratings = 0;   // votes on them
    int satisfied = 0; // of which satisfied (RatingRules::isSatisfied)
};

struct RankedClerk : ClerkTally {
    bool qualified = false; // at least the minimum number of votes
    int rank = 0;           // 1 = the service star; 0 = not ranked (too few votes)
    double share() const { return ratings ? double(satisfied) / ratings : 0.0; }
    double wilson = 0.0;
};

// Lower bound of the Wilson score interval of satisfied / votes at z (1.96: 95 %). A clerk with
// 3 of 3 satisfied is less certainly good than one with 97 of 100, and this says so, where the
// raw share would put the three votes first. 0 when there are no votes.
double wilsonLowerBound(int satisfied, int votes, double z = 1.96);

// Ranks qualified clerks by Wilson bound, then votes, then services, then id (so a tie never
// depends on input order); the unqualified follow, by votes then id, unranked. Clerks with neither
// services nor votes are left out.
std::vector<RankedClerk> rankWeek(std::vector<ClerkTally> tallies, int minVotes);

// The ranking as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads the Chinese
// names as GBK mojibake), CRLF line ends, RFC 4180 quoting.
std::string weekCsv(const IsoWeek &week, const std::vector<RankedClerk> &rows, int minVotes);

} // namespace hall::report
