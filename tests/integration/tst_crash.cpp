#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <csignal>

// SIGKILLs a child that applies operations to the durable store, at random moments, and checks
// after every kill that nothing acknowledged was lost, no ticket number was reused and the
// database is intact.
class TestCrash : public QObject
{
    Q_OBJECT

private:
    struct Ack {
        qint64 seq;
        QByteArray type;
        qint64 ticket;
        QByteArray service;
        int number;
        int day;
    };

    static qint64 scalar(sqlite3 *db, const char *sql)
    {
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
        qint64 v = -1;
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }

private Q_SLOTS:
    void killNineLosesNothingAcknowledged()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("crash.db"));
        QList<Ack> acked;
        QList<QPair<QByteArray, QByteArray>> requests;
        QRandomGenerator rng(20261128);
        const int kills = 60;
        for (int round = 0; round < kills; ++round) {
            QProcess child;
            // Only warnings and errors on stderr: any of those fails the test below.
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.info=false;*.debug=false"));
            child.setProcessEnvironment(env);
            child.start(QStringLiteral(HALL_CRASHCHILD_BIN), {db, QString::number(round + 1)});
            QVERIFY(child.waitForStarted(5000));
            // Kill somewhere between start-up and a few hundred commits in.
            QTest::qWait(int(rng.bounded(20, 250)));
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(5000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            const QList<QByteArray> lines = child.readAllStandardOutput().split('\n');
            for (const QByteArray &line : lines) {
                const QList<QByteArray> f = line.split(' ');
                if (f.value(0) == "ACK" && f.size() == 7)
                    acked.append({f[1].toLongLong(), f[2], f[3].toLongLong(), f[4], f[5].toInt(), f[6].toInt()});
                else if (f.value(0) == "REQ" && f.size() == 3)
                    requests.append({f[1], f[2]});
            }
            const QByteArray err = child.readAllStandardError();
            QVERIFY2(err.isEmpty(), err.constData());

            sqlite3 *h = nullptr;
            QCOMPARE(sqlite3_open_v2(QFile::encodeName(db).constData(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
            sqlite3_stmt *ev = nullptr;
            sqlite3_prepare_v2(h, "SELECT type FROM events WHERE seq = ?1", -1, &ev, nullptr);
            sqlite3_stmt *tk = nullptr;
            sqlite3_prepare_v2(h, "SELECT original_service, number, day FROM tickets WHERE id = ?1", -1, &tk, nullptr);
            for (const Ack &a : std::as_const(acked)) {
                sqlite3_bind_int64(ev, 1, a.seq);
                QVERIFY2(sqlite3_step(ev) == SQLITE_ROW, qPrintable(QStringLiteral("acknowledged event %1 lost").arg(a.seq)));
                QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(ev, 0))), a.type);
                sqlite3_reset(ev);
                if (a.type == "ticket_issued") {
                    sqlite3_bind_int64(tk, 1, a.ticket);
                    QVERIFY2(sqlite3_step(tk) == SQLITE_ROW, qPrintable(QStringLiteral("acknowledged ticket %1 lost").arg(a.ticket)));
                    QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(tk, 0))), a.service);
                    QCOMPARE(sqlite3_column_int(tk, 1), a.number);
                    QCOMPARE(sqlite3_column_int(tk, 2), a.day);
                    sqlite3_reset(tk);
                }
            }
            sqlite3_finalize(ev);
            sqlite3_finalize(tk);
            sqlite3_stmt *rq = nullptr;
            sqlite3_prepare_v2(h, "SELECT 1 FROM idempotency WHERE device = ?1 AND request_id = ?2", -1, &rq, nullptr);
            for (const auto &[device, id] : std::as_const(requests)) {
                sqlite3_bind_text(rq, 1, device.constData(), int(device.size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(rq, 2, id.constData(), int(id.size()), SQLITE_TRANSIENT);
                QVERIFY2(sqlite3_step(rq) == SQLITE_ROW, "acknowledged request's reply lost");
                sqlite3_reset(rq);
            }
            sqlite3_finalize(rq);
            QCOMPARE(scalar(h, "SELECT count(*) FROM (SELECT 1 FROM tickets GROUP BY day, original_service, number HAVING count(*) > 1)"), 0);
            // Numbers run without gaps per service per day: no number skipped or reused.
            QCOMPARE(scalar(h, "SELECT count(*) FROM (SELECT day, original_service FROM tickets GROUP BY 1, 2 HAVING MAX(number) != count(*))"), 0);
            // Every ticket row has its issuing event: no half-applied change.
            QCOMPARE(scalar(h, "SELECT count(*) FROM tickets") , scalar(h, "SELECT count(*) FROM events WHERE type = 'ticket_issued'"));
            sqlite3_stmt *ic = nullptr;
            sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &ic, nullptr);
            QVERIFY(sqlite3_step(ic) == SQLITE_ROW);
            QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(ic, 0))), QByteArray("ok"));
            sqlite3_finalize(ic);
            sqlite3_close(h);
        }
        qInfo("%d kills, %lld acknowledged events, %lld acknowledged requests checked after each", kills,
              qint64(acked.size()), qint64(requests.size()));
        // The test means nothing if the child never got to acknowledge anything.
        QVERIFY(acked.size() > kills);
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
