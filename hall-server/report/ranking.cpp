#include "ranking.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <regex>

namespace hall::report {

namespace {
using namespace std::chrono;

// Monday of ISO week 1 of a year: the Monday on or before 4 January.
int weekOneMonday(int year)
{
    const sys_days jan4{year_month_day{std::chrono::year{year}, January, day{4}}};
    const int isoWeekday = int(weekday{jan4}.iso_encoding()); // 1 = Monday
    return int(jan4.time_since_epoch().count()) - (isoWeekday - 1);
}

std::string quoted(const std::string &field)
{
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string out = "\"";
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

std::string fixed(double v, int decimals)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
} // namespace

std::optional<IsoWeek> IsoWeek::parse(const std::string &text)
{
    static const std::regex re("^([0-9]{4})-W([0-9]{2})$");
    std::smatch m;
    if (!std::regex_match(text, m, re))
        return std::nullopt;
    IsoWeek w{std::stoi(m[1].str()), std::stoi(m[2].str())};
    if (w.year < 1971 || w.week < 1)
        return std::nullopt;
    // A year has 53 ISO weeks when week 53's Monday still belongs to it.
    if (ofDay(w.monday()) != w)
        return std::nullopt;
    return w;
}

IsoWeek IsoWeek::ofDay(int day)
{
    const sys_days d{days{day}};
    const int isoWeekday = int(weekday{d}.iso_encoding());
    // The week belongs to the year of its Thursday.
    const sys_days thursday = d + days{4 - isoWeekday};
    const int year = int(year_month_day{thursday}.year());
    const int week = (int(thursday.time_since_epoch().count()) - weekOneMonday(year)) / 7 + 1;
    return {year, week};
}

int IsoWeek::monday() const
{
    return weekOneMonday(year) + (week - 1) * 7;
}

std::string IsoWeek::toString() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-W%02d", year, week);
    return buf;
}

double wilsonLowerBound(int satisfied, int votes, double z)
{
    if (votes <= 0)
        return 0.0;
    const double n = votes;
    const double p = double(satisfied) / n;
    const double z2 = z * z;
    const double centre = p + z2 / (2 * n);
    const double margin = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return std::max(0.0, (centre - margin) / (1 + z2 / n));
}

std::vector<RankedClerk> rankWeek(std::vector<ClerkTally> tallies, int minVotes)
{
    std::vector<RankedClerk> rows;
    for (auto &t : tallies) {
        if (t.services == 0 && t.ratings == 0)
            continue;
        RankedClerk r;
        static_cast<ClerkTally &>(r) = std::move(t);
        r.qualified = r.ratings >= std::max(1, minVotes);
        r.wilson = wilsonLowerBound(r.satisfied, r.ratings);
        rows.push_back(std::move(r));
    }
    std::sort(rows.begin(), rows.end(), [](const RankedClerk &a, const RankedClerk &b) {
        if (a.qualified != b.qualified)
            return a.qualified;
        if (a.qualified && a.wilson != b.wilson)
            return a.wilson > b.wilson;
        if (a.ratings != b.ratings)
            return a.ratings > b.ratings;
        if (a.services != b.services)
            return a.services > b.services;
        return a.clerk < b.clerk;
    });
    int rank = 0;
    for (auto &r : rows)
        r.rank = r.qualified ? ++rank : 0;
    return rows;
}

std::string weekCsv(const IsoWeek &week, const std::vector<RankedClerk> &rows, int minVotes)
{
    std::string out = "\xEF\xBB\xBF";
    out += "week,rank,clerk,name,badge,services,ratings,satisfied,satisfied_share,wilson_lower_95,qualified,min_votes\r\n";
    for (const auto &r : rows) {
        out += quoted(week.toString()) + ',' + (r.rank ? std::to_string(r.rank) : std::string()) + ',' + quoted(r.clerk) + ','
            + quoted(r.name) + ',' + quoted(r.badge) + ',' + std::to_string(r.services) + ',' + std::to_string(r.ratings) + ','
            + std::to_string(r.satisfied) + ',' + (r.ratings ? fixed(r.share(), 4) : std::string()) + ','
            + (r.ratings ? fixed(r.wilson, 4) : std::string()) + ',' + (r.qualified ? "yes" : "no") + ',' + std::to_string(minVotes)
            + "\r\n";
    }
    return out;
}

} // namespace hall::report
