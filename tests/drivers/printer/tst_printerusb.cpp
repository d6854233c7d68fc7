// The printer service and the threaded Printer over UsbTransport and the real libusb, against a
// USB printer emulated by umockdev (tests/drivers/usbprinteremulation.h) that behaves like an
// ESC/POS printer: it answers DLE EOT n over bulk IN from a state the test sets, and keeps apart
// the bytes that were not status queries, so a test can tell exactly what would have been
// printed. Runs under umockdev-wrapper (see ../CMakeLists.txt); nothing needs root.

#include "drivers/printer/escposdecoder.h"
#include "drivers/printer/printer.h"
#include "drivers/printer/printerservice.h"
#include "drivers/printer/printerstatus.h"
#include "drivers/printer/ticketlayout.h"
#include "drivers/transport/transport.h"
#include "tests/drivers/printer/printertest.h"
#include "tests/drivers/transport/transporttest.h"
#include "tests/drivers/usbprinteremulation.h"

#include <QImage>
#include <QMutex>
#include <QMutexLocker>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace hall::printer;
using hall::drivers::IoError;
using hall::drivers::TransportConfig;

namespace {

// The printer side of ESC/POS over USB. Real-time commands are executed on arrival and never
// reach the print buffer, so DLE EOT n is answered at once and left out of the job bytes; the
// stream is split at command boundaries (as hall-fakeprinter does) so that 10 04 inside a
// command's data is not taken for a query, and a query split across transfers is still seen.
class EscPosUsbPrinter : public usbemulation::EmulatedPrinter
{
public:
    ~EscPosUsbPrinter() override = default;

    void setStatus(const PrinterStatus &status)
    {
        QMutexLocker lock(&m_escposMutex);
        m_status = status;
    }
    // What arrived that was not a status query: what the printer would print.
    QByteArray jobBytes() const { return seen().job; }
    int statusQueries() const { return seen().queries; }

protected:
    QByteArray answerBulkOut(const QByteArray &bytes) override
    {
        QMutexLocker lock(&m_escposMutex);
        m_buffer += bytes;
        QByteArray answer;
        qsizetype pos = 0;
        while (pos < m_buffer.size()) {
            const qsizetype length = EscPosDecoder::nextLength(m_buffer, pos);
            if (length == 0)
                break; // the rest of this command comes with the next transfer
            if (EscPosDecoder::isStatusQuery(m_buffer, pos)) {
                ++m_seen.queries;
                answer += char(statusByte(quint8(m_buffer.at(pos + 2)), m_status));
            } else {
                m_seen.job.append(m_buffer.constData() + pos, length);
            }
            pos += length;
        }
        m_buffer.remove(0, pos);
        return answer;
    }

private:
    struct Seen {
        QByteArray job;
        int queries = 0;
    };
    Seen seen() const
    {
        QMutexLocker lock(&m_escposMutex);
        return m_seen;
    }

    // Taken inside the base's mutex (answerBulkOut) and alone (the accessors): never the other
    // way round, so the two cannot deadlock.
    mutable QMutex m_escposMutex;
    PrinterStatus m_status;
    QByteArray m_buffer;
    Seen m_seen;
};

// What a TM-T88-like printer reports with its cover open.
PrinterStatus coverOpenStatus()
{
    PrinterStatus s;
    s.online = false;
    s.coverOpen = true;
    return s;
}

// A hall logo, 384x120 dots: a frame with diagonal stripes, and a band whose dots read 10 04 as
// raster bytes (eight dots a byte, leftmost the high bit), which the printer must take as image
// data, not as a status query.
QImage logo()
{
    QImage image(384, 120, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const bool frame = x < 4 || y < 4 || x >= image.width() - 4 || y >= image.height() - 4;
            const bool band = y >= 56 && y < 64 && x >= 64 && x < 320;
            const bool black = band ? (0x1004 >> (15 - x % 16)) & 1 : frame || (x + y) % 13 < 3;
            image.setPixel(x, y, black ? 0xff000000 : 0xffffffff);
        }
    }
    return image;
}

// A ticket laid out for this link, as the kiosk does it: with the logo when the link is fast.
QByteArray ticketFor(const QString &number, int bytesPerSecond)
{
    TicketLayout layout = TicketLayout::forLink(bytesPerSecond);
    layout.logo = logo();
    return jobBytes(sampleTicket(number), layout);
}

// What PrinterService sends for one status check: DLE EOT 1..4, one at a time.
const QByteArray kCheck = fullStatusQuery();

} // namespace

