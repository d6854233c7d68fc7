// The manager board's figures on a morning with known times: a queue engine driven by a manual
// clock (no server), so every wait, every idle period and every point of the day's chart has a
// value worked out by hand below. The live board against a real hall-server is
// tst_board_manager.cpp.
#include "board/manager/managerfigures.h"
#include "board/manager/managermodels.h"
#include "testhall.h"

#include <QSignalSpy>
#include <QTest>

using namespace hall::board;
using namespace hall::board::figures;
using namespace hall::engine;
using testhall::localTime;

namespace {

constexpr Millis kMinute = 60000;

const ServiceFigures &service(const std::vector<ServiceFigures> &all, const char *code)
{
    for (const auto &s : all) {
        if (s.code == QLatin1String(code))
            return s;
    }
    static const ServiceFigures none;
    return none;
}

hall::bus::DeviceInfo device(const char *role, QJsonObject status, Millis at, int window = 0)
{
    hall::bus::DeviceInfo d;
    d.role = QString::fromLatin1(role);
    d.status = std::move(status);
    d.at = at;
    d.window = window;
    return d;
}

QStringList keys(const std::vector<Alarm> &alarms)
{
    QStringList out;
    for (const auto &a : alarms)
        out << a.key;
    return out;
}

} // namespace

class TestBoardManagerFigures : public QObject
{
    Q_OBJECT

private:
    // The morning (hall time, Monday 2024-03-04), on the four-window test hall:
    //   08:00  c1 signs in at window 1 (NEW), c3 at window 3 (RENEW); A001 (NEW) issued
    //   08:02  A002 (NEW)        08:07  B001 (RENEW)
    //   08:12  window 1 calls A001 (waited 12 min)   08:13 starts   08:14  A003 (NEW)
    //   08:20  A002 cancelled, never called          08:25  window 1 finishes A001
    //   08:30  window 1 calls A003 (waited 16 min)   08:33  transfers A003 to RENEW
    ManualClock m_clock{localTime(8, 0)};
    std::unique_ptr<Engine> m_engine;
    std::vector<Event> m_events;

    void at(int hour, int minute, const std::function<Outcome(Engine &)> &op)
    {
        m_clock.set(localTime(hour, minute));
        const Outcome out = op(*m_engine);
        QVERIFY2(out.ok(), out.error ? out.error->message.c_str() : "");
        m_events.insert(m_events.end(), out.events.begin(), out.events.end());
    }

    TicketId id(const char *label) const
    {
        for (const auto &[id, t] : m_engine->tickets()) {
            if (t.label == label)
                return id;
        }
        return 0;
    }

private Q_SLOTS:
    void init()
    {
        m_events.clear();
        m_engine = std::make_unique<Engine>(testhall::fourWindowHall(), m_clock);
        at(8, 0, [](Engine &e) { return e.signIn(1, "c1"); });
        at(8, 0, [](Engine &e) { return e.signIn(3, "c3"); });
        at(8, 0, [](Engine &e) { return e.issue("NEW"); });
        at(8, 2, [](Engine &e) { return e.issue("NEW"); });
        at(8, 7, [](Engine &e) { return e.issue("RENEW"); });
        at(8, 12, [](Engine &e) { return e.callNext(1); });
        at(8, 13, [](Engine &e) { return e.startService(1); });
        at(8, 14, [](Engine &e) { return e.issue("NEW"); });
        const TicketId a002 = id("A002");
        at(8, 20, [a002](Engine &e) { return e.cancel(a002); });
        at(8, 25, [](Engine &e) { return e.finish(1); });
        at(8, 30, [](Engine &e) { return e.callNext(1); });
        at(8, 33, [](Engine &e) { return e.transferToService(1, "RENEW"); });
        QCOMPARE(m_engine->ticket(id("A003"))->status, TicketStatus::Waiting);
    }

