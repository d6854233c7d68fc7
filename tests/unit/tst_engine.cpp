// Unit tests of the queue engine. Every refusal is checked for its exact error code and for
// leaving the engine untouched, because terminals rely on "refused" meaning "nothing happened".
#include "engine/engine.h"
#include "testhall.h"

#include <QtTest>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>

using namespace hall::engine;
using namespace testhall;

namespace {

HallConfig makeConfig()
{
    HallConfig c = fourWindowHall();
    c.services[2].dailyLimit = 3; // PICKUP: a tiny limit keeps the daily-limit test short
    return c;
}

QByteArray nameOf(TicketStatus s) { return toString(s); }
QByteArray nameOf(EventType t) { return toString(t); }
QByteArray nameOf(Priority p) { return toString(p); }
QByteArray codeOf(const Outcome &o) { return o.ok() ? QByteArray("ok") : QByteArray(toString(o.error->code)); }
QList<TicketId> toList(const std::vector<TicketId> &ids) { return QList<TicketId>(ids.begin(), ids.end()); }

QByteArray typesOf(const std::vector<Event> &events)
{
    QByteArray s;
    for (const Event &e : events)
        s += (s.isEmpty() ? "" : ",") + nameOf(e.type);
    return s;
}

QByteArray outcomeText(const Outcome &o)
{
    if (o.ok())
        return "ok: " + typesOf(o.events);
    return codeOf(o) + ": " + bytes(o.error->message);
}

// Owns a clock and an engine, and keeps every event any operation emitted, as the store would.
class Hall
{
public:
    explicit Hall(HallConfig config = makeConfig(), Millis start = localTime(8, 0))
        : m_clock(start)
        , m_engine(std::move(config), m_clock)
    {
        // The first call of a fresh engine starts its first business day; settling that here keeps
        // the outcomes the tests look at down to the operation under test.
        record(m_engine.tick());
    }

    Engine &engine() { return m_engine; }
    ManualClock &clock() { return m_clock; }
    const std::vector<Event> &journal() const { return m_journal; }

    void setTime(int hour, int minute, int second = 0, int dayOffset = 0)
    {
        m_clock.set(localTime(hour, minute, second, dayOffset));
    }
    void advance(int seconds) { m_clock.advance(Millis(seconds) * 1000); }

    Outcome issue(const std::string &s, Priority p = Priority::Normal) { return record(m_engine.issue(s, p)); }
    Outcome callNext(int w) { return record(m_engine.callNext(w)); }
    Outcome recall(int w, TicketId x = 0) { return record(m_engine.recall(w, x)); }
    Outcome startService(int w, TicketId x = 0) { return record(m_engine.startService(w, x)); }
    Outcome noShow(int w, TicketId x = 0) { return record(m_engine.noShow(w, x)); }
    Outcome transferToService(int w, const std::string &s, TicketId x = 0)
    {
        return record(m_engine.transferToService(w, s, x));
    }
    Outcome transferToWindow(int w, int to, TicketId x = 0) { return record(m_engine.transferToWindow(w, to, x)); }
    Outcome finish(int w, TicketId x = 0) { return record(m_engine.finish(w, x)); }
    Outcome cancel(TicketId id) { return record(m_engine.cancel(id)); }
    Outcome signIn(int w, const std::string &clerk) { return record(m_engine.signIn(w, clerk)); }
    Outcome signOut(int w) { return record(m_engine.signOut(w)); }
    Outcome pause(int w) { return record(m_engine.pause(w)); }
    Outcome resume(int w) { return record(m_engine.resume(w)); }
    Outcome tick() { return record(m_engine.tick()); }
    Outcome requestRating(int w, TicketId x = 0) { return record(m_engine.requestRating(w, x)); }
    Outcome rate(int w, const std::string &r, std::vector<std::string> tags = {}, TicketId x = 0)
    {
        return record(m_engine.rate(w, r, tags, "pad-" + std::to_string(w), x));
    }

private:
    Outcome record(Outcome out)
    {
        m_journal.insert(m_journal.end(), out.events.begin(), out.events.end());
        return out;
    }

    ManualClock m_clock;
    Engine m_engine;
    std::vector<Event> m_journal;
};

struct CalledVisitors {
    std::vector<TicketId> tickets; // in issue order; the first is at window 1
    QByteArray failure;            // the first step that failed, for the test to fail with
};

// Where the tests of operations on a window's current visitor start: clerk c1 opens window 1,
// `count` NEW visitors get tickets, and the first of them is called, at `calledAt` if given.
// Reports a failure instead of asserting so that the test, not this helper, stops on it.
CalledVisitors callFirstVisitor(Hall &h, int count, std::optional<Millis> calledAt = std::nullopt)
{
    CalledVisitors v;
    const auto step = [&v](const Outcome &out) {
        if (v.failure.isEmpty() && !out.ok())
            v.failure = outcomeText(out);
        return out.ticket;
    };
    step(h.signIn(1, "c1"));
    for (int i = 0; i < count; ++i)
        v.tickets.push_back(step(h.issue("NEW")));
    if (calledAt)
        h.clock().set(*calledAt);
    const TicketId called = step(h.callNext(1));
    if (v.failure.isEmpty() && called != v.tickets.front())
        v.failure = "called ticket " + QByteArray::number(called) + " before the first one issued";
    return v;
}

using HeldOperation = std::function<Outcome(Hall &, int window, TicketId expected)>;

// The operations on a window's current visitor, by name, so data-driven rows say which one failed.
const std::map<QByteArray, HeldOperation> &heldOperations()
{
    static const std::map<QByteArray, HeldOperation> ops{
        {"recall", [](Hall &h, int w, TicketId x) { return h.recall(w, x); }},
        {"startService", [](Hall &h, int w, TicketId x) { return h.startService(w, x); }},
        {"noShow", [](Hall &h, int w, TicketId x) { return h.noShow(w, x); }},
        {"transferToService", [](Hall &h, int w, TicketId x) { return h.transferToService(w, "RENEW", x); }},
        {"transferToWindow", [](Hall &h, int w, TicketId x) { return h.transferToWindow(w, 3, x); }},
        {"finish", [](Hall &h, int w, TicketId x) { return h.finish(w, x); }},
    };
    return ops;
}

void addHeldOperationRows()
{
    QTest::addColumn<QByteArray>("op");
    for (const auto &entry : heldOperations())
        QTest::newRow(entry.first.constData()) << entry.first;
}

} // namespace

#define QVERIFY_OK(outcome) QVERIFY2((outcome).ok(), outcomeText(outcome).constData())

// Runs an operation that must succeed and names its outcome for the assertions that follow.
#define MUST(var, call)          \
    const Outcome var = (call); \
    QVERIFY_OK(var)

// Runs an operation that must be refused with `code`, emit nothing and change nothing observable.
#define QVERIFY_REFUSED(hall, call, code)                                                             \
    do {                                                                                              \
        const EngineSnapshot snapshotBefore_ = (hall).engine().snapshot();                            \
        const std::string queriesBefore_ = queriesText((hall).engine());                              \
        const Outcome refused_ = (call);                                                              \
        QCOMPARE(codeOf(refused_), QByteArray(toString(code)));                                       \
        QVERIFY2(refused_.events.empty(), typesOf(refused_.events).constData());                      \
        QVERIFY_SAME_SNAPSHOT(snapshotBefore_, (hall).engine().snapshot());                           \
        const QByteArray queryDiff_ = firstDifferentLine(queriesBefore_, queriesText((hall).engine())); \
        QVERIFY2(queryDiff_.isEmpty(), queryDiff_.constData());                                       \
    } while (false)

// The one event an operation by a clerk at a window journals, field by field: boards, terminals
// and reports each read some of these. Declares `e` for the checks particular to the operation.
#define QCOMPARE_CLERK_EVENT(e, outcome, eventType, windowNumber, clerkId, atTime) \
    QCOMPARE((outcome).events.size(), std::size_t(1));                           \
    const Event &e = (outcome).events.front();                                    \
    QCOMPARE(nameOf(e.type), QByteArray(eventType));                              \
    QCOMPARE(e.window, windowNumber);                                             \
    QCOMPARE(bytes(e.clerk), QByteArray(clerkId));                                \
    QCOMPARE(e.at, atTime)

