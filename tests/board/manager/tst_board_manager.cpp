// The manager's live board against the real hall-server on 127.0.0.1: tickets issued, called,
// finished, no-shows and votes go through the bus (an admin's client, a kiosk's, pads'), the board
// follows them through its own HallState mirror and HallClient, as a manager's screen does, and
// every figure, alarm and report is checked through the models and properties QML reads.
// "Now" is injected where a figure depends on time (waits, norms, idle grace).
#include "board/manager/managerboard.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "hallfixture.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace hallfixture;
using namespace hall::board;

namespace {

constexpr qint64 kMinute = 60000;

bool waitFor(const std::function<bool()> &condition, int timeoutMs = 15000)
{
    QElapsedTimer t;
    t.start();
    while (!condition() && t.elapsed() < timeoutMs)
        QTest::qWait(20);
    return condition();
}

qint64 field(const QJsonObject &ticket, const char *name)
{
    return ticket.value(QLatin1String(name)).toInteger();
}

QStringList alarmKeys(const ManagerBoard &board)
{
    QStringList keys;
    for (int i = 0; i < board.alarms()->count(); ++i)
        keys << board.alarms()->value(i, "key").toString();
    return keys;
}

QVariantMap alarm(const ManagerBoard &board, const QString &key)
{
    for (int i = 0; i < board.alarms()->count(); ++i) {
        if (board.alarms()->value(i, "key").toString() == key)
            return board.alarms()->get(i);
    }
    return {};
}

} // namespace

class TestBoardManager : public QObject
{
    Q_OBJECT

private:
    // One hall and one manager board on it. Declared so that the board goes first, then its
    // mirror and client, then the sockets' context, then the server.
    struct Live {
        std::unique_ptr<Hall> hall;
        zmq::context_t ctx{1};
        std::map<QString, std::unique_ptr<Client>> clients;
        std::unique_ptr<hall::bus::HallClient> client;
        std::unique_ptr<hall::bus::HallState> state;
        std::unique_ptr<ManagerBoard> board;
        qint64 fakeNow = 0; // 0: the server's clock as the board would read it

        Client &operator[](const QString &id) { return *clients.at(id); }
    };

    std::unique_ptr<Live> m_live;

