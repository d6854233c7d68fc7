// HallClient, Lazy Pirate over a CURVE DEALER on 127.0.0.1: replies matched by id, retries on a
// fresh socket with the same id, `unreachable` after the last attempt, back online when the
// server returns, and no callback for a caller that has gone away.
#include "bus/hallclient.h"
#include "bus/requestid.h"
#include "bus/zaphandler.h"
#include "bus/zmqsocket.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace hall::bus;

namespace {

// NOT hall-server: a ROUTER that echoes each request, with failure injection. It drops the first
// copies of every request id, or holds replies until the test releases them in its own order.
class FakeRequestServer : public QObject
{
public:
    FakeRequestServer(zmq::context_t &ctx, const KeyPair &keys) : m_router(ctx, zmq::socket_type::router)
    {
        QString error;
        m_ok = m_router.makeCurveServer(keys, &error);
        connect(&m_router, &ZmqSocket::received, this, [this](const QList<QByteArray> &frames) { onRequest(frames); });
    }

    bool bind(const QByteArray &endpoint)
    {
        QString error;
        return m_ok && m_router.bind(endpoint, &error);
    }
    QByteArray endpoint() const { return m_router.lastEndpoint(); }

    // Sends what the client would get for the held request with this id.
    void release(const QByteArray &id)
    {
        for (qsizetype i = 0; i < held.size(); ++i) {
            if (held[i].second.id == id) {
                const auto [identity, request] = held.takeAt(i);
                answer(identity, request);
                return;
            }
        }
        QFAIL("no such held request");
    }
    // A reply to a request the client never made (or finished long ago).
    void sendStray(const QByteArray &identity)
    {
        m_router.send({identity, encodeReply(Reply{"0190a0a0-0000-7000-8000-000000000000", true, {{"stray", true}}, {}})});
    }

    int dropFirstCopies = 0; // of every request id
    bool hold = false;
    QHash<QByteArray, int> copies; // request id -> copies received
    QList<QByteArray> received;    // ids in arrival order
    QList<std::pair<QByteArray, Request>> held;
    QByteArray lastIdentity;
    QByteArrayList identities; // the ROUTER's name for the connection each copy came on

private:
    void onRequest(const QList<QByteArray> &frames)
    {
        QVERIFY(frames.size() == 2);
        const DecodedRequest d = decodeRequest(frames[1]);
        QVERIFY2(d.request, qPrintable(d.error.message));
        lastIdentity = frames[0];
        identities += frames[0];
        received += d.request->id;
        if (++copies[d.request->id] <= dropFirstCopies)
            return;
        if (hold)
            held.append({frames[0], *d.request});
        else
            answer(frames[0], *d.request);
    }
    void answer(const QByteArray &identity, const Request &r)
    {
        const QJsonObject result{{"op", r.op}, {"args", r.args}, {"copy", copies.value(r.id)}};
        m_router.send({identity, encodeReply(Reply{r.id, true, result, {}})});
    }

    ZmqSocket m_router;
    bool m_ok = false;
};

struct Keys {
    KeyPair server;
    KeyPair terminal;
};

} // namespace

class TestHallClient : public QObject
{
    Q_OBJECT

private:
    // Per test: a context with a ZAP handler that knows the terminal's key, as hall-server's will.
    std::unique_ptr<zmq::context_t> m_ctx;
    std::unique_ptr<ZapHandler> m_zap;
    Keys m_keys;

    std::unique_ptr<FakeRequestServer> serverOn(const QByteArray &endpoint)
    {
        auto s = std::make_unique<FakeRequestServer>(*m_ctx, m_keys.server);
        return s->bind(endpoint) ? std::move(s) : nullptr;
    }
    std::unique_ptr<HallClient> clientOf(const QByteArray &endpoint, int timeoutMs, int attempts)
    {
        auto c = std::make_unique<HallClient>(*m_ctx);
        c->setServer(endpoint, m_keys.terminal, m_keys.server.publicKey);
        c->setRetryPolicy(timeoutMs, attempts);
        QString error;
        if (!c->start(&error))
            qWarning("%s", qPrintable(error));
        return c;
    }

private Q_SLOTS:
    void init()
    {
        m_ctx = std::make_unique<zmq::context_t>();
        QString error;
        const auto server = generateKeyPair(&error);
        const auto terminal = generateKeyPair(&error);
        QVERIFY(server && terminal);
        m_keys = {*server, *terminal};
        const QByteArray terminalKey = terminal->publicKey;
        m_zap = std::make_unique<ZapHandler>(*m_ctx, [terminalKey](const QByteArray &key) -> std::optional<QByteArray> {
            return key == terminalKey ? std::optional<QByteArray>("kiosk-1") : std::nullopt;
        });
        QVERIFY2(m_zap->start(&error), qPrintable(error));
    }