// The same for an operation on a visitor, where both the outcome and its event name the ticket.
#define QCOMPARE_TICKET_EVENT(e, outcome, eventType, ticketId, windowNumber, clerkId, atTime) \
    QCOMPARE((outcome).ticket, ticketId);                                                   \
    QCOMPARE_CLERK_EVENT(e, outcome, eventType, windowNumber, clerkId, atTime);             \
    QCOMPARE(e.ticket, ticketId)

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void labelFormat();
    void businessDayDates();
    void firstOperationStartsTheFirstDay();
    void issueNumbersPerServicePerDay();
    void issueRefusals();
    void dailyLimit();
    void signIn();
    void signInRefusals();
    void signOut();
    void signOutRefusals();
    void pauseAndResume();
    void pauseAndResumeRefusals();
    void callNext();
    void callNextFollowsWindowServiceOrder();
    void callNextByPriorityClassThenOldest();
    void callNextTransferredToWindowFirst();
    void callNextRefusals();
    void recall();
    void startService();
    void noShow();
    void finishFromCalled();
    void finishFromServing();
    void ratingSlotOpensAtFinishAndTakesOneVote();
    void ratingSlotEndsWithTheDayAndTheClock();
    void heldTicketRefusals_data();
    void heldTicketRefusals();
    void expectedTicketGuard_data();
    void expectedTicketGuard();
    void transferToServiceKeepsPlace();
    void transferToWindow();
    void transferRefusals();
    void cancel();
    void cancelRefusals();
    void businessDayBoundary();
    void businessDayFollowsConfig();
    void dayRolloverByTick();
    void dayRolloverByFirstOperation_data();
    void dayRolloverByFirstOperation();
    void estimatedWaitWithoutHistory();
    void estimatedWaitFromRecentServiceTimes();
    void peopleAhead();
    void replayRebuildsState();
    void restoreGivesSameQueries();
};

void TestEngine::labelFormat()
{
    QCOMPARE(bytes(Engine::label('A', 1)), QByteArray("A001"));
    QCOMPARE(bytes(Engine::label('B', 42)), QByteArray("B042"));
    QCOMPARE(bytes(Engine::label('Z', 999)), QByteArray("Z999"));
}

void TestEngine::businessDayDates()
{
    QCOMPARE(bytes(businessDayDate(0)), QByteArray("1970-01-01"));
    QCOMPARE(bytes(businessDayDate(19786)), QByteArray("2024-03-04")); // the fixture's Monday
    QCOMPARE(bytes(businessDayDate(19782)), QByteArray("2024-02-29")); // leap day
    // The day the engine counts for a local time is the date on the wall, before the rollover hour
    // still the day before.
    ManualClock clock(localTime(9, 0));
    Engine engine(makeConfig(), clock);
    QCOMPARE(bytes(businessDayDate(engine.businessDay(localTime(9, 0)))), QByteArray("2024-03-04"));
    QCOMPARE(bytes(businessDayDate(engine.businessDay(localTime(3, 59, 0, 1)))), QByteArray("2024-03-04"));
    QCOMPARE(bytes(businessDayDate(engine.businessDay(localTime(4, 0, 0, 1)))), QByteArray("2024-03-05"));
}

void TestEngine::firstOperationStartsTheFirstDay()
{
    ManualClock clock(localTime(9, 0));
    Engine engine(makeConfig(), clock);
    const Outcome first = engine.issue("NEW");
    QVERIFY_OK(first);
    QCOMPARE(typesOf(first.events), QByteArray("day_started,ticket_issued"));
    QCOMPARE(first.events[0].day, engine.businessDay(clock.now()));
    QCOMPARE(first.events[0].at, clock.now());
    QCOMPARE(first.events[1].day, engine.today());
    QCOMPARE(engine.today(), engine.businessDay(clock.now()));

    const Outcome again = engine.tick();
    QVERIFY_OK(again);
    QVERIFY(again.events.empty());
}

void TestEngine::issueNumbersPerServicePerDay()
{
    Hall h;
    const int day = h.engine().today();
    h.setTime(9, 0);
    MUST(a1, h.issue("NEW"));
    QCOMPARE(a1.events.size(), std::size_t(1));
    const Event &e = a1.events.front();
    QCOMPARE(nameOf(e.type), QByteArray("ticket_issued"));
    QCOMPARE(e.ticket, a1.ticket);
    QCOMPARE(bytes(e.service), QByteArray("NEW"));
    QCOMPARE(e.number, 1);
    QCOMPARE(nameOf(e.priority), QByteArray("normal"));
    QCOMPARE(e.day, day);
    QCOMPARE(e.at, localTime(9, 0));

    const Ticket *t = h.engine().ticket(a1.ticket);
    QVERIFY(t);
    QCOMPARE(bytes(t->label), QByteArray("A001"));
    QCOMPARE(t->number, 1);
    QCOMPARE(bytes(t->service), QByteArray("NEW"));
    QCOMPARE(bytes(t->originalService), QByteArray("NEW"));
    QCOMPARE(t->day, day);
    QCOMPARE(nameOf(t->status), QByteArray("waiting"));
    QCOMPARE(t->issuedAt, localTime(9, 0));
    QCOMPARE(t->queuedAt, localTime(9, 0));
    QCOMPARE(t->window, 0);
    QCOMPARE(t->targetWindow, 0);
    QCOMPARE(t->recalls, 0);
    QCOMPARE(t->transfers, 0);

    h.advance(60);
    MUST(a2, h.issue("NEW", Priority::Elderly));
    MUST(b1, h.issue("RENEW"));
    MUST(c1, h.issue("PICKUP", Priority::Appointment));
    MUST(a3, h.issue("NEW"));
    QCOMPARE(bytes(h.engine().ticket(a2.ticket)->label), QByteArray("A002"));
    QCOMPARE(bytes(h.engine().ticket(b1.ticket)->label), QByteArray("B001"));
    QCOMPARE(bytes(h.engine().ticket(c1.ticket)->label), QByteArray("C001"));
    QCOMPARE(bytes(h.engine().ticket(a3.ticket)->label), QByteArray("A003"));
    QCOMPARE(nameOf(h.engine().ticket(a2.ticket)->priority), QByteArray("elderly"));
    QCOMPARE(nameOf(h.engine().ticket(c1.ticket)->priority), QByteArray("appointment"));

    // Ticket ids are one sequence across services; numbers are per service.
    QCOMPARE(a2.ticket, a1.ticket + 1);
    QCOMPARE(b1.ticket, a1.ticket + 2);
    QCOMPARE(c1.ticket, a1.ticket + 3);
    QCOMPARE(a3.ticket, a1.ticket + 4);
    QCOMPARE(h.engine().lastTicketId(), a3.ticket);
    QCOMPARE(h.engine().lastNumber("NEW"), 3);
    QCOMPARE(h.engine().lastNumber("RENEW"), 1);
    QCOMPARE(h.engine().lastNumber("PICKUP"), 1);
    QCOMPARE(h.engine().lastNumber("NOPE"), 0);
    QCOMPARE(h.engine().waitingCount("NEW"), 3);
    QCOMPARE(h.engine().waitingTotal(), 5);

    // Numbers restart the next business day.
    h.setTime(9, 0, 0, 1);
    MUST(next, h.issue("NEW"));
    QCOMPARE(bytes(h.engine().ticket(next.ticket)->label), QByteArray("A001"));
    QCOMPARE(h.engine().ticket(next.ticket)->day, day + 1);
}

void TestEngine::issueRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.issue("NOPE"), ErrorCode::UnknownService);
    QVERIFY_REFUSED(h, h.issue(""), ErrorCode::UnknownService);
    QVERIFY_REFUSED(h, h.issue("NEW", static_cast<Priority>(3)), ErrorCode::InvalidArgument);
    QVERIFY_REFUSED(h, h.issue("NEW", static_cast<Priority>(-1)), ErrorCode::InvalidArgument);

    // Refusals consume neither a ticket id nor a number.
    MUST(a, h.issue("NEW"));
    QCOMPARE(a.ticket, TicketId(1));
    QCOMPARE(bytes(h.engine().ticket(a.ticket)->label), QByteArray("A001"));
}

