// The printer service over TCP to the FAKE printer program on 127.0.0.1: one short connection
// per job, a refused connection, and a connection dropped in the middle of a job.

#include "drivers/printer/printer.h"
#include "drivers/printer/printerservice.h"
#include "drivers/printer/ticketlayout.h"
#include "drivers/transport/transport.h"
#include "fakeprinterprocess.h"
#include "printertest.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace hall::printer;
using hall::drivers::IoError;

namespace {

QByteArray job(const QString &number, bool raster)
{
    TicketLayout layout = TicketLayout::forLink(1000000);
    if (raster) {
        layout.logo = QImage(576, 100, QImage::Format_RGB32);
        layout.logo.fill(Qt::black);
    }
    return jobBytes(sampleTicket(number), layout);
}

std::unique_ptr<hall::drivers::Transport> tcp(quint16 port)
{
    hall::drivers::TransportConfig config;
    config.kind = hall::drivers::TransportConfig::Kind::Tcp;
    config.host = QStringLiteral("127.0.0.1");
    config.tcpPort = port;
    return transportFor(config);
}

} // namespace

class TestPrinterTcp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void normal();
    void paperEndRefused();
    void connectionRefused();
    void droppedMidJob();
    void printerFacade();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FakePrinterProcess> m_fake;
    QString m_out;
};

void TestPrinterTcp::init()
{
    QVERIFY(m_dir.isValid());
    m_out = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
    m_fake = std::make_unique<FakePrinterProcess>();
    QString error;
    QVERIFY2(m_fake->start({QStringLiteral("--tcp"), QStringLiteral("127.0.0.1:0"),
                            QStringLiteral("--out"), m_out},
                           &error),
             qPrintable(error));
    QVERIFY(m_fake->tcpPort() > 0);
}

void TestPrinterTcp::cleanup() { m_fake.reset(); }

void TestPrinterTcp::normal()
{
    PrinterService s(tcp(m_fake->tcpPort()));
    s.setAfterJobDelayMs(50);
    QVERIFY(s.closesAfterUse());
    const QByteArray bytes = job(QStringLiteral("B007"), true); // a fast link carries the logo
    QVERIFY(bytes.size() > 600);
    const JobOutcome o = s.print(bytes);
    QVERIFY2(o.printed, qPrintable(o.reason));
    QCOMPARE(o.code, QStringLiteral("ok"));
    QVERIFY(!s.transport().isOpen()); // short connection: closed after the job
    const auto line = m_fake->waitLine({QStringLiteral("job ")}, 5000);
    QVERIFY(line);
    QVERIFY2(line->startsWith(QStringLiteral("job 1 printed normal %1 ").arg(bytes.size())), qPrintable(*line));
    QFile txt(m_out + QStringLiteral("/ticket-001.txt"));
    QVERIFY(txt.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(txt.readAll());
    QVERIFY2(text.contains(QStringLiteral("[raster 576x100]")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("[size 4x4][bold]B007")));
    QVERIFY(text.contains(QStringLiteral("[size 2x2]机动车注册登记")));
    QFile bin(m_out + QStringLiteral("/ticket-001.bin"));
    QVERIFY(bin.open(QIODevice::ReadOnly));
    QCOMPARE(bin.readAll(), bytes);

    // A status query on its own is a connection of its own.
    QVERIFY(std::holds_alternative<PrinterStatus>(s.queryStatus(1000)));
    QVERIFY(!s.transport().isOpen());
}

void TestPrinterTcp::paperEndRefused()
{
    QVERIFY(m_fake->setState(QStringLiteral("paper_end")));
    PrinterService s(tcp(m_fake->tcpPort()));
    const JobOutcome o = s.print(job(QStringLiteral("B008"), false));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("paper_out"));
    QVERIFY(!s.transport().isOpen());
    QVERIFY(!QFileInfo::exists(m_out + QStringLiteral("/ticket-001.txt")));
}

void TestPrinterTcp::connectionRefused()
{
    // A port that was free a moment ago: nothing listens there now.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    PrinterService s(tcp(port));
    const auto st = s.queryStatus(1000);
    QVERIFY(std::holds_alternative<IoError>(st));
    QVERIFY2(std::get<IoError>(st).kind == IoError::Kind::Refused,
             qPrintable(errorText(st)));
    const JobOutcome o = s.print(job(QStringLiteral("B009"), false));
    QVERIFY(!o.printed);
    QCOMPARE(o.code, QStringLiteral("offline"));
    QVERIFY(!o.status);
}

void TestPrinterTcp::droppedMidJob()
{
    QVERIFY(m_fake->setState(QStringLiteral("drop")));
    PrinterService s(tcp(m_fake->tcpPort()));
    s.setAfterJobDelayMs(100);
    const JobOutcome o = s.print(job(QStringLiteral("B010"), true));
    QVERIFY2(!o.printed, qPrintable(o.reason));
    QVERIFY2(o.code == QLatin1String("failed") || o.code == QLatin1String("offline"), qPrintable(o.code));
    QVERIFY(!o.reason.isEmpty());
    QVERIFY(m_fake->waitLine({QStringLiteral("job abandoned")}, 5000));
    QVERIFY(!QFileInfo::exists(m_out + QStringLiteral("/ticket-001.txt")));
    QVERIFY(!s.transport().isOpen());

    // The printer is back: the next job goes through on a new connection.
    QVERIFY(m_fake->setState(QStringLiteral("normal")));
    const JobOutcome again = s.print(job(QStringLiteral("B011"), false));
    QVERIFY2(again.printed, qPrintable(again.reason));
}

void TestPrinterTcp::printerFacade()
{
    // The facade on its own thread over TCP (the socket is made on that thread by open()).
    Printer printer(tcp(m_fake->tcpPort()));
    printer.setPollIntervalMs(200);
    QSignalSpy finished(&printer, &Printer::jobFinished);
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
    QVERIFY(printer.bytesPerSecond() > 10000);
    printer.print(1, job(QStringLiteral("B012"), false));
    printer.print(2, job(QStringLiteral("B013"), false));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
    QVERIFY(finished.at(0).at(1).value<JobOutcome>().printed);
    QVERIFY(finished.at(1).at(1).value<JobOutcome>().printed);
    QVERIFY(m_fake->waitLine({QStringLiteral("job 2 printed")}, 5000));
    // The printer goes away: the idle poll reports it.
    m_fake.reset();
    QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("offline"), 5000);
}

QTEST_GUILESS_MAIN(TestPrinterTcp)
#include "tst_printertcp.moc"
