// Every bit of every DLE EOT answer and of the ASB block, the fixed bits that tell real status
// from garbage, and the kiosk's status codes.

#include "drivers/printer/printerstatus.h"

#include <QTest>

using hall::printer::PrinterStatus;

namespace {

// The flag a DLE EOT n bit sets, as a pointer to member; "inverted" for online (bit 3 = offline).
struct BitCase {
    int n;
    int bit;
    bool PrinterStatus::*flag;
    bool setValue; // the flag's value when the bit is 1
};

const BitCase kBits[] = {
    {1, 2, &PrinterStatus::drawerPin3High, true},
    {1, 3, &PrinterStatus::online, false},
    {1, 5, &PrinterStatus::waitingForRecovery, true},
    {1, 6, &PrinterStatus::feedButton, true},
    {2, 2, &PrinterStatus::coverOpen, true},
    {2, 3, &PrinterStatus::feedingByButton, true},
    {2, 5, &PrinterStatus::stoppedByPaperEnd, true},
    {2, 6, &PrinterStatus::errorOccurred, true},
    {3, 2, &PrinterStatus::recoverableError, true},
    {3, 3, &PrinterStatus::cutterError, true},
    {3, 5, &PrinterStatus::unrecoverableError, true},
    {3, 6, &PrinterStatus::autoRecoverableError, true},
    {4, 2, &PrinterStatus::paperNearEnd, true},
    {4, 3, &PrinterStatus::paperNearEnd, true},
    {4, 5, &PrinterStatus::paperEnd, true},
    {4, 6, &PrinterStatus::paperEnd, true},
};

QByteArray allOk() { return QByteArray("\x12\x12\x12\x12", 4); }

} // namespace

class TestPrinterStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queries();
    void idleStatusIsReady();
    void everyBit();
    void fixedBitsRejectGarbage();
    void parseFullStatus();
    void encodeRoundTrip();
    void realPrinterDumps_data();
    void realPrinterDumps();
    void codePriority();
    void describeEveryCode();
    void asbEveryBit();
    void asbFixedBits();
    void asbInStream();
};

void TestPrinterStatus::queries()
{
    QCOMPARE(hall::printer::statusQuery(1), QByteArray::fromHex("100401"));
    QCOMPARE(hall::printer::statusQuery(4), QByteArray::fromHex("100404"));
    QVERIFY(hall::printer::statusQuery(0).isEmpty());
    QVERIFY(hall::printer::statusQuery(5).isEmpty());
    QCOMPARE(hall::printer::fullStatusQuery(), QByteArray::fromHex("100401100402100403100404"));
    QCOMPARE(hall::printer::enableAsb(0xff), QByteArray::fromHex("1d61ff"));
}

void TestPrinterStatus::idleStatusIsReady()
{
    const auto s = hall::printer::parseFullStatus(allOk());
    QVERIFY(s);
    QVERIFY(s->ready());
    QCOMPARE(s->code(), QStringLiteral("ok"));
    QVERIFY(s->online);
    QVERIFY(s->hasPrinter && s->hasOffline && s->hasError && s->hasPaper);
}

void TestPrinterStatus::everyBit()
{
    for (const BitCase &c : kBits) {
        PrinterStatus s;
        QString error;
        const auto byte = quint8(0x12 | (1u << c.bit));
        QVERIFY2(hall::printer::applyStatusByte(c.n, byte, &s, &error), qPrintable(error));
        QVERIFY2(s.*c.flag == c.setValue,
                 qPrintable(QStringLiteral("DLE EOT %1 bit %2").arg(c.n).arg(c.bit)));
        // Every other flag keeps its idle value: the bit maps to one flag only.
        PrinterStatus expected;
        expected.*c.flag = c.setValue;
        expected.hasPrinter = c.n == 1;
        expected.hasOffline = c.n == 2;
        expected.hasError = c.n == 3;
        expected.hasPaper = c.n == 4;
        QVERIFY2(s == expected, qPrintable(QStringLiteral("DLE EOT %1 bit %2 touched another flag")
                                               .arg(c.n)
                                               .arg(c.bit)));
        // And a clear bit clears the flag again.
        QVERIFY(hall::printer::applyStatusByte(c.n, 0x12, &s));
        QVERIFY(s.*c.flag == !c.setValue);
    }
}

