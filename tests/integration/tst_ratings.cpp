// Ratings (一次一评) over real sockets against the real hall-server: the whole flow from a ticket
// to the weekly report, and every way of stuffing the ballot the protocol refuses
// (docs/protocol.md section 8).
#include "hallfixture.h"

#include <QJsonArray>
#include <QTest>

#include <sqlite3.h>

using namespace hallfixture;

namespace {
QJsonObject ok(const QJsonObject &reply)
{
    if (!reply.value(QLatin1String("ok")).toBool())
        qWarning().noquote() << "refused:" << QJsonDocument(reply).toJson(QJsonDocument::Compact);
    return result(reply);
}

// Rows of a query on the hall database, read beside the running server (WAL allows it).
int countRows(const QString &db, const char *sql)
{
    sqlite3 *h = nullptr;
    if (sqlite3_open_v2(db.toUtf8().constData(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st = nullptr;
    int n = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}
} // namespace

class TestRatings : public QObject
{
    Q_OBJECT

private:
    // A hall with a kiosk, counters and pads at windows 1 and 2, a pad at window 3, a manager and
    // an admin; clerk c01 signed in at window 1 and c02 at window 2.
    struct Setup {
        std::unique_ptr<Hall> hall;
        zmq::context_t ctx{1};
        std::map<QString, std::unique_ptr<Client>> clients;
        Client &operator[](const QString &id) { return *clients.at(id); }
    };

    std::unique_ptr<Setup> makeHall(std::function<void(QJsonObject &)> tweak = {})
    {
        auto s = std::make_unique<Setup>();
        s->hall = std::make_unique<Hall>(std::move(tweak));
        if (!s->hall->ok())
            return nullptr;
        const QList<DeviceSpec> devices{{QStringLiteral("kiosk-1"), QStringLiteral("kiosk"), 0},
                                        {QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                                        {QStringLiteral("counter-2"), QStringLiteral("counter"), 2},
                                        {QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                                        {QStringLiteral("pad-2"), QStringLiteral("pad"), 2},
                                        {QStringLiteral("pad-3"), QStringLiteral("pad"), 3},
                                        {QStringLiteral("manager-1"), QStringLiteral("manager"), 0},
                                        {QStringLiteral("admin-1"), QStringLiteral("admin"), 0}};
        if (!s->hall->addDevices(devices) || !s->hall->start())
            return nullptr;
        for (const DeviceSpec &d : devices)
            s->clients[d.id] = std::make_unique<Client>(s->ctx, s->hall->keys(d.id), s->hall->serverPublicKey(), s->hall->requests());
        for (auto [counter, badge] : {std::pair{QStringLiteral("counter-1"), QStringLiteral("371726")},
                                      std::pair{QStringLiteral("counter-2"), QStringLiteral("371727")}}) {
            const QJsonObject r = (*s)[counter].call(QStringLiteral("clerk.signIn"), {{"badge", badge}, {"pin", kPin}});
            if (!r.value(QLatin1String("ok")).toBool())
                return nullptr;
        }
        return s;
    }

    // Issues a NEW ticket, calls it at the counter's window, starts and finishes it; returns its id.
    qint64 serve(Setup &s, const QString &counter)
    {
        const qint64 id = ok(s[QStringLiteral("kiosk-1")].call(QStringLiteral("ticket.issue"), {{"service", "NEW"}}))
                              .value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger();
        const QJsonObject called = ok(s[counter].call(QStringLiteral("window.callNext")));
        if (called.value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger() != id)
            return 0;
        ok(s[counter].call(QStringLiteral("window.start"), {{"ticket", id}}));
        ok(s[counter].call(QStringLiteral("window.finish"), {{"ticket", id}}));
        return id;
    }

    int ratingRows(Setup &s) { return countRows(s.hall->db(), "SELECT COUNT(*) FROM ratings"); }

private Q_SLOTS:
    void wholeFlowIsCountedInTheWeek()
    {
        auto s = makeHall([](QJsonObject &cfg) {
            QJsonObject r = cfg.value(QLatin1String("ratings")).toObject();
            r.insert(QLatin1String("starMinVotes"), 2);
            cfg.insert(QLatin1String("ratings"), r);
        });
        QVERIFY(s);
        const qint64 first = serve(*s, QStringLiteral("counter-1"));
        QVERIFY(first);
        const QJsonObject rated = ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", first}}));
        const QJsonObject r = rated.value(QLatin1String("rating")).toObject();
        QCOMPARE(r.value(QLatin1String("clerk")).toString(), QStringLiteral("c01"));
        QCOMPARE(r.value(QLatin1String("window")).toInt(), 1);
        QCOMPARE(r.value(QLatin1String("label")).toString(), QStringLiteral("A001"));
        QVERIFY(rated.value(QLatin1String("seq")).toInteger() > 0);

        // A second visitor at window 1, unsatisfied; one at window 2, satisfied.
        const qint64 second = serve(*s, QStringLiteral("counter-1"));
        ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}, {"tags", QJsonArray{"wait_long"}}}));
        QVERIFY(second);
        QVERIFY(serve(*s, QStringLiteral("counter-2")));
        ok((*s)[QStringLiteral("pad-2")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}));
        QVERIFY(serve(*s, QStringLiteral("counter-2")));
        ok((*s)[QStringLiteral("pad-2")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}));

