// Randomized property test of the queue engine: a fixed seed drives 100,000 operations of every
// kind through a busy hall over several business days, checking the engine's invariants after
// each one and its journal and snapshot round trips every few thousand.
#include "engine/engine.h"
#include "testhall.h"

#include <QtTest>

#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <tuple>

using namespace hall::engine;
using namespace testhall;

namespace {

constexpr std::uint64_t kSeed = 0x4841'4c4c'2024'0304ULL;
constexpr int kOperations = 100'000;
constexpr int kCheckEvery = 5'000;
constexpr int kWindows = 12;
constexpr int kServices = 7;
constexpr int kClerks = 12;
// Relies on InvalidRating being the last enumerator; the summary would miss a newer code.
constexpr int kErrorCodes = int(ErrorCode::InvalidRating) + 1;

enum class Op : int {
    Issue,
    SignIn,
    SignOut,
    Pause,
    Resume,
    CallNext,
    Recall,
    Start,
    NoShow,
    TransferService,
    TransferWindow,
    Finish,
    Cancel,
    RequestRating,
    Rate,
    Tick,
};
constexpr int kOps = int(Op::Tick) + 1;

const char *opName(Op op)
{
    static constexpr std::array<const char *, kOps> names{
        "issue", "sign in", "sign out", "pause", "resume", "call next", "recall", "start",
        "no-show", "transfer to service", "transfer to window", "finish", "cancel", "request rating", "rate", "tick",
    };
    return names[std::size_t(op)];
}

// Weights out of 100, tuned so windows stay mostly open and visitors flow through at about the
// rate they arrive; otherwise the queues only grow and most window operations are refusals.
constexpr std::array<int, kOps> kWeights{
    17, // issue
    4,  // sign in
    1,  // sign out
    1,  // pause
    4,  // resume
    20, // call next
    3,  // recall
    9,  // start
    3,  // no-show
    3,  // transfer to service
    3,  // transfer to window
    19, // finish
    4,  // cancel
    2,  // request rating
    4,  // rate
    3,  // tick
};

std::string serviceCode(int i) { return "S" + std::to_string(i); }

HallConfig makeConfig(std::mt19937_64 &rng)
{
    HallConfig c;
    c.hallId = "property";
    for (int i = 0; i < kServices; ++i) {
        Service s;
        s.code = serviceCode(i);
        s.prefix = char('A' + i);
        s.nameEn = "Service " + s.code;
        s.estimatedServiceSeconds = 120 + 60 * i;
        // One service runs out of numbers every day, so the limit is part of the mix.
        if (i == kServices - 1)
            s.dailyLimit = 150;
        c.services.push_back(s);
    }
    for (int n = 1; n <= kWindows; ++n) {
        WindowConfig w;
        w.number = n;
        w.name = "window " + std::to_string(n);
        // Each service gets at least one window of its own so no queue is unreachable by design.
        w.services.push_back(serviceCode((n - 1) % kServices));
        const int extra = int(rng() % 3);
        for (int k = 0; k < extra; ++k) {
            const std::string code = serviceCode(int(rng() % kServices));
            if (std::find(w.services.begin(), w.services.end(), code) == w.services.end())
                w.services.push_back(code);
        }
        c.windows.push_back(w);
    }
    c.clerks = numberedClerks(kClerks);
    c.ratings.reasons = {{"slow", "办事效率低", "Slow service"}};
    return c;
}

EventType eventOf(Op op)
{
    switch (op) {
    case Op::Issue: return EventType::TicketIssued;
    case Op::SignIn: return EventType::ClerkSignedIn;
    case Op::SignOut: return EventType::ClerkSignedOut;
    case Op::Pause: return EventType::WindowPaused;
    case Op::Resume: return EventType::WindowResumed;
    case Op::CallNext: return EventType::TicketCalled;
    case Op::Recall: return EventType::TicketRecalled;
    case Op::Start: return EventType::ServiceStarted;
    case Op::NoShow: return EventType::TicketNoShow;
    case Op::TransferService:
    case Op::TransferWindow: return EventType::TicketTransferred;
    case Op::Finish: return EventType::TicketFinished;
    case Op::Cancel: return EventType::TicketCancelled;
    case Op::RequestRating: return EventType::RatingRequested;
    case Op::Rate: return EventType::TicketRated;
    case Op::Tick: return EventType::DayStarted;
    }
    return EventType::DayStarted;
}

// Fails the current test function with the operation that broke the property; QFAIL returns.
#define CHECK(cond, what)                                     \
    do {                                                      \
        if (!(cond))                                          \
            QFAIL(failure(what).constData());                 \
    } while (false)

class PropertyRun
{
public:
    PropertyRun()
        : m_rng(kSeed)
        , m_config(makeConfig(m_rng))
        , m_clock(localTime(7, 0)) // 07:00 on day 0; the clock only moves forward from here
        , m_engine(m_config, m_clock)
        , m_replica(m_config, m_clock)
    {
    }