void TestPrinterStatus::fixedBitsRejectGarbage()
{
    // 0xx1xx10 for every n; all 256 values checked.
    for (int n = 1; n <= 4; ++n) {
        for (int b = 0; b < 256; ++b) {
            PrinterStatus s;
            s.coverOpen = true; // must survive a rejected byte
            QString error;
            const bool accepted = hall::printer::applyStatusByte(n, quint8(b), &s, &error);
            const bool fixedOk = (b & 0x01) == 0 && (b & 0x02) && (b & 0x10) && (b & 0x80) == 0;
            QVERIFY2(accepted == fixedOk, qPrintable(QStringLiteral("n=%1 byte %2").arg(n).arg(b)));
            if (!accepted) {
                QVERIFY(!error.isEmpty());
                QVERIFY(s.coverOpen);
                QVERIFY(!s.hasPrinter && !s.hasOffline && !s.hasError && !s.hasPaper);
            }
        }
    }
    PrinterStatus scratch;
    QVERIFY(!hall::printer::applyStatusByte(0, 0x12, &scratch));
    PrinterStatus s;
    QVERIFY(!hall::printer::applyStatusByte(5, 0x12, &s));
}

void TestPrinterStatus::parseFullStatus()
{
    QString error;
    QVERIFY(!hall::printer::parseFullStatus(QByteArray("\x12\x12\x12", 3), &error));
    QVERIFY(error.contains(QStringLiteral("4")));
    QVERIFY(!hall::printer::parseFullStatus(QByteArray("\x12\x12\x12\x12\x12", 5)));
    // One bad byte anywhere rejects the lot: ASCII "OK\r\n", 0xff, 0x00.
    QVERIFY(!hall::printer::parseFullStatus("OK\r\n"));
    QVERIFY(!hall::printer::parseFullStatus(QByteArray("\x12\x12\xff\x12", 4)));
    QVERIFY(!hall::printer::parseFullStatus(QByteArray("\x12\x12\x12\x00", 4), &error));
    QVERIFY(error.contains(QStringLiteral("0x00")));
    // An ASB first byte (bit 1 clear) is not a DLE EOT answer.
    QVERIFY(!hall::printer::parseFullStatus(QByteArray("\x10\x12\x12\x12", 4)));
}

void TestPrinterStatus::encodeRoundTrip()
{
    for (const BitCase &c : kBits) {
        PrinterStatus s;
        s.*c.flag = c.setValue;
        QByteArray bytes;
        for (int n = 1; n <= 4; ++n)
            bytes.append(char(hall::printer::statusByte(n, s)));
        const auto back = hall::printer::parseFullStatus(bytes);
        QVERIFY(back);
        QVERIFY((*back).*c.flag == c.setValue);
        QCOMPARE(back->code(), s.code());
    }
    QCOMPARE(hall::printer::statusByte(1, PrinterStatus{}), quint8(0x12));
    QCOMPARE(hall::printer::statusByte(0, PrinterStatus{}), quint8(0));
}

void TestPrinterStatus::realPrinterDumps_data()
{
    // Answers as TM-T88-class printers give them in each situation.
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("ready");
    QTest::newRow("idle") << QByteArray::fromHex("12121212") << "ok" << true;
    QTest::newRow("drawer pin high") << QByteArray::fromHex("16121212") << "ok" << true;
    QTest::newRow("near end") << QByteArray::fromHex("1212121e") << "paper_near_end" << true;
    QTest::newRow("paper out") << QByteArray::fromHex("1a32127e") << "paper_out" << false;
    QTest::newRow("paper out, sensor only") << QByteArray::fromHex("12121272") << "paper_out" << false;
    QTest::newRow("cover open") << QByteArray::fromHex("1a161212") << "cover_open" << false;
    QTest::newRow("cover open, no paper") << QByteArray::fromHex("1a36127e") << "cover_open" << false;
    QTest::newRow("cutter jam") << QByteArray::fromHex("1a521a12") << "failed" << false;
    QTest::newRow("unrecoverable") << QByteArray::fromHex("1a523212") << "failed" << false;
    QTest::newRow("mechanical") << QByteArray::fromHex("1a521612") << "failed" << false;
    QTest::newRow("head hot") << QByteArray::fromHex("1a525212") << "offline" << false;
    QTest::newRow("offline, no cause") << QByteArray::fromHex("1a121212") << "offline" << false;
    QTest::newRow("error, no detail") << QByteArray::fromHex("1a521212") << "failed" << false;
    QTest::newRow("feed button") << QByteArray::fromHex("521a1212") << "ok" << true;
}

