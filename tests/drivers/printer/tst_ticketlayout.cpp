// The kiosk's ticket: fits the 9600-baud budget with realistic Chinese content, decodes back
// to what a visitor should read, and carries a raster logo only where the link is fast.

#include "drivers/printer/escpos.h"
#include "drivers/printer/escposdecoder.h"
#include "drivers/printer/ticketlayout.h"

#include <QImage>
#include <QTest>

using namespace hall::printer;

namespace {

TicketContent realistic()
{
    TicketContent c;
    c.hallName = QStringLiteral("某某县公安局交警大队车管所");
    c.number = QStringLiteral("A023");
    c.serviceZh = QStringLiteral("机动车注册登记");
    c.serviceEn = QStringLiteral("Vehicle registration");
    c.peopleAhead = 12;
    c.estimatedWaitMinutes = 36;
    c.issuedAt = QDateTime(QDate(2024, 5, 10), QTime(9, 41, 7));
    c.qrPayload = QStringLiteral("7c9e6679-7425-40de-944b-e07fc1f90ae7"); // a ticket id (UUID)
    c.footer = QStringLiteral("请留意叫号 过号需重新取号");
    return c;
}

// The longest content a hall is likely to configure.
TicketContent worstCase()
{
    TicketContent c = realistic();
    c.hallName = QStringLiteral("某某市公安局交通警察支队车辆管理所机动车登记服务站");
    c.serviceZh = QStringLiteral("机动车转移登记及补换领号牌");
    c.serviceEn = QStringLiteral("Vehicle transfer and plate replacement");
    c.peopleAhead = 148;
    c.estimatedWaitMinutes = 245;
    c.number = QStringLiteral("D1024");
    c.footer = QStringLiteral("请留意大厅叫号及显示屏 过号需重新取号 Please listen for your number");
    return c;
}

} // namespace

class TestTicketLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layoutForLink();
    void serialJobFitsBudget_data();
    void serialJobFitsBudget();
    void decodesBack();
    void narrowPaper();
    void rasterOnlyWhenAllowed();
    void overBudgetIsRefused();
    void badContent();
    void plainText();
    void nobodyAheadIsNotAboutZeroMinutes();
};

void TestTicketLayout::layoutForLink()
{
    const TicketLayout serial = TicketLayout::forLink(960);
    QVERIFY(!serial.allowRaster);
    QCOMPARE(serial.maxBytes, 600);
    const TicketLayout serial19200 = TicketLayout::forLink(1920, TicketLayout::Paper::Mm58);
    QCOMPARE(serial19200.maxBytes, 600);
    QCOMPARE(serial19200.widthDots(), 384);
    QCOMPARE(serial19200.columns(), 32);
    const TicketLayout usb = TicketLayout::forLink(1000000);
    QVERIFY(usb.allowRaster);
    QCOMPARE(usb.maxBytes, 0);
    QCOMPARE(usb.widthDots(), 576);
    QCOMPARE(usb.columns(), 48);
    QVERIFY(!TicketLayout::forLink(9999).allowRaster);
    QVERIFY(TicketLayout::forLink(11520).allowRaster); // 115200 baud
}

void TestTicketLayout::serialJobFitsBudget_data()
{
    QTest::addColumn<bool>("worst");
    QTest::addColumn<bool>("narrow");
    QTest::newRow("realistic 80mm") << false << false;
    QTest::newRow("realistic 58mm") << false << true;
    QTest::newRow("worst case 80mm") << true << false;
    QTest::newRow("worst case 58mm") << true << true;
}

void TestTicketLayout::serialJobFitsBudget()
{
    QFETCH(bool, worst);
    QFETCH(bool, narrow);
    TicketLayout layout = TicketLayout::forLink(960, narrow ? TicketLayout::Paper::Mm58
                                                            : TicketLayout::Paper::Mm80);
    layout.logo = QImage(200, 80, QImage::Format_RGB32); // a logo is configured, but not for serial
    layout.logo.fill(Qt::black);
    QString error;
    const QByteArray job = ticketJob(worst ? worstCase() : realistic(), layout, &error);
    QVERIFY2(!job.isEmpty(), qPrintable(error));
    qInfo("%s job: %lld bytes, %.2f s at 9600 baud", QTest::currentDataTag(),
          qlonglong(job.size()), double(job.size()) / 960.0);
    QVERIFY(job.size() <= 600);
    QVERIFY(double(job.size()) / 960.0 < 0.7);
    // Text mode and native QR only: no raster command anywhere.
    QVERIFY(!job.contains(QByteArray::fromHex("1d7630")));
    QVERIFY(job.contains(QByteArray::fromHex("1d286b")));
    QVERIFY(job.startsWith(QByteArray::fromHex("1b401c26")));
    QVERIFY(job.endsWith(QByteArray::fromHex("1d564200")));
}

