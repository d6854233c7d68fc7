// The keypad bridge against a real hall-server: a FakeKeypad stands in for the hardware, the
// bridge sends its votes with window 1's pad key, and the server's own journal (ticket_rated
// events on the counter's mirror, and the server's snapshot) says what was recorded.
#include "fakekeypad.h"
#include "hallfixture.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/keypadbridge.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>

using hall::counter::KeypadBridge;

class TestKeypadBridge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void reportsTheKeypadsCondition();
    void oneKeyEventIsOneRating();
    void theSameKeyEventTwiceIsOneRequest();
    void aKeyThatMapsToNothingSendsNothing();
    void aRetriedKeyEventReusesItsRequestId();
    void aPadKeyOfAnotherWindowSendsNothing();

private:
    // A visitor is called and finished at window 1, which opens their rating slot; its ticket.
    qint64 serveOne();
    const hall::engine::RatingSlot *slot() const;
    int ratedEvents(qint64 ticket) const;
    QJsonObject serverWindow1();
    QJsonObject reportedStatus(const QString &device);

    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    std::unique_ptr<hallfixture::Client> m_admin, m_kiosk, m_clerk;
    std::unique_ptr<hall::bus::HallClient> m_counterClient, m_padClient;
    std::unique_ptr<hall::bus::HallState> m_state;
    std::unique_ptr<FakeKeypad> m_keypad;
    std::unique_ptr<KeypadBridge> m_bridge;
    std::vector<hall::engine::Event> m_rated; // ticket_rated events seen by the mirror
};

void TestKeypadBridge::initTestCase()
{
    QVERIFY(m_hall.ok());
    QVERIFY(m_hall.addDevices({{QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                               {QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                               {QStringLiteral("pad-2"), QStringLiteral("pad"), 2},
                               {QStringLiteral("kiosk-1"), QStringLiteral("kiosk")},
                               {QStringLiteral("admin-1"), QStringLiteral("admin")}}));
    QVERIFY(m_hall.start());
    m_admin = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("admin-1")), m_hall.serverPublicKey(), m_hall.requests());
    m_kiosk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("kiosk-1")), m_hall.serverPublicKey(), m_hall.requests());
    m_clerk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("counter-1")), m_hall.serverPublicKey(), m_hall.requests());

    QString error;
    m_counterClient = std::make_unique<hall::bus::HallClient>(m_ctx);
    m_counterClient->setServer(m_hall.requests(), m_hall.keys(QStringLiteral("counter-1")), m_hall.serverPublicKey());
    m_state = std::make_unique<hall::bus::HallState>(m_ctx, *m_counterClient);
    m_state->setEventEndpoint(m_hall.events(), m_hall.keys(QStringLiteral("counter-1")), m_hall.serverPublicKey());
    QVERIFY2(m_counterClient->start(&error) && m_state->start(&error), qPrintable(error));
    connect(m_state.get(), &hall::bus::HallState::eventApplied, this, [this](const hall::engine::Event &e) {
        if (e.type == hall::engine::EventType::TicketRated)
            m_rated.push_back(e);
    });

    m_padClient = std::make_unique<hall::bus::HallClient>(m_ctx);
    m_padClient->setServer(m_hall.requests(), m_hall.keys(QStringLiteral("pad-1")), m_hall.serverPublicKey());
    m_padClient->setRetryPolicy(400, 2); // the server-down case gives up quickly
    QVERIFY2(m_padClient->start(&error), qPrintable(error));
    m_keypad = std::make_unique<FakeKeypad>();
    m_bridge = std::make_unique<KeypadBridge>(*m_keypad, *m_padClient, *m_state, QStringLiteral("counter-1"), QJsonObject());
    QVERIFY2(m_bridge->start(&error), qPrintable(error));
    QVERIFY(m_keypad->started());
    QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_bridge->ready(), 10000);

    const QJsonObject signIn = m_clerk->call(QStringLiteral("clerk.signIn"), {{QStringLiteral("badge"), QStringLiteral("371726")}, {QStringLiteral("pin"), hallfixture::kPin}});
    QVERIFY2(signIn.value(QLatin1String("ok")).toBool(), qPrintable(hallfixture::errorCode(signIn)));
}

void TestKeypadBridge::cleanupTestCase()
{
    m_bridge.reset();
    m_keypad.reset();
    m_padClient.reset();
    m_state.reset();
    m_counterClient.reset();
    m_hall.stop();
}

