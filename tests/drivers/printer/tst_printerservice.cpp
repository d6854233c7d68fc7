// PrinterService and Printer over a scripted in-memory transport: the order of queries, refusal
// before sending, the check after the job, write-only links, short TCP connections, the
// worker thread's queue, polling and recovery, and a clean shutdown that accounts for every job.

#include "drivers/printer/printer.h"
#include "drivers/printer/printerservice.h"
#include "printertest.h"
#include "scriptedtransport.h"

#include <QSignalSpy>
#include <QTest>

using namespace hall::printer;
using hall::drivers::IoError;

namespace {

std::shared_ptr<ScriptedPrinter> scripted() { return std::make_shared<ScriptedPrinter>(); }

const QByteArray kJob = QByteArray::fromHex("1b401c26") + QByteArray("A023\n") + QByteArray::fromHex("1d564200");

} // namespace

class TestPrinterService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queryOneAtATime();
    void staleInputIsDropped();
    void silentIsTimeout();
    void garbageIsAnError();
    void printNormal();
    void refusedWhenNotReady_data();
    void refusedWhenNotReady();
    void paperRunsOutDuringJob();
    void nearEndStillPrints();
    void writeFailure();
    void openFailure();
    void errorWithoutMessage();
    void writeOnlyLink();
    void tcpIsShortConnection();
    void writeTimeoutFollowsLinkSpeed();

    void facadeQueuesJobs();
    void facadeRecovery();
    void facadeOfflineWhenLinkFails();
    void facadeShutdownAccountsForEveryJob();
    void facadeCheckNow();
    void facadeFailedJobIsNotReportedReady();
};

void TestPrinterService::queryOneAtATime()
{
    auto p = scripted();
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const auto r = s.queryStatus(1000);
    QVERIFY(std::holds_alternative<PrinterStatus>(r));
    QCOMPARE(std::get<PrinterStatus>(r).code(), QStringLiteral("ok"));
    const QList<QByteArray> expected = {QByteArray::fromHex("100401"), QByteArray::fromHex("100402"),
                                        QByteArray::fromHex("100403"), QByteArray::fromHex("100404")};
    QCOMPARE(p->writes, expected);
    QCOMPARE(p->opens, 1);
    QVERIFY(p->open); // serial stays open between queries
}

void TestPrinterService::staleInputIsDropped()
{
    // A byte left over from an earlier, timed-out query must not be read as this query's answer.
    auto p = scripted();
    p->input = QByteArray("\x1a", 1); // "offline" from before
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    p->open = true; // already open: discardInput is the only thing between the stale byte and us
    const auto r = s.queryStatus(1000);
    QVERIFY(std::holds_alternative<PrinterStatus>(r));
    QCOMPARE(std::get<PrinterStatus>(r).code(), QStringLiteral("ok"));
    QVERIFY(p->discards >= 1);
}

void TestPrinterService::silentIsTimeout()
{
    auto p = scripted();
    p->silent = true;
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const auto r = s.queryStatus(200);
    QVERIFY(std::holds_alternative<IoError>(r));
    QVERIFY(std::get<IoError>(r).kind == IoError::Kind::Timeout);
    QVERIFY(std::get<IoError>(r).message.contains(QStringLiteral("did not answer")));
    QCOMPARE(p->writes.size(), 1); // no point asking 2..4 once 1 went unanswered
}

void TestPrinterService::garbageIsAnError()
{
    auto p = scripted();
    p->garbage = true;
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const auto r = s.queryStatus(500);
    QVERIFY(std::holds_alternative<IoError>(r));
    QVERIFY(std::get<IoError>(r).kind == IoError::Kind::Io);
    QVERIFY(std::get<IoError>(r).message.contains(QStringLiteral("not an ESC/POS status")));
    // And a job is not sent to it.
    const JobOutcome o = s.print(kJob);
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("failed"));
    QVERIFY(p->jobBytes.isEmpty());
}

