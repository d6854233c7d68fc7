// Engine throughput in memory, with no store: how many queue operations per second the rules
// themselves cost, for a realistic day's mix and for callNext behind a long queue.
#include "hallsim.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace hall::bench;
using Steady = std::chrono::steady_clock;

namespace {

double nanosSince(Steady::time_point t0, Steady::time_point t1)
{
    return std::chrono::duration<double, std::nano>(t1 - t0).count();
}

// Each operation is timed on its own, so every per-operation figure includes one pair of clock
// reads; printing that cost lets the reader subtract it.
double timerOverheadNs()
{
    constexpr int n = 1'000'000;
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const auto t0 = Steady::now();
        const auto t1 = Steady::now();
        total += nanosSince(t0, t1);
    }
    return total / n;
}

void printRow(const char *name, const Stats &s, double share)
{
    std::printf("  %-18s %10zu %6.1f%% %9.0f %9.0f %9.0f %13.0f\n", name, s.n, share * 100, s.mean, s.p50, s.p99,
                s.total > 0 ? double(s.n) / (s.total / 1e9) : 0.0);
}

void mix(long steps)
{
    std::printf("\n[1] Realistic mix: %ld operations, 12 windows / 7 services, ~4,000 events per business day\n", steps);
    ManualClock clock(localMidnight(0) + 8 * kHourMs);
    Engine engine(benchConfig(), clock);
    HallSim sim(engine, clock, 42);

    // The last slot holds the first operation of each day, which also carries DayStarted: its
    // cost is the rollover (dropping yesterday's tickets), not the operation's own.
    std::vector<std::vector<double>> perOp(kOpCount + 1);
    for (auto &v : perOp)
        v.reserve(std::size_t(steps) / 3);
    long events = 0;
    const auto wall0 = Steady::now();
    for (long i = 0; i < steps; ++i) {
        const Action a = sim.next();
        const auto t0 = Steady::now();
        const Outcome o = sim.perform(a);
        const auto t1 = Steady::now();
        HallSim::check(a, o);
        const bool rollover = o.events.front().type == EventType::DayStarted;
        perOp[rollover ? kOpCount : std::size_t(a.op)].push_back(nanosSince(t0, t1));
        events += long(o.events.size());
    }
    const double wallNs = nanosSince(wall0, Steady::now());

    std::printf("  %-18s %10s %7s %9s %9s %9s %13s\n", "operation", "count", "share", "mean ns", "p50 ns", "p99 ns", "ops/s");
    double engineNs = 0;
    for (int op = 0; op <= kOpCount; ++op) {
        const Stats s = summarize(perOp[std::size_t(op)]);
        engineNs += s.total;
        if (s.n > 0)
            printRow(op == kOpCount ? "+ day rollover" : opName(Op(op)), s, double(s.n) / double(steps));
    }
    std::printf("  (\"+ day rollover\": the day's first operation, a signIn, together with the DayStarted it triggers)\n");
    std::printf("  overall, engine calls only: %.0f ops/s (mean %.0f ns per operation)\n", double(steps) / (engineNs / 1e9),
                engineNs / double(steps));
    std::printf("  overall, including the simulator's decisions: %.0f ops/s\n", double(steps) / (wallNs / 1e9));
    std::printf("  %ld events over %d business days (%.0f events/day)\n", events, sim.newDays() + 1,
                double(events) / double(sim.newDays() + 1));
}

struct QueueResult {
    Stats call, issue;
};