qint64 TestKeypadBridge::serveOne()
{
    const QJsonObject issued = m_kiosk->call(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), QStringLiteral("NEW")}});
    const qint64 ticket = hallfixture::result(issued).value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger();
    const QJsonObject called = m_clerk->call(QStringLiteral("window.callNext"));
    const QJsonObject finished = m_clerk->call(QStringLiteral("window.finish"), {{QStringLiteral("ticket"), ticket}});
    if (!ticket || !called.value(QLatin1String("ok")).toBool() || !finished.value(QLatin1String("ok")).toBool()) {
        qWarning() << "serving a visitor failed:" << issued << called << finished;
        return 0;
    }
    // The mirror shows the open slot, and the keypad's lamp is on.
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000 && !(slot() && slot()->ticket == ticket && m_keypad->prompt()))
        QTest::qWait(20);
    return slot() && slot()->ticket == ticket ? ticket : 0;
}

const hall::engine::RatingSlot *TestKeypadBridge::slot() const
{
    const auto *engine = m_state->engine();
    const auto *window = engine ? engine->window(1) : nullptr;
    return window ? &window->rating : nullptr;
}

int TestKeypadBridge::ratedEvents(qint64 ticket) const
{
    return int(std::count_if(m_rated.begin(), m_rated.end(), [ticket](const hall::engine::Event &e) { return e.ticket == ticket; }));
}

QJsonObject TestKeypadBridge::serverWindow1()
{
    const QJsonObject state = hallfixture::result(m_admin->call(QStringLiteral("snapshot"))).value(QLatin1String("state")).toObject();
    for (const auto &v : state.value(QLatin1String("windows")).toArray())
        if (v.toObject().value(QLatin1String("number")).toInt() == 1)
            return v.toObject();
    return {};
}

QJsonObject TestKeypadBridge::reportedStatus(const QString &device)
{
    const QJsonObject reply = m_admin->call(QStringLiteral("device.list"));
    for (const auto &v : hallfixture::result(reply).value(QLatin1String("devices")).toArray())
        if (v.toObject().value(QLatin1String("id")).toString() == device)
            return v.toObject().value(QLatin1String("status")).toObject();
    return {};
}

void TestKeypadBridge::reportsTheKeypadsCondition()
{
    QTRY_COMPARE_WITH_TIMEOUT(reportedStatus(QStringLiteral("pad-1")).value(QLatin1String("keypad")).toString(), QStringLiteral("ok"), 10000);
    m_keypad->setStatus(QStringLiteral("offline"), QStringLiteral("no answer from address 1"));
    QCOMPARE(m_bridge->status(), QStringLiteral("offline"));
    QTRY_COMPARE_WITH_TIMEOUT(reportedStatus(QStringLiteral("pad-1")).value(QLatin1String("keypad")).toString(), QStringLiteral("offline"), 10000);
    QCOMPARE(reportedStatus(QStringLiteral("pad-1")).value(QLatin1String("detail")).toString(), QStringLiteral("no answer from address 1"));
    m_keypad->setStatus(QStringLiteral("ok"), {});
    QTRY_COMPARE_WITH_TIMEOUT(reportedStatus(QStringLiteral("pad-1")).value(QLatin1String("keypad")).toString(), QStringLiteral("ok"), 10000);
    // The counter's key reports nothing about the keypad: it went out on the pad's key.
    QVERIFY(!reportedStatus(QStringLiteral("counter-1")).contains(QLatin1String("keypad")));
}

void TestKeypadBridge::oneKeyEventIsOneRating()
{
    QVERIFY(!m_keypad->prompt());
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    QVERIFY2(m_keypad->prompt(), "the lamp is on while the visitor may rate");
    const qint64 sent = m_padClient->attemptsSent();
    m_keypad->press(1, 101); // key 1: satisfied, on the two-level scale
    QTRY_VERIFY_WITH_TIMEOUT(slot()->rated, 10000);
    QCOMPARE(m_bridge->lastOutcome(), QStringLiteral("ok"));
    QCOMPARE(ratedEvents(ticket), 1);
    QCOMPARE(QString::fromStdString(m_rated.back().rating), QStringLiteral("satisfied"));
    QCOMPARE(QString::fromStdString(m_rated.back().device), QStringLiteral("pad-1"));
    QCOMPARE(QString::fromStdString(m_rated.back().clerk), QStringLiteral("c01"));
    QCOMPARE(m_padClient->attemptsSent() - sent, 1);
    QVERIFY(serverWindow1().value(QLatin1String("rating")).toObject().value(QLatin1String("rated")).toBool());
    QTRY_VERIFY2_WITH_TIMEOUT(!m_keypad->prompt(), "the lamp goes off once the visitor rated", 5000);
}