void TestPrinterService::printNormal()
{
    auto p = scripted();
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    s.setAfterJobDelayMs(0);
    const JobOutcome o = s.print(kJob);
    QVERIFY2(o.printed, qPrintable(o.reason));
    QCOMPARE(o.code, QStringLiteral("ok"));
    QVERIFY(o.status);
    QCOMPARE(p->jobBytes, kJob);
    // Four queries, the job, four queries.
    QCOMPARE(p->writes.size(), 9);
    QCOMPARE(p->writes.at(4), kJob);
    QCOMPARE(p->writes.at(8), QByteArray::fromHex("100404"));
}

void TestPrinterService::refusedWhenNotReady_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("code");
    QTest::newRow("paper out") << 0 << "paper_out";
    QTest::newRow("cover open") << 1 << "cover_open";
    QTest::newRow("cutter") << 2 << "failed";
    QTest::newRow("offline") << 3 << "offline";
}

void TestPrinterService::refusedWhenNotReady()
{
    QFETCH(int, which);
    QFETCH(QString, code);
    auto p = scripted();
    switch (which) {
    case 0: p->status = paperEndStatus(); break;
    case 1: p->status.coverOpen = true; p->status.online = false; break;
    case 2: p->status.cutterError = true; p->status.online = false; break;
    case 3: p->status.online = false; break;
    }
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const JobOutcome o = s.print(kJob);
    QVERIFY(!o.printed);
    QCOMPARE(o.code, code);
    QVERIFY(o.reason.startsWith(QStringLiteral("Not sent")));
    QVERIFY(p->jobBytes.isEmpty());
    QCOMPARE(p->writes.size(), 4);
}

void TestPrinterService::paperRunsOutDuringJob()
{
    auto p = scripted();
    p->statusAfterJob = paperEndStatus();
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    s.setAfterJobDelayMs(0);
    const JobOutcome o = s.print(kJob);
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_out"));
    QCOMPARE(p->jobBytes, kJob); // it was sent, and it is known not to have come out whole
}

void TestPrinterService::nearEndStillPrints()
{
    auto p = scripted();
    p->status.paperNearEnd = true;
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    s.setAfterJobDelayMs(0);
    const JobOutcome o = s.print(kJob);
    QVERIFY(o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_near_end"));
}

void TestPrinterService::writeFailure()
{
    auto p = scripted();
    p->jobWriteError = IoError{IoError::Kind::Gone, QStringLiteral("The USB cable was pulled.")};
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const JobOutcome o = s.print(kJob);
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("failed"));
    QVERIFY(o.reason.contains(QStringLiteral("The USB cable was pulled.")));
    QVERIFY(!p->open); // reopened next time
}

void TestPrinterService::openFailure()
{
    auto p = scripted();
    p->openError = IoError{IoError::Kind::NotFound, QStringLiteral("No /dev/ttyUSB0.")};
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const JobOutcome o = s.print(kJob);
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("offline"));
    QVERIFY(o.reason.contains(QStringLiteral("No /dev/ttyUSB0.")));
    const auto r = s.queryStatus(100);
    QVERIFY(std::get<IoError>(r).kind == IoError::Kind::NotFound);
}

void TestPrinterService::errorWithoutMessage()
{
    // The transport's own kind names fill in for a missing sentence.
    QCOMPARE(describeIoError(IoError{IoError::Kind::Io, QString()}), QStringLiteral("Transport error: I/O error."));
    QCOMPARE(describeIoError(IoError{IoError::Kind::Refused, QString()}),
             QStringLiteral("Transport error: connection refused."));
    QCOMPARE(describeIoError(IoError{IoError::Kind::Gone, QStringLiteral("Unplugged.")}), QStringLiteral("Unplugged."));
}

void TestPrinterService::writeOnlyLink()
{
    auto p = scripted();
    p->readable = false;
    p->description = QStringLiteral("file /dev/usb/lp0");
    p->status = paperEndStatus(); // it cannot know
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    const JobOutcome o = s.print(kJob);
    QVERIFY(o.printed);
    QCOMPARE(o.code, QStringLiteral("ok"));
    QVERIFY(!o.status);
    QVERIFY(o.reason.contains(QStringLiteral("cannot report status")));
    QCOMPARE(p->writes, QList<QByteArray>{kJob});
    QCOMPARE(p->reads, 0);
    QVERIFY(std::holds_alternative<IoError>(s.queryStatus(100)));
}