// Keeps `length` tickets waiting, spread over all services, and times callNext at each window in
// turn; each call is followed by finish and by a new ticket of the same service, so every
// service's queue keeps its length. Each round is a new business day, because the numbers of the
// busiest service would otherwise reach the daily limit of 999.
QueueResult queueBench(int length, long calls)
{
    const HallConfig config = benchConfig();
    ManualClock clock(localMidnight(0) + 8 * kHourMs);
    Engine engine(config, clock);
    auto must = [](const Outcome &o, const char *what) {
        if (!o.ok())
            fatal(std::string(what) + " refused: " + toString(o.error->code) + ": " + o.error->message);
        return o;
    };
    for (std::size_t i = 0; i < config.windows.size(); ++i)
        must(engine.signIn(config.windows[i].number, config.clerks[i].id), "signIn");

    constexpr long kCallsPerRound = 1500;
    std::vector<double> callNs, issueNs;
    callNs.reserve(std::size_t(calls));
    issueNs.reserve(std::size_t(calls));
    long done = 0;
    for (int round = 0; done < calls; ++round) {
        clock.set(localMidnight(round + 1) + 8 * kHourMs);
        for (int i = 0; i < length; ++i) {
            clock.advance(1000);
            must(engine.issue(config.services[std::size_t(i) % config.services.size()].code), "issue (fill)");
        }
        if (engine.waitingTotal() != length)
            fatal("queue not filled: " + std::to_string(engine.waitingTotal()) + " waiting");
        for (long k = 0; k < kCallsPerRound && done < calls; ++k, ++done) {
            const int window = config.windows[std::size_t(k) % config.windows.size()].number;
            clock.advance(1000);
            auto t0 = Steady::now();
            const Outcome called = engine.callNext(window);
            auto t1 = Steady::now();
            must(called, "callNext");
            callNs.push_back(nanosSince(t0, t1));
            const std::string service = engine.ticket(called.ticket)->service;
            must(engine.finish(window, called.ticket), "finish");
            t0 = Steady::now();
            const Outcome issued = engine.issue(service);
            t1 = Steady::now();
            must(issued, "issue");
            issueNs.push_back(nanosSince(t0, t1));
        }
        if (engine.waitingTotal() != length)
            fatal("queue length drifted to " + std::to_string(engine.waitingTotal()));
    }
    return {summarize(std::move(callNs)), summarize(std::move(issueNs))};
}

} // namespace

int main(int argc, char **argv)
{
    long steps = 1'000'000;
    long calls = 300'000;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--steps" && i + 1 < argc) {
            steps = parseCount(argv[++i], "--steps");
        } else if (arg == "--calls" && i + 1 < argc) {
            calls = parseCount(argv[++i], "--calls");
        } else {
            std::printf("usage: %s [--steps N (default 1000000)] [--calls N (default 300000)]\n", argv[0]);
            return arg == "--help" || arg == "-h" ? 0 : 1;
        }
    }

    std::printf("bench_engine: in-memory queue engine, no store (build type %s, %u hardware threads)\n", HALL_BENCH_BUILD_TYPE,
                std::thread::hardware_concurrency());
    const double overhead = timerOverheadNs();
    std::printf("  timer overhead: %.1f ns per steady_clock pair (included in every per-operation figure below)\n", overhead);

    mix(steps);

    std::printf("\n[2] callNext behind a queue: %ld calls at each length (each followed, untimed, by finish)\n", calls);
    const QueueResult shortQ = queueBench(12, calls);
    const QueueResult longQ = queueBench(2000, calls);
    std::printf("  %-26s %9s %9s %9s %13s\n", "", "mean ns", "p50 ns", "p99 ns", "ops/s");
    auto row = [](const char *name, const Stats &s) {
        std::printf("  %-26s %9.0f %9.0f %9.0f %13.0f\n", name, s.mean, s.p50, s.p99, double(s.n) / (s.total / 1e9));
    };
    row("callNext, 12 waiting", shortQ.call);
    row("callNext, 2,000 waiting", longQ.call);
    row("issue, 12 waiting", shortQ.issue);
    row("issue, 2,000 waiting", longQ.issue);
    std::printf("  callNext cost with 2,000 waiting / with 12 waiting: %.2fx\n", longQ.call.mean / shortQ.call.mean);
    return 0;
}
