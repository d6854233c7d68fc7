// The printer service over a real serial path: SerialTransport on one end of a socat pty pair,
// the FAKE printer program on the other. Each test switches the fake's state on its stdin.

#include "drivers/printer/escposdecoder.h"
#include "drivers/printer/printer.h"
#include "drivers/printer/printerservice.h"
#include "drivers/printer/ticketlayout.h"
#include "drivers/transport/transport.h"
#include "fakeprinterprocess.h"
#include "printertest.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hall::printer;
using hall::drivers::IoError;

namespace {

QByteArray job(const QString &number)
{
    return jobBytes(sampleTicket(number), TicketLayout::forLink(960));
}

} // namespace

class TestPrinterSerial : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void normalPrint();
    void paperEnd();
    void coverOpen();
    void paperNearEnd();
    void silent();
    void garbage();
    void paperRunsOutMidJob();
    void printerFacadeRecovery();

private:
    std::unique_ptr<hall::drivers::Transport> transport();
    std::unique_ptr<PrinterService> service();

    QTemporaryDir m_dir;
    std::unique_ptr<SocatPair> m_socat;
    std::unique_ptr<FakePrinterProcess> m_fake;
};

void TestPrinterSerial::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestPrinterSerial::init()
{
    // A fresh pair and a fresh fake per test: no bytes or state leak between tests.
    const QString dir = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
    QVERIFY(QDir().mkpath(dir));
    QString error;
    m_socat = std::make_unique<SocatPair>();
    QVERIFY2(m_socat->start(dir, &error), qPrintable(error));
    m_fake = std::make_unique<FakePrinterProcess>();
    QVERIFY2(m_fake->start({QStringLiteral("--serial"), m_socat->b(), QStringLiteral("--out"),
                            dir + QStringLiteral("/out")},
                           &error),
             qPrintable(error));
}

void TestPrinterSerial::cleanup()
{
    m_fake.reset();
    m_socat.reset();
}

std::unique_ptr<hall::drivers::Transport> TestPrinterSerial::transport()
{
    hall::drivers::TransportConfig config;
    config.kind = hall::drivers::TransportConfig::Kind::Serial;
    config.serialPort = m_socat->a();
    config.baud = 9600;
    return transportFor(config);
}

std::unique_ptr<PrinterService> TestPrinterSerial::service()
{
    auto s = std::make_unique<PrinterService>(transport());
    s->setStatusTimeoutMs(800);
    s->setAfterJobDelayMs(100);
    return s;
}

void TestPrinterSerial::normalPrint()
{
    auto s = service();
    QCOMPARE(s->bytesPerSecond(), 960);
    const auto status = s->queryStatus(1000);
    QVERIFY2(std::holds_alternative<PrinterStatus>(status),
             qPrintable(errorText(status)));
    QCOMPARE(std::get<PrinterStatus>(status).code(), QStringLiteral("ok"));

    const QByteArray bytes = job(QStringLiteral("A023"));
    QVERIFY(bytes.size() <= 600);
    const JobOutcome o = s->print(bytes);
    QVERIFY2(o.printed, qPrintable(o.reason));
    QCOMPARE(o.code, QStringLiteral("ok"));

    const auto line = m_fake->waitLine({QStringLiteral("job ")}, 5000);
    QVERIFY(line);
    QVERIFY2(line->startsWith(QStringLiteral("job 1 printed normal %1 ").arg(bytes.size())), qPrintable(*line));
    const QString file = line->section(QLatin1Char(' '), 5);
    QVERIFY(file.endsWith(QStringLiteral("ticket-001.txt")));
    QFile txt(file);
    QVERIFY(txt.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(txt.readAll());
    QVERIFY2(text.contains(QStringLiteral("[size 4x4][bold]A023")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("某某县公安局交警大队车管所")));
    QVERIFY2(text.contains(QStringLiteral("[QR model2 size6 ecc M] T20240510-A023")), qPrintable(text));
    QVERIFY(text.trimmed().endsWith(QStringLiteral("[cut]")));
    // The bytes arrived unchanged (no CR/LF translation, no XON/XOFF eaten on the way).
    QFile bin(QString(file).replace(QStringLiteral(".txt"), QStringLiteral(".bin")));
    QVERIFY(bin.open(QIODevice::ReadOnly));
    QCOMPARE(bin.readAll(), bytes);

    // A second ticket on the same open link.
    QVERIFY(s->print(job(QStringLiteral("A024"))).printed);
    QVERIFY(m_fake->waitLine({QStringLiteral("job 2 printed")}, 5000));
}

void TestPrinterSerial::paperEnd()
{
    QVERIFY(m_fake->setState(QStringLiteral("paper_end")));
    auto s = service();
    const JobOutcome o = s->print(job(QStringLiteral("A025")));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_out"));
    QVERIFY(o.status && o.status->paperEnd);
    QVERIFY(o.reason.contains(QStringLiteral("out of paper")));
    m_fake->command(QStringLiteral("jobs"));
    const auto jobs = m_fake->waitLine({QStringLiteral("jobs ")}, 3000);
    QVERIFY(jobs);
    QVERIFY2(jobs->startsWith(QStringLiteral("jobs 0 printed 0 queries 4")), qPrintable(*jobs));
}

void TestPrinterSerial::coverOpen()
{
    QVERIFY(m_fake->setState(QStringLiteral("cover_open")));
    auto s = service();
    const JobOutcome o = s->print(job(QStringLiteral("A026")));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("cover_open"));
    const auto st = s->queryStatus(1000);
    QCOMPARE(std::get<PrinterStatus>(st).code(), QStringLiteral("cover_open"));
    m_fake->command(QStringLiteral("jobs"));
    const auto jobs = m_fake->waitLine({QStringLiteral("jobs ")}, 3000);
    QVERIFY(jobs);
    QVERIFY2(jobs->startsWith(QStringLiteral("jobs 0 printed 0")), qPrintable(*jobs)); // never sent
}

