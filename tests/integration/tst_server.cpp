#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
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

    // The server's arguments, with a key pair next to the database (made on first use) and
    // ports the system picks, so tests never collide with each other or a running hall.
    QStringList serverArgs(const QString &db, const QString &configFile) const
    {
        const QString key = QFileInfo(db).dir().filePath(QStringLiteral("server.key"));
        if (!QFile::exists(key)) {
            QProcess keygen;
            keygen.start(QStringLiteral(HALLCTL_BIN), {QStringLiteral("keygen"), key});
            keygen.waitForFinished(10000);
        }
        return {QStringLiteral("--config"), configFile, QStringLiteral("--db"), db, QStringLiteral("--server-key"), key,
                QStringLiteral("--requests"), QStringLiteral("tcp://127.0.0.1:*"), QStringLiteral("--events"), QStringLiteral("tcp://127.0.0.1:*")};
    }

    // Starts the server and waits for its "ready" line; returns the full log so far.
    QByteArray startUntilReady(QProcess &p, const QString &db)
    {
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(server(), serverArgs(db, config()));
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
        p.start(server(), serverArgs(db, bad));
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

private:
    // Runs hallctl and returns its exit code; stdout and stderr go to the given strings.
    int hallctl(const QStringList &args, QString *out, QString *err = nullptr)
    {
        QProcess ctl;
        ctl.start(QStringLiteral(HALLCTL_BIN), args);
        if (!ctl.waitForFinished(60000))
            return -1;
        *out = QString::fromUtf8(ctl.readAllStandardOutput());
        if (err)
            *err = QString::fromUtf8(ctl.readAllStandardError());
        return ctl.exitCode();
    }

    // The figures, without the lines that name the database file or the wall time.
    static QStringList figures(const QString &out)
    {
        QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        lines.removeIf([](const QString &l) { return l.startsWith(QLatin1String("database ")) || l.startsWith(QLatin1String("store: ")); });
        return lines;
    }

private Q_SLOTS:
    void simulateIsDeterministicDurableAndRefusesAnOldDay()
    {
        QTemporaryDir dir;
        const QString db1 = dir.filePath(QStringLiteral("one.db")), db2 = dir.filePath(QStringLiteral("two.db"));
        const QStringList common{QStringLiteral("simulate"), QStringLiteral("--config"), config(), QStringLiteral("--visitors"),
                                 QStringLiteral("300"), QStringLiteral("--windows"), QStringLiteral("8"), QStringLiteral("--date"),
                                 QStringLiteral("2026-03-02")};
        QString a, b, c, err;
        QCOMPARE(hallctl(common + QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--db"), db1}, &a, &err), 0);
        QCOMPARE(hallctl(common + QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--db"), db2}, &b), 0);
        QCOMPARE(hallctl(common + QStringList{QStringLiteral("--seed"), QStringLiteral("6")}, &c), 0);
        QVERIFY2(a.contains(QStringLiteral("tickets issued 300, served ")), qPrintable(a + err));
        QVERIFY(a.contains(QStringLiteral("8 windows open")));
        QVERIFY(a.contains(QStringLiteral("busiest hour: ")));
        QCOMPARE(figures(a), figures(b));
        QVERIFY(figures(a) != figures(c));

        // The figures come from what was made durable: status on the file agrees, and the
        // journal's events are byte-identical between two runs with the same seed.
        QString status;
        QCOMPARE(hallctl({QStringLiteral("status"), QStringLiteral("--db"), db1}, &status), 0);
        QVERIFY2(status.contains(QStringLiteral("business day 2026-03-02")), qPrintable(status));
        const QRegularExpression served(QStringLiteral("served (\\d+), no-shows (\\d+)"));
        const auto m = served.match(a);
        QVERIFY(m.hasMatch());
        QVERIFY2(status.contains(QStringLiteral("issued 300, waiting 0, called 0, serving 0, finished %1, no_show %2")
                                     .arg(m.captured(1), m.captured(2))), qPrintable(status));
        QCOMPARE(journal(db1), journal(db2));

        // Simulating the same day again into the same file would mix two days' numbers.
        QString again;
        const QByteArray before = hashOf(db1);
        QCOMPARE(hallctl(common + QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--db"), db1}, &again, &err), 2);
        QVERIFY2(err.contains(QStringLiteral("already holds business day 2026-03-02")), qPrintable(err));
        QCOMPARE(hashOf(db1), before);

        QCOMPARE(hallctl({QStringLiteral("simulate"), QStringLiteral("--config"), config(), QStringLiteral("--visitors"), QStringLiteral("many")}, &again, &err), 2);
        QVERIFY2(err.contains(QStringLiteral("--visitors takes a whole number")), qPrintable(err));
    }

private:
    static QByteArray journal(const QString &db)
    {
        sqlite3 *h = nullptr;
        QByteArray all;
        if (sqlite3_open_v2(QFile::encodeName(db).constData(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_stmt *st = nullptr;
            sqlite3_prepare_v2(h, "SELECT seq, at, type, data FROM events ORDER BY seq", -1, &st, nullptr);
            while (sqlite3_step(st) == SQLITE_ROW)
                for (int i = 0; i < 4; ++i)
                    all += reinterpret_cast<const char *>(sqlite3_column_text(st, i)) + QByteArray("|");
            sqlite3_finalize(st);
        }
        sqlite3_close(h);
        return all;
    }

private Q_SLOTS:
    void secondServerOnOneDatabaseIsRefused()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        QProcess first;
        QVERIFY(startUntilReady(first, db).contains("ready:"));
        QProcess second;
        second.start(server(), serverArgs(db, config()));
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 3);
        QVERIFY(QString::fromUtf8(second.readAllStandardError()).contains(QStringLiteral("another hall-server is running on this database")));
        first.terminate();
        QVERIFY(first.waitForFinished(5000));
        // The lock goes with the process, so the next start works.
        QProcess third;
        QVERIFY(startUntilReady(third, db).contains("ready:"));
        third.kill();
        third.waitForFinished(5000);
    }

    void serverKeyIsRequiredAndChecked()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("hall.db"));
        QProcess p;
        p.start(server(), {QStringLiteral("--config"), config(), QStringLiteral("--db"), db});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("--server-key FILE"));
        // A key file others can read is refused before the database is created.
        QStringList args = serverArgs(db, config());
        const QString key = args.at(args.indexOf(QStringLiteral("--server-key")) + 1);
        QFile::setPermissions(key, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
        p.start(server(), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("chmod 600"));
        QVERIFY(!QFile::exists(db));
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
        p.start(server(), serverArgs(db, config()));
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("newer than this program")));
        QCOMPARE(hashOf(db), before);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
