// CURVE + ZAP over TCP on 127.0.0.1: a registered key is admitted and the server learns the
// device id from the ZAP User-Id; unknown keys, revoked keys and plaintext peers get nothing
// through.
#include "bus/zaphandler.h"

#include <QSignalSpy>
#include <QTest>

#include <map>

using namespace hall::bus;

class TestZap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyRegisteredKeysGetThrough()
    {
        zmq::context_t ctx;
        QString error;
        const auto serverKeys = generateKeyPair(&error);
        const auto kioskKeys = generateKeyPair(&error);
        const auto strangerKeys = generateKeyPair(&error);
        QVERIFY(serverKeys && kioskKeys && strangerKeys);

        std::map<QByteArray, QByteArray> registry{{kioskKeys->publicKey, "kiosk-1"}};
        ZapHandler zap(ctx, [&](const QByteArray &key) -> std::optional<QByteArray> {
            const auto it = registry.find(key);
            return it == registry.end() ? std::nullopt : std::optional<QByteArray>(it->second);
        });
        QVERIFY2(zap.start(&error), qPrintable(error));

        ZmqSocket router(ctx, zmq::socket_type::router);
        QVERIFY2(router.makeCurveServer(*serverKeys, &error), qPrintable(error));
        QVERIFY2(router.bind("tcp://127.0.0.1:*", &error), qPrintable(error));
        QList<QByteArray> senders; // who the server believes sent each message
        connect(&router, &ZmqSocket::received, &router, [&](const QList<QByteArray> &frames, const QByteArray &userId) {
            senders += userId;
            router.send({frames[0], "hello " + userId});
        });

        // A registered kiosk, which also claims in its message to be someone else: the id comes
        // from ZAP, not from what the peer says.
        ZmqSocket kiosk(ctx, zmq::socket_type::dealer);
        QVERIFY2(kiosk.makeCurveClient(*kioskKeys, serverKeys->publicKey, &error), qPrintable(error));
        QVERIFY2(kiosk.connectTo(router.lastEndpoint(), &error), qPrintable(error));
        QList<QByteArray> kioskReplies;
        connect(&kiosk, &ZmqSocket::received, &kiosk, [&](const QList<QByteArray> &frames) { kioskReplies += frames.last(); });
        QVERIFY(kiosk.send({"I am admin-1"}));
        QTRY_COMPARE_WITH_TIMEOUT(kioskReplies.size(), 1, 5000);
        QCOMPARE(kioskReplies.first(), QByteArray("hello kiosk-1"));
        QCOMPARE(senders, QList<QByteArray>{"kiosk-1"});

        // An unknown key: 0 of 5 requests served.
        ZmqSocket stranger(ctx, zmq::socket_type::dealer);
        QVERIFY(stranger.makeCurveClient(*strangerKeys, serverKeys->publicKey, &error));
        QVERIFY(stranger.connectTo(router.lastEndpoint(), &error));
        for (int i = 0; i < 5; ++i)
            stranger.send({"let me in"});
        // A plaintext peer: no handshake can succeed with a CURVE server.
        zmq::socket_t plain(ctx, zmq::socket_type::dealer);
        plain.set(zmq::sockopt::linger, 0);
        plain.connect(router.lastEndpoint().toStdString());
        plain.send(zmq::str_buffer("plaintext"), zmq::send_flags::dontwait);

        QTRY_VERIFY_WITH_TIMEOUT(zap.refused() >= 1, 5000);
        QTest::qWait(500);
        QCOMPARE(senders, QList<QByteArray>{"kiosk-1"});
        QCOMPARE(zap.admitted(), 1);

        // Revoked: the next connection with that key is refused.
        registry.clear();
        const qint64 refusedBefore = zap.refused();
        ZmqSocket revoked(ctx, zmq::socket_type::dealer);
        QVERIFY(revoked.makeCurveClient(*kioskKeys, serverKeys->publicKey, &error));
        QVERIFY(revoked.connectTo(router.lastEndpoint(), &error));
        revoked.send({"still me"});
        QTRY_VERIFY_WITH_TIMEOUT(zap.refused() > refusedBefore, 5000);
        QTest::qWait(300);
        QCOMPARE(senders, QList<QByteArray>{"kiosk-1"});
    }

    void malformedKeysAreRefusedUpFront()
    {
        zmq::context_t ctx;
        ZmqSocket s(ctx, zmq::socket_type::router);
        QString error;
        QVERIFY(!s.makeCurveServer(KeyPair{"x", "y"}, &error));
        QVERIFY(error.contains(QStringLiteral("malformed")));
        const auto k = generateKeyPair(&error);
        QVERIFY(k);
        QVERIFY(!s.makeCurveClient(*k, "not-a-key", &error));
        QVERIFY(error.contains(QStringLiteral("server's public key")));
    }
};

QTEST_GUILESS_MAIN(TestZap)
#include "tst_zap.moc"