void TestPrinterService::tcpIsShortConnection()
{
    auto p = scripted();
    p->description = QStringLiteral("tcp 127.0.0.1:9100");
    p->bps = 100000;
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    QVERIFY(s.closesAfterUse());
    s.setAfterJobDelayMs(0);
    QVERIFY(s.print(kJob).printed);
    QCOMPARE(p->opens, 1); // one connection for check, job and check
    QVERIFY(!p->open);
    QVERIFY(std::holds_alternative<PrinterStatus>(s.queryStatus(500)));
    QCOMPARE(p->opens, 2);
    QVERIFY(!p->open);
    // Refused jobs close too.
    p->set([](ScriptedPrinter &sp) { sp.status.coverOpen = true; });
    QVERIFY(!s.print(kJob).printed);
    QVERIFY(!p->open);

    auto serial = scripted();
    PrinterService ss(std::make_unique<ScriptedTransport>(serial));
    QVERIFY(!ss.closesAfterUse());
}

void TestPrinterService::writeTimeoutFollowsLinkSpeed()
{
    auto p = scripted();
    p->bps = 960;
    PrinterService s(std::make_unique<ScriptedTransport>(p));
    QCOMPARE(s.writeTimeoutMs(600), 5000); // at least paper speed allows for
    QCOMPARE(s.writeTimeoutMs(9600), 2 * 10000 + 2000);
    auto fast = scripted();
    fast->bps = 1000000;
    PrinterService f(std::make_unique<ScriptedTransport>(fast));
    QCOMPARE(f.writeTimeoutMs(600), 5000);
}

void TestPrinterService::facadeQueuesJobs()
{
    auto p = scripted();
    p->writeDelayMs = 50;
    Printer printer(std::make_unique<ScriptedTransport>(p));
    QCOMPARE(printer.statusCode(), QStringLiteral("offline")); // not checked yet
    QCOMPARE(printer.bytesPerSecond(), 960);
    QSignalSpy finished(&printer, &Printer::jobFinished);
    QSignalSpy changed(&printer, &Printer::statusChanged);
    for (quint64 id = 1; id <= 3; ++id)
        printer.print(id, kJob + QByteArray::number(id));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(finished.at(i).at(0).toULongLong(), quint64(i + 1));
        const auto o = finished.at(i).at(1).value<JobOutcome>();
        QVERIFY2(o.printed, qPrintable(o.reason));
    }
    QVERIFY(p->get(&ScriptedPrinter::jobBytes).endsWith(kJob + "3"));
    QCOMPARE(printer.statusCode(), QStringLiteral("ok"));
    QVERIFY(!changed.isEmpty());
    QCOMPARE(changed.first().at(0).toString(), QStringLiteral("ok"));
    QVERIFY(printer.lastStatus().ready());
}

void TestPrinterService::facadeFailedJobIsNotReportedReady()
{
    // The printer answered "ready" before the job, then the job's write timed out: the job's
    // verdict is the printer's condition, not the stale "ready" (which would keep the kiosk
    // showing the last fault for good, or never show this one).
    auto p = scripted();
    Printer printer(std::make_unique<ScriptedTransport>(p));
    printer.setPollIntervalMs(60000);
    printer.setFaultPollIntervalMs(60000); // only the job speaks in this test
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    QSignalSpy changed(&printer, &Printer::statusChanged);
    QSignalSpy finished(&printer, &Printer::jobFinished);
    p->set([](ScriptedPrinter &sp) { sp.jobWriteError = IoError{IoError::Kind::Timeout, QStringLiteral("The printer stopped reading.")}; });
    printer.print(1, kJob);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    const JobOutcome o = finished.first().at(1).value<JobOutcome>();
    QVERIFY(!o.printed);
    QVERIFY(!o.status); // the check before the job says nothing about the printer now
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
    QCOMPARE(changed.last().at(0).toString(), o.code);
    QCOMPARE(printer.statusCode(), o.code);
    QVERIFY(printer.statusCode() != QLatin1String("ok"));
    // The next check finds the printer well again and says so.
    p->set([](ScriptedPrinter &sp) { sp.jobWriteError.reset(); });
    printer.checkNow();
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("ok"));
}