    void cleanup()
    {
        m_zap.reset();
        m_ctx.reset();
    }

    void replyArrives()
    {
        auto server = serverOn("tcp://127.0.0.1:*");
        QVERIFY(server);
        auto client = clientOf(server->endpoint(), 500, 3);
        QSignalSpy online(client.get(), &HallClient::onlineChanged);
        QVERIFY(!client->online());

        QList<Reply> replies;
        const QByteArray id = client->request("ping", {{"n", 7}}, this, [&](const Reply &r) { replies += r; });
        QVERIFY(isUuid7(id));
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000);
        QVERIFY(replies[0].ok);
        QCOMPARE(replies[0].id, id);
        QCOMPARE(replies[0].result.value("op").toString(), QStringLiteral("ping"));
        QCOMPARE(replies[0].result.value("args").toObject().value("n").toInt(), 7);
        QVERIFY(client->online());
        QCOMPARE(online.size(), 1);
        QCOMPARE(online[0][0].toBool(), true);
        QCOMPARE(client->attemptsSent(), 1);
        QCOMPARE(client->socketResets(), 0);
        QCOMPARE(client->pending(), 0);

        // Well past the attempt's deadline: no retry, no second call.
        QTest::qWait(800);
        QCOMPARE(replies.size(), 1);
        QCOMPARE(server->received, QList<QByteArray>{id});
        QCOMPARE(client->attemptsSent(), 1);
    }

    void droppedCopiesAreRetriedWithTheSameId()
    {
        auto server = serverOn("tcp://127.0.0.1:*");
        QVERIFY(server);
        server->dropFirstCopies = 2;
        auto client = clientOf(server->endpoint(), 300, 4);

        QList<Reply> replies;
        const QByteArray id = client->request("issue", {{"service", "NEW"}}, this, [&](const Reply &r) { replies += r; });
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000);
        QVERIFY(replies[0].ok);
        QCOMPARE(replies[0].id, id);
        QCOMPARE(replies[0].result.value("copy").toInt(), 3); // the third copy was answered
        QCOMPARE(server->received, (QList<QByteArray>{id, id, id}));
        QCOMPARE(client->socketResets(), 2);
        // Each retry came over a new connection: the socket really was replaced.
        QCOMPARE(QSet<QByteArray>(server->identities.begin(), server->identities.end()).size(), 3);
        QCOMPARE(client->attemptsSent(), 3);
        QVERIFY(client->online());

        QTest::qWait(700); // two more deadlines' worth: nothing else happens
        QCOMPARE(replies.size(), 1);
        QCOMPARE(server->received.size(), 3);
        QCOMPARE(client->socketResets(), 2);
    }

    void unreachableThenBackOnline()
    {
        auto server = serverOn("tcp://127.0.0.1:*");
        QVERIFY(server);
        const QByteArray endpoint = server->endpoint();
        auto client = clientOf(endpoint, 250, 3);
        QSignalSpy online(client.get(), &HallClient::onlineChanged);

        int first = 0;
        client->request("ping", {}, this, [&](const Reply &r) { first += r.ok; });
        QTRY_COMPARE_WITH_TIMEOUT(first, 1, 5000);
        QVERIFY(client->online());

        server.reset(); // the server goes away
        const qint64 resetsBefore = client->socketResets();
        const qint64 attemptsBefore = client->attemptsSent();
        QList<Reply> replies;
        QElapsedTimer clock;
        clock.start();
        const QByteArray id = client->request("issue", {{"service", "NEW"}}, this, [&](const Reply &r) { replies += r; });
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000);
        QVERIFY(clock.elapsed() >= 3 * 250 - 50); // every attempt waited for
        QVERIFY(!replies[0].ok);
        QCOMPARE(replies[0].id, id);
        QCOMPARE(replies[0].error.code, QStringLiteral("unreachable"));
        QCOMPARE(replies[0].error.message, QStringLiteral("no reply from %1 after 3 attempts").arg(QString::fromLatin1(endpoint)));
        QCOMPARE(client->attemptsSent() - attemptsBefore, 3);
        QCOMPARE(client->socketResets() - resetsBefore, 2);
        QVERIFY(!client->online());
        QCOMPARE(online.size(), 2);
        QCOMPARE(online[1][0].toBool(), false);
        QCOMPARE(client->pending(), 0);

        // The server returns on the same endpoint (ZeroMQ frees the port asynchronously). The
        // caller retries its operation with the same id, as hallctl does, so the server could
        // tell it is the same request.
        // QTRY evaluates its condition more than once: keep the first server that binds.
        QTRY_VERIFY_WITH_TIMEOUT(server || (server = serverOn(endpoint)), 5000);
        QList<Reply> retried;
        QCOMPARE(client->request(id, "issue", {{"service", "NEW"}}, this, [&](const Reply &r) { retried += r; }), id);
        QTRY_COMPARE_WITH_TIMEOUT(retried.size(), 1, 5000);
        QVERIFY(retried[0].ok);
        QCOMPARE(retried[0].id, id);
        QCOMPARE(server->received.first(), id);
        QVERIFY(client->online());
        QCOMPARE(online.size(), 3);
        QCOMPARE(online[2][0].toBool(), true);
        QCOMPARE(replies.size(), 1); // the failed request stays failed
    }

    void outstandingRequestsAreMatchedById()
    {
        auto server = serverOn("tcp://127.0.0.1:*");
        QVERIFY(server);
        server->hold = true;
        auto client = clientOf(server->endpoint(), 3000, 2);

        QList<std::pair<QByteArray, Reply>> done; // (the id request() returned, the reply given)
        QByteArrayList ids;
        for (int n : {1, 2, 3}) {
            auto slot = std::make_shared<QByteArray>();
            *slot = client->request("ping", {{"n", n}}, this, [&done, slot](const Reply &r) { done.append({*slot, r}); });
            ids += *slot;
        }
        QCOMPARE(client->pending(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(server->held.size(), 3, 5000);

        // A reply nobody asked for is ignored, then the three come back out of order.
        server->sendStray(server->lastIdentity);
        for (int i : {2, 0, 1})
            server->release(ids[i]);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 3, 5000);
        const int order[] = {2, 0, 1};
        for (int k = 0; k < 3; ++k) {
            const auto &[id, reply] = done[k];
            QCOMPARE(id, ids[order[k]]);
            QCOMPARE(reply.id, id);
            QCOMPARE(reply.result.value("args").toObject().value("n").toInt(), order[k] + 1);
        }
        QCOMPARE(client->pending(), 0);
        QCOMPARE(client->attemptsSent(), 3);

        // An explicit id that is still pending is refused; the first request is unaffected.
        QList<Reply> a, b;
        const QByteArray id = newRequestId();
        client->request(id, "ping", {{"n", 10}}, this, [&](const Reply &r) { a += r; });
        client->request(id, "ping", {{"n", 11}}, this, [&](const Reply &r) { b += r; });
        QTRY_COMPARE_WITH_TIMEOUT(b.size(), 1, 5000);
        QCOMPARE(b[0].error.code, QStringLiteral("duplicate_request"));
        QTRY_COMPARE_WITH_TIMEOUT(server->held.size(), 1, 5000);
        server->release(id);
        QTRY_COMPARE_WITH_TIMEOUT(a.size(), 1, 5000);
        QCOMPARE(a[0].result.value("args").toObject().value("n").toInt(), 10);
        QCOMPARE(server->copies.value(id), 1);
    }

    void noCallbackAfterTheContextIsGone()
    {
        auto server = serverOn("tcp://127.0.0.1:*");
        QVERIFY(server);
        server->hold = true;
        auto client = clientOf(server->endpoint(), 3000, 2);

        auto *screen = new QObject;
        int screenCalls = 0, controlCalls = 0;
        const QByteArray gone = client->request("ping", {}, screen, [&](const Reply &) { ++screenCalls; });
        const QByteArray kept = client->request("ping", {}, this, [&](const Reply &) { ++controlCalls; });
        QTRY_COMPARE_WITH_TIMEOUT(server->held.size(), 2, 5000);
        delete screen;
        server->release(gone);
        server->release(kept);
        QTRY_COMPARE_WITH_TIMEOUT(controlCalls, 1, 5000); // both replies were delivered by now
        QTest::qWait(100);
        QCOMPARE(screenCalls, 0);
        QCOMPARE(client->pending(), 0);

        // Gone before any reply and before the deadline: neither called nor sent again.
        server->hold = false;
        server->dropFirstCopies = 1;
        auto quick = clientOf(server->endpoint(), 300, 3);
        auto *page = new QObject;
        const QByteArray abandoned = quick->request("ping", {}, page, [&](const Reply &) { ++screenCalls; });
        QTRY_COMPARE_WITH_TIMEOUT(server->copies.value(abandoned), 1, 5000);
        delete page;
        QTest::qWait(700); // past its deadline and the one after
        QCOMPARE(screenCalls, 0);
        QCOMPARE(server->copies.value(abandoned), 1);
        QCOMPARE(quick->pending(), 0);
        QCOMPARE(quick->socketResets(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHallClient)
#include "tst_hallclient.moc"