void TestTicketLayout::decodesBack()
{
    QString error;
    const QByteArray job = ticketJob(realistic(), TicketLayout::forLink(960), &error);
    QVERIFY2(!job.isEmpty(), qPrintable(error));
    EscPosDecoder d;
    d.feed(job);
    d.finish();
    const QStringList expected = {
        QStringLiteral("某某县公安局交警大队车管所"),
        QStringLiteral("A023"),
        QStringLiteral("机动车注册登记"),
        QStringLiteral("Vehicle registration"),
        QStringLiteral("等候人数 People ahead                         12"),
        QStringLiteral("预计等候 Est. wait") + QString(18, ' ') + QStringLiteral("约36分钟 min"),
        QStringLiteral("取号时间 Issued") + QString(17, ' ') + QStringLiteral("2024-05-10 09:41"),
        QStringLiteral("请留意叫号 过号需重新取号"),
    };
    QCOMPARE(d.plainLines(), expected);
    QCOMPARE(d.qrPayloads(), QList<QByteArray>{"7c9e6679-7425-40de-944b-e07fc1f90ae7"});
    QCOMPARE(d.cuts(), 1);
    // Number in the largest size, bold; the Chinese service name double size; hall name bold.
    const QString text = d.text();
    QVERIFY2(text.contains(QStringLiteral("[size 4x4][bold]A023\n")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("[size 2x2]机动车注册登记\n")));
    QVERIFY(text.contains(QStringLiteral("[bold]某某县公安局交警大队车管所\n")));
    QVERIFY(text.contains(QStringLiteral("[QR model2 size6 ecc M] 7c9e6679")));
    QVERIFY(text.endsWith(QStringLiteral("[cut]")));
    // Each label line is exactly as wide as the paper (48 columns at 80 mm).
    const QString people = expected.at(4);
    int cols = 0;
    for (const QChar ch : people)
        cols += ch.unicode() < 0x80 ? 1 : 2;
    QCOMPARE(cols, 48);
}

void TestTicketLayout::narrowPaper()
{
    TicketContent c = worstCase();
    QString error;
    const QByteArray job =
        ticketJob(c, TicketLayout::forLink(960, TicketLayout::Paper::Mm58), &error);
    QVERIFY2(!job.isEmpty(), qPrintable(error));
    const QStringList lines = EscPosDecoder::decodeLines(job);
    // 5 characters at 4x would be 20 columns of 32: still 4x. The 13-character service name
    // does not fit at double size on 32 columns and stays single size.
    QVERIFY(lines.join('\n').contains(QStringLiteral("[size 4x4][bold]D1024")));
    QVERIFY(!lines.join('\n').contains(QStringLiteral("[size 2x2]机动车转移")));
    // A label and a value that do not fit on one line of 32 columns are split, value right.
    EscPosDecoder d;
    d.feed(job);
    d.finish();
    const QStringList plain = d.plainLines();
    for (const QString &l : plain) {
        if (l.startsWith(QStringLiteral("等候人数")) || l.startsWith(QStringLiteral("取号时间"))) {
            int cols = 0;
            for (const QChar ch : l)
                cols += ch.unicode() < 0x80 ? 1 : 2;
            QCOMPARE(cols, 32);
        }
    }
    // Exactly 32 columns with one space between label and value still fits on one line.
    QVERIFY2(plain.contains(QStringLiteral("取号时间 Issued 2024-05-10 09:41")),
             qPrintable(plain.join('\n')));
    // One column more does not: the value moves to its own line, right-aligned.
    TicketContent longWait = c;
    longWait.estimatedWaitMinutes = 2450;
    EscPosDecoder d2;
    d2.feed(ticketJob(longWait, TicketLayout::forLink(960, TicketLayout::Paper::Mm58), &error));
    d2.finish();
    const QStringList plain2 = d2.plainLines();
    const qsizetype label = plain2.indexOf(QStringLiteral("预计等候 Est. wait"));
    QVERIFY2(label >= 0, qPrintable(plain2.join('\n')));
    QCOMPARE(plain2.at(label + 1), QString(18, ' ') + QStringLiteral("约2450分钟 min"));

    // A number too long for 4x gets a smaller size, never one that wraps.
    c.number = QStringLiteral("VIP-0001");
    const QString text = EscPosDecoder::decode(
        ticketJob(c, TicketLayout::forLink(960, TicketLayout::Paper::Mm58), &error));
    QVERIFY2(text.contains(QStringLiteral("[size 4x4][bold]VIP-0001")), qPrintable(text));
    c.number = QStringLiteral("VIP-00001");
    QVERIFY(EscPosDecoder::decode(ticketJob(c, TicketLayout::forLink(960, TicketLayout::Paper::Mm58), &error))
                .contains(QStringLiteral("[size 3x3][bold]VIP-00001")));
}