void TestEngine::dailyLimit()
{
    Hall h;
    std::vector<TicketId> pickups;
    for (int i = 1; i <= 3; ++i) {
        MUST(c, h.issue("PICKUP"));
        QCOMPARE(bytes(h.engine().ticket(c.ticket)->label), bytes(Engine::label('C', i)));
        pickups.push_back(c.ticket);
    }
    QVERIFY_REFUSED(h, h.issue("PICKUP"), ErrorCode::DailyLimitReached);
    QVERIFY_REFUSED(h, h.issue("PICKUP", Priority::Appointment), ErrorCode::DailyLimitReached);

    // Printed numbers cannot be reused, so a cancelled ticket does not give its number back.
    MUST(cancelled, h.cancel(pickups[1]));
    QVERIFY_REFUSED(h, h.issue("PICKUP"), ErrorCode::DailyLimitReached);

    // The limit is per service...
    MUST(other, h.issue("NEW"));

    // ...and per day.
    h.setTime(4, 0, 0, 1);
    MUST(tomorrow, h.issue("PICKUP"));
    QCOMPARE(bytes(h.engine().ticket(tomorrow.ticket)->label), QByteArray("C001"));

    // The default limit matches the three digits printed on the ticket.
    for (int i = 1; i <= 999; ++i) {
        MUST(b, h.issue("RENEW"));
        if (i == 999)
            QCOMPARE(bytes(h.engine().ticket(b.ticket)->label), QByteArray("B999"));
    }
    QVERIFY_REFUSED(h, h.issue("RENEW"), ErrorCode::DailyLimitReached);
}

void TestEngine::signIn()
{
    Hall h;
    h.setTime(8, 30);
    MUST(in, h.signIn(1, "c1"));
    QCOMPARE_CLERK_EVENT(e, in, "clerk_signed_in", 1, "c1", localTime(8, 30));

    const WindowState *w = h.engine().window(1);
    QVERIFY(w);
    QCOMPARE(bytes(w->clerk), QByteArray("c1"));
    QCOMPARE(w->paused, false);
    QCOMPARE(w->current, TicketId(0));
    QCOMPARE(w->openedAt, localTime(8, 30));
    QCOMPARE(h.engine().openWindowsFor("NEW"), 1);
    QCOMPARE(h.engine().openWindowsFor("RENEW"), 0);

    MUST(in2, h.signIn(2, "c2"));
    QCOMPARE(h.engine().openWindowsFor("NEW"), 2);
    QCOMPARE(h.engine().openWindowsFor("RENEW"), 1);
}

void TestEngine::signInRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.signIn(99, "c1"), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.signIn(0, "c1"), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.signIn(99, "nobody"), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.signIn(1, "nobody"), ErrorCode::UnknownClerk);
    QVERIFY_REFUSED(h, h.signIn(1, ""), ErrorCode::UnknownClerk);

    MUST(in, h.signIn(1, "c1"));
    QVERIFY_REFUSED(h, h.signIn(1, "c2"), ErrorCode::WindowOccupied);
    QVERIFY_REFUSED(h, h.signIn(1, "c1"), ErrorCode::WindowOccupied);
    QVERIFY_REFUSED(h, h.signIn(2, "c1"), ErrorCode::ClerkAtOtherWindow);

    MUST(out, h.signOut(1));
    MUST(moved, h.signIn(2, "c1"));
}

void TestEngine::signOut()
{
    Hall h;
    MUST(in, h.signIn(1, "c1"));
    h.setTime(12, 0);
    MUST(out, h.signOut(1));
    QCOMPARE_CLERK_EVENT(e, out, "clerk_signed_out", 1, "c1", localTime(12, 0));
    const WindowState *w = h.engine().window(1);
    QVERIFY(!w || w->clerk.empty());
    QCOMPARE(h.engine().openWindowsFor("NEW"), 0);

    // A pause belongs to the clerk who took it, not to the next one at the window.
    MUST(in2, h.signIn(1, "c2"));
    MUST(paused, h.pause(1));
    MUST(out2, h.signOut(1));
    QVERIFY(!h.engine().window(1) || !h.engine().window(1)->paused);
    MUST(in3, h.signIn(1, "c3"));
    QCOMPARE(h.engine().window(1)->paused, false);
    QCOMPARE(bytes(h.engine().window(1)->clerk), QByteArray("c3"));
}

void TestEngine::signOutRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.signOut(99), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.signOut(1), ErrorCode::WindowNotOpen);
    MUST(in, h.signIn(1, "c1"));
    MUST(out, h.signOut(1));
    QVERIFY_REFUSED(h, h.signOut(1), ErrorCode::WindowNotOpen);

    MUST(again, h.signIn(1, "c1"));
    MUST(a, h.issue("NEW"));
    MUST(call, h.callNext(1));
    QVERIFY_REFUSED(h, h.signOut(1), ErrorCode::VisitorInProgress);
    MUST(start, h.startService(1));
    QVERIFY_REFUSED(h, h.signOut(1), ErrorCode::VisitorInProgress);
    MUST(done, h.finish(1));
    MUST(leave, h.signOut(1));
}

void TestEngine::pauseAndResume()
{
    Hall h;
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    MUST(a, h.issue("NEW"));

    h.setTime(10, 0);
    MUST(p, h.pause(1));
    QCOMPARE_CLERK_EVENT(e, p, "window_paused", 1, "c1", localTime(10, 0));
    QCOMPARE(h.engine().window(1)->paused, true);
    QCOMPARE(bytes(h.engine().window(1)->clerk), QByteArray("c1"));
    QCOMPARE(h.engine().openWindowsFor("NEW"), 1);
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::WindowPaused);

    h.setTime(10, 15);
    MUST(r, h.resume(1));
    QCOMPARE(r.events.size(), std::size_t(1));
    QCOMPARE(nameOf(r.events[0].type), QByteArray("window_resumed"));
    QCOMPARE(r.events[0].window, 1);
    QCOMPARE(bytes(r.events[0].clerk), QByteArray("c1"));
    QCOMPARE(h.engine().window(1)->paused, false);
    QCOMPARE(h.engine().openWindowsFor("NEW"), 2);
    MUST(call, h.callNext(1));
    QCOMPARE(call.ticket, a.ticket);

    // Pausing takes a break after the current visitor; it does not drop them.
    MUST(p2, h.pause(1));
    QCOMPARE(h.engine().window(1)->current, a.ticket);
    QCOMPARE(nameOf(h.engine().ticket(a.ticket)->status), QByteArray("called"));
}

void TestEngine::pauseAndResumeRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.pause(99), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.resume(99), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.pause(1), ErrorCode::WindowNotOpen);
    QVERIFY_REFUSED(h, h.resume(1), ErrorCode::WindowNotOpen);
    MUST(in, h.signIn(1, "c1"));
    QVERIFY_REFUSED(h, h.resume(1), ErrorCode::WindowNotPaused);
    MUST(p, h.pause(1));
    QVERIFY_REFUSED(h, h.pause(1), ErrorCode::WindowPaused);
    MUST(r, h.resume(1));
    QVERIFY_REFUSED(h, h.resume(1), ErrorCode::WindowNotPaused);
}

void TestEngine::callNext()
{
    Hall h;
    MUST(in, h.signIn(1, "c1"));
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    h.setTime(9, 5);
    MUST(call, h.callNext(1));
    QCOMPARE_TICKET_EVENT(e, call, "ticket_called", a.ticket, 1, "c1", localTime(9, 5));

    const Ticket *t = h.engine().ticket(a.ticket);
    QCOMPARE(nameOf(t->status), QByteArray("called"));
    QCOMPARE(t->window, 1);
    QCOMPARE(bytes(t->clerk), QByteArray("c1"));
    QCOMPARE(t->calledAt, localTime(9, 5));
    QCOMPARE(t->firstCalledAt, localTime(9, 5));
    QCOMPARE(t->servingAt, Millis(0));
    QCOMPARE(h.engine().window(1)->current, a.ticket);
    QCOMPARE(h.engine().waitingCount("NEW"), 0);
    QCOMPARE(h.engine().waitingTotal(), 0);
    QVERIFY(h.engine().waitingFor("NEW").empty());
    QCOMPARE(h.engine().peopleAhead(a.ticket), 0);
}

void TestEngine::callNextFollowsWindowServiceOrder()
{
    Hall h;
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    h.setTime(9, 30);
    MUST(b, h.issue("RENEW"));
    h.setTime(9, 40);
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));

    // Window 2 lists RENEW before NEW, so B001 goes first although A001 has waited longer.
    MUST(first, h.callNext(2));
    QCOMPARE(first.ticket, b.ticket);
    MUST(done, h.finish(2));
    MUST(second, h.callNext(2));
    QCOMPARE(second.ticket, a.ticket);
}