class TestPrinterUsb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A fresh printer per test, plugged in and bound to usblp as the kernel leaves a printer.
    // The test's own services and Printers, its locals, are gone (and their links closed) before
    // the printer is.
    void init()
    {
        QVERIFY2(usbemulation::runsUnderUmockdevWrapper(), "run this test under umockdev-wrapper (ctest does)");
        m_usb.emplace();
        QVERIFY(m_usb->plugIn());
    }
    void cleanup() { m_usb.reset(); }

    void ticketPrintsOverUsb()
    {
        auto s = service();
        QCOMPARE(s->transport().describe(), QStringLiteral("usb 0416:5011"));
        QVERIFY(s->canRead());

        const auto status = s->queryStatus(1000);
        QVERIFY2(std::holds_alternative<PrinterStatus>(status), qPrintable(errorText(status)));
        QVERIFY(std::get<PrinterStatus>(status).ready());
        QCOMPARE(std::get<PrinterStatus>(status).code(), QStringLiteral("ok"));

        // The interface was taken from usblp in one step, as libusb's auto-detach does.
        auto counts = m_usb->printer.counts();
        QVERIFY(counts.getDriver >= 1);
        QCOMPARE(counts.disconnectClaim, 1);
        QCOMPARE(counts.claimExceptDriver, QByteArray("usbfs"));
        QCOMPARE(m_usb->printer.boundDriver(), QByteArray("usbfs"));

        // A fast link: the logo goes out as raster, kilobytes with 10 04 among its data.
        const QByteArray job = ticketFor(QStringLiteral("A023"), s->bytesPerSecond());
        QVERIFY2(job.size() > 4000, qPrintable(QString::number(job.size())));
        QVERIFY(job.contains(QByteArray("\x10\x04", 2)));
        const JobOutcome o = s->print(job);
        QVERIFY2(o.printed, qPrintable(o.reason));
        QCOMPARE(o.code, QStringLiteral("ok"));

        // Exactly the job reached the printer, between the checks before and after it.
        QCOMPARE(m_usb->printer.jobBytes(), job);
        QCOMPARE(m_usb->printer.received(), kCheck + kCheck + job + kCheck);
        QCOMPARE(m_usb->printer.statusQueries(), 12);
        const QString text = EscPosDecoder::decode(m_usb->printer.jobBytes());
        QVERIFY2(text.contains(QStringLiteral("[raster 384x120]")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("机动车注册登记")), qPrintable(text));
        EscPosDecoder decoder;
        decoder.feed(m_usb->printer.jobBytes());
        decoder.finish();
        QCOMPARE(decoder.qrPayloads(), QList<QByteArray>{QByteArray("T20240510-A023")});
        QCOMPARE(decoder.cuts(), 1);

        // Closing gives the printer back to usblp, so /dev/usb/lp0 returns.
        s.reset();
        counts = m_usb->printer.counts();
        QCOMPARE(counts.release, 1);
        QCOMPARE(counts.reattach, 1);
        QCOMPARE(m_usb->printer.boundDriver(), QByteArray("usblp"));
    }

    void printerNotReadyGetsNothing_data()
    {
        QTest::addColumn<PrinterStatus>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("paper end") << paperEndStatus() << QStringLiteral("paper_out");
        QTest::newRow("cover open") << coverOpenStatus() << QStringLiteral("cover_open");
    }

    void printerNotReadyGetsNothing()
    {
        QFETCH(PrinterStatus, status);
        QFETCH(QString, code);
        m_usb->printer.setStatus(status);
        auto s = service();
        const QByteArray job = ticketFor(QStringLiteral("A024"), s->bytesPerSecond());

        const JobOutcome o = s->print(job);
        QVERIFY(!o.printed);
        QCOMPARE(o.code, code);
        QVERIFY(o.status);
        QCOMPARE(o.status->code(), code);
        // Only the check went out; not one byte of the ticket.
        QCOMPARE(m_usb->printer.received(), kCheck);
        QVERIFY(m_usb->printer.jobBytes().isEmpty());

        // The roll replaced or the cover closed: the same link prints.
        m_usb->printer.setStatus(PrinterStatus{});
        const JobOutcome again = s->print(job);
        QVERIFY2(again.printed, qPrintable(again.reason));
        QCOMPARE(m_usb->printer.jobBytes(), job);
    }

    void printerFacadeRecoversOverUsb()
    {
        m_usb->printer.setStatus(paperEndStatus());
        Printer printer(transportFor(usbConfig()));
        // No polling within the test: only checkNow can notice the new roll.
        printer.setPollIntervalMs(60000);
        printer.setFaultPollIntervalMs(60000);
        QSignalSpy changed(&printer, &Printer::statusChanged);
        QSignalSpy finished(&printer, &Printer::jobFinished);

        QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("paper_out"), 5000);
        QCOMPARE(changed.last().at(0).toString(), QStringLiteral("paper_out"));

        m_usb->printer.setStatus(PrinterStatus{});
        QTest::qWait(200);
        QCOMPARE(printer.statusCode(), QStringLiteral("paper_out")); // not noticed without a check
        printer.checkNow();
        QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);
        QCOMPARE(changed.last().at(0).toString(), QStringLiteral("ok"));
        QCOMPARE(changed.last().at(1).toString(), QStringLiteral("The printer is ready."));

        const QByteArray job = ticketFor(QStringLiteral("A025"), printer.bytesPerSecond());
        printer.print(25, job);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(0).toULongLong(), quint64(25));
        const auto outcome = finished.at(0).at(1).value<JobOutcome>();
        QVERIFY2(outcome.printed, qPrintable(outcome.reason));
        QCOMPARE(m_usb->printer.jobBytes(), job);
    }

    void unpluggedPrinterFailsFastAndComesBack()
    {
        auto s = service();
        const QByteArray first = ticketFor(QStringLiteral("A026"), s->bytesPerSecond());
        QVERIFY(s->print(first).printed);

        m_usb->pullThePlug();
        // The open link breaks at once: no transfer is left waiting for an answer.
        const auto [broken, brokenMs] = timed([&] { return s->print(ticketFor(QStringLiteral("A027"), s->bytesPerSecond())); });
        QVERIFY(!broken.printed);
        QCOMPARE(broken.code, QStringLiteral("failed"));
        QVERIFY2(broken.reason.contains(QStringLiteral("unplugged")), qPrintable(broken.reason));
        QVERIFY2(brokenMs < 3000, qPrintable(QString::number(brokenMs)));
        QVERIFY(!s->transport().isOpen());

        // Still unplugged: the reopen finds no printer.
        const auto [missing, missingMs] = timed([&] { return s->print(ticketFor(QStringLiteral("A028"), s->bytesPerSecond())); });
        QVERIFY(!missing.printed);
        QCOMPARE(missing.code, QStringLiteral("offline"));
        QVERIFY2(missing.reason.contains(QStringLiteral("0416:5011")), qPrintable(missing.reason));
        QVERIFY2(missingMs < 3000, qPrintable(QString::number(missingMs)));
        const auto status = s->queryStatus(1000);
        QVERIFY(std::holds_alternative<IoError>(status));
        QCOMPARE_ERROR(std::get<IoError>(status), IoError::Kind::NotFound);
        QCOMPARE(m_usb->printer.jobBytes(), first);

        // Plugged back in, at a new address: the next job reopens and prints.
        m_usb->printer.plugIn();
        QVERIFY(m_usb->plugIn());
        const QByteArray last = ticketFor(QStringLiteral("A029"), s->bytesPerSecond());
        const JobOutcome o = s->print(last);
        QVERIFY2(o.printed, qPrintable(o.reason));
        QCOMPARE(m_usb->printer.jobBytes(), first + last);
    }

    void printerFacadeGoesOfflineOnUnplug()
    {
        Printer printer(transportFor(usbConfig()));
        printer.setPollIntervalMs(60000);
        printer.setFaultPollIntervalMs(60000);
        QSignalSpy finished(&printer, &Printer::jobFinished);
        QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("ok"), 5000);

        m_usb->pullThePlug();
        printer.checkNow();
        QTRY_COMPARE_WITH_TIMEOUT(printer.statusCode(), QStringLiteral("offline"), 5000);
        QVERIFY2(printer.statusDetail().contains(QStringLiteral("0416:5011")), qPrintable(printer.statusDetail()));

        // A job while it is gone still gets its one jobFinished, promptly.
        printer.print(30, ticketFor(QStringLiteral("A030"), printer.bytesPerSecond()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        const auto outcome = finished.at(0).at(1).value<JobOutcome>();
        QVERIFY(!outcome.printed);
        QCOMPARE(outcome.code, QStringLiteral("offline"));
        QVERIFY(m_usb->printer.jobBytes().isEmpty());
    }

private:
    static TransportConfig usbConfig()
    {
        TransportConfig config;
        config.kind = TransportConfig::Kind::Usb;
        config.vendorId = usbemulation::kVendor;
        config.productId = usbemulation::kProduct;
        return config;
    }

    // Short status and after-job waits keep the test quick; the emulated printer answers at once.
    static std::unique_ptr<PrinterService> service()
    {
        auto s = std::make_unique<PrinterService>(transportFor(usbConfig()));
        s->setStatusTimeoutMs(1000);
        s->setAfterJobDelayMs(50);
        return s;
    }

    std::optional<usbemulation::Rig<EscPosUsbPrinter>> m_usb;
};

QTEST_GUILESS_MAIN(TestPrinterUsb)
#include "tst_printerusb.moc"