void TestTicketLayout::rasterOnlyWhenAllowed()
{
    QImage logo(600, 90, QImage::Format_RGB32);
    logo.fill(Qt::white);
    for (int x = 0; x < 600; ++x)
        logo.setPixel(x, 45, qRgb(0, 0, 0));
    TicketLayout fast = TicketLayout::forLink(1000000, TicketLayout::Paper::Mm58);
    fast.logo = logo;
    QString error;
    const QByteArray withLogo = ticketJob(realistic(), fast, &error);
    QVERIFY2(!withLogo.isEmpty(), qPrintable(error));
    // Scaled to the 384-dot paper: 600x90 -> 384x58 (rounded), sent in bands of 24 rows.
    const QStringList lines = EscPosDecoder::decodeLines(withLogo);
    QVERIFY2(lines.first().contains(QStringLiteral("[raster 384x")), qPrintable(lines.first()));
    QVERIFY(withLogo.count(QByteArray::fromHex("1d763000")) >= 2);
    QVERIFY(withLogo.size() > 600);

    fast.logo = QImage();
    QVERIFY(!ticketJob(realistic(), fast, &error).contains(QByteArray::fromHex("1d7630")));

    TicketLayout slow = TicketLayout::forLink(960);
    slow.logo = logo;
    QVERIFY(!ticketJob(realistic(), slow, &error).contains(QByteArray::fromHex("1d7630")));
}

void TestTicketLayout::overBudgetIsRefused()
{
    TicketContent c = realistic();
    c.footer = QString(200, QChar(0x8f66)); // 400 bytes of 车
    QString error;
    const QByteArray job = ticketJob(c, TicketLayout::forLink(960), &error);
    QVERIFY(job.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("600")), qPrintable(error));
    // The same content is fine where the link has no budget.
    QVERIFY(!ticketJob(c, TicketLayout::forLink(100000), &error).isEmpty());
}

void TestTicketLayout::badContent()
{
    QString error;
    TicketContent c = realistic();
    c.number.clear();
    QVERIFY(ticketJob(c, {}, &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("number")));

    c = realistic();
    c.peopleAhead = -1;
    QVERIFY(ticketJob(c, {}, &error).isEmpty());

    c = realistic();
    c.hallName = QStringLiteral("Hall\x1b" "i"); // an ESC would cut the paper mid-ticket
    QVERIFY(ticketJob(c, {}, &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("control")));

    c = realistic();
    c.qrPayload = QString(3000, QLatin1Char('x'));
    QVERIFY(ticketJob(c, {}, &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("QR")));

    TicketLayout badModule;
    badModule.qrModuleSize = 20;
    QVERIFY(ticketJob(realistic(), badModule, &error).isEmpty());

    // No QR payload: no QR, still a ticket.
    c = realistic();
    c.qrPayload.clear();
    const QByteArray job = ticketJob(c, {}, &error);
    QVERIFY(!job.isEmpty());
    QVERIFY(!job.contains(QByteArray::fromHex("1d286b")));
}

void TestTicketLayout::plainText()
{
    const QString text = ticketText(realistic());
    const QStringList lines = text.split('\n');
    QCOMPARE(lines, (QStringList{
                        QStringLiteral("某某县公安局交警大队车管所"),
                        QStringLiteral("A023"),
                        QStringLiteral("机动车注册登记"),
                        QStringLiteral("Vehicle registration"),
                        QStringLiteral("等候人数 People ahead: 12"),
                        QStringLiteral("预计等候 Est. wait: 约36分钟 min"),
                        QStringLiteral("取号时间 Issued: 2024-05-10 09:41"),
                        QStringLiteral("QR: 7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                        QStringLiteral("请留意叫号 过号需重新取号"),
                    }));
}

void TestTicketLayout::nobodyAheadIsNotAboutZeroMinutes()
{
    TicketContent c = realistic();
    c.peopleAhead = 0;
    c.estimatedWaitMinutes = 0;
    QVERIFY(ticketText(c).contains(QStringLiteral("预计等候 Est. wait: 即将叫号 Soon")));
    QString error;
    const QByteArray job = ticketJob(c, TicketLayout::forLink(960), &error);
    QVERIFY2(!job.isEmpty(), qPrintable(error));
    const QString printed = EscPosDecoder::decode(job);
    QVERIFY2(printed.contains(QStringLiteral("即将叫号 Soon")), qPrintable(printed));
    QVERIFY(!printed.contains(QStringLiteral("约0分钟")));
}

QTEST_GUILESS_MAIN(TestTicketLayout)
#include "tst_ticketlayout.moc"
