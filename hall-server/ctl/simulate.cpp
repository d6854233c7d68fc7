#include "simulate.h"

#include "engine/engine.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

namespace hall::ctl {

using namespace hall::engine;

namespace {
constexpr Millis kMin = 60 * 1000;

// std distributions differ between standard libraries; raw mt19937_64 output does not.
struct Rng {
    explicit Rng(quint64 seed) : m_g(seed) {}
    double uniform() { return double(m_g() >> 11) * (1.0 / 9007199254740992.0); }
    double exponential(double mean) { return -std::log(1.0 - uniform()) * mean; }
    std::mt19937_64 m_g;
};

// Relative arrival rate per half hour from 08:30 to 17:30: a morning peak, a lunch dip, an
// afternoon peak, as halls see.
constexpr double kArrivalProfile[] = {1.0, 1.5, 1.7, 1.6, 1.4, 1.2, 0.9, 0.7, 0.5, 0.5,
                                      0.8, 1.2, 1.4, 1.3, 1.1, 0.9, 0.6, 0.3};
// Share of visitors per service, in the example hall's order (new plates, replacement, inspection,
// licence, accident, violation, proxy); other halls' extra services get the last share.
constexpr double kServiceShare[] = {0.22, 0.15, 0.18, 0.2, 0.06, 0.12, 0.07};
} // namespace

int simulate(const HallConfig &hallConfig, store::Store &store, const SimulationParams &p, QTextStream &out)
{
    HallConfig config = hallConfig;
    const int windows = std::clamp(p.windows, 1, int(config.windows.size()));
    config.windows.resize(std::size_t(windows));
    // With fewer windows than configured, every service must still be served by someone.
    for (std::size_t s = 0; s < config.services.size(); ++s) {
        const auto &code = config.services[s].code;
        const bool served = std::any_of(config.windows.begin(), config.windows.end(), [&](const WindowConfig &w) {
            return std::find(w.services.begin(), w.services.end(), code) != w.services.end();
        });
        if (!served)
            config.windows[s % config.windows.size()].services.push_back(code);
    }
    const int clerks = std::min(windows, int(config.clerks.size()));

    ManualClock clock(p.dayStart + 8 * 60 * kMin);
    Engine engine(config, clock);
    engine.restore(store.loadSnapshot(config));
    Rng rng(p.seed);
    QElapsedTimer wall;
    wall.start();
    qint64 commits = 0, requests = 0;
    QString failure;

    std::map<std::string, int> refusals;
    // Every engine call that changed something goes to the store as one durable commit with its
    // request id, as the bus will send it. A refusal that changed nothing (a window calling while
    // nobody waits for it) has nothing to make durable.
    auto run = [&](const char *device, Outcome out) {
        if (!out.ok())
            ++refusals[toString(out.error->code)];
        if (out.events.empty())
            return out;
        const std::string id = "sim-" + std::to_string(p.seed) + "-" + std::to_string(++requests);
        const QByteArray reply = out.ok() ? QByteArray("{\"ok\":true}") : QByteArray("{\"ok\":false,\"error\":\"") + toString(out.error->code) + "\"}";
        if (!store.commit({store::CommitEntry{out.events, device, id, reply}}, nullptr, &failure))
            throw failure;
        ++commits;
        return out;
    };

    std::multimap<Millis, std::function<void()>> agenda;
    auto at = [&](Millis t, std::function<void()> f) { agenda.emplace(t, std::move(f)); };
    std::function<void(int)> tryCall;

    // Arrivals by inverse CDF over the profile.
    double total = 0;
    for (double w : kArrivalProfile)
        total += w;
    const Millis open = p.dayStart + 8 * 60 * kMin + 30 * kMin;
    for (int v = 0; v < p.visitors; ++v) {
        double x = rng.uniform() * total;
        int slot = 0;
        while (slot + 1 < int(std::size(kArrivalProfile)) && x >= kArrivalProfile[slot]) {
            x -= kArrivalProfile[slot];
            ++slot;
        }
        const Millis t = open + Millis(slot) * 30 * kMin + Millis(x / kArrivalProfile[slot] * 30 * kMin);
        double r = rng.uniform();
        std::size_t s = 0;
        while (s + 1 < config.services.size() && r >= (s < std::size(kServiceShare) ? kServiceShare[s] : 0.05)) {
            r -= s < std::size(kServiceShare) ? kServiceShare[s] : 0.05;
            ++s;
        }
        const double pr = rng.uniform();
        const Priority priority = pr < 0.08 ? Priority::Appointment : pr < 0.14 ? Priority::Elderly : Priority::Normal;
        const std::string service = config.services[s].code;
        at(t, [&, service, priority] {
            run("sim-kiosk", engine.issue(service, priority));
            for (const auto &w : config.windows)
                tryCall(w.number);
        });
    }

    // A window is busy exactly while the engine says it holds a visitor.
    tryCall = [&](int window) {
        const WindowState *ws = engine.window(window);
        if (!ws || ws->clerk.empty() || ws->paused || ws->current)
            return;
        const Outcome called = run("sim-counter", engine.callNext(window));
        if (!called.ok())
            return;
        const TicketId ticket = called.ticket;
        const std::string service = engine.ticket(ticket)->service;
        const Millis now = clock.now();
        if (rng.uniform() < 0.04) { // the visitor has left: recall once, then no-show
            at(now + kMin, [&, window, ticket] { run("sim-counter", engine.recall(window, ticket)); });
            at(now + 2 * kMin, [&, window, ticket] {
                run("sim-counter", engine.noShow(window, ticket));
                tryCall(window);
            });
            return;
        }
        const Millis walk = Millis(30 + rng.uniform() * 60) * 1000;
        const double mean = config.service(service)->estimatedServiceSeconds * 1000.0;
        const Millis serve = Millis(std::clamp(rng.exponential(mean), mean * 0.3, mean * 3));
        const bool transfer = rng.uniform() < 0.03;
        const std::string other = config.services[std::size_t(rng.uniform() * double(config.services.size()))].code;
        at(now + walk, [&, window, ticket] { run("sim-counter", engine.startService(window, ticket)); });
        at(now + walk + (transfer ? serve / 2 : serve), [&, window, ticket, transfer, other, service] {
            if (transfer && other != service)
                run("sim-counter", engine.transferToService(window, other, ticket));
            else
                run("sim-counter", engine.finish(window, ticket));
            tryCall(window);
            for (const auto &w : config.windows) // a transfer may wake another window
                tryCall(w.number);
        });
    };

    // Clerks sign in before opening; half the windows take lunch at 12:00, half at 12:45.
    for (int i = 0; i < clerks; ++i) {
        const int w = config.windows[std::size_t(i)].number;
        const std::string clerk = config.clerks[std::size_t(i)].id;
        at(p.dayStart + 8 * 60 * kMin + 25 * kMin, [&, w, clerk] { run("sim-counter", engine.signIn(w, clerk)); tryCall(w); });
        const Millis lunch = p.dayStart + 12 * 60 * kMin + (i % 2) * 45 * kMin;
        at(lunch, [&, w] { run("sim-counter", engine.pause(w)); });
        at(lunch + 45 * kMin, [&, w] { run("sim-counter", engine.resume(w)); tryCall(w); });
    }

    const int day = engine.businessDay(clock.now());
    bool overran = false;
    try {
        while (!agenda.empty()) {
            auto it = agenda.begin();
            // An overloaded hall can still be serving at the rollover hour; the engine then
            // expires whoever is left, as it would in a real hall, and the day is over.
            if (engine.businessDay(it->first) != day) {
                overran = true;
                clock.set(it->first);
                run("sim-server", engine.tick());
                break;
            }
            clock.set(std::max(clock.now(), it->first));
            auto f = std::move(it->second);
            agenda.erase(it);
            f();
        }
        if (!overran)
            for (int i = 0; i < clerks; ++i)
                run("sim-counter", engine.signOut(config.windows[std::size_t(i)].number));
    } catch (const QString &e) {
        out << "simulate: store failed: " << e << Qt::endl;
        return 1;
    }
    const qint64 elapsedMs = wall.elapsed();

    // Figures from the durable projections, not from the engine's memory: they are what the
    // hall's reports will read, and they survive the rollover that clears the engine.
    int issued = 0, finished = 0, noShows = 0, cancelled = 0, expired = 0, transfers = 0;
    Millis lastEnd = 0;
    std::map<std::string, std::vector<double>> waits;
    std::map<int, int> perHour;
    {
        store::Statement q(store.handle(), "SELECT original_service, status, issued_at, first_called_at, ended_at, transfers "
                                           "FROM tickets WHERE day = ?1");
        q.bind(1, qint64(day));
        while (q.step()) {
            ++issued;
            const std::string status = q.text(1);
            finished += status == "finished";
            noShows += status == "no_show";
            cancelled += status == "cancelled";
            expired += status == "expired";
            transfers += int(q.int64(5));
            if (!q.isNull(3))
                waits[q.text(0)].push_back(double(q.int64(3) - q.int64(2)) / 60000.0);
            if (status == "finished" || status == "no_show")
                lastEnd = std::max<Millis>(lastEnd, q.int64(4));
            ++perHour[int((q.int64(2) - p.dayStart) / (60 * kMin))];
        }
    }
    out << "simulated day: " << p.visitors << " visitors, " << windows << " windows open, " << clerks << " clerks, seed " << p.seed << Qt::endl;
    out << "tickets issued " << issued << ", served " << finished << ", no-shows " << noShows << ", cancelled " << cancelled
        << ", expired " << expired << ", transfers " << transfers << Qt::endl;
    out << QStringLiteral("%1 %2 %3 %4").arg(QStringLiteral("service"), -12).arg(QStringLiteral("called"), 8).arg(QStringLiteral("avg wait"), 10).arg(QStringLiteral("p95 wait"), 10) << Qt::endl;
    for (const auto &s : config.services) {
        auto &w = waits[s.code];
        std::sort(w.begin(), w.end());
        double avg = 0;
        for (double x : w)
            avg += x;
        avg = w.empty() ? 0 : avg / double(w.size());
        // Nearest-rank percentile: a wait some visitor really had.
        const double p95 = w.empty() ? 0 : w[std::size_t(std::ceil(0.95 * double(w.size()))) - 1];
        out << QStringLiteral("%1 %2 %3 %4").arg(QString::fromStdString(s.code), -12).arg(w.size(), 8)
                   .arg(QStringLiteral("%1 min").arg(avg, 0, 'f', 1), 10).arg(QStringLiteral("%1 min").arg(p95, 0, 'f', 1), 10) << Qt::endl;
    }
    auto busiest = std::max_element(perHour.begin(), perHour.end(), [](auto &a, auto &b) { return a.second < b.second; });
    if (busiest != perHour.end())
        out << QStringLiteral("busiest hour: %1:00-%2:00 (%3 tickets issued)").arg(busiest->first, 2, 10, QLatin1Char('0')).arg(busiest->first + 1, 2, 10, QLatin1Char('0')).arg(busiest->second) << Qt::endl;
    if (lastEnd)
        out << "last visitor done at " << QDateTime::fromMSecsSinceEpoch(lastEnd, Qt::OffsetFromUTC, config.utcOffsetMinutes * 60).toString(QStringLiteral("HH:mm")) << Qt::endl;
    if (overran)
        out << "the hall was still serving at the rollover hour: " << expired << " tickets expired unserved" << Qt::endl;
    if (!refusals.empty()) {
        out << "refused operations:";
        for (const auto &[code, n] : refusals)
            out << ' ' << QString::fromStdString(code) << ' ' << n;
        out << Qt::endl;
    }
    out << "store: " << commits << " durable commits, journal seq " << store.lastSeq() << ", " << elapsedMs << " ms ("
        << QString::number(elapsedMs ? double(commits) * 1000.0 / double(elapsedMs) : 0.0, 'f', 0) << " commits/s)" << Qt::endl;
    return 0;
}

} // namespace hall::ctl
