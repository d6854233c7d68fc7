// ZeroMQ sockets on the Qt event loop, over real TCP on 127.0.0.1: bursts are drained completely
// (ZMQ_FD is edge-triggered), a reply sent from inside the receive handler still flows, and an
// oversized frame is cut off by ZeroMQ without reaching the application.
#include "bus/codec.h"
#include "bus/zmqsocket.h"

#include <QSignalSpy>
#include <QTest>

using namespace hall::bus;

class TestZmqSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestReplyBurst()
    {
        zmq::context_t ctx;
        ZmqSocket router(ctx, zmq::socket_type::router);
        QString error;
        QVERIFY2(router.bind("tcp://127.0.0.1:*", &error), qPrintable(error));
        QVERIFY(router.lastEndpoint().startsWith("tcp://127.0.0.1:"));
        // The server side answers from inside its receive handler, as hall-server will.
        int served = 0;
        connect(&router, &ZmqSocket::received, &router, [&](const QList<QByteArray> &frames) {
            QCOMPARE(frames.size(), 2); // identity, payload
            ++served;
            router.send({frames[0], "re:" + frames[1]});
        });

        ZmqSocket dealer(ctx, zmq::socket_type::dealer);
        QVERIFY2(dealer.connectTo(router.lastEndpoint(), &error), qPrintable(error));
        QList<QByteArray> replies;
        connect(&dealer, &ZmqSocket::received, &dealer, [&](const QList<QByteArray> &frames) { replies += frames; });

        // A burst larger than any single wake-up: everything queued before the loop runs. Below
        // ZeroMQ's default high-water mark of 1,000, so no send may be refused.
        constexpr int kBurst = 900;
        for (int i = 0; i < kBurst; ++i)
            QVERIFY(dealer.send({QByteArray::number(i)}));
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), kBurst, 10000);
        QCOMPARE(served, kBurst);
        for (int i = 0; i < kBurst; ++i)
            QCOMPARE(replies[i], "re:" + QByteArray::number(i)); // in order, none lost or doubled

        // Quiet, then one more: the notifier is still armed after the drains.
        QTest::qWait(50);
        QVERIFY(dealer.send({"last"}));
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), kBurst + 1, 5000);
        QCOMPARE(replies.last(), QByteArray("re:last"));
    }

    void oversizedFrameNeverArrives()
    {
        zmq::context_t ctx;
        ZmqSocket router(ctx, zmq::socket_type::router);
        QString error;
        QVERIFY2(router.bind("tcp://127.0.0.1:*", &error), qPrintable(error));
        QList<QByteArray> got;
        connect(&router, &ZmqSocket::received, &router, [&](const QList<QByteArray> &frames) { got += frames.last(); });

        // A plain cppzmq DEALER, so nothing on the sending side limits the size.
        zmq::socket_t rogue(ctx, zmq::socket_type::dealer);
        rogue.set(zmq::sockopt::linger, 0);
        rogue.connect(router.lastEndpoint().toStdString());
        const std::string huge(std::size_t(kMaxMessageBytes) * 2, 'x');
        rogue.send(zmq::buffer(huge), zmq::send_flags::none);

        ZmqSocket honest(ctx, zmq::socket_type::dealer);
        QVERIFY2(honest.connectTo(router.lastEndpoint(), &error), qPrintable(error));
        QVERIFY(honest.send({"small"}));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QTest::qWait(200);
        QCOMPARE(got, QList<QByteArray>{"small"});
    }

    void badEndpointIsAClearError()
    {
        zmq::context_t ctx;
        ZmqSocket s(ctx, zmq::socket_type::router);
        QString error;
        QVERIFY(!s.bind("tcp://no-such-host.invalid:5570", &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot bind tcp://no-such-host.invalid:5570: ")), qPrintable(error));
        QVERIFY(!s.connectTo("nonsense", &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot connect to nonsense: ")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestZmqSocket)
#include "tst_zmqsocket.moc"