    void servicesOnTheMorning()
    {
        ManagerNorms norms;
        norms.waitNormMinutes = 30;
        norms.waitNormByService[QStringLiteral("RENEW")] = 20;
        const auto all = serviceFigures(*m_engine, norms, localTime(8, 40));
        QCOMPARE(int(all.size()), 3);
        QCOMPARE(all[0].code, QStringLiteral("NEW")); // configuration order

        const ServiceFigures &fresh = service(all, "NEW");
        QCOMPARE(fresh.waiting, 0); // A003 moved to RENEW
        QCOMPARE(fresh.longestWaitSeconds, 0);
        QCOMPARE(fresh.issuedToday, 3);
        QCOMPARE(fresh.calledToday, 2);
        QCOMPARE(fresh.averageWaitSeconds, 14 * 60); // (12 + 16) / 2 minutes
        QCOMPARE(fresh.servedToday, 1);
        QCOMPARE(fresh.noShowsToday, 0);
        QCOMPARE(fresh.openWindows, 1);
        QCOMPARE(fresh.normMinutes, 30);
        QVERIFY(!fresh.aboveNorm);

        const ServiceFigures &renew = service(all, "RENEW");
        QCOMPARE(renew.waiting, 2);
        QCOMPARE(renew.oldestWaitingSince, localTime(8, 7));
        QCOMPARE(renew.longestWaitSeconds, 33 * 60); // B001 since 08:07
        QCOMPARE(renew.averageWaitSeconds, -1);      // nobody called yet
        QCOMPARE(renew.issuedToday, 1);
        QCOMPARE(renew.normMinutes, 20);
        QVERIFY(renew.aboveNorm);

        // Exactly at the norm is not above it; a second later is.
        QVERIFY(!service(serviceFigures(*m_engine, norms, localTime(8, 27)), "RENEW").aboveNorm);
        QVERIFY(service(serviceFigures(*m_engine, norms, localTime(8, 27, 1)), "RENEW").aboveNorm);
        norms.waitNormByService.clear(); // back to the hall's 30 minutes
        QCOMPARE(service(serviceFigures(*m_engine, norms, localTime(8, 37)), "RENEW").normMinutes, 30);
        QVERIFY(!service(serviceFigures(*m_engine, norms, localTime(8, 37)), "RENEW").aboveNorm);
        QVERIFY(service(serviceFigures(*m_engine, norms, localTime(8, 40)), "RENEW").aboveNorm);
    }

    void noShowsAreCountedOnTheirService()
    {
        at(8, 41, [](Engine &e) { return e.issue("PICKUP"); });
        at(8, 42, [](Engine &e) { return e.signIn(4, "c4"); });
        at(8, 43, [](Engine &e) { return e.callNext(4); });
        at(8, 50, [](Engine &e) { return e.noShow(4); });
        const ServiceFigures &pickup = service(serviceFigures(*m_engine, {}, localTime(8, 50)), "PICKUP");
        QCOMPARE(pickup.noShowsToday, 1);
        QCOMPARE(pickup.servedToday, 0);
        QCOMPARE(pickup.calledToday, 1);
        QCOMPARE(pickup.averageWaitSeconds, 2 * 60);
    }

