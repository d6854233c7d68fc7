#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

// Runs the real hall-server binary: configuration errors, start-up, clean shutdown, restart.
class TestServer : public QObject
{
    Q_OBJECT

private:
    QString server() const { return QStringLiteral(HALL_SERVER_BIN); }
    QString config() const { return QStringLiteral(HALL_EXAMPLE_CONFIG); }

    static QByteArray hashOf(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
    }

    // Starts the server and waits for its "ready" line; returns the full log so far.
    QByteArray startUntilReady(QProcess &p, const QString &db)
    {
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(server(), {QStringLiteral("--config"), config(), QStringLiteral("--db"), db});
        QByteArray log;
        for (int i = 0; i < 100 && !log.contains("ready:"); ++i) {
            p.waitForReadyRead(100);
            log += p.readAll();
        }
        return log;
    }

private Q_SLOTS:
    void badConfigExitsTwoAndLeavesDatabaseUntouched_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\n \"formatVersion\": 1,,\n}") << QStringLiteral("line 2: not valid JSON");
        QTest::newRow("prefix") << QByteArray(R"({"formatVersion":1,"hall":{"id":"x","name":{"zh":"x"}},"services":[{"code":"A","prefix":"ab","name":{"zh":"a"}}],"windows":[],"clerks":[]})")
                                << QStringLiteral("services[0].prefix: must be one letter A-Z");
        QTest::newRow("unknown key") << QByteArray(R"({"formatVersion":1,"hall":{"id":"x","name":{"zh":"x"},"colour":1}})")
                                     << QStringLiteral("hall.colour: unknown key");
        QTest::newRow("plain pin") << QByteArray(R"({"formatVersion":1,"hall":{"id":"x","name":{"zh":"x"}},"services":[{"code":"A","prefix":"A","name":{"zh":"a"}}],"windows":[{"number":1,"services":["A"]}],"clerks":[{"id":"c1","name":"n","badge":"1234","pinHash":"1234"}]})")
                                   << QStringLiteral("clerks[0].pinHash: must be an argon2id hash");
        QTest::newRow("unserved service") << QByteArray(R"({"formatVersion":1,"hall":{"id":"x","name":{"zh":"x"}},"services":[{"code":"A","prefix":"A","name":{"zh":"a"}},{"code":"B","prefix":"B","name":{"zh":"b"}}],"windows":[{"number":1,"services":["A"]}],"clerks":[]})")
                                          << QStringLiteral("no window serves service \"B\"");
    }

    void badConfigExitsTwoAndLeavesDatabaseUntouched()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        {
            // An existing database from an earlier good start must stay byte for byte the same.
            QProcess p;
            QVERIFY(startUntilReady(p, db).contains("ready:"));
            p.terminate();
            QVERIFY(p.waitForFinished(5000));
        }
        const QByteArray before = hashOf(db);
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        QProcess p;
        p.start(server(), {QStringLiteral("--config"), bad, QStringLiteral("--db"), db});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(bad) && err.contains(expected), qPrintable(err));
        QCOMPARE(err.trimmed().count(QLatin1Char('\n')), 0); // one message
        QCOMPARE(hashOf(db), before);
    }

    void startsReadyStopsCleanlyAndKeepsEpoch()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        QByteArray first;
        {
            QProcess p;
            first = startUntilReady(p, db);
            QVERIFY2(first.contains("ready: hall shanghe-vmo"), first.constData());
            p.terminate(); // SIGTERM
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 0);
        }
        QProcess p;
        const QByteArray second = startUntilReady(p, db);
        QVERIFY(second.contains("ready:"));
        p.kill();
        p.waitForFinished(5000);
        auto epoch = [](const QByteArray &log) { return log.mid(log.indexOf("epoch ") + 6, 32); };
        QVERIFY(!epoch(first).isEmpty());
        QCOMPARE(epoch(second), epoch(first));
        QVERIFY(!second.contains("migrated")); // already at the current schema
    }

    void hallctlConfigCheckInitAndStatus()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        QProcess ctl;
        ctl.start(QStringLiteral(HALLCTL_BIN), {QStringLiteral("config"), QStringLiteral("check"), config()});
        QVERIFY(ctl.waitForFinished(10000));
        QCOMPARE(ctl.exitCode(), 0);
        QVERIFY(ctl.readAllStandardOutput().contains("ok (7 services, 12 windows, 14 clerks)"));

        ctl.start(QStringLiteral(HALLCTL_BIN), {QStringLiteral("status"), QStringLiteral("--db"), db});
        QVERIFY(ctl.waitForFinished(10000));
        QCOMPARE(ctl.exitCode(), 1); // no database yet: read-only status must not create one
        QVERIFY(!QFile::exists(db));

        ctl.start(QStringLiteral(HALLCTL_BIN), {QStringLiteral("init"), QStringLiteral("--db"), db, QStringLiteral("--config"), config()});
        QVERIFY(ctl.waitForFinished(10000));
        QCOMPARE(ctl.exitCode(), 0);
        ctl.start(QStringLiteral(HALLCTL_BIN), {QStringLiteral("status"), QStringLiteral("--db"), db});
        QVERIFY(ctl.waitForFinished(10000));
        QCOMPARE(ctl.exitCode(), 0);
        const QString status = QString::fromUtf8(ctl.readAllStandardOutput());
        QVERIFY2(status.contains(QStringLiteral("NEW        新车挂牌 (New vehicle registration): 0 waiting")), qPrintable(status));
        QVERIFY(status.contains(QStringLiteral("12 12号窗口: closed")));
    }

    void newerDatabaseIsRefused()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        sqlite3 *h = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(db).constData(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(h);
        const QByteArray before = hashOf(db);
        QProcess p;
        p.start(server(), {QStringLiteral("--config"), config(), QStringLiteral("--db"), db});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("newer than this program")));
        QCOMPARE(hashOf(db), before);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
