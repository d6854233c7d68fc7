// The whole chain of a hardware vote, every part real: the FAKE keypad (hall-fakekeypad) on one
// end of a socat pty pair, Rs485Keypad on the other, the counter's KeypadBridge with window 1's
// pad key, and hall-server on 127.0.0.1. The line is made bad on purpose (CRC errors, noise,
// lost acknowledgements); the server must record exactly one rating for the visitor.
#include "hallfixture.h"
#include "fakekeypadprocess.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "counter/keypadbridge.h"
#include "drivers/keypad/rs485/rs485keypad.h"

#include <QtTest>

#include <sqlite3.h>

#include <memory>

using hall::counter::KeypadBridge;

namespace {
int ratingsOf(const QString &db, qint64 ticket)
{
    sqlite3 *h = nullptr;
    if (sqlite3_open_v2(db.toUtf8().constData(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st = nullptr;
    int n = -1;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM ratings WHERE ticket = ?1", -1, &st, nullptr) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, ticket);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}
} // namespace

class TestKeypadChain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void aBadLineStillGivesExactlyOneRating();
    void aSecondPressIsRefusedByTheServer();

private:
    qint64 serveOne();
    int ratedEvents(qint64 ticket) const;

    zmq::context_t m_ctx{1};
    hallfixture::Hall m_hall;
    QTemporaryDir m_dir;
    std::unique_ptr<SocatPair> m_socat;
    std::unique_ptr<FakeKeypadProcess> m_fake;
    std::unique_ptr<hallfixture::Client> m_kiosk, m_clerk;
    std::unique_ptr<hall::bus::HallClient> m_counterClient, m_padClient;
    std::unique_ptr<hall::bus::HallState> m_state;
    std::unique_ptr<hall::keypad::Rs485Keypad> m_keypad;
    std::unique_ptr<KeypadBridge> m_bridge;
    std::vector<hall::engine::Event> m_rated;
};

void TestKeypadChain::initTestCase()
{
    QVERIFY(m_hall.ok() && m_dir.isValid());
    QVERIFY(m_hall.addDevices({{QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                               {QStringLiteral("pad-1"), QStringLiteral("pad"), 1},
                               {QStringLiteral("kiosk-1"), QStringLiteral("kiosk")}}));
    QVERIFY(m_hall.start());
    m_kiosk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("kiosk-1")), m_hall.serverPublicKey(), m_hall.requests());
    m_clerk = std::make_unique<hallfixture::Client>(m_ctx, m_hall.keys(QStringLiteral("counter-1")), m_hall.serverPublicKey(), m_hall.requests());
    const QJsonObject signIn = m_clerk->call(QStringLiteral("clerk.signIn"), {{QStringLiteral("badge"), QStringLiteral("371726")}, {QStringLiteral("pin"), hallfixture::kPin}});
    QVERIFY2(signIn.value(QLatin1String("ok")).toBool(), qPrintable(hallfixture::errorCode(signIn)));

    QString error;
    m_socat = std::make_unique<SocatPair>();
    QVERIFY2(m_socat->start(m_dir.path(), &error), qPrintable(error));
    m_fake = std::make_unique<FakeKeypadProcess>();
    QVERIFY2(m_fake->start({QStringLiteral("--serial"), m_socat->b(), QStringLiteral("--first-id"), QStringLiteral("700")}, &error), qPrintable(error));

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
    QVERIFY2(m_padClient->start(&error), qPrintable(error));

    hall::keypad::Rs485KeypadConfig c;
    c.transport.kind = hall::drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = m_socat->a();
    c.transport.baud = 9600;
    c.addresses = {1};
    c.answerTimeoutMs = 400; // a loaded test machine must not turn a slow answer into a miss
    m_keypad = std::make_unique<hall::keypad::Rs485Keypad>(c);
    m_bridge = std::make_unique<KeypadBridge>(*m_keypad, *m_padClient, *m_state, QStringLiteral("counter-1"), QJsonObject());
    QVERIFY2(m_bridge->start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_bridge->ready(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_keypad->statusCode(), QStringLiteral("ok"), 10000);
}

void TestKeypadChain::cleanupTestCase()
{
    m_bridge.reset();
    m_keypad.reset();
    m_fake.reset();
    m_socat.reset();
    m_padClient.reset();
    m_state.reset();
    m_counterClient.reset();
    m_hall.stop();
}

qint64 TestKeypadChain::serveOne()
{
    const int lampsBefore = m_fake->count(QStringLiteral("prompt 1 on"));
    const qint64 ticket = hallfixture::result(m_kiosk->call(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), QStringLiteral("NEW")}}))
                              .value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger();
    if (!ticket || !m_clerk->call(QStringLiteral("window.callNext")).value(QLatin1String("ok")).toBool()
        || !m_clerk->call(QStringLiteral("window.finish"), {{QStringLiteral("ticket"), ticket}}).value(QLatin1String("ok")).toBool())
        return 0;
    // The slot is open on the mirror, and the keypad's lamp says so on the wire.
    if (!QTest::qWaitFor([&] { return m_bridge->prompt(); }, 10000))
        return 0;
    if (!m_fake->waitLine(QStringLiteral("prompt 1 on"), lampsBefore + 1, 10000))
        return 0;
    return ticket;
}