    void windowsOnTheMorning()
    {
        // From the mirror alone: A003's transfer time is not kept, so window 1 idles since its call.
        ActivityTimes fromMirror = activityFromMirror(*m_engine);
        auto windows = windowFigures(*m_engine, fromMirror, localTime(8, 40));
        QCOMPARE(int(windows.size()), 4);
        QCOMPARE(windows[0].state, QStringLiteral("open"));
        QCOMPARE(windows[0].activity, QStringLiteral("idle"));
        QCOMPARE(windows[0].activitySince, localTime(8, 30));
        QCOMPARE(windows[0].clerkId, QStringLiteral("c1"));
        QCOMPARE(windows[0].clerkName, QStringLiteral("Clerk 1"));
        QCOMPARE(windows[0].queueWaiting, 0);
        QVERIFY(!windows[0].idleWithQueue);
        QCOMPARE(windows[0].servedToday, 1);
        QCOMPARE(windows[1].state, QStringLiteral("closed"));
        QCOMPARE(windows[1].activity, QString());
        QCOMPARE(windows[1].queueWaiting, 2); // it would serve RENEW, were it open
        QVERIFY(!windows[1].idleWithQueue);
        QCOMPARE(windows[2].state, QStringLiteral("open"));
        QCOMPARE(windows[2].activity, QStringLiteral("idle"));
        QCOMPARE(windows[2].activitySince, localTime(8, 0));
        QCOMPARE(windows[2].queueWaiting, 2);
        QVERIFY(windows[2].idleWithQueue);
        QCOMPARE(windows[2].idleWithQueueSince, localTime(8, 7)); // idle since 08:00, queue since B001

        // With the live events, the transfer's own time.
        ActivityTimes live;
        for (const Event &e : m_events)
            noteActivity(live, e);
        QCOMPARE(live[1], localTime(8, 33));
        windows = windowFigures(*m_engine, live, localTime(8, 40));
        QCOMPARE(windows[0].activitySince, localTime(8, 33));

        // Called, serving, paused.
        at(8, 41, [](Engine &e) { return e.callNext(3); }); // B001
        at(8, 42, [](Engine &e) { return e.signIn(2, "c2"); });
        at(8, 43, [](Engine &e) { return e.callNext(2); }); // A003 (RENEW first at window 2)
        at(8, 44, [](Engine &e) { return e.startService(2); });
        at(8, 45, [](Engine &e) { return e.pause(1); });
        windows = windowFigures(*m_engine, activityFromMirror(*m_engine), localTime(8, 46));
        QCOMPARE(windows[0].state, QStringLiteral("paused"));
        QCOMPARE(windows[0].activity, QString());
        QCOMPARE(windows[1].activity, QStringLiteral("serving"));
        QCOMPARE(windows[1].label, QStringLiteral("A003"));
        QCOMPARE(windows[1].service, QStringLiteral("RENEW"));
        QCOMPARE(windows[1].activitySince, localTime(8, 44));
        QCOMPARE(windows[1].clerkId, QStringLiteral("c2"));
        QCOMPARE(windows[2].activity, QStringLiteral("called"));
        QCOMPARE(windows[2].label, QStringLiteral("B001"));
        QCOMPARE(windows[2].activitySince, localTime(8, 41));
        QVERIFY(!windows[2].idleWithQueue);

        // Resumed at 08:50 with somebody waiting: idle with a queue from the resume on, which
        // only the live event knows.
        at(8, 47, [](Engine &e) { return e.issue("NEW"); });
        at(8, 50, [](Engine &e) { return e.resume(1); });
        ActivityTimes times = activityFromMirror(*m_engine);
        noteActivity(times, m_events.back());
        windows = windowFigures(*m_engine, times, localTime(8, 55));
        QVERIFY(windows[0].idleWithQueue);
        QCOMPARE(windows[0].idleWithQueueSince, localTime(8, 50));
    }

    void theDaysSeries()
    {
        const Millis step = 5 * kMinute;
        QCOMPARE(seriesStart(*m_engine, localTime(8, 40), step), localTime(8, 0));
        const auto points = waitingSeries(*m_engine, localTime(8, 0), localTime(8, 40), step);
        QList<int> values;
        for (const auto &p : points)
            values << p.waiting;
        // 08:00 A001 | 08:05 +A002 | 08:10 +B001 | 08:15 A001 called, +A003 | 08:20 A002 cancelled
        // (gone at that instant) | 08:30 A003 called and, transferred, counted waiting again
        // from that call (the mirror keeps no transfer time).
        QCOMPARE(values, (QList<int>{1, 2, 3, 3, 2, 2, 2, 2, 2}));
        QCOMPARE(points.front().at, localTime(8, 0));
        QCOMPARE(points.back().at, localTime(8, 40));
        for (const auto &p : points)
            QCOMPARE(p.waiting, waitingAt(*m_engine, p.at)); // the sweep agrees with the plain count
        QCOMPARE(waitingAt(*m_engine, localTime(8, 11, 59)), 3);
        QCOMPARE(waitingAt(*m_engine, localTime(8, 12)), 2); // called at that instant
        QCOMPARE(waitingAt(*m_engine, localTime(7, 59)), 0);
        QCOMPARE(hallClock(*m_engine, localTime(8, 5)), QStringLiteral("08:05"));
        QCOMPARE(hallClock(*m_engine, localTime(23, 59)), QStringLiteral("23:59"));

        // The start is the step boundary at or before the first ticket, counted from the day's start.
        ManualClock clock{localTime(9, 3)};
        Engine late(testhall::fourWindowHall(), clock);
        QVERIFY(late.issue("NEW").ok());
        QCOMPARE(seriesStart(late, localTime(9, 30), step), localTime(9, 0));
        QCOMPARE(seriesStart(late, localTime(9, 30), 7 * kMinute), localTime(9, 1)); // 04:00 + 43 x 7 min
        Engine empty(testhall::fourWindowHall(), clock);
        QVERIFY(empty.tick().ok());
        QCOMPARE(seriesStart(empty, localTime(9, 3), step), localTime(9, 0));
    }