    void step();
    void checkRoundTrips();
    void checkFullReplay();
    void report(qint64 elapsedMs) const;
    void checkHealthy();

private:
    struct Before {
        TicketId lastTicketId;
        int waitingTotal;
        std::size_t tickets;
        int today;
    };

    std::uint64_t pick(std::uint64_t n) { return m_rng() % n; }
    Op pickOp();
    int randomWindow();
    int busyWindow();
    int holdingWindow();
    std::string freeClerk();
    std::string randomService();
    std::string randomClerk();
    Priority randomPriority();
    TicketId expectedAt(int window);
    TicketId cancelTarget();
    Outcome perform(Op op);
    void record(const Outcome &out);
    void checkOutcome(Op op, const Outcome &out, const Before &before);
    void checkIssued(const Event &e);
    void checkInvariants();
    QByteArray failure(const QByteArray &what) const;

    std::mt19937_64 m_rng;
    HallConfig m_config;
    ManualClock m_clock;
    Engine m_engine;
    // Fed only through apply(), with every event the live engine emitted: it is the journal replay.
    Engine m_replica;
    std::vector<Event> m_journal;
    EngineSnapshot m_dayBase;       // replica state just before the latest DayStarted
    std::vector<Event> m_sinceDayStart; // events from the latest DayStarted on
    int m_index = 0;
    Op m_op = Op::Tick;
    std::array<int, kOps> m_applied{};
    std::array<int, kOps> m_refused{};
    std::array<int, kErrorCodes> m_refusals{};
    int m_dayStarts = 0;
    int m_refusedRollovers = 0;
    int m_roundTrips = 0;
    std::set<std::tuple<int, std::string, int>> m_numbers; // day, original service, number
    std::map<std::pair<int, std::string>, int> m_lastIssued;
};

Op PropertyRun::pickOp()
{
    int r = int(pick(100));
    for (int i = 0; i < kOps; ++i) {
        if (r < kWeights[std::size_t(i)])
            return Op(i);
        r -= kWeights[std::size_t(i)];
    }
    return Op::Tick;
}

int PropertyRun::randomWindow()
{
    if (pick(100) == 0)
        return pick(2) == 0 ? 0 : kWindows + 1;
    return 1 + int(pick(kWindows));
}

// Requests come mostly from terminals of open windows; the rest are arbitrary, to hit refusals.
int PropertyRun::busyWindow()
{
    if (pick(5) != 0) {
        std::vector<int> open;
        for (const auto &[n, w] : m_engine.windows()) {
            if (!w.clerk.empty())
                open.push_back(n);
        }
        if (!open.empty())
            return open[pick(open.size())];
    }
    return randomWindow();
}

// Visitor operations come mostly from the window that holds one.
int PropertyRun::holdingWindow()
{
    if (pick(3) != 0) {
        std::vector<int> holding;
        for (const auto &[n, w] : m_engine.windows()) {
            if (w.current != 0)
                holding.push_back(n);
        }
        if (!holding.empty())
            return holding[pick(holding.size())];
    }
    return busyWindow();
}

// A clerk signs in mostly where they are not already signed in elsewhere.
std::string PropertyRun::freeClerk()
{
    if (pick(4) != 0) {
        std::vector<std::string> free;
        for (const Clerk &c : m_config.clerks) {
            const auto &windows = m_engine.windows();
            if (std::none_of(windows.begin(), windows.end(), [&](const auto &w) { return w.second.clerk == c.id; }))
                free.push_back(c.id);
        }
        if (!free.empty())
            return free[pick(free.size())];
    }
    return randomClerk();
}

std::string PropertyRun::randomService()
{
    if (pick(200) == 0)
        return "S?";
    return serviceCode(int(pick(kServices)));
}

std::string PropertyRun::randomClerk()
{
    if (pick(100) == 0)
        return "ghost";
    return "c" + std::to_string(1 + pick(kClerks));
}

Priority PropertyRun::randomPriority()
{
    if (pick(200) == 0)
        return static_cast<Priority>(3 + int(pick(3))); // what a corrupt request would carry
    const auto r = pick(10);
    return r == 0 ? Priority::Appointment : r <= 2 ? Priority::Elderly : Priority::Normal;
}

// Mostly what a terminal would send: nothing or the visitor it shows; sometimes a stale id.
TicketId PropertyRun::expectedAt(int window)
{
    const auto r = pick(20);
    if (r < 10)
        return 0;
    if (r < 19) {
        const WindowState *w = m_engine.window(window);
        return w ? w->current : 0;
    }
    return std::max<TicketId>(1, m_engine.lastTicketId() - TicketId(pick(5)));
}

TicketId PropertyRun::cancelTarget()
{
    const auto r = pick(10);
    if (r < 6) {
        const std::vector<TicketId> waiting = m_engine.waitingFor(serviceCode(int(pick(kServices))));
        if (!waiting.empty())
            return waiting[pick(waiting.size())];
    }
    const TicketId last = m_engine.lastTicketId();
    if (r < 9)
        return std::max<TicketId>(1, last - TicketId(pick(30)));
    return TicketId(pick(std::uint64_t(last) + 2)); // any id ever, mostly of days already closed
}

Outcome PropertyRun::perform(Op op)
{
    switch (op) {
    case Op::Issue: return m_engine.issue(randomService(), randomPriority());
    case Op::SignIn: {
        const int w = randomWindow();
        return m_engine.signIn(w, freeClerk());
    }
    case Op::SignOut: return m_engine.signOut(busyWindow());
    case Op::Pause: return m_engine.pause(busyWindow());
    case Op::Resume: return m_engine.resume(busyWindow());
    case Op::CallNext: return m_engine.callNext(busyWindow());
    case Op::Recall: {
        const int w = holdingWindow();
        return m_engine.recall(w, expectedAt(w));
    }
    case Op::Start: {
        const int w = holdingWindow();
        return m_engine.startService(w, expectedAt(w));
    }
    case Op::NoShow: {
        const int w = holdingWindow();
        return m_engine.noShow(w, expectedAt(w));
    }
    case Op::TransferService: {
        const int w = holdingWindow();
        const std::string s = randomService();
        return m_engine.transferToService(w, s, expectedAt(w));
    }
    case Op::TransferWindow: {
        const int w = holdingWindow();
        const int to = randomWindow();
        return m_engine.transferToWindow(w, to, expectedAt(w));
    }
    case Op::Finish: {
        const int w = holdingWindow();
        return m_engine.finish(w, expectedAt(w));
    }
    case Op::Cancel: return m_engine.cancel(cancelTarget());
    case Op::RequestRating: {
        const int w = busyWindow();
        return m_engine.requestRating(w, pick(4) == 0 ? expectedAt(w) : 0);
    }
    case Op::Rate: {
        // Mostly good votes at a window where someone may rate; now and then an off-scale value
        // or tags where none belong, which must be refused without a trace.
        static const std::array<std::string, 3> values{"satisfied", "unsatisfied", "very_satisfied"};
        const std::string rating = values[pick(10) == 0 ? 2 : pick(2)];
        std::vector<std::string> tags;
        if (pick(3) == 0)
            tags = {pick(5) == 0 ? "bribe" : "slow"};
        const int w = randomWindow();
        const WindowState *ws = m_engine.window(w);
        return m_engine.rate(w, rating, tags, "pad", ws && pick(2) == 0 ? ws->rating.ticket : 0);
    }
    case Op::Tick: return m_engine.tick();
    }
    return {};
}

void PropertyRun::step()
{
    m_op = pickOp();
    ++m_index;
    m_clock.advance(Millis(pick(10'000)));
    const Before before{m_engine.lastTicketId(), m_engine.waitingTotal(), m_engine.tickets().size(), m_engine.today()};
    const Outcome out = perform(m_op);
    record(out);
    checkOutcome(m_op, out, before);
    if (QTest::currentTestFailed())
        return;
    checkInvariants();
}

void PropertyRun::record(const Outcome &out)
{
    for (const Event &e : out.events) {
        if (e.type == EventType::DayStarted) {
            m_dayBase = m_replica.snapshot();
            m_sinceDayStart.clear();
        }
        m_replica.apply(e);
        m_journal.push_back(e);
        m_sinceDayStart.push_back(e);
    }
}

QByteArray PropertyRun::failure(const QByteArray &what) const
{
    return "after operation " + QByteArray::number(m_index) + " (" + opName(m_op) + ", seed "
        + QByteArray::number(quint64(kSeed)) + "): " + what;
}

void PropertyRun::checkOutcome(Op op, const Outcome &out, const Before &before)
{
    for (std::size_t i = 0; i < out.events.size(); ++i) {
        const Event &e = out.events[i];
        CHECK(e.at == m_clock.now(), "event stamped with another time than the clock's");
        // A rollover may only open an outcome; everything after it belongs to the operation.
        CHECK(e.type != EventType::DayStarted || i == 0, "DayStarted in the middle of an outcome");
        if (e.type == EventType::DayStarted) {
            ++m_dayStarts;
            CHECK(e.day == m_engine.today() && e.day == m_engine.businessDay(m_clock.now()), "DayStarted for a wrong day");
        }
        if (e.type == EventType::TicketIssued) {
            checkIssued(e);
            if (QTest::currentTestFailed())
                return;
        }
    }

    if (!out.ok()) {
        ++m_refused[std::size_t(op)];
        ++m_refusals[std::size_t(out.error->code)];
        CHECK(out.events.empty() || (out.events.size() == 1 && out.events[0].type == EventType::DayStarted),
              "refused operation emitted " + QByteArray(toString(out.events.back().type)));
        if (out.events.empty()) {
            // The replica comparisons catch any quieter change: it sees only emitted events.
            CHECK(m_engine.lastTicketId() == before.lastTicketId && m_engine.waitingTotal() == before.waitingTotal
                      && m_engine.tickets().size() == before.tickets && m_engine.today() == before.today,
                  "refused operation changed the engine");
        } else {
            ++m_refusedRollovers;
        }
        return;
    }

    ++m_applied[std::size_t(op)];
    if (op == Op::Tick) {
        CHECK(out.events.size() <= 1, "tick emitted more than a rollover");
        return;
    }
    CHECK(!out.events.empty(), "applied operation emitted nothing");
    const Event &last = out.events.back();
    CHECK(last.type == eventOf(op), "applied operation emitted " + QByteArray(toString(last.type)));
    if (op != Op::SignIn && op != Op::SignOut && op != Op::Pause && op != Op::Resume)
        CHECK(out.ticket != 0 && out.ticket == last.ticket, "outcome names another ticket than its event");
}

void PropertyRun::checkIssued(const Event &e)
{
    const Ticket *t = m_engine.ticket(e.ticket);
    CHECK(t, "issued ticket is not in the engine");
    const Service *s = m_config.service(e.service);
    CHECK(s, "ticket issued for an unknown service");
    CHECK(e.day == m_engine.today() && t->day == e.day, "ticket issued for another day");
    CHECK(e.number >= 1 && e.number <= s->dailyLimit, "number outside 1..daily limit");
    CHECK(t->label == Engine::label(s->prefix, e.number), "label " + bytes(t->label) + " does not match its number");
    CHECK(m_numbers.emplace(e.day, e.service, e.number).second,
          "number " + QByteArray::number(e.number) + " of " + bytes(e.service) + " issued twice in a day");
    int &last = m_lastIssued[{e.day, e.service}];
    CHECK(e.number == last + 1, "numbers skipped from " + QByteArray::number(last) + " to " + QByteArray::number(e.number));
    last = e.number;
}

void PropertyRun::checkInvariants()
{
    std::array<TicketId, kWindows + 1> held{};
    int holding = 0;
    for (const auto &[n, w] : m_engine.windows()) {
        CHECK(n >= 1 && n <= kWindows && w.number == n, "state for window " + QByteArray::number(n));
        if (w.clerk.empty())
            CHECK(!w.paused && w.current == 0, "closed window " + QByteArray::number(n) + " is paused or holds a ticket");
        if (w.current == 0)
            continue;
        const Ticket *t = m_engine.ticket(w.current);
        CHECK(t, "window " + QByteArray::number(n) + " holds unknown ticket " + QByteArray::number(w.current));
        CHECK(t->status == TicketStatus::Called || t->status == TicketStatus::Serving,
              "window " + QByteArray::number(n) + " holds a " + toString(t->status) + " ticket");
        CHECK(t->window == n, "window " + QByteArray::number(n) + " holds a ticket of window " + QByteArray::number(t->window));
        for (int other = 1; other < n; ++other)
            CHECK(held[std::size_t(other)] != w.current, "ticket held by two windows");
        held[std::size_t(n)] = w.current;
        ++holding;
    }

    int waiting = 0;
    int active = 0;
    const int today = m_engine.today();
    for (const auto &[id, t] : m_engine.tickets()) {
        if (t.day != today)
            CHECK(false, "ticket " + QByteArray::number(id) + " of day " + QByteArray::number(t.day) + " in memory");
        if (t.status == TicketStatus::Waiting) {
            ++waiting;
        } else if (t.status == TicketStatus::Called || t.status == TicketStatus::Serving) {
            ++active;
            const bool heldThere = t.window >= 1 && t.window <= kWindows && held[std::size_t(t.window)] == id;
            CHECK(heldThere, "called/serving ticket " + QByteArray::number(id) + " is held by no window");
        }
    }
    // Each active ticket is held by its own window and held ones are distinct: exactly one each.
    CHECK(active == holding, "windows hold " + QByteArray::number(holding) + " tickets but " + QByteArray::number(active)
                                 + " are called or serving");
    CHECK(m_engine.waitingTotal() == waiting, "waitingTotal() is " + QByteArray::number(m_engine.waitingTotal()) + ", "
                                                  + QByteArray::number(waiting) + " tickets are waiting");
}

void PropertyRun::checkRoundTrips()
{
    ++m_roundTrips;
    const EngineSnapshot live = m_engine.snapshot();
    const std::string liveQueries = queriesText(m_engine);

    // The whole journal, applied in order from a fresh engine.
    QByteArray diff = snapshotDifference(live, m_replica.snapshot());
    CHECK(diff.isEmpty(), "journal replay: " + diff);
    diff = firstDifferentLine(liveQueries, queriesText(m_replica));
    CHECK(diff.isEmpty(), "journal replay: " + diff);

    // What the store does at start-up: the snapshot from before today, then today's events.
    ManualClock elsewhere(0);
    Engine resumed(m_config, elsewhere);
    resumed.restore(m_dayBase);
    for (const Event &e : m_sinceDayStart)
        resumed.apply(e);
    diff = snapshotDifference(live, resumed.snapshot());
    CHECK(diff.isEmpty(), "snapshot before the day + events since DayStarted: " + diff);

    // Today's events alone, into an engine that never saw a day: the day's own state must follow.
    // Windows and service history outlive the day, so only the day-scoped part can be compared.
    Engine todayOnly(m_config, elsewhere);
    for (const Event &e : m_sinceDayStart)
        todayOnly.apply(e);
    const EngineSnapshot fromToday = todayOnly.snapshot();
    CHECK(fromToday.day == live.day, "events since DayStarted: day differs");
    CHECK(fromToday.lastNumbers == live.lastNumbers, "events since DayStarted: lastNumbers differ");
    diff = ticketsDifference(live.tickets, fromToday.tickets);
    CHECK(diff.isEmpty(), "events since DayStarted: " + diff);

    Engine restored(m_config, m_clock);
    restored.restore(live);
    diff = snapshotDifference(live, restored.snapshot());
    CHECK(diff.isEmpty(), "restore(snapshot()): " + diff);
    diff = firstDifferentLine(liveQueries, queriesText(restored));
    CHECK(diff.isEmpty(), "restore(snapshot()) queries: " + diff);
}

void PropertyRun::checkFullReplay()
{
    ManualClock elsewhere(0);
    Engine replayed(m_config, elsewhere);
    for (const Event &e : m_journal)
        replayed.apply(e);
    QByteArray diff = snapshotDifference(m_engine.snapshot(), replayed.snapshot());
    CHECK(diff.isEmpty(), "final journal replay: " + diff);
    diff = queriesDifference(m_engine, replayed);
    CHECK(diff.isEmpty(), "final journal replay: " + diff);
}

void PropertyRun::report(qint64 elapsedMs) const
{
    qInfo("seed %llu: %d operations, %zu events, %d business days started (%d by a refused operation), "
          "%d round-trip checks, %lld ms",
          static_cast<unsigned long long>(kSeed), m_index, m_journal.size(), m_dayStarts, m_refusedRollovers,
          m_roundTrips, static_cast<long long>(elapsedMs));
    for (int i = 0; i < kOps; ++i)
        qInfo("  %-20s %6d applied %6d refused", opName(Op(i)), m_applied[std::size_t(i)], m_refused[std::size_t(i)]);
    for (int c = 0; c < kErrorCodes; ++c)
        qInfo("  refused %-24s %6d", toString(ErrorCode(c)), m_refusals[std::size_t(c)]);
    qInfo("  now: %d tickets in memory, %d waiting", int(m_engine.tickets().size()), m_engine.waitingTotal());
}

void PropertyRun::checkHealthy()
{
    // A run that refuses nearly everything would satisfy every invariant; insist on real traffic.
    QVERIFY2(m_applied[std::size_t(Op::Issue)] >= 10'000, "fewer than 10,000 tickets issued");
    QVERIFY2(m_applied[std::size_t(Op::Finish)] >= 5'000, "fewer than 5,000 tickets finished");
    for (int i = 0; i < kOps; ++i)
        QVERIFY2(m_applied[std::size_t(i)] >= 100, (QByteArray(opName(Op(i))) + " succeeded fewer than 100 times").constData());
    for (int c = 0; c < kErrorCodes; ++c)
        QVERIFY2(m_refusals[std::size_t(c)] >= 1, (QByteArray("never refused with ") + toString(ErrorCode(c))).constData());
    // The first DayStarted only opens the run; two more are real rollovers.
    QVERIFY2(m_dayStarts >= 3, "fewer than two day rollovers");
}

} // namespace

class TestEngineProperty : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomOperations();
};

void TestEngineProperty::randomOperations()
{
    QElapsedTimer timer;
    timer.start();
    PropertyRun run;
    for (int i = 1; i <= kOperations; ++i) {
        run.step();
        if (QTest::currentTestFailed())
            return;
        if (i % kCheckEvery == 0 || i == kOperations) {
            run.checkRoundTrips();
            if (QTest::currentTestFailed())
                return;
        }
    }
    run.checkFullReplay();
    if (QTest::currentTestFailed())
        return;
    run.report(timer.elapsed());
    run.checkHealthy();
}

QTEST_GUILESS_MAIN(TestEngineProperty)
#include "tst_engine_property.moc"