void TestPrinterService::facadeRecovery()
{
    auto p = scripted();
    p->status = paperEndStatus();
    Printer printer(std::make_unique<ScriptedTransport>(p));
    printer.setPollIntervalMs(60000); // idle polls would not come within the test
    printer.setFaultPollIntervalMs(100);
    QSignalSpy changed(&printer, &Printer::statusChanged);
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("paper_out"), 5000);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("paper_out"));
    QVERIFY(changed.last().at(1).toString().contains(QStringLiteral("paper")));

    // A job while out of paper is refused, and reported, not lost.
    QSignalSpy finished(&printer, &Printer::jobFinished);
    printer.print(7, kJob);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QCOMPARE(finished.first().at(1).value<JobOutcome>().code, QStringLiteral("paper_out"));

    // The roll is replaced: the fault poll notices without anyone asking.
    const int before = int(changed.size());
    p->set([](ScriptedPrinter &sp) { sp.status = PrinterStatus{}; });
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    QCOMPARE(changed.size(), before + 1);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("ok"));
}

void TestPrinterService::facadeOfflineWhenLinkFails()
{
    auto p = scripted();
    p->silent = true;
    Printer printer(std::make_unique<ScriptedTransport>(p));
    printer.setFaultPollIntervalMs(100);
    printer.setPollIntervalMs(150); // the garbage below is noticed by an idle poll
    QSignalSpy changed(&printer, &Printer::statusChanged);
    // "offline" from the start, so the first change is the detail becoming the real reason.
    QTRY_VERIFY_WITH_TIMEOUT(printer.statusDetail().contains(QStringLiteral("did not answer")), 5000);
    QCOMPARE(printer.statusCode(), QStringLiteral("offline"));
    p->set([](ScriptedPrinter &sp) { sp.silent = false; });
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    p->set([](ScriptedPrinter &sp) { sp.garbage = true; });
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("offline"), 5000);
    QVERIFY(printer.statusDetail().contains(QStringLiteral("not an ESC/POS status")));
}

void TestPrinterService::facadeShutdownAccountsForEveryJob()
{
    auto p = scripted();
    p->writeDelayMs = 150;
    QList<quint64> finishedIds;
    {
        Printer printer(std::make_unique<ScriptedTransport>(p));
        connect(&printer, &Printer::jobFinished, this,
                [&finishedIds](quint64 id, const JobOutcome &) { finishedIds.append(id); });
        for (quint64 id = 1; id <= 5; ++id)
            printer.print(id, kJob);
        QTest::qWait(200); // one job in flight, more waiting
    }
    std::sort(finishedIds.begin(), finishedIds.end());
    QCOMPARE(finishedIds, (QList<quint64>{1, 2, 3, 4, 5}));
    // The link was closed on the printer thread before it stopped.
    QVERIFY(!p->get(&ScriptedPrinter::open));
}

void TestPrinterService::facadeCheckNow()
{
    auto p = scripted();
    Printer printer(std::make_unique<ScriptedTransport>(p));
    printer.setPollIntervalMs(0);
    printer.setFaultPollIntervalMs(0);
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    p->set([](ScriptedPrinter &sp) { sp.status.coverOpen = true; });
    QTest::qWait(300);
    QCOMPARE(printer.statusCode(), QStringLiteral("ok")); // polling is off
    printer.checkNow();
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("cover_open"), 5000);
    QVERIFY(printer.lastStatus().coverOpen);
}

QTEST_GUILESS_MAIN(TestPrinterService)
#include "tst_printerservice.moc"