void TestEngine::callNextByPriorityClassThenOldest()
{
    Hall h;
    MUST(in, h.signIn(1, "c1"));
    const Priority order[] = {Priority::Normal, Priority::Elderly, Priority::Appointment,
                              Priority::Normal, Priority::Elderly, Priority::Appointment};
    std::vector<TicketId> ids;
    for (int i = 0; i < 6; ++i) {
        h.setTime(9, i);
        MUST(t, h.issue("NEW", order[i]));
        ids.push_back(t.ticket);
    }
    // appointment < elderly < normal, and the older first within a class
    const std::vector<TicketId> expected{ids[2], ids[5], ids[1], ids[4], ids[0], ids[3]};
    QCOMPARE(toList(h.engine().waitingFor("NEW")), toList(expected));
    for (TicketId id : expected) {
        MUST(call, h.callNext(1));
        QCOMPARE(call.ticket, id);
        MUST(done, h.finish(1));
    }
}

void TestEngine::callNextTransferredToWindowFirst()
{
    Hall h;
    MUST(in1, h.signIn(1, "c1"));
    MUST(in3, h.signIn(3, "c3"));
    h.setTime(9, 0);
    MUST(b, h.issue("RENEW", Priority::Appointment));
    h.setTime(9, 10);
    MUST(a, h.issue("NEW"));
    h.setTime(9, 20);
    MUST(call, h.callNext(1));
    QCOMPARE(call.ticket, a.ticket);
    MUST(sent, h.transferToWindow(1, 3));

    // The visitor already waited their turn once, so they beat even an older appointment.
    MUST(first, h.callNext(3));
    QCOMPARE(first.ticket, a.ticket);
    MUST(done, h.finish(3));
    MUST(second, h.callNext(3));
    QCOMPARE(second.ticket, b.ticket);
}

void TestEngine::callNextRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.callNext(99), ErrorCode::UnknownWindow);
    MUST(a, h.issue("NEW"));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::WindowNotOpen);
    MUST(in, h.signIn(1, "c1"));
    MUST(p, h.pause(1));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::WindowPaused);
    MUST(r, h.resume(1));

    MUST(call, h.callNext(1));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::VisitorInProgress);
    MUST(start, h.startService(1));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::VisitorInProgress);
    MUST(done, h.finish(1));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::NobodyWaiting);

    // Visitors of services the window does not serve are not its to call.
    MUST(b, h.issue("RENEW"));
    MUST(c, h.issue("PICKUP"));
    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::NobodyWaiting);

    // Nor are visitors sent to another window, even of a service it serves.
    MUST(in2, h.signIn(2, "c2"));
    MUST(callB, h.callNext(2));
    QCOMPARE(callB.ticket, b.ticket);
    MUST(sent, h.transferToWindow(2, 3));
    QVERIFY_REFUSED(h, h.callNext(2), ErrorCode::NobodyWaiting);
}

void TestEngine::recall()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 1));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];

    h.setTime(9, 2);
    MUST(r1, h.recall(1));
    QCOMPARE_TICKET_EVENT(e, r1, "ticket_recalled", a, 1, "c1", localTime(9, 2));
    QCOMPARE(e.recalls, 1);
    const Ticket *t = h.engine().ticket(a);
    QCOMPARE(t->recalls, 1);
    QCOMPARE(t->calledAt, localTime(9, 2));
    QCOMPARE(t->firstCalledAt, localTime(9, 1));
    QCOMPARE(nameOf(t->status), QByteArray("called"));

    h.setTime(9, 3);
    MUST(r2, h.recall(1, a));
    QCOMPARE(r2.events.front().recalls, 2);
    QCOMPARE(h.engine().ticket(a)->recalls, 2);

    // Once the visitor is at the counter there is nobody to call for.
    MUST(start, h.startService(1));
    QVERIFY_REFUSED(h, h.recall(1), ErrorCode::TicketAlreadyServing);
}

void TestEngine::startService()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 1));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    h.setTime(9, 2);
    MUST(start, h.startService(1));
    QCOMPARE_TICKET_EVENT(e, start, "service_started", a, 1, "c1", localTime(9, 2));
    const Ticket *t = h.engine().ticket(a);
    QCOMPARE(nameOf(t->status), QByteArray("serving"));
    QCOMPARE(t->servingAt, localTime(9, 2));
    QCOMPARE(t->calledAt, localTime(9, 1));
    QCOMPARE(h.engine().window(1)->current, a);

    QVERIFY_REFUSED(h, h.startService(1), ErrorCode::TicketAlreadyServing);
}

void TestEngine::noShow()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 2, localTime(9, 1));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    const TicketId b = visitors.tickets[1];
    h.setTime(9, 4);
    MUST(gone, h.noShow(1));
    QCOMPARE_TICKET_EVENT(e, gone, "ticket_no_show", a, 1, "c1", localTime(9, 4));
    const Ticket *t = h.engine().ticket(a);
    QCOMPARE(nameOf(t->status), QByteArray("no_show"));
    QCOMPARE(t->endedAt, localTime(9, 4));
    QCOMPARE(h.engine().window(1)->current, TicketId(0));
    QCOMPARE(bytes(h.engine().window(1)->clerk), QByteArray("c1"));
    // Nobody was served, so the estimate does not learn from it.
    QCOMPARE(h.engine().averageServiceSeconds("NEW"), 600);

    MUST(next, h.callNext(1));
    QCOMPARE(next.ticket, b);
    MUST(start, h.startService(1));
    QVERIFY_REFUSED(h, h.noShow(1), ErrorCode::TicketAlreadyServing);
}

void TestEngine::finishFromCalled()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 10));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    h.setTime(9, 14);
    MUST(done, h.finish(1));
    QCOMPARE_TICKET_EVENT(e, done, "ticket_finished", a, 1, "c1", localTime(9, 14));
    const Ticket *t = h.engine().ticket(a);
    QCOMPARE(nameOf(t->status), QByteArray("finished"));
    QCOMPARE(t->servingAt, t->calledAt);
    QCOMPARE(t->servingAt, localTime(9, 10));
    QCOMPARE(t->endedAt, localTime(9, 14));
    QCOMPARE(h.engine().window(1)->current, TicketId(0));
    QCOMPARE(h.engine().averageServiceSeconds("NEW"), 240);
}

void TestEngine::finishFromServing()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 10));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    h.setTime(9, 12);
    MUST(start, h.startService(1));
    h.setTime(9, 20);
    MUST(done, h.finish(1, a));
    QCOMPARE(done.ticket, a);
    QCOMPARE(typesOf(done.events), QByteArray("ticket_finished"));
    const Ticket *t = h.engine().ticket(a);
    QCOMPARE(nameOf(t->status), QByteArray("finished"));
    QCOMPARE(t->servingAt, localTime(9, 12));
    QCOMPARE(t->endedAt, localTime(9, 20));
    QCOMPARE(h.engine().window(1)->current, TicketId(0));
    // Service time runs from the start of service, not from the call.
    QCOMPARE(h.engine().averageServiceSeconds("NEW"), 480);
}

void TestEngine::ratingSlotOpensAtFinishAndTakesOneVote()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 10));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    QVERIFY_REFUSED(h, h.rate(1, "satisfied"), ErrorCode::NothingToRate);
    h.setTime(9, 20);
    MUST(done, h.finish(1, a));
    const WindowState *w = h.engine().window(1);
    QCOMPARE(w->rating.ticket, a);
    QCOMPARE(w->rating.clerk, std::string("c1"));
    QCOMPARE(w->rating.openedAt, localTime(9, 20));
    QVERIFY_REFUSED(h, h.rate(1, "meh"), ErrorCode::InvalidRating);
    QVERIFY_REFUSED(h, h.rate(1, "satisfied", {"slow"}), ErrorCode::InvalidRating);
    QVERIFY_REFUSED(h, h.rate(1, "satisfied", {}, a + 1), ErrorCode::TicketNotAtWindow);
    QVERIFY_REFUSED(h, h.rate(2, "satisfied"), ErrorCode::NothingToRate);
    h.setTime(9, 21);
    MUST(vote, h.rate(1, "unsatisfied", {}, a));
    QCOMPARE(typesOf(vote.events), QByteArray("ticket_rated"));
    QCOMPARE(vote.events[0].clerk, std::string("c1"));
    QCOMPARE(vote.events[0].device, std::string("pad-1"));
    // Due at the end of the third business day after today (04:00 rollover, UTC+8).
    QCOMPARE(vote.events[0].due, localTime(4, 0, 0, 4) - 1);
    QVERIFY(h.engine().window(1)->rating.rated);
    QVERIFY_REFUSED(h, h.rate(1, "satisfied"), ErrorCode::AlreadyRated);
    QVERIFY_REFUSED(h, h.requestRating(1), ErrorCode::AlreadyRated);
}