    void alarmsAndTheirOrder()
    {
        ManagerNorms norms;
        norms.waitNormByService[QStringLiteral("RENEW")] = 20;
        norms.idleGraceSeconds = 120;
        norms.offlineGraceSeconds = 5;
        const Millis now = localTime(8, 40);
        const auto services = serviceFigures(*m_engine, norms, now);
        const auto windows = windowFigures(*m_engine, activityFromMirror(*m_engine), now);
        AlarmInput in;
        in.engine = m_engine.get();
        in.services = &services;
        in.windows = &windows;
        in.norms = norms;
        in.now = now;
        in.devices.insert(QStringLiteral("kiosk-1"), device("kiosk", {{"printer", "paper_out"}, {"detail", "DLE EOT 4: 0x72"}}, localTime(8, 35)));
        in.devices.insert(QStringLiteral("kiosk-2"), device("kiosk", {{"printer", "paper_near_end"}}, localTime(8, 38)));
        in.devices.insert(QStringLiteral("kiosk-3"), device("kiosk", {{"printer", "ok"}}, localTime(8, 1)));
        in.devices.insert(QStringLiteral("sign-2"), device("sign", {{"sign", "offline"}, {"detail", "no answer"}}, localTime(8, 36)));
        in.devices.insert(QStringLiteral("sign-4"), device("sign", {}, 0));                         // never reported
        in.devices.insert(QStringLiteral("sign-1"), device("sign", {{"sign", "ok"}}, localTime(8, 1), 1));
        in.devices.insert(QStringLiteral("counter-1"), device("counter", {{"keypad", "failed"}}, localTime(8, 2), 1));

        in.online = false;
        in.offlineSince = now - 2000; // within the grace: a restart, not an outage
        QCOMPARE(keys(alarms(in)), (QStringList{"printer:kiosk-1", "sign:sign-2", "idle:3", "wait:RENEW", "printer:kiosk-2"}));
        in.offlineSince = localTime(8, 39);
        const auto all = alarms(in);
        // Faults first, oldest first; then the warnings, oldest first.
        QCOMPARE(keys(all), (QStringList{"printer:kiosk-1", "sign:sign-2", "offline", "idle:3", "wait:RENEW", "printer:kiosk-2"}));

        const Alarm &paper = all[0];
        QCOMPARE(paper.kind, QStringLiteral("printer"));
        QCOMPARE(paper.severity, QStringLiteral("fault"));
        QCOMPARE(paper.device, QStringLiteral("kiosk-1"));
        QCOMPARE(paper.code, QStringLiteral("paper_out"));
        QCOMPARE(paper.detail, QStringLiteral("DLE EOT 4: 0x72"));
        QCOMPARE(paper.since, localTime(8, 35));
        QCOMPARE(paper.textZh, QStringLiteral("取号机 kiosk-1：打印机缺纸"));
        QCOMPARE(paper.textEn, QStringLiteral("Kiosk kiosk-1: printer out of paper"));
        const Alarm &sign = all[1];
        QCOMPARE(sign.kind, QStringLiteral("sign"));
        QCOMPARE(sign.window, 2); // from its id
        QCOMPARE(sign.textZh, QStringLiteral("2号窗口LED 屏离线"));
        QCOMPARE(sign.textEn, QStringLiteral("Window 2: LED sign offline"));
        QCOMPARE(all[2].since, localTime(8, 39));
        QCOMPARE(all[2].severity, QStringLiteral("fault"));
        const Alarm &idle = all[3];
        QCOMPARE(idle.window, 3);
        QCOMPARE(idle.severity, QStringLiteral("warning"));
        QCOMPARE(idle.since, localTime(8, 7));
        QCOMPARE(idle.textZh, QStringLiteral("3号窗口空闲已 33 分钟，2 人在等候"));
        QCOMPARE(idle.textEn, QStringLiteral("Window 3 idle for 33 min while 2 wait"));
        const Alarm &wait = all[4];
        QCOMPARE(wait.service, QStringLiteral("RENEW"));
        QCOMPARE(wait.since, localTime(8, 27)); // B001 issued 08:07 plus the 20-minute norm
        QCOMPARE(wait.textZh, QStringLiteral("换领：最长已等候 33 分钟（标准 20 分钟），2 人在等"));
        QCOMPARE(wait.textEn, QStringLiteral("Renewal: longest wait 33 min (norm 20 min), 2 waiting"));
        QCOMPARE(all[5].severity, QStringLiteral("warning"));
        QCOMPARE(all[5].code, QStringLiteral("paper_near_end"));

        // Unknown codes are still alarms, with the code shown.
        in.devices.insert(QStringLiteral("kiosk-3"), device("kiosk", {{"printer", "jammed"}}, localTime(8, 39)));
        in.devices.insert(QStringLiteral("sign-4"), device("sign", {{"sign", "error"}}, localTime(8, 39)));
        const auto more = alarms(in);
        QVERIFY(keys(more).contains(QStringLiteral("printer:kiosk-3")));
        QVERIFY(keys(more).contains(QStringLiteral("sign:sign-4")));
        for (const auto &a : more) {
            if (a.key == QLatin1String("printer:kiosk-3")) {
                QCOMPARE(a.severity, QStringLiteral("fault"));
                QCOMPARE(a.textEn, QStringLiteral("Kiosk kiosk-3: printer problem (jammed)"));
            }
        }
    }