        const QJsonObject mine = ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("ratings.clerk")));
        QCOMPARE(mine.value(QLatin1String("clerk")).toObject().value(QLatin1String("badge")).toString(), QStringLiteral("371726"));
        const QJsonObject today = mine.value(QLatin1String("today")).toObject();
        QCOMPARE(today.value(QLatin1String("services")).toInt(), 2);
        QCOMPARE(today.value(QLatin1String("ratings")).toInt(), 2);
        QCOMPARE(today.value(QLatin1String("satisfied")).toInt(), 1);
        const QJsonObject week = mine.value(QLatin1String("week")).toObject();
        QCOMPARE(week.value(QLatin1String("rank")).toInt(), 2);
        QCOMPARE(week.value(QLatin1String("ranked")).toInt(), 2);
        QCOMPARE(week.value(QLatin1String("share")).toDouble(), 0.5);

        const QJsonObject report = ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("report.week")));
        const QJsonArray rows = report.value(QLatin1String("clerks")).toArray();
        QCOMPARE(rows.size(), 2);
        const QJsonObject star = rows.at(0).toObject();
        QCOMPARE(star.value(QLatin1String("clerk")).toString(), QStringLiteral("c02"));
        QCOMPARE(star.value(QLatin1String("rank")).toInt(), 1);
        QCOMPARE(star.value(QLatin1String("services")).toInt(), 2);
        QCOMPARE(star.value(QLatin1String("satisfied")).toInt(), 2);
        QVERIFY(qAbs(star.value(QLatin1String("wilson")).toDouble() - 0.3424) < 0.001); // 2 of 2 at 95 %
        QCOMPARE(report.value(QLatin1String("minVotes")).toInt(), 2);
        // The week the day is in, Monday to Sunday.
        const QDate from = QDate::fromString(report.value(QLatin1String("from")).toString(), Qt::ISODate);
        QCOMPARE(from.dayOfWeek(), 1);
        QCOMPARE(from.daysTo(QDate::fromString(report.value(QLatin1String("to")).toString(), Qt::ISODate)), 6);

        // hallctl's CSV for Excel, over the bus as the manager: the same rows, with the BOM.
        const QString csvPath = s->hall->path(QStringLiteral("star.csv"));
        QVERIFY(s->hall->ctl({QStringLiteral("report"), QStringLiteral("week"), QStringLiteral("--csv"), csvPath, QStringLiteral("--key"),
                              s->hall->path(QStringLiteral("manager-1.key")), QStringLiteral("--server-key"), s->hall->path(QStringLiteral("server.key.pub")),
                              QStringLiteral("--connect"), QString::fromLatin1(s->hall->requests())}));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray csvBytes = csv.readAll();
        QVERIFY(csvBytes.startsWith("\xEF\xBB\xBF" "week,rank,clerk,"));
        QVERIFY2(csvBytes.contains("," + QByteArray("1,c02,") + QStringLiteral("李秀英").toUtf8() + ",371727,2,2,2,1.0000,0.3424,yes,2\r\n"), csvBytes.constData());
        QVERIFY2(csvBytes.contains(",2,c01,"), csvBytes.constData());

        // An unsatisfied vote opened a follow-up, due days later, which a manager closes once.
        const QJsonArray open = ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.list"))).value(QLatin1String("followUps")).toArray();
        QCOMPARE(open.size(), 1);
        const QJsonObject f = open.at(0).toObject();
        QCOMPARE(f.value(QLatin1String("ticket")).toInteger(), second);
        QCOMPARE(f.value(QLatin1String("tags")).toArray(), QJsonArray{"wait_long"});
        QVERIFY(f.value(QLatin1String("dueAt")).toInteger() > f.value(QLatin1String("ratedAt")).toInteger() + 3LL * 86400000 - 86400000);
        const qint64 fid = f.value(QLatin1String("id")).toInteger();
        ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.close"), {{"id", fid}, {"note", QStringLiteral("已电话回访，致歉并说明")}}));
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.close"), {{"id", fid}, {"note", "again"}})),
                 QStringLiteral("follow_up_closed"));
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.close"), {{"id", fid + 1000}, {"note", "x"}})),
                 QStringLiteral("unknown_follow_up"));
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-1")].call(QStringLiteral("followup.close"), {{"id", fid}, {"note", "x"}})),
                 QStringLiteral("forbidden"));
        QVERIFY(ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.list"))).value(QLatin1String("followUps")).toArray().isEmpty());
        const QJsonArray closed = ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.list"), {{"status", "closed"}}))
                                      .value(QLatin1String("followUps")).toArray();
        QCOMPARE(closed.size(), 1);
        QCOMPARE(closed.at(0).toObject().value(QLatin1String("closedBy")).toString(), QStringLiteral("manager-1"));
        QCOMPARE(ratingRows(*s), 4);
    }

    void ballotStuffingIsRefused()
    {
        auto s = makeHall();
        QVERIFY(s);
        // No session at all yet: nothing to rate.
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}})),
                 QStringLiteral("nothing_to_rate"));
        const qint64 id = serve(*s, QStringLiteral("counter-1"));
        QVERIFY(id);
        // Keys that are not pads may never vote, whatever they name.
        for (const QString &dev : {QStringLiteral("kiosk-1"), QStringLiteral("counter-1"), QStringLiteral("manager-1"), QStringLiteral("admin-1")})
            QCOMPARE(errorCode((*s)[dev].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", id}})), QStringLiteral("forbidden"));
        // Another window's pad: its own window has no slot; naming the ticket does not help; a
        // pad cannot name a window but its own.
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-2")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", id}})),
                 QStringLiteral("nothing_to_rate"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-3")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}})),
                 QStringLiteral("nothing_to_rate"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-2")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"window", 1}})),
                 QStringLiteral("bad_request"));
        // Values off the scale and tags that do not belong.
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "very_satisfied"}})),
                 QStringLiteral("invalid_rating")); // a five-level value on the two-level hall
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"tags", QJsonArray{"slow"}}})),
                 QStringLiteral("invalid_rating"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}, {"tags", QJsonArray{"bribe"}}})),
                 QStringLiteral("invalid_rating"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}, {"tags", QJsonArray{"slow", "slow"}}})),
                 QStringLiteral("invalid_rating"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}, {"tags", "slow"}})),
                 QStringLiteral("bad_request"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", id + 1}})),
                 QStringLiteral("ticket_not_at_window"));
        QCOMPARE(ratingRows(*s), 0);

        // The first vote counts; a retry of it is the same answer; any other vote is refused.
        const QByteArray requestId = hall::bus::newRequestId();
        const QJsonObject first = (*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}}, requestId);
        QVERIFY(first.value(QLatin1String("ok")).toBool());
        const QByteArray firstFrame = (*s)[QStringLiteral("pad-1")].lastFrame();
        (*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}}, requestId);
        QCOMPARE((*s)[QStringLiteral("pad-1")].lastFrame(), firstFrame);
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}})),
                 QStringLiteral("already_rated"));
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-1")].call(QStringLiteral("rating.request"))), QStringLiteral("already_rated"));
        QCOMPARE(ratingRows(*s), 1);
        QCOMPARE(countRows(s->hall->db(), "SELECT COUNT(*) FROM follow_ups"), 1);

        // A kill -9 keeps the vote and the slot: still exactly one.
        s->hall->kill9();
        QVERIFY(s->hall->start());
        (*s)[QStringLiteral("pad-1")].reset();
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}})),
                 QStringLiteral("already_rated"));
        QCOMPARE(ratingRows(*s), 1);
    }

    void aSlotSurvivesARestartAndTheNextVisitorReplacesIt()
    {
        auto s = makeHall();
        QVERIFY(s);
        const qint64 first = serve(*s, QStringLiteral("counter-1"));
        QVERIFY(first);
        s->hall->kill9();
        QVERIFY(s->hall->start());
        for (auto &[id, c] : s->clients)
            c->reset();
        // The next visitor finished before the first one voted: the first one's chance is gone.
        const qint64 second = serve(*s, QStringLiteral("counter-1"));
        QVERIFY(second);
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", first}})),
                 QStringLiteral("ticket_not_at_window"));
        const QJsonObject r = ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}));
        QCOMPARE(r.value(QLatin1String("rating")).toObject().value(QLatin1String("ticket")).toInteger(), second);
        // The vote is tied to the session that served the visitor, once.
        QCOMPARE(countRows(s->hall->db(), "SELECT COUNT(DISTINCT session) FROM ratings"), 1);
        QCOMPARE(countRows(s->hall->db(), "SELECT COUNT(*) FROM ratings r JOIN service_sessions s ON s.id = r.session "
                                          "WHERE s.ticket = r.ticket AND s.outcome = 'finished' AND s.window = 1"), 1);
    }

    void aRequestedRatingCountsOnceAcrossTheFinish()
    {
        auto s = makeHall();
        QVERIFY(s);
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-1")].call(QStringLiteral("rating.request"))), QStringLiteral("no_current_ticket"));
        const qint64 id = ok((*s)[QStringLiteral("kiosk-1")].call(QStringLiteral("ticket.issue"), {{"service", "NEW"}}))
                              .value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger();
        ok((*s)[QStringLiteral("counter-1")].call(QStringLiteral("window.callNext")));
        // Nothing to rate until the clerk asks or finishes.
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}})),
                 QStringLiteral("nothing_to_rate"));
        // The counter of another window cannot ask for this one.
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-2")].call(QStringLiteral("rating.request"), {{"window", 1}})), QStringLiteral("forbidden"));
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-1")].call(QStringLiteral("rating.request"), {{"ticket", id + 7}})),
                 QStringLiteral("ticket_not_at_window"));
        ok((*s)[QStringLiteral("counter-1")].call(QStringLiteral("rating.request"), {{"ticket", id}}));
        ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}, {"ticket", id}}));
        ok((*s)[QStringLiteral("counter-1")].call(QStringLiteral("window.finish"), {{"ticket", id}}));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}})),
                 QStringLiteral("already_rated"));
        QCOMPARE(ratingRows(*s), 1);
        QCOMPARE(countRows(s->hall->db(), "SELECT COUNT(*) FROM follow_ups"), 0);
    }

    void aLateVoteIsRefused()
    {
        auto s = makeHall([](QJsonObject &cfg) {
            QJsonObject r = cfg.value(QLatin1String("ratings")).toObject();
            r.insert(QLatin1String("windowSeconds"), 10); // the shortest the configuration allows
            cfg.insert(QLatin1String("ratings"), r);
        });
        QVERIFY(s);
        QVERIFY(serve(*s, QStringLiteral("counter-1")));
        QTest::qWait(10300);
        const QJsonObject late = (*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "satisfied"}});
        QCOMPARE(errorCode(late), QStringLiteral("rating_closed"));
        QCOMPARE(ratingRows(*s), 0);
        // Asking again reopens it for the last visitor only while their slot is open: not now.
        QCOMPARE(errorCode((*s)[QStringLiteral("counter-1")].call(QStringLiteral("rating.request"))), QStringLiteral("no_current_ticket"));
    }

    void theFiveLevelScale()
    {
        auto s = makeHall([](QJsonObject &cfg) {
            QJsonObject r = cfg.value(QLatin1String("ratings")).toObject();
            r.insert(QLatin1String("scale"), QStringLiteral("five"));
            r.insert(QLatin1String("starMinVotes"), 1);
            cfg.insert(QLatin1String("ratings"), r);
        });
        QVERIFY(s);
        QVERIFY(serve(*s, QStringLiteral("counter-1")));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "good"}})), QStringLiteral("invalid_rating"));
        ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "basically_satisfied"}}));
        QVERIFY(serve(*s, QStringLiteral("counter-1")));
        ok((*s)[QStringLiteral("pad-1")].call(QStringLiteral("rating.submit"), {{"rating", "very_unsatisfied"}, {"tags", QJsonArray{"slow", "unclear"}}}));
        const QJsonObject week = ok((*s)[QStringLiteral("counter-1")].call(QStringLiteral("ratings.clerk"))).value(QLatin1String("week")).toObject();
        QCOMPARE(week.value(QLatin1String("ratings")).toInt(), 2);
        QCOMPARE(week.value(QLatin1String("satisfied")).toInt(), 1); // 基本满意 counts as satisfied
        QCOMPARE(week.value(QLatin1String("rank")).toInt(), 1);
        QCOMPARE(countRows(s->hall->db(), "SELECT COUNT(*) FROM follow_ups"), 1);
    }

    void reportArgumentsAreChecked()
    {
        auto s = makeHall();
        QVERIFY(s);
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("report.week"), {{"week", "2026-W54"}})), QStringLiteral("bad_request"));
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("report.week"), {{"week", "last"}})), QStringLiteral("bad_request"));
        const QJsonObject w = ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("report.week"), {{"week", "2020-W53"}}));
        QCOMPARE(w.value(QLatin1String("from")).toString(), QStringLiteral("2020-12-28"));
        QCOMPARE(w.value(QLatin1String("to")).toString(), QStringLiteral("2021-01-03"));
        QVERIFY(w.value(QLatin1String("clerks")).toArray().isEmpty());
        QCOMPARE(errorCode((*s)[QStringLiteral("kiosk-1")].call(QStringLiteral("report.week"))), QStringLiteral("forbidden"));
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("ratings.clerk"))), QStringLiteral("bad_request"));
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("ratings.clerk"), {{"clerk", "nobody"}})), QStringLiteral("unknown_clerk"));
        QCOMPARE(errorCode((*s)[QStringLiteral("pad-3")].call(QStringLiteral("ratings.clerk"))), QStringLiteral("window_not_open"));
        const QJsonObject c = ok((*s)[QStringLiteral("manager-1")].call(QStringLiteral("ratings.clerk"), {{"clerk", "c05"}}));
        QCOMPARE(c.value(QLatin1String("week")).toObject().value(QLatin1String("qualified")).toBool(), false);
        QCOMPARE(c.value(QLatin1String("lastWeekStar")).toBool(), false);
        QCOMPARE(errorCode((*s)[QStringLiteral("manager-1")].call(QStringLiteral("followup.list"), {{"status", "pending"}})), QStringLiteral("bad_request"));
    }
};

QTEST_GUILESS_MAIN(TestRatings)
#include "tst_ratings.moc"