void TestEngine::ratingSlotEndsWithTheDayAndTheClock()
{
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 1, localTime(9, 10));
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    // Asked while serving: the vote may come before the finish, and still counts once.
    MUST(asked, h.requestRating(1));
    QCOMPARE(asked.ticket, a);
    h.setTime(9, 11);
    MUST(early, h.rate(1, "satisfied"));
    MUST(done, h.finish(1, a));
    QVERIFY(h.engine().window(1)->rating.rated);
    QVERIFY_REFUSED(h, h.rate(1, "satisfied"), ErrorCode::AlreadyRated);

    // The next visitor: 120 s to vote, not one millisecond more.
    MUST(issued, h.issue("NEW"));
    MUST(called, h.callNext(1));
    h.setTime(10, 0);
    MUST(done2, h.finish(1));
    h.setTime(10, 1, 59);
    QVERIFY(h.engine().window(1)->rating.ticket == issued.ticket && !h.engine().window(1)->rating.rated);
    h.clock().advance(1000); // 10:02:00, 120 s after the finish
    QVERIFY_REFUSED(h, h.rate(1, "satisfied"), ErrorCode::RatingClosed);
    // A new business day clears the slot, even one that nobody used.
    h.setTime(9, 0, 0, 1);
    MUST(day, h.tick());
    QCOMPARE(h.engine().window(1)->rating.ticket, TicketId(0));
    QVERIFY_REFUSED(h, h.rate(1, "satisfied"), ErrorCode::NothingToRate);
}

void TestEngine::heldTicketRefusals_data()
{
    addHeldOperationRows();
}

void TestEngine::heldTicketRefusals()
{
    QFETCH(QByteArray, op);
    const HeldOperation run = heldOperations().at(op);
    Hall h;
    QVERIFY_REFUSED(h, run(h, 99, 0), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, run(h, 1, 0), ErrorCode::WindowNotOpen);
    MUST(in, h.signIn(1, "c1"));
    QVERIFY_REFUSED(h, run(h, 1, 0), ErrorCode::NoCurrentTicket);

    // A waiting visitor is not a current one, named or not.
    MUST(a, h.issue("NEW"));
    QVERIFY_REFUSED(h, run(h, 1, 0), ErrorCode::NoCurrentTicket);
    QVERIFY_REFUSED(h, run(h, 1, a.ticket), ErrorCode::NoCurrentTicket);

    // Nor is a visitor held by another window.
    MUST(in2, h.signIn(2, "c2"));
    MUST(call, h.callNext(2));
    QCOMPARE(call.ticket, a.ticket);
    QVERIFY_REFUSED(h, run(h, 1, 0), ErrorCode::NoCurrentTicket);
    QVERIFY_REFUSED(h, run(h, 1, a.ticket), ErrorCode::NoCurrentTicket);
}

void TestEngine::expectedTicketGuard_data()
{
    addHeldOperationRows();
}

void TestEngine::expectedTicketGuard()
{
    QFETCH(QByteArray, op);
    const HeldOperation run = heldOperations().at(op);
    Hall h;
    const CalledVisitors visitors = callFirstVisitor(h, 2);
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    const TicketId b = visitors.tickets[1];

    // A stale terminal naming another visitor must not act on the one actually at the window.
    QVERIFY_REFUSED(h, run(h, 1, b), ErrorCode::TicketNotAtWindow);
    QVERIFY_REFUSED(h, run(h, 1, 12345), ErrorCode::TicketNotAtWindow);
    MUST(in2, h.signIn(2, "c2"));
    MUST(callB, h.callNext(2));
    QCOMPARE(callB.ticket, b);
    QVERIFY_REFUSED(h, run(h, 1, b), ErrorCode::TicketNotAtWindow);

    MUST(acted, run(h, 1, a));
    QCOMPARE(acted.ticket, a);
}

void TestEngine::transferToServiceKeepsPlace()
{
    Hall h;
    MUST(in, h.signIn(1, "c1"));
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    h.setTime(9, 30);
    MUST(b, h.issue("RENEW"));
    h.setTime(9, 40);
    MUST(call, h.callNext(1));
    QCOMPARE(call.ticket, a.ticket);
    h.setTime(9, 41);
    MUST(start, h.startService(1));

    h.setTime(9, 45);
    MUST(moved, h.transferToService(1, "RENEW"));
    QCOMPARE_TICKET_EVENT(e, moved, "ticket_transferred", a.ticket, 1, "c1", localTime(9, 45));
    QCOMPARE(bytes(e.service), QByteArray("RENEW"));
    QCOMPARE(e.targetWindow, 0);

    const Ticket *t = h.engine().ticket(a.ticket);
    QCOMPARE(nameOf(t->status), QByteArray("waiting"));
    QCOMPARE(bytes(t->service), QByteArray("RENEW"));
    QCOMPARE(bytes(t->originalService), QByteArray("NEW"));
    QCOMPARE(bytes(t->label), QByteArray("A001"));
    QCOMPARE(t->number, 1);
    QCOMPARE(t->issuedAt, localTime(9, 0));
    QCOMPARE(t->queuedAt, localTime(9, 0));
    QCOMPARE(t->transfers, 1);
    QCOMPARE(t->targetWindow, 0);
    QCOMPARE(t->servingAt, Millis(0));
    QCOMPARE(h.engine().window(1)->current, TicketId(0));

    // Issued at 09:00, the visitor goes ahead of B001 issued at 09:30.
    QCOMPARE(toList(h.engine().waitingFor("RENEW")), QList<TicketId>({a.ticket, b.ticket}));
    QCOMPARE(h.engine().peopleAhead(a.ticket), 0);
    QCOMPARE(h.engine().peopleAhead(b.ticket), 1);
    QCOMPARE(h.engine().waitingCount("NEW"), 0);
    QCOMPARE(h.engine().waitingCount("RENEW"), 2);
    QCOMPARE(h.engine().lastNumber("NEW"), 1);
    QCOMPARE(h.engine().lastNumber("RENEW"), 1);

    MUST(in3, h.signIn(3, "c3"));
    h.setTime(9, 50);
    MUST(recalled, h.callNext(3));
    QCOMPARE(recalled.ticket, a.ticket);
    t = h.engine().ticket(a.ticket);
    QCOMPARE(t->window, 3);
    QCOMPARE(bytes(t->clerk), QByteArray("c3"));
    QCOMPARE(t->calledAt, localTime(9, 50));
    QCOMPARE(t->firstCalledAt, localTime(9, 40));

    // The transfer borrowed no number from the new service.
    MUST(b2, h.issue("RENEW"));
    QCOMPARE(bytes(h.engine().ticket(b2.ticket)->label), QByteArray("B002"));
}

void TestEngine::transferToWindow()
{
    Hall h;
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    h.setTime(9, 5);
    MUST(call, h.callNext(1));
    h.setTime(9, 6);
    // Window 4 is closed and serves another service: the visitor waits for it all the same.
    MUST(sent, h.transferToWindow(1, 4));
    QCOMPARE_TICKET_EVENT(e, sent, "ticket_transferred", a.ticket, 1, "c1", localTime(9, 6));
    QCOMPARE(e.targetWindow, 4);
    QCOMPARE(bytes(e.service), QByteArray(""));

    const Ticket *t = h.engine().ticket(a.ticket);
    QCOMPARE(nameOf(t->status), QByteArray("waiting"));
    QCOMPARE(bytes(t->service), QByteArray("NEW"));
    QCOMPARE(t->targetWindow, 4);
    QCOMPARE(t->transfers, 1);
    QCOMPARE(t->queuedAt, localTime(9, 0));
    QCOMPARE(h.engine().window(1)->current, TicketId(0));
    QCOMPARE(h.engine().waitingCount("NEW"), 1);
    QCOMPARE(h.engine().waitingTotal(), 1);
    QVERIFY(h.engine().waitingFor("NEW").empty());
    QCOMPARE(h.engine().peopleAhead(a.ticket), 0);

    QVERIFY_REFUSED(h, h.callNext(1), ErrorCode::NobodyWaiting);
    QVERIFY_REFUSED(h, h.callNext(2), ErrorCode::NobodyWaiting);

    MUST(in4, h.signIn(4, "c4"));
    h.setTime(9, 10);
    MUST(called, h.callNext(4));
    QCOMPARE(called.ticket, a.ticket);
    t = h.engine().ticket(a.ticket);
    QCOMPARE(nameOf(t->status), QByteArray("called"));
    QCOMPARE(t->window, 4);
    QCOMPARE(bytes(t->clerk), QByteArray("c4"));
    QCOMPARE(t->targetWindow, 0);
    QCOMPARE(t->firstCalledAt, localTime(9, 5));
    QCOMPARE(h.engine().window(4)->current, a.ticket);
}

