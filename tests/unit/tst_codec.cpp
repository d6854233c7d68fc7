// Unit tests of the bus wire format (bus/codec.h) and of request ids (bus/requestid.h): what a
// terminal sends comes back the same, and every kind of bad frame is refused with a code and a
// message that names the problem.
#include "bus/codec.h"
#include "bus/requestid.h"

#include <QJsonArray>
#include <QTest>

#include <set>

using namespace hall::bus;

class TestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestRoundTrip()
    {
        const Request r{"019ac8e2-4f3a-7000-9c1d-5e2b7f00a1c4", QStringLiteral("issue"),
                        QJsonObject{{QStringLiteral("service"), QStringLiteral("NEW")}, {QStringLiteral("priority"), QStringLiteral("elderly")}}};
        const QByteArray frame = encodeRequest(r);
        QCOMPARE(frame, QByteArray(R"({"args":{"priority":"elderly","service":"NEW"},"id":"019ac8e2-4f3a-7000-9c1d-5e2b7f00a1c4","op":"issue","v":1})"));
        const DecodedRequest d = decodeRequest(frame);
        QVERIFY2(d.request, qPrintable(d.error.message));
        QCOMPARE(d.request->id, r.id);
        QCOMPARE(d.request->op, r.op);
        QCOMPARE(d.request->args, r.args);
        // No args is an empty object, not an error.
        const DecodedRequest bare = decodeRequest(R"({"v":1,"id":"a","op":"snapshot"})");
        QVERIFY(bare.request);
        QVERIFY(bare.request->args.isEmpty());
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("not json") << QByteArray("{\"v\":1,") << "bad_request" << "not valid JSON at byte" << QByteArray();
        QTest::newRow("array") << QByteArray("[1,2]") << "bad_request" << "a message is a JSON object" << QByteArray();
        QTest::newRow("no version") << QByteArray(R"({"id":"a","op":"x"})") << "bad_request" << "v: the protocol version is required" << QByteArray("a");
        QTest::newRow("version text") << QByteArray(R"({"v":"1","id":"a","op":"x"})") << "bad_request" << "v: the protocol version" << QByteArray("a");
        QTest::newRow("version 2") << QByteArray(R"({"v":2,"id":"a","op":"x"})") << "unsupported_version" << "protocol version 2; this server speaks 1" << QByteArray("a");
        QTest::newRow("unknown key") << QByteArray(R"({"v":1,"id":"a","op":"x","device":"kiosk-1"})") << "bad_request" << "device: unknown key" << QByteArray("a");
        QTest::newRow("no id") << QByteArray(R"({"v":1,"op":"x"})") << "bad_request" << "id: required" << QByteArray();
        QTest::newRow("numeric id") << QByteArray(R"({"v":1,"id":7,"op":"x"})") << "bad_request" << "id: required" << QByteArray();
        QTest::newRow("id with space") << QByteArray(R"({"v":1,"id":"a b","op":"x"})") << "bad_request" << "printable ASCII" << QByteArray();
        QTest::newRow("id non-ascii") << QByteArray(R"({"v":1,"id":"号","op":"x"})") << "bad_request" << "printable ASCII" << QByteArray();
        QTest::newRow("id too long") << ("{\"v\":1,\"op\":\"x\",\"id\":\"" + QByteArray(65, 'a') + "\"}") << "bad_request" << "1 to 64" << QByteArray();
        QTest::newRow("no op") << QByteArray(R"({"v":1,"id":"r1"})") << "bad_request" << "op: required" << QByteArray("r1");
        QTest::newRow("op object") << QByteArray(R"({"v":1,"id":"r1","op":{}})") << "bad_request" << "op: required" << QByteArray("r1");
        QTest::newRow("args array") << QByteArray(R"({"v":1,"id":"r1","op":"issue","args":[]})") << "bad_request" << "args: must be a JSON object" << QByteArray("r1");
        QByteArray big = "{\"v\":1,\"id\":\"r1\",\"op\":\"issue\",\"args\":{\"pad\":\"" + QByteArray(kMaxMessageBytes, 'x') + "\"}}";
        // (Plain literals here: moc misreads a raw string that ends in a quote.)
        QTest::newRow("too large") << big << "message_too_large" << "the limit is 65536" << QByteArray();
    }

    void badRequests()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QByteArray, id);
        const DecodedRequest d = decodeRequest(frame);
        QVERIFY(!d.request);
        QCOMPARE(d.error.code, code);
        QVERIFY2(d.error.message.contains(message), qPrintable(d.error.message));
        QCOMPARE(d.id, id);
    }

    void replyRoundTrip()
    {
        Reply ok{"r1", true, QJsonObject{{QStringLiteral("ticket"), 12}, {QStringLiteral("label"), QStringLiteral("A012")}}, {}};
        QString error;
        auto back = decodeReply(encodeReply(ok), &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(back->ok);
        QCOMPARE(back->id, QByteArray("r1"));
        QCOMPARE(back->result, ok.result);

        Reply refused{"r2", false, {}, {QStringLiteral("nobody_waiting"), QStringLiteral("nobody is waiting for window 3")}};
        const QByteArray frame = encodeReply(refused);
        QCOMPARE(frame, QByteArray(R"({"error":{"code":"nobody_waiting","message":"nobody is waiting for window 3"},"id":"r2","ok":false,"v":1})"));
        back = decodeReply(frame, &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(!back->ok);
        QCOMPARE(back->error.code, refused.error.code);
        QCOMPARE(back->error.message, refused.error.message);

        // A reply that contradicts itself is refused rather than half-read.
        QVERIFY(!decodeReply(R"({"v":1,"id":"r","ok":true,"error":{"code":"x","message":"y"}})", &error));
        QVERIFY(!decodeReply(R"({"v":1,"id":"r","ok":false})", &error));
        QVERIFY(error.contains(QStringLiteral("error {code, message}")));
        QVERIFY(!decodeReply(R"({"v":1,"id":"r","ok":"yes"})", &error));
        QVERIFY(!decodeReply(R"({"v":3,"id":"r","ok":true})", &error));
        QVERIFY2(error.contains(QStringLiteral("protocol version 3")), qPrintable(error));
    }

    void eventRoundTrip()
    {
        EventMessage e{QStringLiteral("3f9c2b7e81d04a6c9e5b0d2f7a1c8e46"), 1002125, QStringLiteral("ticket_called"), 1709510700000,
                       QJsonObject{{QStringLiteral("ticket"), 2}, {QStringLiteral("window"), 1}, {QStringLiteral("clerk"), QStringLiteral("c1")}}};
        QString error;
        const auto back = decodeEvent(encodeEvent(e), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->epoch, e.epoch);
        QCOMPARE(back->seq, e.seq);
        QCOMPARE(back->type, e.type);
        QCOMPARE(back->at, e.at);
        QCOMPARE(back->data, e.data);
        // Seqs must compare exactly: a fraction or a number past 2^53 is not a seq.
        QVERIFY(!decodeEvent(R"({"v":1,"epoch":"e","seq":1.5,"type":"x","at":0})", &error));
        QVERIFY(!decodeEvent(R"({"v":1,"epoch":"e","seq":9007199254740993e3,"type":"x","at":0})", &error));
        QVERIFY(!decodeEvent(R"({"v":1,"epoch":"e","seq":-1,"type":"x","at":0})", &error));
        QVERIFY(!decodeEvent(R"({"v":1,"epoch":"","seq":1,"type":"x","at":0})", &error));
        QVERIFY(!decodeEvent(R"({"v":1,"epoch":"e","seq":1,"type":"x","at":0,"data":5})", &error));
        QVERIFY(decodeEvent(R"({"v":1,"epoch":"e","seq":0,"type":"heartbeat","at":5})", &error));
    }

    void argReader()
    {
        const QJsonObject args{{QStringLiteral("window"), 3},
                               {QStringLiteral("service"), QStringLiteral("NEW")},
                               {QStringLiteral("expected"), 41.0},
                               {QStringLiteral("urgent"), true}};
        ArgReader a(args);
        QCOMPARE(a.integer(QStringLiteral("window"), 1, 99), 3);
        QCOMPARE(a.text(QStringLiteral("service"), 32), QStringLiteral("NEW"));
        QCOMPARE(a.optionalInteger(QStringLiteral("expected"), 1, 1LL << 40), std::optional<qint64>(41));
        QCOMPARE(a.optionalText(QStringLiteral("note"), 10), std::nullopt);
        QCOMPARE(a.boolean(QStringLiteral("urgent")), true);
        QVERIFY2(a.finish(), qPrintable(a.error()));

        const auto firstError = [](const QJsonObject &o, auto read) {
            ArgReader r(o);
            read(r);
            r.finish();
            return r.error();
        };
        QCOMPARE(firstError({{QStringLiteral("window"), 0}}, [](ArgReader &r) { r.integer(QStringLiteral("window"), 1, 99); }),
                 QStringLiteral("args.window: must be a whole number from 1 to 99"));
        QCOMPARE(firstError({{QStringLiteral("window"), 2.5}}, [](ArgReader &r) { r.integer(QStringLiteral("window"), 1, 99); }),
                 QStringLiteral("args.window: must be a whole number from 1 to 99"));
        QCOMPARE(firstError({{QStringLiteral("window"), QStringLiteral("3")}}, [](ArgReader &r) { r.integer(QStringLiteral("window"), 1, 99); }),
                 QStringLiteral("args.window: must be a whole number from 1 to 99"));
        QCOMPARE(firstError({}, [](ArgReader &r) { r.integer(QStringLiteral("window"), 1, 99); }), QStringLiteral("args.window: required"));
        QCOMPARE(firstError({{QStringLiteral("service"), QString(33, QLatin1Char('x'))}}, [](ArgReader &r) { r.text(QStringLiteral("service"), 32); }),
                 QStringLiteral("args.service: must be a text of 1 to 32 characters"));
        QCOMPARE(firstError({{QStringLiteral("service"), QString()}}, [](ArgReader &r) { r.text(QStringLiteral("service"), 32); }),
                 QStringLiteral("args.service: must be a text of 1 to 32 characters"));
        QCOMPARE(firstError({{QStringLiteral("urgent"), 1}}, [](ArgReader &r) { r.boolean(QStringLiteral("urgent")); }),
                 QStringLiteral("args.urgent: must be true or false"));
        // A misspelt optional argument is an error, not silently the default.
        QCOMPARE(firstError({{QStringLiteral("windw"), 3}}, [](ArgReader &r) { r.optionalInteger(QStringLiteral("window"), 1, 99); }),
                 QStringLiteral("args.windw: unknown argument"));
        // The first problem is the one reported.
        QCOMPARE(firstError({{QStringLiteral("window"), -1}, {QStringLiteral("service"), 5}},
                            [](ArgReader &r) {
                                r.integer(QStringLiteral("window"), 1, 99);
                                r.text(QStringLiteral("service"), 32);
                            }),
                 QStringLiteral("args.window: must be a whole number from 1 to 99"));
    }

    void requestIdsAreOrderedUuid7()
    {
        std::set<QByteArray> seen;
        QByteArray previous;
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        // Far more than one millisecond holds: the counter and its overflow into the next
        // millisecond are both exercised.
        for (int i = 0; i < 20000; ++i) {
            const QByteArray id = newRequestId();
            QVERIFY2(isUuid7(id), id.constData());
            QVERIFY2(id > previous, (previous + " then " + id).constData());
            QVERIFY(seen.insert(id).second);
            previous = id;
        }
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        const qint64 first = uuid7Milliseconds(*seen.begin());
        QVERIFY(first >= before && first <= after + 5);
        QCOMPARE(uuid7Milliseconds("019ac8e2-4f3a-7000-9c1d-5e2b7f00a1c4"), 0x019ac8e24f3aLL);

        // A burst beyond the 4,096 ids one millisecond's counter holds, then a clock stepped back
        // a second (NTP): still strictly increasing, borrowing later milliseconds.
        const qint64 now = after + 10;
        for (int i = 0; i < 5000; ++i) {
            const QByteArray id = newRequestId(now);
            QVERIFY2(id > previous, (previous + " then " + id).constData());
            previous = id;
        }
        QCOMPARE(uuid7Milliseconds(previous), now + 1);
        const QByteArray stepped = newRequestId(now - 1000);
        QVERIFY(stepped > previous);
        QCOMPARE(uuid7Milliseconds(stepped), now + 1);

        QVERIFY(!isUuid7("019ac8e2-4f3a-4000-9c1d-5e2b7f00a1c4"));  // version 4
        QVERIFY(!isUuid7("019ac8e2-4f3a-7000-cc1d-5e2b7f00a1c4"));  // wrong variant
        QVERIFY(!isUuid7("019AC8E2-4F3A-7000-9C1D-5E2B7F00A1C4"));  // upper case is not canonical
        QVERIFY(!isUuid7("019ac8e24f3a70009c1d5e2b7f00a1c4"));      // no dashes
        QCOMPARE(uuid7Milliseconds("not-an-id"), 0);
    }
};

QTEST_APPLESS_MAIN(TestCodec)
#include "tst_codec.moc"