    // fakeSign: register a terminal "sign-3" that reports a sign's status (the server's own
    // sign of that name is then hidden behind it).
    bool makeHall(std::function<void(QJsonObject &)> tweak = {}, bool fakeSign = true)
    {
        m_live = std::make_unique<Live>();
        Live &s = *m_live;
        s.hall = std::make_unique<Hall>(std::move(tweak));
        QList<DeviceSpec> devices{{QStringLiteral("admin-1"), QStringLiteral("admin"), 0},
                                  {QStringLiteral("kiosk-1"), QStringLiteral("kiosk"), 0},
                                  {QStringLiteral("manager-1"), QStringLiteral("manager"), 0},
                                  {QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                                  {QStringLiteral("pad-2"), QStringLiteral("pad"), 2}};
        if (fakeSign)
            devices.append({QStringLiteral("sign-3"), QStringLiteral("board"), 0});
        if (!s.hall->ok() || !s.hall->addDevices(devices) || !s.hall->start())
            return false;
        for (const DeviceSpec &d : devices)
            s.clients[d.id] = std::make_unique<Client>(s.ctx, s.hall->keys(d.id), s.hall->serverPublicKey(), s.hall->requests());
        return true;
    }

    // The manager's terminal: its own mirror and client with the manager's key, as
    // connectTerminal makes them.
    struct Terminal {
        std::unique_ptr<hall::bus::HallClient> client;
        std::unique_ptr<hall::bus::HallState> state;
        std::unique_ptr<ManagerBoard> board;
    };

    Terminal connectBoard()
    {
        Live &s = *m_live;
        Terminal t;
        const auto &keys = s.hall->keys(QStringLiteral("manager-1"));
        t.client = std::make_unique<hall::bus::HallClient>(s.ctx);
        t.client->setServer(s.hall->requests(), keys, s.hall->serverPublicKey());
        t.client->setRetryPolicy(1500, 2);
        t.state = std::make_unique<hall::bus::HallState>(s.ctx, *t.client);
        t.state->setEventEndpoint(s.hall->events(), keys, s.hall->serverPublicKey());
        t.state->setOfflineAfterMs(1500);
        t.state->setSnapshotRetryMs(300);
        QString error;
        if (!t.client->start(&error) || !t.state->start(&error)) {
            qWarning().noquote() << error;
            return {};
        }
        t.board = std::make_unique<ManagerBoard>(*t.state, *t.client);
        hall::bus::HallState *state = t.state.get();
        Live *live = &s;
        t.board->setNowFunction([live, state] {
            return live->fakeNow ? live->fakeNow : QDateTime::currentMSecsSinceEpoch() + state->serverTimeOffsetMs();
        });
        if (!waitFor([state] { return state->synced() && state->online(); }))
            return {};
        return t;
    }

    bool startBoard()
    {
        Terminal t = connectBoard();
        if (!t.board)
            return false;
        m_live->client = std::move(t.client);
        m_live->state = std::move(t.state);
        m_live->board = std::move(t.board);
        return true;
    }

    ManagerBoard &board() { return *m_live->board; }

    // An admin's operation; the result, or an empty object (with the refusal logged).
    QJsonObject admin(const QString &op, const QJsonObject &args = {}, const QString &device = QStringLiteral("admin-1"))
    {
        const QJsonObject reply = (*m_live)[device].call(op, args);
        if (!reply.value(QLatin1String("ok")).toBool()) {
            qWarning().noquote() << op << "refused:" << QJsonDocument(reply).toJson(QJsonDocument::Compact);
            return {};
        }
        return result(reply);
    }

    // Waits until the board's mirror has the operation's effect, then recomputes.
    bool reached(const QJsonObject &result)
    {
        const qint64 seq = result.value(QLatin1String("seq")).toInteger();
        if (seq <= 0)
            return false;
        if (!m_live->state)
            return true;
        const bool ok = waitFor([this, seq] { return m_live->state->seq() >= seq; });
        m_live->board->refresh();
        return ok;
    }

    bool signIn(int window, const char *badge)
    {
        return !admin(QStringLiteral("clerk.signIn"), {{"window", window}, {"badge", QLatin1String(badge)}, {"pin", kPin}}).isEmpty();
    }

    QJsonObject issue(const char *service)
    {
        return admin(QStringLiteral("ticket.issue"), {{"service", QLatin1String(service)}}).value(QLatin1String("ticket")).toObject();
    }

    QJsonObject atWindow(const char *op, int window)
    {
        return admin(QString::fromLatin1(op), {{"window", window}});
    }

    // Calls, starts and finishes the next visitor at a window; its ticket as finished.
    QJsonObject serve(int window)
    {
        if (atWindow("window.callNext", window).isEmpty() || atWindow("window.start", window).isEmpty())
            return {};
        return atWindow("window.finish", window).value(QLatin1String("ticket")).toObject();
    }

    QVariantMap row(hall::bus::HallListModel *model, int i) { return model->get(i); }

    QVariantMap serviceRow(const QString &code)
    {
        for (int i = 0; i < board().services()->count(); ++i) {
            if (board().services()->value(i, "code").toString() == code)
                return board().services()->get(i);
        }
        return {};
    }

private Q_SLOTS:
    void cleanup() { m_live.reset(); }

    void queuesWindowsAndSummary()
    {
        QVERIFY(makeHall());
        QVERIFY(signIn(1, "371726") && signIn(2, "371727") && signIn(3, "371728") && signIn(6, "371731"));
        QVERIFY(startBoard());
        QCOMPARE(board().services()->count(), 7);
        QCOMPARE(board().windows()->count(), 12);
        QCOMPARE(board().hallNameZh(), QStringLiteral("商河县公安局交警大队车管所服务大厅"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$")).match(board().date()).hasMatch());

        QList<QJsonObject> issued;
        for (const char *service : {"NEW", "NEW", "NEW", "NEW", "REPLACE"})
            issued << issue(service);
        const QJsonObject b001 = issued[4];
        QCOMPARE(b001.value(QLatin1String("label")).toString(), QStringLiteral("B001"));

        // Window 1 serves A001 and finishes; A002 is a no-show; window 2 calls A003; window 1
        // serves A004; window 6 pauses; window 3 stays idle while B001 waits.
        const QJsonObject c1 = atWindow("window.callNext", 1).value(QLatin1String("ticket")).toObject();
        QVERIFY(!atWindow("window.start", 1).isEmpty());
        QVERIFY(!atWindow("window.finish", 1).isEmpty());
        const QJsonObject c2 = atWindow("window.callNext", 1).value(QLatin1String("ticket")).toObject();
        QVERIFY(!atWindow("window.noShow", 1).isEmpty());
        const QJsonObject c3 = atWindow("window.callNext", 2).value(QLatin1String("ticket")).toObject();
        const QJsonObject c4 = atWindow("window.callNext", 1).value(QLatin1String("ticket")).toObject();
        const QJsonObject started = atWindow("window.start", 1).value(QLatin1String("ticket")).toObject();
        QCOMPARE(c4.value(QLatin1String("label")).toString(), QStringLiteral("A004"));
        QVERIFY(reached(atWindow("window.pause", 6)));

        // The wait of every NEW visitor, as the server's replies state it.
        qint64 waitSum = 0;
        for (const QJsonObject &c : {c1, c2, c3, c4})
            waitSum += field(c, "firstCalledAt") - field(c, "issuedAt");
        const int averageNew = int(waitSum / 4 / 1000);
        m_live->fakeNow = field(b001, "issuedAt") + 7 * kMinute;
        board().refresh();

        const QVariantMap fresh = serviceRow(QStringLiteral("NEW"));
        QCOMPARE(fresh.value("nameZh").toString(), QStringLiteral("新车挂牌"));
        QCOMPARE(fresh.value("prefix").toString(), QStringLiteral("A"));
        QCOMPARE(fresh.value("waiting").toInt(), 0);
        QCOMPARE(fresh.value("longestWaitSeconds").toInt(), 0);
        QCOMPARE(fresh.value("issuedToday").toInt(), 4);
        QCOMPARE(fresh.value("calledToday").toInt(), 4);
        QCOMPARE(fresh.value("averageWaitSeconds").toInt(), averageNew);
        QCOMPARE(fresh.value("servedToday").toInt(), 1);
        QCOMPARE(fresh.value("noShowsToday").toInt(), 1);
        QCOMPARE(fresh.value("openWindows").toInt(), 3); // 1, 2 and 3; 6 is paused and serves no NEW
        QCOMPARE(fresh.value("aboveNorm").toBool(), false);
        const QVariantMap replace = serviceRow(QStringLiteral("REPLACE"));
        QCOMPARE(replace.value("waiting").toInt(), 1);
        QCOMPARE(replace.value("longestWaitSeconds").toInt(), 7 * 60);
        QCOMPARE(replace.value("averageWaitSeconds").toInt(), -1);
        QCOMPARE(replace.value("openWindows").toInt(), 1);
        QCOMPARE(replace.value("normMinutes").toInt(), 30);

        const QVariantMap w1 = row(board().windows(), 0);
        QCOMPARE(w1.value("number").toInt(), 1);
        QCOMPARE(w1.value("state").toString(), QStringLiteral("open"));
        QCOMPARE(w1.value("activity").toString(), QStringLiteral("serving"));
        QCOMPARE(w1.value("label").toString(), QStringLiteral("A004"));
        QCOMPARE(w1.value("service").toString(), QStringLiteral("NEW"));
        QCOMPARE(w1.value("clerkName").toString(), QStringLiteral("王建国"));
        QCOMPARE(w1.value("clerkBadge").toString(), QStringLiteral("371726"));
        QCOMPARE(w1.value("activitySince").toLongLong(), field(started, "servingAt"));
        QCOMPARE(w1.value("servedToday").toInt(), 1);
        const QVariantMap w2 = row(board().windows(), 1);
        QCOMPARE(w2.value("activity").toString(), QStringLiteral("called"));
        QCOMPARE(w2.value("label").toString(), QStringLiteral("A003"));
        QCOMPARE(w2.value("activitySince").toLongLong(), field(c3, "calledAt"));
        const QVariantMap w3 = row(board().windows(), 2);
        QCOMPARE(w3.value("state").toString(), QStringLiteral("open"));
        QCOMPARE(w3.value("activity").toString(), QStringLiteral("idle"));
        QCOMPARE(w3.value("queueWaiting").toInt(), 1);
        QCOMPARE(w3.value("idleWithQueue").toBool(), true);
        QCOMPARE(w3.value("idleWithQueueSince").toLongLong(), field(b001, "issuedAt")); // signed in before B001 came
        QCOMPARE(row(board().windows(), 3).value("state").toString(), QStringLiteral("closed"));
        QCOMPARE(row(board().windows(), 3).value("activity").toString(), QString());
        const QVariantMap w6 = row(board().windows(), 5);
        QCOMPARE(w6.value("state").toString(), QStringLiteral("paused"));
        QCOMPARE(w6.value("activity").toString(), QString());
        QCOMPARE(w6.value("clerkName").toString(), QStringLiteral("杨帆"));
        QCOMPARE(w6.value("idleWithQueue").toBool(), false);

        const QVariantMap sum = board().summary();
        QCOMPARE(sum.value("waiting").toInt(), 1);
        QCOMPARE(sum.value("longestWaitSeconds").toInt(), 7 * 60);
        QCOMPARE(sum.value("averageWaitSeconds").toInt(), averageNew);
        QCOMPARE(sum.value("issuedToday").toInt(), 5);
        QCOMPARE(sum.value("calledToday").toInt(), 4);
        QCOMPARE(sum.value("servedToday").toInt(), 1);
        QCOMPARE(sum.value("noShowsToday").toInt(), 1);
        QCOMPARE(sum.value("openWindows").toInt(), 3);
        QCOMPARE(sum.value("pausedWindows").toInt(), 1);
        QCOMPARE(sum.value("closedWindows").toInt(), 8);
        QCOMPARE(sum.value("busyWindows").toInt(), 2);
        QCOMPARE(sum.value("idleWindows").toInt(), 1);
        QCOMPARE(sum.value("idleWithQueueWindows").toInt(), 1);

        // Norms: REPLACE has a tighter one; window 3 idle with a queue, graced for a minute.
        ManagerNorms norms;
        norms.waitNormMinutes = 30;
        norms.waitNormByService[QStringLiteral("REPLACE")] = 10;
        norms.idleGraceSeconds = 60;
        board().setNorms(norms);
        m_live->fakeNow = field(b001, "issuedAt") + 30 * 1000;
        board().refresh();
        QCOMPARE(alarmKeys(board()), QStringList());
        QCOMPARE(board().worstSeverity(), QString());
        m_live->fakeNow = field(b001, "issuedAt") + 61 * 1000;
        board().refresh();
        QCOMPARE(alarmKeys(board()), QStringList{"idle:3"});
        QCOMPARE(alarm(board(), "idle:3").value("window").toInt(), 3);
        QCOMPARE(alarm(board(), "idle:3").value("severity").toString(), QStringLiteral("warning"));
        QCOMPARE(alarm(board(), "idle:3").value("textEn").toString(), QStringLiteral("Window 3 idle for 1 min while 1 wait"));
        m_live->fakeNow = field(b001, "issuedAt") + 10 * kMinute + 1000;
        board().refresh();
        QCOMPARE(alarmKeys(board()), (QStringList{"idle:3", "wait:REPLACE"}));
        const QVariantMap wait = alarm(board(), "wait:REPLACE");
        QCOMPARE(wait.value("kind").toString(), QStringLiteral("wait"));
        QCOMPARE(wait.value("service").toString(), QStringLiteral("REPLACE"));
        QCOMPARE(wait.value("since").toLongLong(), field(b001, "issuedAt") + 10 * kMinute);
        QCOMPARE(wait.value("textZh").toString(), QStringLiteral("补换牌证：最长已等候 10 分钟（标准 10 分钟），1 人在等"));
        QCOMPARE(serviceRow(QStringLiteral("REPLACE")).value("aboveNorm").toBool(), true);
        QCOMPARE(serviceRow(QStringLiteral("REPLACE")).value("normMinutes").toInt(), 10);
        QCOMPARE(board().summary().value("servicesAboveNorm").toInt(), 1);
        QCOMPARE(board().alarmCount(), 2);
        QCOMPARE(board().faultCount(), 0);
        QCOMPARE(board().worstSeverity(), QStringLiteral("warning"));

        // Window 3 calls B001: both clear.
        QVERIFY(reached(atWindow("window.callNext", 3)));
        QCOMPARE(alarmKeys(board()), QStringList());
        QCOMPARE(row(board().windows(), 2).value("activity").toString(), QStringLiteral("called"));
        QCOMPARE(row(board().windows(), 2).value("label").toString(), QStringLiteral("B001"));
        QCOMPARE(serviceRow(QStringLiteral("REPLACE")).value("waiting").toInt(), 0);
    }

    void deviceAlarms()
    {
        QVERIFY(makeHall());
        QVERIFY(startBoard());
        QCOMPARE(alarmKeys(board()), QStringList());
        auto report = [this](const char *device, const QJsonObject &status) {
            return !admin(QStringLiteral("device.status"), {{"status", status}}, QLatin1String(device)).isEmpty();
        };

        QVERIFY(report("kiosk-1", {{"printer", "paper_out"}, {"detail", "paper sensor"}}));
        QVERIFY(waitFor([this] { return alarmKeys(board()).contains(QStringLiteral("printer:kiosk-1")); }));
        QVariantMap a = alarm(board(), QStringLiteral("printer:kiosk-1"));
        QCOMPARE(a.value("kind").toString(), QStringLiteral("printer"));
        QCOMPARE(a.value("severity").toString(), QStringLiteral("fault"));
        QCOMPARE(a.value("device").toString(), QStringLiteral("kiosk-1"));
        QCOMPARE(a.value("code").toString(), QStringLiteral("paper_out"));
        QCOMPARE(a.value("detail").toString(), QStringLiteral("paper sensor"));
        QCOMPARE(a.value("textZh").toString(), QStringLiteral("取号机 kiosk-1：打印机缺纸"));
        QVERIFY(qAbs(a.value("since").toLongLong() - QDateTime::currentMSecsSinceEpoch()) < 60000);
        QCOMPARE(board().faultCount(), 1);
        QCOMPARE(board().worstSeverity(), QStringLiteral("fault"));

        QVERIFY(report("kiosk-1", {{"printer", "paper_near_end"}}));
        QVERIFY(waitFor([this] { return alarm(board(), QStringLiteral("printer:kiosk-1")).value("severity") == QStringLiteral("warning"); }));
        QCOMPARE(board().faultCount(), 0);
        QCOMPARE(board().worstSeverity(), QStringLiteral("warning"));
        QVERIFY(report("kiosk-1", {{"printer", "ok"}}));
        QVERIFY(waitFor([this] { return board().alarmCount() == 0; }));

        QVERIFY(report("sign-3", {{"sign", "offline"}, {"detail", "no answer on RS-485"}}));
        QVERIFY(waitFor([this] { return alarmKeys(board()).contains(QStringLiteral("sign:sign-3")); }));
        a = alarm(board(), QStringLiteral("sign:sign-3"));
        QCOMPARE(a.value("window").toInt(), 3);
        QCOMPARE(a.value("severity").toString(), QStringLiteral("fault"));
        QCOMPARE(a.value("textEn").toString(), QStringLiteral("Window 3: LED sign offline"));
        QVERIFY(report("sign-3", {{"sign", "ok"}}));
        QVERIFY(waitFor([this] { return board().alarmCount() == 0; }));

        // A board started while the printer is out learns it from the snapshot.
        QVERIFY(report("kiosk-1", {{"printer", "cover_open"}}));
        QVERIFY(waitFor([this] { return board().alarmCount() == 1; }));
        Terminal second = connectBoard();
        QVERIFY(second.board);
        second.board->refresh();
        QCOMPARE(alarmKeys(*second.board), QStringList{"printer:kiosk-1"});
        QCOMPARE(alarm(*second.board, QStringLiteral("printer:kiosk-1")).value("code").toString(), QStringLiteral("cover_open"));
    }

    // hall-server's own sign reporting (role "sign", id "sign-<window>"): a sign bus whose port
    // does not exist leaves the window's sign offline, which a board started afterwards learns
    // from the snapshot.
    void signOfflineReportedByTheServer()
    {
        const bool made = makeHall([](QJsonObject &cfg) {
            cfg.insert(QLatin1String("signs"), QJsonObject{{"port", "/nonexistent/hall-sign-bus"},
                                                           {"windows", QJsonArray{QJsonObject{{"window", 3}, {"address", 3}}}}});
        }, false);
        if (!made && !m_live->hall->ok())
            QSKIP("this hall-server does not take a \"signs\" section yet");
        QVERIFY(made);
        QVERIFY(startBoard());
        if (!waitFor([this] { return m_live->state->device(QStringLiteral("sign-3")) != nullptr; }))
            QSKIP("this hall-server does not report its signs yet (no device sign-3)");
        QVERIFY2(waitFor([this] { return alarmKeys(board()).contains(QStringLiteral("sign:sign-3")); }),
                 qPrintable(QJsonDocument(m_live->state->deviceStatus(QStringLiteral("sign-3"))).toJson()));
        const QVariantMap a = alarm(board(), QStringLiteral("sign:sign-3"));
        QCOMPARE(a.value("kind").toString(), QStringLiteral("sign"));
        QCOMPARE(a.value("window").toInt(), 3);
        QCOMPARE(a.value("code").toString(), QStringLiteral("offline"));
        QCOMPARE(a.value("severity").toString(), QStringLiteral("fault"));
        QCOMPARE(m_live->state->device(QStringLiteral("sign-3"))->role, QStringLiteral("sign"));
    }

    void satisfactionStarAndStaleReports()
    {
        QVERIFY(makeHall([](QJsonObject &cfg) {
            QJsonObject r = cfg.value(QLatin1String("ratings")).toObject();
            r.insert(QLatin1String("starMinVotes"), 2);
            cfg.insert(QLatin1String("ratings"), r);
        }));
        QVERIFY(signIn(1, "371726") && signIn(2, "371727"));
        QVERIFY(startBoard());
        QVERIFY(waitFor([this] { return board().satisfactionToday().value("available").toBool()
                                        && board().satisfactionWeek().value("available").toBool(); }));
        QCOMPARE(board().satisfactionToday().value("rated").toInt(), 0);
        QCOMPARE(board().satisfactionToday().value("percent").toInt(), -1);
        QCOMPARE(board().satisfactionWeek().value("rated").toInt(), 0);
        QCOMPARE(board().star().value("available").toBool(), false);

        // c01 at window 1: one satisfied, one not; c02 at window 2: two satisfied.
        for (int i = 0; i < 5; ++i)
            QVERIFY(!issue("NEW").isEmpty());
        QVERIFY(!serve(1).isEmpty());
        QVERIFY(!admin(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}, QStringLiteral("pad-1")).isEmpty());
        QVERIFY(!serve(1).isEmpty());
        QVERIFY(!admin(QStringLiteral("rating.submit"), {{"rating", "unsatisfied"}, {"tags", QJsonArray{"wait_long"}}}, QStringLiteral("pad-1")).isEmpty());
        QVERIFY(!serve(2).isEmpty());
        QVERIFY(!admin(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}, QStringLiteral("pad-2")).isEmpty());
        QVERIFY(!serve(2).isEmpty());
        QVERIFY(!admin(QStringLiteral("rating.submit"), {{"rating", "satisfied"}}, QStringLiteral("pad-2")).isEmpty());

        // Nobody asks: the votes seen on the bus make the board ask the server.
        QVERIFY2(waitFor([this] { return board().satisfactionToday().value("rated").toInt() == 4; }),
                 qPrintable(QJsonDocument::fromVariant(board().satisfactionToday()).toJson()));
        QVariantMap today = board().satisfactionToday();
        QCOMPARE(today.value("satisfied").toInt(), 3);
        QCOMPARE(today.value("unsatisfied").toInt(), 1);
        QCOMPARE(today.value("share").toDouble(), 0.75);
        QCOMPARE(today.value("percent").toInt(), 75);
        QCOMPARE(today.value("services").toInt(), 4);
        QCOMPARE(today.value("stale").toBool(), false);

        QVERIFY(waitFor([this] { return board().satisfactionWeek().value("rated").toInt() == 4; }));
        QVariantMap week = board().satisfactionWeek();
        QCOMPARE(week.value("satisfied").toInt(), 3);
        QCOMPARE(week.value("percent").toInt(), 75);
        QCOMPARE(week.value("services").toInt(), 4);
        QCOMPARE(week.value("minVotes").toInt(), 2);
        QCOMPARE(week.value("rankedClerks").toInt(), 2);
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}-W\\d{2}$")).match(week.value("week").toString()).hasMatch());
        QCOMPARE(week.value("stale").toBool(), false);

        QVariantMap star = board().star();
        QCOMPARE(star.value("available").toBool(), true);
        QCOMPARE(star.value("clerkId").toString(), QStringLiteral("c02"));
        QCOMPARE(star.value("name").toString(), QStringLiteral("李秀英"));
        QCOMPARE(star.value("badge").toString(), QStringLiteral("371727"));
        QCOMPARE(star.value("window").toInt(), 2);
        QCOMPARE(star.value("windowName").toString(), QStringLiteral("2号窗口"));
        QCOMPARE(star.value("rated").toInt(), 2);
        QCOMPARE(star.value("satisfied").toInt(), 2);
        QVERIFY(qAbs(star.value("score").toDouble() - 0.3424) < 0.001); // Wilson, 2 of 2 at 95 %
        QCOMPARE(star.value("scorePercent").toInt(), 34);
        QCOMPARE(star.value("percent").toInt(), 100);
        const QVariantList ranking = board().weekRanking();
        QCOMPARE(ranking.size(), 2);
        QCOMPARE(ranking[1].toMap().value("clerkId").toString(), QStringLiteral("c01"));
        QCOMPARE(ranking[1].toMap().value("rank").toInt(), 2);
        QCOMPARE(ranking[1].toMap().value("percent").toInt(), 50);

        // The star signs out: the star stays, without a window.
        QVERIFY(reached(atWindow("clerk.signOut", 2)));
        QCOMPARE(board().star().value("window").toInt(), 0);
        QCOMPARE(board().star().value("clerkId").toString(), QStringLiteral("c02"));

        // The server goes away: the offline alarm, and the reports keep their last figures, stale.
        ManagerNorms norms;
        norms.offlineGraceSeconds = 0;
        board().setNorms(norms);
        m_live->hall->stop();
        QVERIFY(waitFor([this] { return !board().online(); }));
        QVERIFY(waitFor([this] { return alarmKeys(board()).contains(QStringLiteral("offline")); }));
        QCOMPARE(alarm(board(), QStringLiteral("offline")).value("severity").toString(), QStringLiteral("fault"));
        QCOMPARE(board().worstSeverity(), QStringLiteral("fault"));
        board().refreshReports();
        QVERIFY(waitFor([this] { return board().satisfactionWeek().value("stale").toBool()
                                        && board().satisfactionToday().value("stale").toBool(); }));
        QCOMPARE(board().satisfactionWeek().value("rated").toInt(), 4);
        QCOMPARE(board().satisfactionWeek().value("error").toString(), QStringLiteral("unreachable"));
        QCOMPARE(board().satisfactionToday().value("rated").toInt(), 4);
        QCOMPARE(board().star().value("available").toBool(), true);
        QCOMPARE(board().star().value("stale").toBool(), true);
        QCOMPARE(board().star().value("name").toString(), QStringLiteral("李秀英"));
        // Its queues are the last known, not blanked.
        QCOMPARE(board().summary().value("servedToday").toInt(), 4);

        // Back: the alarm clears and the reports are fresh again, by themselves.
        QVERIFY(m_live->hall->start());
        QVERIFY(waitFor([this] { return board().online() && board().synced(); }));
        QVERIFY(waitFor([this] { return !alarmKeys(board()).contains(QStringLiteral("offline")); }));
        QVERIFY(waitFor([this] { return !board().satisfactionWeek().value("stale").toBool()
                                        && !board().satisfactionToday().value("stale").toBool(); }));
        QCOMPARE(board().satisfactionWeek().value("rated").toInt(), 4);
        QCOMPARE(board().star().value("stale").toBool(), false);
    }