void TestEngine::transferRefusals()
{
    Hall h;
    MUST(in1, h.signIn(1, "c1"));
    MUST(a, h.issue("NEW"));
    MUST(call, h.callNext(1));
    QVERIFY_REFUSED(h, h.transferToService(1, "NEW"), ErrorCode::InvalidTransfer);
    QVERIFY_REFUSED(h, h.transferToService(1, "NOPE"), ErrorCode::UnknownService);
    QVERIFY_REFUSED(h, h.transferToService(1, ""), ErrorCode::UnknownService);
    QVERIFY_REFUSED(h, h.transferToWindow(1, 1), ErrorCode::InvalidTransfer);
    QVERIFY_REFUSED(h, h.transferToWindow(1, 99), ErrorCode::UnknownWindow);
    QVERIFY_REFUSED(h, h.transferToWindow(1, 0), ErrorCode::UnknownWindow);

    // "Same service" means the current one, not the one the ticket was issued for.
    MUST(moved, h.transferToService(1, "RENEW"));
    MUST(in2, h.signIn(2, "c2"));
    MUST(again, h.callNext(2));
    QCOMPARE(again.ticket, a.ticket);
    QVERIFY_REFUSED(h, h.transferToService(2, "RENEW"), ErrorCode::InvalidTransfer);
    MUST(back, h.transferToService(2, "NEW"));
    QCOMPARE(bytes(h.engine().ticket(a.ticket)->service), QByteArray("NEW"));
    QCOMPARE(h.engine().ticket(a.ticket)->transfers, 2);
}

void TestEngine::cancel()
{
    Hall h;
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    MUST(b, h.issue("NEW"));
    MUST(c, h.issue("NEW"));
    h.setTime(9, 3);
    MUST(gone, h.cancel(b.ticket));
    QCOMPARE(gone.ticket, b.ticket);
    QCOMPARE(gone.events.size(), std::size_t(1));
    QCOMPARE(nameOf(gone.events[0].type), QByteArray("ticket_cancelled"));
    QCOMPARE(gone.events[0].ticket, b.ticket);
    QCOMPARE(gone.events[0].at, localTime(9, 3));
    const Ticket *t = h.engine().ticket(b.ticket);
    QCOMPARE(nameOf(t->status), QByteArray("cancelled"));
    QCOMPARE(t->endedAt, localTime(9, 3));
    QCOMPARE(toList(h.engine().waitingFor("NEW")), QList<TicketId>({a.ticket, c.ticket}));
    QCOMPARE(h.engine().peopleAhead(c.ticket), 1);
    QCOMPARE(h.engine().waitingTotal(), 2);

    // A visitor waiting for one window can leave too, and that window no longer calls them.
    MUST(in1, h.signIn(1, "c1"));
    MUST(call, h.callNext(1));
    QCOMPARE(call.ticket, a.ticket);
    MUST(sent, h.transferToWindow(1, 3));
    MUST(left, h.cancel(a.ticket));
    MUST(in3, h.signIn(3, "c3"));
    QVERIFY_REFUSED(h, h.callNext(3), ErrorCode::NobodyWaiting);
    QCOMPARE(h.engine().waitingTotal(), 1);
}

void TestEngine::cancelRefusals()
{
    Hall h;
    QVERIFY_REFUSED(h, h.cancel(0), ErrorCode::UnknownTicket);
    QVERIFY_REFUSED(h, h.cancel(999), ErrorCode::UnknownTicket);
    MUST(in, h.signIn(1, "c1"));
    MUST(a, h.issue("NEW"));
    MUST(b, h.issue("NEW"));
    MUST(c, h.issue("NEW"));
    MUST(call, h.callNext(1));
    QVERIFY_REFUSED(h, h.cancel(a.ticket), ErrorCode::TicketNotWaiting);
    MUST(start, h.startService(1));
    QVERIFY_REFUSED(h, h.cancel(a.ticket), ErrorCode::TicketNotWaiting);
    MUST(done, h.finish(1));
    QVERIFY_REFUSED(h, h.cancel(a.ticket), ErrorCode::TicketNotWaiting);
    MUST(callB, h.callNext(1));
    MUST(gone, h.noShow(1));
    QVERIFY_REFUSED(h, h.cancel(b.ticket), ErrorCode::TicketNotWaiting);
    MUST(cancelled, h.cancel(c.ticket));
    QVERIFY_REFUSED(h, h.cancel(c.ticket), ErrorCode::TicketNotWaiting);
}

void TestEngine::businessDayBoundary()
{
    Hall h;
    const Engine &e = h.engine();
    const int day = e.businessDay(localTime(9, 0));
    // With UTC+8 the business day number is the local date's day count since the epoch.
    using namespace std::chrono;
    QCOMPARE(day, int(sys_days{year{2024} / March / 4}.time_since_epoch().count()));
    QCOMPARE(e.businessDay(localTime(4, 0)), day);
    QCOMPARE(e.businessDay(localTime(4, 0) - 1), day - 1);
    QCOMPARE(e.businessDay(localTime(23, 59, 59)), day);
    // Midnight is not the boundary: late visitors still belong to the evening's day.
    QCOMPARE(e.businessDay(localTime(0, 0, 0, 1)), day);
    QCOMPARE(e.businessDay(localTime(4, 0, 0, 1) - 1), day);
    QCOMPARE(e.businessDay(localTime(4, 0, 0, 1)), day + 1);
}

void TestEngine::businessDayFollowsConfig()
{
    using namespace std::chrono;
    const auto utc = [](int hour, int minute) {
        return duration_cast<milliseconds>(sys_days{year{2024} / March / 4}.time_since_epoch() + hours{hour}
                                           + minutes{minute})
            .count();
    };
    const int date = int(sys_days{year{2024} / March / 4}.time_since_epoch().count());

    HallConfig utcHall = makeConfig();
    utcHall.utcOffsetMinutes = 0;
    utcHall.dayStartMinutes = 6 * 60;
    ManualClock clock(0);
    Engine a(utcHall, clock);
    QCOMPARE(a.businessDay(utc(6, 0)), date);
    QCOMPARE(a.businessDay(utc(6, 0) - 1), date - 1);

    HallConfig westHall = makeConfig();
    westHall.utcOffsetMinutes = -5 * 60;
    westHall.dayStartMinutes = 0;
    Engine b(westHall, clock);
    QCOMPARE(b.businessDay(utc(5, 0)), date);
    QCOMPARE(b.businessDay(utc(5, 0) - 1), date - 1);

    // The configured hour drives the rollover itself, not just the arithmetic.
    clock.set(utc(5, 59));
    QVERIFY_OK(a.tick());
    const int before = a.today();
    clock.set(utc(6, 0));
    const Outcome rolled = a.tick();
    QCOMPARE(typesOf(rolled.events), QByteArray("day_started"));
    QCOMPARE(a.today(), before + 1);
}