void TestKeypadBridge::theSameKeyEventTwiceIsOneRequest()
{
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    const qint64 sent = m_padClient->attemptsSent();
    const int submits = m_bridge->submitsSent();
    const auto press = m_keypad->press(2, 102); // unsatisfied
    m_keypad->deliver(press);                   // again while the first is on its way
    QTRY_VERIFY_WITH_TIMEOUT(slot()->rated, 10000);
    m_keypad->deliver(press); // and once more after it was answered
    QTest::qWait(500);
    QCOMPARE(m_padClient->attemptsSent() - sent, 1);
    QCOMPARE(m_bridge->submitsSent() - submits, 1);
    QCOMPARE(ratedEvents(ticket), 1);
    QCOMPARE(QString::fromStdString(m_rated.back().rating), QStringLiteral("unsatisfied"));
    QCOMPARE(m_bridge->lastOutcome(), QStringLiteral("ok"));

    // A second, different press on the same visitor is a request of its own; the server keeps
    // the first vote.
    m_keypad->press(1, 103);
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->lastOutcome(), QStringLiteral("already_rated"), 5000);
    QCOMPARE(m_padClient->attemptsSent() - sent, 2);
    QCOMPARE(ratedEvents(ticket), 1);
}

void TestKeypadBridge::aKeyThatMapsToNothingSendsNothing()
{
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    const qint64 sent = m_padClient->attemptsSent();
    m_keypad->press(9, 104); // the two-level scale maps keys 1 and 2 only
    QTest::qWait(700);
    QCOMPARE(m_padClient->attemptsSent() - sent, 0);
    QVERIFY(!slot()->rated);
    QVERIFY(m_keypad->prompt());
    QCOMPARE(ratedEvents(ticket), 0);
    // The next press that means something still counts.
    m_keypad->press(1, 105);
    QTRY_VERIFY_WITH_TIMEOUT(slot()->rated, 10000);
    QCOMPARE(ratedEvents(ticket), 1);
}

void TestKeypadBridge::aRetriedKeyEventReusesItsRequestId()
{
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    m_hall.stop();
    const auto press = m_keypad->press(1, 106);
    const QByteArray id = m_bridge->requestIdOf(press);
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->lastOutcome(), QStringLiteral("unreachable"), 10000);
    QVERIFY(m_hall.start());
    // The keypad's link hands the press over again once it is back.
    m_keypad->deliver(press);
    QCOMPARE(m_bridge->requestIdOf(press), id);
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->lastOutcome(), QStringLiteral("ok"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && slot() && slot()->ticket == ticket && slot()->rated, 15000);
    QCOMPARE(m_bridge->requestIdOf(press), id);
    // Once only, whichever copy arrived first (the bridge also resends by itself).
    const QJsonObject w = serverWindow1();
    QCOMPARE(w.value(QLatin1String("rating")).toObject().value(QLatin1String("ticket")).toInteger(), ticket);
    QVERIFY(w.value(QLatin1String("rating")).toObject().value(QLatin1String("rated")).toBool());
}

void TestKeypadBridge::aPadKeyOfAnotherWindowSendsNothing()
{
    QString error;
    hall::bus::HallClient wrongPad(m_ctx);
    wrongPad.setServer(m_hall.requests(), m_hall.keys(QStringLiteral("pad-2")), m_hall.serverPublicKey());
    QVERIFY2(wrongPad.start(&error), qPrintable(error));
    FakeKeypad keypad;
    KeypadBridge bridge(keypad, wrongPad, *m_state, QStringLiteral("counter-1"), QJsonObject());
    QVERIFY2(bridge.start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(bridge.status(), QStringLiteral("failed"), 10000);
    QVERIFY(!bridge.ready());
    QVERIFY2(bridge.statusDetail().contains(QLatin1String("window 2")), qPrintable(bridge.statusDetail()));
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    keypad.press(1, 201);
    QTest::qWait(500);
    QCOMPARE(bridge.submitsSent(), 0);
    QVERIFY(!slot()->rated);
    QCOMPARE(ratedEvents(ticket), 0);
}

QTEST_GUILESS_MAIN(TestKeypadBridge)

#include "tst_keypadbridge.moc"
