// The board's settings file: the example parses to what it says, and every mistake an installer
// can make is refused with the key named, so a board never runs on a silently ignored setting.
#include "board/boardconfig.h"

#include <QTest>

using hall::board::BoardConfig;
using hall::board::parseBoardConfig;

namespace {

const QByteArray kHead = R"({"device": "board-1", "keyFile": "board-1.key",
  "server": {"requests": "tcp://127.0.0.1:5570", "events": "tcp://127.0.0.1:5571", "publicKeyFile": "server.key.pub"})";

QByteArray with(const QByteArray &more)
{
    return kHead + (more.isEmpty() ? QByteArray() : ", " + more) + "}";
}

} // namespace

class TestBoardConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exampleFile()
    {
        const auto r = hall::board::loadBoardConfig(QStringLiteral(HALL_SOURCE_DIR "/config/board-1.json"));
        QVERIFY2(r.config, qPrintable(r.error));
        const BoardConfig &c = *r.config;
        QCOMPARE(c.deviceId, QStringLiteral("board-1"));
        QVERIFY(c.keyFile.endsWith(QStringLiteral("config/board-1.key")));
        QCOMPARE(c.slogans.size(), 5);
        QCOMPARE(c.slogans.at(1), QStringLiteral("严禁农用车违法载人"));
        QCOMPARE(c.recentCalls, 8);
        QCOMPARE(c.idleAfterSeconds, 90);
        QVERIFY(c.voice.enabled);
        QCOMPARE(c.voice.volume, 0.8);
        QCOMPARE(c.voice.repeats, 2);
        QCOMPARE(c.manager.waitNormMinutes, 30);
        QCOMPARE(c.manager.idleGraceSeconds, 120);
    }

    void defaults()
    {
        const auto r = parseBoardConfig(with({}), QStringLiteral("b.json"), QStringLiteral("/etc/hall"));
        QVERIFY2(r.config, qPrintable(r.error));
        QCOMPARE(r.config->slogans, BoardConfig::defaultSlogans());
        QCOMPARE(r.config->voice.repeats, 2);
        QVERIFY(!r.config->voice.english);
        QVERIFY(r.config->manager.waitNormByService.empty());
    }

    void ownSettings()
    {
        const auto r = parseBoardConfig(with(R"("slogans": ["一盔一带"], "recentCalls": 6, "idleAfterSeconds": 30,
            "voice": {"enabled": false, "volumePercent": 55, "repeats": 3, "english": true},
            "manager": {"waitNormMinutes": 20, "waitNormByService": {"ACCIDENT": 60}, "idleGraceSeconds": 0, "reportRefreshSeconds": 15})"),
                                        QStringLiteral("b.json"), QStringLiteral("/etc/hall"));
        QVERIFY2(r.config, qPrintable(r.error));
        const BoardConfig &c = *r.config;
        QCOMPARE(c.slogans, QStringList{QStringLiteral("一盔一带")});
        QCOMPARE(c.recentCalls, 6);
        QCOMPARE(c.idleAfterSeconds, 30);
        QVERIFY(!c.voice.enabled);
        QCOMPARE(c.voice.volume, 0.55);
        QCOMPARE(c.voice.repeats, 3);
        QVERIFY(c.voice.english);
        QCOMPARE(c.manager.waitNormMinutes, 20);
        QCOMPARE(c.manager.waitNormByService.at(QStringLiteral("ACCIDENT")), 60);
        QCOMPARE(c.manager.idleGraceSeconds, 0);
        QCOMPARE(c.manager.reportRefreshSeconds, 15);
    }

    void mistakes_data()
    {
        QTest::addColumn<QByteArray>("more");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown key") << QByteArray(R"("slogan": ["x"])") << QStringLiteral("b.json: slogan:");
        QTest::newRow("slogans not a list") << QByteArray(R"("slogans": "x")") << QStringLiteral("b.json: slogans: must be a list of 1 to 20 texts");
        QTest::newRow("no slogans") << QByteArray(R"("slogans": [])") << QStringLiteral("b.json: slogans: must be a list of 1 to 20 texts");
        QTest::newRow("blank slogan") << QByteArray(R"("slogans": ["ok", "  "])") << QStringLiteral("b.json: slogans[1]: must be a text of 1 to 60 characters");
        QTest::newRow("slogan too long") << QByteArray(R"("slogans": [")" + QByteArray(61, 'x') + R"("])")
                                         << QStringLiteral("b.json: slogans[0]: must be a text of 1 to 60 characters");
        QTest::newRow("slogan a number") << QByteArray(R"("slogans": [7])") << QStringLiteral("b.json: slogans[0]:");
        QTest::newRow("recent calls 0") << QByteArray(R"("recentCalls": 0)") << QStringLiteral("b.json: recentCalls: must be a whole number from 1 to 12");
        QTest::newRow("idle too soon") << QByteArray(R"("idleAfterSeconds": 5)") << QStringLiteral("b.json: idleAfterSeconds:");
        QTest::newRow("voice not object") << QByteArray(R"("voice": true)") << QStringLiteral("b.json: voice: must be an object");
        QTest::newRow("voice unknown key") << QByteArray(R"("voice": {"volume": 50})") << QStringLiteral("b.json: voice.volume:");
        QTest::newRow("enabled a string") << QByteArray(R"("voice": {"enabled": "yes"})") << QStringLiteral("b.json: voice.enabled: must be true or false");
        QTest::newRow("volume 101") << QByteArray(R"("voice": {"volumePercent": 101})") << QStringLiteral("b.json: voice.volumePercent: must be a whole number from 0 to 100");
        QTest::newRow("repeats 4") << QByteArray(R"("voice": {"repeats": 4})") << QStringLiteral("b.json: voice.repeats:");
        QTest::newRow("norm 0") << QByteArray(R"("manager": {"waitNormMinutes": 0})") << QStringLiteral("b.json: manager.waitNormMinutes:");
        QTest::newRow("norms not object") << QByteArray(R"("manager": {"waitNormByService": 30})") << QStringLiteral("b.json: manager.waitNormByService: must be an object");
        QTest::newRow("service norm text") << QByteArray(R"("manager": {"waitNormByService": {"NEW": "30"}})")
                                           << QStringLiteral("b.json: manager.waitNormByService.NEW:");
        QTest::newRow("refresh 1 s") << QByteArray(R"("manager": {"reportRefreshSeconds": 1})") << QStringLiteral("b.json: manager.reportRefreshSeconds:");
    }

    void mistakes()
    {
        QFETCH(QByteArray, more);
        QFETCH(QString, error);
        const auto r = parseBoardConfig(with(more), QStringLiteral("b.json"), QStringLiteral("/etc/hall"));
        QVERIFY2(!r.config, "a mistake must stop the board");
        QVERIFY2(r.error.startsWith(error), qPrintable(r.error));
    }

    void notJson()
    {
        const auto r = parseBoardConfig("{\"device\": ", QStringLiteral("b.json"), QStringLiteral("/etc/hall"));
        QVERIFY(!r.config);
        QVERIFY2(r.error.startsWith(QStringLiteral("b.json: ")), qPrintable(r.error));
        const auto missing = hall::board::loadBoardConfig(QStringLiteral("/nonexistent/board.json"));
        QVERIFY(!missing.config);
        QVERIFY2(missing.error.contains(QStringLiteral("cannot read")), qPrintable(missing.error));
    }
};

QTEST_GUILESS_MAIN(TestBoardConfig)
#include "tst_board_config.moc"