void TestPrinterSerial::paperNearEnd()
{
    QVERIFY(m_fake->setState(QStringLiteral("paper_near_end")));
    auto s = service();
    const JobOutcome o = s->print(job(QStringLiteral("A027")));
    QVERIFY(o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_near_end"));
    QVERIFY(m_fake->waitLine({QStringLiteral("job 1 printed paper_near_end")}, 5000));
}

void TestPrinterSerial::silent()
{
    QVERIFY(m_fake->setState(QStringLiteral("silent")));
    auto s = service();
    QElapsedTimer timer;
    timer.start();
    const auto st = s->queryStatus(500);
    QVERIFY(std::holds_alternative<IoError>(st));
    QVERIFY(std::get<IoError>(st).kind == IoError::Kind::Timeout);
    QVERIFY(timer.elapsed() < 3000); // the deadline is kept
    const JobOutcome o = s->print(job(QStringLiteral("A028")));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("offline"));
}

void TestPrinterSerial::garbage()
{
    QVERIFY(m_fake->setState(QStringLiteral("garbage")));
    auto s = service();
    const auto st = s->queryStatus(1000);
    QVERIFY(std::holds_alternative<IoError>(st));
    QVERIFY(std::get<IoError>(st).kind == IoError::Kind::Io);
    const JobOutcome o = s->print(job(QStringLiteral("A029")));
    QVERIFY(!o.printed);
    QVERIFY(o.code != QLatin1String("ok"));
    QCOMPARE(o.code, QStringLiteral("failed"));
    // Back to normal: the leftover garbage is not read as the next answer.
    QVERIFY(m_fake->setState(QStringLiteral("normal")));
    const auto again = s->queryStatus(1000);
    QVERIFY2(std::holds_alternative<PrinterStatus>(again), qPrintable(errorText(again)));
    QCOMPARE(std::get<PrinterStatus>(again).code(), QStringLiteral("ok"));
}

void TestPrinterSerial::paperRunsOutMidJob()
{
    QVERIFY(m_fake->setState(QStringLiteral("paper_runs_out")));
    auto s = service();
    const JobOutcome o = s->print(job(QStringLiteral("A030")));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_out"));
    QVERIFY(m_fake->waitLine({QStringLiteral("job 1 refused paper_end")}, 5000));
}

void TestPrinterSerial::printerFacadeRecovery()
{
    QVERIFY(m_fake->setState(QStringLiteral("paper_end")));
    Printer printer(transport());
    printer.setPollIntervalMs(60000);
    printer.setFaultPollIntervalMs(200);
    QSignalSpy changed(&printer, &Printer::statusChanged);
    QSignalSpy finished(&printer, &Printer::jobFinished);
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("paper_out"), 5000);

    printer.print(41, job(QStringLiteral("A041")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QCOMPARE(finished.at(0).at(0).toULongLong(), quint64(41));
    QCOMPARE(finished.at(0).at(1).value<JobOutcome>().code, QStringLiteral("paper_out"));

    // Someone loads a new roll.
    QVERIFY(m_fake->setState(QStringLiteral("normal")));
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("ok"));
    QCOMPARE(changed.last().at(1).toString(), QStringLiteral("The printer is ready."));

    printer.print(42, job(QStringLiteral("A042")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 5000);
    QVERIFY(finished.at(1).at(1).value<JobOutcome>().printed);
    QVERIFY(m_fake->waitLine({QStringLiteral("job 1 printed normal")}, 5000));
}

QTEST_GUILESS_MAIN(TestPrinterSerial)
#include "tst_printerserial.moc"