void TestPrinterStatus::realPrinterDumps()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, code);
    QFETCH(bool, ready);
    QString error;
    const auto s = hall::printer::parseFullStatus(bytes, &error);
    QVERIFY2(s, qPrintable(error));
    QCOMPARE(s->code(), code);
    QCOMPARE(s->ready(), ready);
}

void TestPrinterStatus::codePriority()
{
    PrinterStatus s;
    s.paperNearEnd = true;
    QCOMPARE(s.code(), QStringLiteral("paper_near_end"));
    QVERIFY(s.ready());
    s.paperEnd = true;
    QCOMPARE(s.code(), QStringLiteral("paper_out"));
    QVERIFY(!s.ready());
    s.coverOpen = true;
    QCOMPARE(s.code(), QStringLiteral("cover_open"));
    s.cutterError = true;
    QCOMPARE(s.code(), QStringLiteral("failed"));

    PrinterStatus stopped;
    stopped.stoppedByPaperEnd = true;
    QCOMPARE(stopped.code(), QStringLiteral("paper_out"));
    QVERIFY(!stopped.ready());

    PrinterStatus waiting;
    waiting.waitingForRecovery = true;
    QCOMPARE(waiting.code(), QStringLiteral("offline"));

    PrinterStatus unrec;
    unrec.unrecoverableError = true;
    QCOMPARE(unrec.code(), QStringLiteral("failed"));
    QVERIFY(!unrec.ready());
}

void TestPrinterStatus::describeEveryCode()
{
    const QStringList allowed = {"ok", "paper_out", "paper_near_end", "cover_open", "offline", "failed"};
    QSet<QString> seen;
    QSet<QString> english, chinese;
    // Every combination of the flags gives one allowed code and a sentence in each language.
    for (int mask = 0; mask < (1 << 9); ++mask) {
        PrinterStatus s;
        s.online = !(mask & 1);
        s.coverOpen = mask & 2;
        s.paperNearEnd = mask & 4;
        s.paperEnd = mask & 8;
        s.cutterError = mask & 16;
        s.unrecoverableError = mask & 32;
        s.autoRecoverableError = mask & 64;
        s.recoverableError = mask & 128;
        s.errorOccurred = mask & 256;
        const QString code = s.code();
        QVERIFY2(allowed.contains(code), qPrintable(code));
        QCOMPARE(s.ready(), code == QLatin1String("ok") || code == QLatin1String("paper_near_end"));
        QVERIFY(s.describe().endsWith(QLatin1Char('.')));
        QVERIFY(s.describeZh().endsWith(QChar(0x3002)));
        seen.insert(code);
        english.insert(s.describe());
        chinese.insert(s.describeZh());
    }
    QCOMPARE(seen.size(), allowed.size());
    QVERIFY(english.size() >= 6);
    QVERIFY(chinese.size() >= 6);
    PrinterStatus paper;
    paper.paperEnd = true;
    QVERIFY(paper.describe().contains(QStringLiteral("paper")));
    QVERIFY(paper.describeZh().contains(QStringLiteral("缺纸")));
}