void TestEngine::dayRolloverByTick()
{
    Hall h;
    const int day = h.engine().today();
    h.setTime(9, 0);
    MUST(a, h.issue("NEW"));
    MUST(b, h.issue("NEW"));
    MUST(c, h.issue("RENEW"));
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    MUST(call, h.callNext(1));
    MUST(start, h.startService(1));
    QCOMPARE(call.ticket, a.ticket);

    // Past midnight the evening's day goes on.
    h.clock().set(localTime(4, 0, 0, 1) - 1);
    MUST(quiet, h.tick());
    QVERIFY(quiet.events.empty());
    QCOMPARE(h.engine().lastNumber("NEW"), 2);
    QCOMPARE(h.engine().today(), day);

    h.setTime(4, 0, 0, 1);
    MUST(rolled, h.tick());
    QCOMPARE(typesOf(rolled.events), QByteArray("day_started"));
    QCOMPARE(rolled.events[0].day, day + 1);
    QCOMPARE(rolled.events[0].at, localTime(4, 0, 0, 1));
    QCOMPARE(h.engine().today(), day + 1);

    // Yesterday's open tickets leave memory, the window is free, the clerks stay signed in.
    QVERIFY(h.engine().tickets().empty());
    QVERIFY(!h.engine().ticket(a.ticket));
    QVERIFY(!h.engine().ticket(b.ticket));
    QCOMPARE(h.engine().lastNumber("NEW"), 0);
    QCOMPARE(h.engine().waitingTotal(), 0);
    QCOMPARE(h.engine().waitingCount("NEW"), 0);
    QVERIFY(h.engine().waitingFor("RENEW").empty());
    QCOMPARE(h.engine().window(1)->current, TicketId(0));
    QCOMPARE(bytes(h.engine().window(1)->clerk), QByteArray("c1"));
    QCOMPARE(bytes(h.engine().window(2)->clerk), QByteArray("c2"));
    QVERIFY_REFUSED(h, h.cancel(b.ticket), ErrorCode::UnknownTicket);
    QVERIFY_REFUSED(h, h.signIn(3, "c1"), ErrorCode::ClerkAtOtherWindow);
    QVERIFY_REFUSED(h, h.finish(1), ErrorCode::NoCurrentTicket);

    h.setTime(8, 0, 0, 1);
    MUST(fresh, h.issue("NEW"));
    QCOMPARE(typesOf(fresh.events), QByteArray("ticket_issued"));
    // Ids go on across days so journal entries never collide; numbers restart.
    QCOMPARE(fresh.ticket, c.ticket + 1);
    QCOMPARE(bytes(h.engine().ticket(fresh.ticket)->label), QByteArray("A001"));
    QCOMPARE(h.engine().ticket(fresh.ticket)->day, day + 1);
    MUST(next, h.callNext(1));
    QCOMPARE(next.ticket, fresh.ticket);

    MUST(again, h.tick());
    QVERIFY(again.events.empty());
}

namespace {
using DayOperation = std::function<Outcome(Hall &, TicketId yesterdaysWaiting)>;

const std::map<QByteArray, std::pair<DayOperation, QByteArray>> &firstOperations()
{
    // Outcomes expected on the new day, given window 1 held a visitor and another waited yesterday.
    static const std::map<QByteArray, std::pair<DayOperation, QByteArray>> ops{
        {"issue", {[](Hall &h, TicketId) { return h.issue("NEW"); }, "ok"}},
        {"signIn", {[](Hall &h, TicketId) { return h.signIn(2, "c2"); }, "ok"}},
        {"signOut", {[](Hall &h, TicketId) { return h.signOut(1); }, "ok"}},
        {"pause", {[](Hall &h, TicketId) { return h.pause(1); }, "ok"}},
        {"resume", {[](Hall &h, TicketId) { return h.resume(1); }, "window_not_paused"}},
        {"callNext", {[](Hall &h, TicketId) { return h.callNext(1); }, "nobody_waiting"}},
        {"recall", {[](Hall &h, TicketId) { return h.recall(1); }, "no_current_ticket"}},
        {"startService", {[](Hall &h, TicketId) { return h.startService(1); }, "no_current_ticket"}},
        {"noShow", {[](Hall &h, TicketId) { return h.noShow(1); }, "no_current_ticket"}},
        {"transferToService", {[](Hall &h, TicketId) { return h.transferToService(1, "RENEW"); }, "no_current_ticket"}},
        {"transferToWindow", {[](Hall &h, TicketId) { return h.transferToWindow(1, 3); }, "no_current_ticket"}},
        {"finish", {[](Hall &h, TicketId) { return h.finish(1); }, "no_current_ticket"}},
        {"cancel", {[](Hall &h, TicketId id) { return h.cancel(id); }, "unknown_ticket"}},
        {"tick", {[](Hall &h, TicketId) { return h.tick(); }, "ok"}},
    };
    return ops;
}
} // namespace

void TestEngine::dayRolloverByFirstOperation_data()
{
    QTest::addColumn<QByteArray>("op");
    for (const auto &entry : firstOperations())
        QTest::newRow(entry.first.constData()) << entry.first;
}

void TestEngine::dayRolloverByFirstOperation()
{
    QFETCH(QByteArray, op);
    const auto &[run, expected] = firstOperations().at(op);
    Hall h;
    const int day = h.engine().today();
    const CalledVisitors visitors = callFirstVisitor(h, 2);
    QVERIFY2(visitors.failure.isEmpty(), visitors.failure.constData());
    const TicketId a = visitors.tickets[0];
    const TicketId b = visitors.tickets[1];

    h.setTime(4, 0, 0, 1);
    const Outcome out = run(h, b);
    QCOMPARE(codeOf(out), expected);
    QVERIFY(!out.events.empty());
    QCOMPARE(nameOf(out.events.front().type), QByteArray("day_started"));
    QCOMPARE(out.events.front().day, day + 1);
    QCOMPARE(out.events.front().at, localTime(4, 0, 0, 1));
    if (!out.ok())
        QCOMPARE(out.events.size(), std::size_t(1));
    QCOMPARE(h.engine().today(), day + 1);
    QVERIFY(!h.engine().ticket(a));
    QVERIFY(!h.engine().ticket(b));
    MUST(again, h.tick());
    QVERIFY(again.events.empty());
}

void TestEngine::estimatedWaitWithoutHistory()
{
    Hall h;
    const Engine &e = h.engine();
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 0);
    QCOMPARE(e.averageServiceSeconds("NEW"), 600);
    QCOMPARE(e.averageServiceSeconds("RENEW"), 300);
    QCOMPARE(e.averageServiceSeconds("NOPE"), 0);
    for (int i = 0; i < 3; ++i) {
        MUST(a, h.issue("NEW"));
    }
    for (int i = 0; i < 2; ++i) {
        MUST(b, h.issue("RENEW"));
    }
    // With no window open the estimate assumes one will open.
    QCOMPARE(e.openWindowsFor("NEW"), 0);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 3 * 600);
    QCOMPARE(e.estimatedWaitSeconds("RENEW"), 2 * 300);

    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    MUST(in3, h.signIn(3, "c3"));
    QCOMPARE(e.openWindowsFor("NEW"), 2);
    QCOMPARE(e.openWindowsFor("RENEW"), 2);
    QCOMPARE(e.openWindowsFor("PICKUP"), 0);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 3 * 600 / 2);
    QCOMPARE(e.estimatedWaitSeconds("RENEW"), 2 * 300 / 2);

    MUST(paused, h.pause(2));
    QCOMPARE(e.openWindowsFor("NEW"), 1);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 3 * 600);
    QCOMPARE(e.estimatedWaitSeconds("RENEW"), 2 * 300);
    MUST(resumed, h.resume(2));
    MUST(closed, h.signOut(3));
    QCOMPARE(e.openWindowsFor("RENEW"), 1);
    QCOMPARE(e.estimatedWaitSeconds("RENEW"), 2 * 300);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 3 * 600 / 2);
}

void TestEngine::estimatedWaitFromRecentServiceTimes()
{
    QCOMPARE(Engine::kRecentSamples, 20);
    Hall h;
    const Engine &e = h.engine();
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    h.setTime(9, 0);
    MUST(a1, h.issue("NEW"));
    MUST(a2, h.issue("NEW"));
    MUST(a3, h.issue("NEW"));

    MUST(call1, h.callNext(1));
    h.setTime(9, 1);
    MUST(start1, h.startService(1));
    h.setTime(9, 5);
    MUST(done1, h.finish(1));
    QCOMPARE(e.averageServiceSeconds("NEW"), 240);

    MUST(call2, h.callNext(1));
    h.setTime(9, 12);
    MUST(done2, h.finish(1));
    QCOMPARE(e.averageServiceSeconds("NEW"), (240 + 420) / 2);
    // History is per service.
    QCOMPARE(e.averageServiceSeconds("RENEW"), 300);
    QCOMPARE(e.waitingCount("NEW"), 1);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 1 * 330 / 2);

    // Only the latest kRecentSamples count: after 19 more samples of 60 s the 240 s one is gone
    // and the 420 s one is the oldest left; one more and only the 60 s samples remain.
    for (int i = 0; i < 20; ++i) {
        MUST(more, h.issue("NEW"));
        MUST(call, h.callNext(1));
        h.advance(60);
        MUST(done, h.finish(1));
        if (i == 18)
            QCOMPARE(e.averageServiceSeconds("NEW"), (420 + 19 * 60) / 20);
    }
    QCOMPARE(e.averageServiceSeconds("NEW"), 60);
    QCOMPARE(e.waitingCount("NEW"), 1);
    QCOMPARE(e.estimatedWaitSeconds("NEW"), 60 / 2);
}