    void theDaysSeriesAfterARestart()
    {
        QVERIFY(makeHall());
        QVERIFY(signIn(1, "371726"));
        QVERIFY(startBoard());
        QList<QJsonObject> issued;
        for (const char *service : {"NEW", "NEW", "INSPECT", "NEW"})
            issued << issue(service);
        QVERIFY(!atWindow("window.callNext", 1).isEmpty());
        QVERIFY(reached(admin(QStringLiteral("ticket.cancel"), {{"ticket", field(issued[3], "id")}})));
        m_live->fakeNow = field(issued[0], "issuedAt") + 12 * kMinute;
        board().refresh();

        WaitingSeriesModel *series = board().waitingSeries();
        const qint64 step = 5 * kMinute;
        QVERIFY(series->count() >= 3);
        const qint64 first = series->value(0, "at").toLongLong();
        QVERIFY(first <= field(issued[0], "issuedAt") && field(issued[0], "issuedAt") < first + step);
        for (int i = 1; i < series->count(); ++i)
            QCOMPARE(series->value(i, "at").toLongLong() - series->value(i - 1, "at").toLongLong(), step);
        const qint64 last = series->value(series->count() - 1, "at").toLongLong();
        QVERIFY(last <= m_live->fakeNow && m_live->fakeNow < last + step);
        // The last point is the hall now: two waiting (one called, one cancelled).
        QCOMPARE(series->value(series->count() - 1, "waiting").toInt(), 2);
        QCOMPARE(board().summary().value("waiting").toInt(), 2);
        int max = 0;
        for (int i = 0; i < series->count(); ++i)
            max = std::max(max, series->value(i, "waiting").toInt());
        QCOMPARE(series->maxWaiting(), max);
        QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d$")).match(series->value(0, "time").toString()).hasMatch());

        // A manager board started now (after a restart of the board) draws the same day.
        Terminal restarted = connectBoard();
        QVERIFY(restarted.board);
        restarted.board->refresh();
        WaitingSeriesModel *again = restarted.board->waitingSeries();
        QCOMPARE(again->count(), series->count());
        for (int i = 0; i < series->count(); ++i)
            QCOMPARE(again->get(i), series->get(i));
        for (int i = 0; i < board().services()->count(); ++i)
            QCOMPARE(restarted.board->services()->get(i), board().services()->get(i));
        QCOMPARE(restarted.board->summary(), board().summary());
    }
};

QTEST_GUILESS_MAIN(TestBoardManager)
#include "tst_board_manager.moc"