void TestPrinterStatus::asbEveryBit()
{
    struct AsbBit {
        int byte, bit;
        bool PrinterStatus::*flag;
        bool setValue;
    };
    const AsbBit bits[] = {
        {0, 2, &PrinterStatus::drawerPin3High, true},
        {0, 3, &PrinterStatus::online, false},
        {0, 5, &PrinterStatus::coverOpen, true},
        {0, 6, &PrinterStatus::feedingByButton, true},
        {1, 0, &PrinterStatus::waitingForRecovery, true},
        {1, 2, &PrinterStatus::recoverableError, true},
        {1, 3, &PrinterStatus::cutterError, true},
        {1, 5, &PrinterStatus::unrecoverableError, true},
        {1, 6, &PrinterStatus::autoRecoverableError, true},
        {2, 0, &PrinterStatus::paperNearEnd, true},
        {2, 1, &PrinterStatus::paperNearEnd, true},
        {2, 2, &PrinterStatus::paperEnd, true},
        {2, 3, &PrinterStatus::paperEnd, true},
    };
    const QByteArray idle("\x10\x00\x00\x00", 4);
    const auto base = hall::printer::parseAsb(idle);
    QVERIFY(base);
    QVERIFY(base->ready());
    for (const AsbBit &b : bits) {
        QByteArray block = idle;
        block[b.byte] = char(quint8(block.at(b.byte)) | (1u << b.bit));
        const auto s = hall::printer::parseAsb(block);
        QVERIFY2(s, qPrintable(QString::fromLatin1(block.toHex())));
        QVERIFY2((*s).*b.flag == b.setValue, qPrintable(QString::fromLatin1(block.toHex())));
        PrinterStatus expected = *base;
        expected.*b.flag = b.setValue;
        QVERIFY(*s == expected);
    }
    // Round trip through the encoder.
    PrinterStatus out;
    out.paperEnd = true;
    out.online = false;
    out.coverOpen = true;
    QCOMPARE(hall::printer::asbBlock(out).toHex(), QByteArray("38000c00"));
    const auto back = hall::printer::parseAsb(hall::printer::asbBlock(out));
    QVERIFY(back);
    QCOMPARE(back->code(), QStringLiteral("cover_open"));
}

void TestPrinterStatus::asbFixedBits()
{
    // First byte 0xx1xx00, others 0xx0xxxx: exhaustive over the first byte, and bit 4 / 7 of
    // the others.
    for (int b = 0; b < 256; ++b) {
        const QByteArray block = QByteArray(1, char(b)) + QByteArray(3, '\0');
        const bool expected = (b & 0x93) == 0x10;
        QCOMPARE(hall::printer::isAsbBlock(block.constData(), 4), expected);
        QCOMPARE(hall::printer::parseAsb(block).has_value(), expected);
    }
    for (int i = 1; i < 4; ++i) {
        for (const int bad : {0x10, 0x80}) {
            QByteArray block("\x10\x00\x00\x00", 4);
            block[i] = char(bad);
            QVERIFY(!hall::printer::parseAsb(block));
        }
    }
    QVERIFY(!hall::printer::isAsbBlock("\x10\x00\x00", 3));
    QString error;
    QVERIFY(!hall::printer::parseAsb(QByteArray("\x10\x00\x00", 3), &error));
    QVERIFY(!error.isEmpty());
}

void TestPrinterStatus::asbInStream()
{
    PrinterStatus paperOut;
    paperOut.paperEnd = true;
    paperOut.online = false;
    PrinterStatus ok;
    // A DLE EOT answer (0x12), an ASB block, garbage 0xff, another ASB block, then half a block.
    const QByteArray stream = QByteArray("\x12", 1) + hall::printer::asbBlock(paperOut)
        + QByteArray("\xff", 1) + hall::printer::asbBlock(ok) + QByteArray("\x10\x00", 2);
    QByteArray rest;
    const auto blocks = hall::printer::scanAsb(stream, &rest);
    QCOMPARE(blocks.size(), 2);
    QCOMPARE(blocks.at(0).offset, 1);
    QCOMPARE(blocks.at(0).status.code(), QStringLiteral("paper_out"));
    QCOMPARE(blocks.at(1).offset, 6);
    QCOMPARE(blocks.at(1).status.code(), QStringLiteral("ok"));
    // The non-ASB bytes come back in order, the partial block last so a later read completes it.
    QCOMPARE(rest.toHex(' '), QByteArray("12 ff 10 00"));
    const auto completed = hall::printer::scanAsb(QByteArray("\x10\x00", 2) + QByteArray("\x00\x00", 2));
    QCOMPARE(completed.size(), 1);
}

QTEST_GUILESS_MAIN(TestPrinterStatus)
#include "tst_printerstatus.moc"