void TestEngine::peopleAhead()
{
    Hall h;
    const Engine &e = h.engine();
    h.setTime(8, 59);
    MUST(other, h.issue("RENEW", Priority::Appointment));
    h.setTime(9, 0);
    MUST(n1, h.issue("NEW"));
    h.setTime(9, 1);
    MUST(n2, h.issue("NEW"));
    h.setTime(9, 2);
    MUST(e1, h.issue("NEW", Priority::Elderly));
    h.setTime(9, 3);
    MUST(p1, h.issue("NEW", Priority::Appointment));
    h.setTime(9, 4);
    MUST(n3, h.issue("NEW"));

    QCOMPARE(e.peopleAhead(p1.ticket), 0);
    QCOMPARE(e.peopleAhead(e1.ticket), 1);
    QCOMPARE(e.peopleAhead(n1.ticket), 2);
    QCOMPARE(e.peopleAhead(n2.ticket), 3);
    QCOMPARE(e.peopleAhead(n3.ticket), 4);
    QCOMPARE(e.peopleAhead(other.ticket), 0);
    QCOMPARE(e.peopleAhead(999), 0);

    MUST(in, h.signIn(1, "c1"));
    MUST(call, h.callNext(1));
    QCOMPARE(call.ticket, p1.ticket);
    QCOMPARE(e.peopleAhead(p1.ticket), 0);
    QCOMPARE(e.peopleAhead(e1.ticket), 0);
    QCOMPARE(e.peopleAhead(n1.ticket), 1);
    QCOMPARE(e.peopleAhead(n3.ticket), 3);
}

namespace {

// A day touching every event type and ending with tickets in every open state: waiting in a
// service queue, waiting for one window, called and being served; plus a paused and a closed
// window and some service history. `nextDay` carries on into the next business day.
void playBusyDay(Hall &h, bool nextDay)
{
    h.setTime(8, 30);
    MUST(in1, h.signIn(1, "c1"));
    MUST(in2, h.signIn(2, "c2"));
    MUST(in3, h.signIn(3, "c3"));
    MUST(in4, h.signIn(4, "c4"));
    h.setTime(9, 0);
    MUST(a1, h.issue("NEW"));
    h.advance(30);
    MUST(a2, h.issue("NEW", Priority::Elderly));
    MUST(b1, h.issue("RENEW", Priority::Appointment));
    MUST(c1, h.issue("PICKUP"));
    MUST(a3, h.issue("NEW"));
    MUST(a4, h.issue("NEW"));
    MUST(b2, h.issue("RENEW"));

    h.setTime(9, 5);
    MUST(call1, h.callNext(1));
    QCOMPARE(call1.ticket, a2.ticket);
    h.advance(20);
    MUST(recall1, h.recall(1));
    MUST(start1, h.startService(1));
    h.setTime(9, 12);
    MUST(done1, h.finish(1));
    MUST(call2, h.callNext(2));
    QCOMPARE(call2.ticket, b1.ticket);
    MUST(moved, h.transferToService(2, "NEW"));
    MUST(call4, h.callNext(4));
    QCOMPARE(call4.ticket, c1.ticket);
    MUST(absent, h.noShow(4));
    MUST(call1b, h.callNext(1));
    QCOMPARE(call1b.ticket, b1.ticket);
    MUST(sent, h.transferToWindow(1, 3));
    MUST(call3, h.callNext(3));
    QCOMPARE(call3.ticket, b1.ticket);
    MUST(start3, h.startService(3));
    h.advance(300);
    MUST(done3, h.finish(3));
    MUST(cancelled, h.cancel(a4.ticket));
    MUST(pause2, h.pause(2));
    MUST(resume2, h.resume(2));
    MUST(pause4, h.pause(4));
    MUST(out4, h.signOut(4));

    h.setTime(10, 0);
    MUST(call1c, h.callNext(1));
    QCOMPARE(call1c.ticket, a1.ticket);
    MUST(toClosed, h.transferToWindow(1, 4));
    MUST(call1d, h.callNext(1));
    QCOMPARE(call1d.ticket, a3.ticket);
    MUST(start1d, h.startService(1));
    MUST(a5, h.issue("NEW"));
    MUST(b3, h.issue("RENEW"));
    MUST(call2b, h.callNext(2));
    QCOMPARE(call2b.ticket, b2.ticket);
    MUST(pause3, h.pause(3));
    if (!nextDay)
        return;

    h.setTime(5, 0, 0, 1);
    MUST(tomorrow, h.issue("RENEW"));
    QCOMPARE(typesOf(tomorrow.events), QByteArray("day_started,ticket_issued"));
    MUST(call2c, h.callNext(2));
    QCOMPARE(call2c.ticket, tomorrow.ticket);
    h.advance(200);
    MUST(done2c, h.finish(2));
    MUST(in4b, h.signIn(4, "c4"));
    MUST(a6, h.issue("NEW"));
}

} // namespace

void TestEngine::replayRebuildsState()
{
    Hall h;
    playBusyDay(h, true);
    if (QTest::currentTestFailed())
        return;

    std::set<EventType> seen;
    for (const Event &e : h.journal())
        seen.insert(e.type);
    QCOMPARE(seen.size(), std::size_t(13)); // every event type, so the replay has something to get wrong

    ManualClock elsewhere(0); // replay must not depend on the clock
    Engine replayed(makeConfig(), elsewhere);
    for (const Event &e : h.journal())
        replayed.apply(e);
    QVERIFY_SAME_SNAPSHOT(h.engine().snapshot(), replayed.snapshot());
    QVERIFY_SAME_QUERIES(h.engine(), replayed);
}

void TestEngine::restoreGivesSameQueries()
{
    Hall h;
    playBusyDay(h, false);
    if (QTest::currentTestFailed())
        return;

    Engine restored(makeConfig(), h.clock());
    restored.restore(h.engine().snapshot());
    QVERIFY_SAME_SNAPSHOT(h.engine().snapshot(), restored.snapshot());
    QVERIFY_SAME_QUERIES(h.engine(), restored);

    // The restored engine must also behave the same from here on, including its queues' order.
    const std::vector<std::function<Outcome(Engine &)>> next{
        [](Engine &e) { return e.callNext(3); },
        [](Engine &e) { return e.resume(3); },
        [](Engine &e) { return e.callNext(3); },
        [](Engine &e) { return e.finish(1); },
        [](Engine &e) { return e.callNext(1); },
        [](Engine &e) { return e.signIn(4, "c4"); },
        [](Engine &e) { return e.callNext(4); },
        [](Engine &e) { return e.transferToService(2, "NEW"); },
        [](Engine &e) { return e.callNext(2); },
        [](Engine &e) { return e.recall(2); },
        [](Engine &e) { return e.issue("PICKUP", Priority::Elderly); },
        [](Engine &e) { return e.cancel(e.lastTicketId()); },
        [](Engine &e) { return e.finish(4); },
        [&h](Engine &e) {
            h.setTime(6, 0, 0, 1);
            return e.callNext(1);
        },
    };
    for (std::size_t i = 0; i < next.size(); ++i) {
        h.advance(45);
        const Outcome live = next[i](h.engine());
        const Outcome copy = next[i](restored);
        QCOMPARE(codeOf(copy), codeOf(live));
        QVERIFY2(copy.events == live.events, typesOf(live.events).constData());
        QCOMPARE(copy.ticket, live.ticket);
    }
    QVERIFY_SAME_SNAPSHOT(h.engine().snapshot(), restored.snapshot());
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