int TestKeypadChain::ratedEvents(qint64 ticket) const
{
    return int(std::count_if(m_rated.begin(), m_rated.end(), [ticket](const hall::engine::Event &e) { return e.ticket == ticket; }));
}

void TestKeypadChain::aBadLineStillGivesExactlyOneRating()
{
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    // Three answers with a bad CRC, noise before the next one, and three acknowledgements lost:
    // the keypad repeats its event until one gets through.
    QVERIFY(m_fake->ask(QStringLiteral("corrupt 3"), QStringLiteral("corrupt 3")));
    QVERIFY(m_fake->ask(QStringLiteral("drop-acks 3"), QStringLiteral("drop-acks 3")));
    m_fake->command(QStringLiteral("garbage"));
    m_fake->command(QStringLiteral("press 1"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 700"), 1, 20000));
    QCOMPARE(m_fake->count(QStringLiteral("ack dropped 1 700")), 3);
    QVERIFY(m_fake->events().sent >= 4);
    QTRY_COMPARE_WITH_TIMEOUT(ratedEvents(ticket), 1, 10000);
    QCOMPARE(m_rated.back().rating, std::string("satisfied"));
    QCOMPARE(m_rated.back().device, std::string("pad-1"));
    QCOMPARE(m_rated.back().clerk, std::string("c01"));
    // Well after: the lamp went out, the host went on polling, and still one rating, one request.
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 1 off"), 1, 10000));
    QVERIFY(m_fake->waitRequests(10));
    QCOMPARE(ratedEvents(ticket), 1);
    QCOMPARE(ratingsOf(m_hall.db(), ticket), 1);
    QCOMPARE(m_bridge->submitsSent(), 1);
}

void TestKeypadChain::aSecondPressIsRefusedByTheServer()
{
    const qint64 ticket = serveOne();
    QVERIFY(ticket);
    QSignalSpy answers(m_bridge.get(), &KeypadBridge::voteAnswered);
    m_fake->command(QStringLiteral("press 2"));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 15000);
    QCOMPARE(answers.at(0).at(1).toString(), QStringLiteral("ok"));
    // A visitor pressing again (or the other key) is one more press, and the server says no.
    m_fake->command(QStringLiteral("press 1"));
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 15000);
    QCOMPARE(answers.at(1).at(1).toString(), QStringLiteral("already_rated"));
    QCOMPARE(ratingsOf(m_hall.db(), ticket), 1);
    QCOMPARE(m_rated.back().rating, std::string("unsatisfied"));
}

QTEST_GUILESS_MAIN(TestKeypadChain)
#include "tst_keypadchain.moc"