    void idleGracePeriod()
    {
        ManagerNorms norms;
        norms.idleGraceSeconds = 120;
        auto idleAlarmAt = [&](Millis now) {
            const auto windows = windowFigures(*m_engine, activityFromMirror(*m_engine), now);
            AlarmInput in;
            in.windows = &windows;
            in.norms = norms;
            in.now = now;
            return keys(alarms(in)).contains(QStringLiteral("idle:3"));
        };
        QVERIFY(!idleAlarmAt(localTime(8, 8, 59))); // window 3 idle with a queue since 08:07
        QVERIFY(idleAlarmAt(localTime(8, 9)));
    }

    void alarmModelMovesRowsWithoutReset()
    {
        AlarmModel model(nullptr);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        auto alarm = [](const char *key, const char *severity, Millis since) {
            Alarm a;
            a.key = QString::fromLatin1(key);
            a.severity = QString::fromLatin1(severity);
            a.since = since;
            return a;
        };
        model.update({alarm("a", "fault", 1), alarm("b", "warning", 2)});
        QCOMPARE(model.count(), 2);
        model.update({alarm("a", "fault", 1), alarm("c", "fault", 3), alarm("b", "warning", 2)});
        QCOMPARE(model.count(), 3);
        QCOMPARE(model.value(1, "key").toString(), QStringLiteral("c"));
        model.update({alarm("c", "fault", 3), alarm("b", "warning", 5)});
        QCOMPARE(model.count(), 2);
        QCOMPARE(model.value(0, "key").toString(), QStringLiteral("c"));
        QCOMPARE(model.value(1, "since").toLongLong(), 5);
        QCOMPARE(model.get(1).value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(resets.size(), 0);
        QCOMPARE(inserted.size(), 3);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(changed.size(), 1);
        model.update({});
        QCOMPARE(model.count(), 0);
        QCOMPARE(resets.size(), 0);
    }

    void seriesModelAppends()
    {
        WaitingSeriesModel model(nullptr);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy max(&model, &WaitingSeriesModel::maxWaitingChanged);
        const Millis t0 = localTime(8, 0);
        model.update({{t0, 1}, {t0 + 5 * kMinute, 4}}, m_engine.get());
        QCOMPARE(resets.size(), 1); // the first fill
        QCOMPARE(model.count(), 2);
        QCOMPARE(model.maxWaiting(), 4);
        QCOMPARE(model.value(1, "time").toString(), QStringLiteral("08:05"));
        model.update({{t0, 1}, {t0 + 5 * kMinute, 4}, {t0 + 10 * kMinute, 2}}, m_engine.get());
        QCOMPARE(resets.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.count(), 3);
        QCOMPARE(model.value(2, "waiting").toInt(), 2);
        QCOMPARE(max.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBoardManagerFigures)
#include "tst_board_manager_figures.moc"
