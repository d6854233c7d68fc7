// Golden bytes for the ESC/POS builder, checked by hand against the Epson command reference
// (and, for the QR sequence, against python-escpos's own test vector), plus the decoder's
// reading of them.

#include "drivers/printer/escpos.h"
#include "drivers/printer/escposdecoder.h"

#include <QImage>
#include <QTest>

using hall::printer::EscPos;
using hall::printer::EscPosDecoder;
using hall::printer::MonoImage;

namespace {
QByteArray hex(const char *h) { return QByteArray::fromHex(h); }
}

class TestEscPos : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void simpleCommands_data();
    void simpleCommands();
    void gb18030Text();
    void asciiTextOutsideChineseMode();
    void qrGolden();
    void qrLengthBytes();
    void qrCapacity();
    void rasterBands();
    void rasterFromImage();
    void errors_data();
    void errors();
    void firstErrorWins();
    void decoderRoundTrip();
    void decoderSplitFeed();
    void decoderUnknownAndIncomplete();
};

void TestEscPos::simpleCommands_data()
{
    QTest::addColumn<QByteArray>("actual");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("init") << EscPos().initialize().bytes() << hex("1b40");
    QTest::newRow("chinese on") << EscPos().chineseMode(true).bytes() << hex("1c26");
    QTest::newRow("chinese off") << EscPos().chineseMode(false).bytes() << hex("1c2e");
    QTest::newRow("size 1x1") << EscPos().size(1, 1).bytes() << hex("1d2100");
    QTest::newRow("size 2x2") << EscPos().size(2, 2).bytes() << hex("1d2111");
    QTest::newRow("size 4x4") << EscPos().size(4, 4).bytes() << hex("1d2133");
    QTest::newRow("size 8x8") << EscPos().size(8, 8).bytes() << hex("1d2177");
    QTest::newRow("size 2 wide 1 high") << EscPos().size(2, 1).bytes() << hex("1d2110");
    QTest::newRow("size 1 wide 3 high") << EscPos().size(1, 3).bytes() << hex("1d2102");
    QTest::newRow("align left") << EscPos().align(EscPos::Align::Left).bytes() << hex("1b6100");
    QTest::newRow("align center") << EscPos().align(EscPos::Align::Center).bytes() << hex("1b6101");
    QTest::newRow("align right") << EscPos().align(EscPos::Align::Right).bytes() << hex("1b6102");
    QTest::newRow("bold on") << EscPos().bold(true).bytes() << hex("1b4501");
    QTest::newRow("bold off") << EscPos().bold(false).bytes() << hex("1b4500");
    QTest::newRow("underline thin")
        << EscPos().underline(EscPos::Underline::Thin).bytes() << hex("1b2d011c2d01");
    QTest::newRow("underline off")
        << EscPos().underline(EscPos::Underline::None).bytes() << hex("1b2d001c2d00");
    QTest::newRow("line feed") << EscPos().lineFeed().bytes() << hex("0a");
    QTest::newRow("feed 3 lines") << EscPos().feedLines(3).bytes() << hex("1b6403");
    QTest::newRow("feed 255 lines") << EscPos().feedLines(255).bytes() << hex("1b64ff");
    QTest::newRow("partial cut") << EscPos().cut().bytes() << hex("1d564200");
    QTest::newRow("partial cut feed 24") << EscPos().cut(true, 24).bytes() << hex("1d564218");
    QTest::newRow("full cut feed 3") << EscPos().cut(false, 3).bytes() << hex("1d564103");
    QTest::newRow("ascii line") << EscPos().line(QStringLiteral("A023")).bytes() << hex("413032330a");
    QTest::newRow("chained")
        << EscPos().initialize().align(EscPos::Align::Center).bold(true).text(QStringLiteral("Hi")).bytes()
        << hex("1b401b61011b45014869");
}

void TestEscPos::simpleCommands()
{
    QFETCH(QByteArray, actual);
    QFETCH(QByteArray, expected);
    QCOMPARE(actual.toHex(' '), expected.toHex(' '));
}

void TestEscPos::gb18030Text()
{
    // 车管所 in GB2312's two-byte area; 号 too; U+20000 is one of GB18030's four-byte
    // characters; € is A2E3 in GB18030-2005.
    EscPos p;
    p.chineseMode(true).text(QStringLiteral("车管所")).text(QStringLiteral("A023号"));
    p.text(QString::fromUtf8("\xF0\xA0\x80\x80")).text(QStringLiteral("€"));
    QVERIFY(p.ok());
    QCOMPARE(p.bytes().toHex(' '), hex("1c26 b3b5b9dccbf9 41303233bac5 95328236 a2e3").toHex(' '));

    bool ok = false;
    QCOMPARE(EscPos::encodeGb18030(QStringLiteral("等候人数"), &ok), hex("b5c8baf2c8cbcafd"));
    QVERIFY(ok);
    QCOMPARE(EscPos::decodeGb18030(hex("95328236")), QString::fromUtf8("\xF0\xA0\x80\x80"));

    // A lone surrogate has no GB18030 form; it must be an error, not a silently dropped char.
    EscPos bad;
    bad.chineseMode(true).text(QString(QChar(0xD800)) + QStringLiteral("车"));
    QVERIFY(!bad.ok());
    QVERIFY(bad.bytes().isEmpty());
}

void TestEscPos::asciiTextOutsideChineseMode()
{
    EscPos p;
    p.text(QStringLiteral("车"));
    QVERIFY(!p.ok());
    QVERIFY(p.error()->contains(QStringLiteral("Chinese mode")));
    // After FS . the builder is back in ASCII mode.
    EscPos q;
    q.chineseMode(true).text(QStringLiteral("车")).chineseMode(false).text(QStringLiteral("车"));
    QVERIFY(!q.ok());
    // ESC @ resets our view of the mode too.
    EscPos r;
    r.chineseMode(true).initialize().text(QStringLiteral("车"));
    QVERIFY(!r.ok());
}

void TestEscPos::qrGolden()
{
    // The same bytes python-escpos's test_defaults expects for qr("1234", native=True).
    const QByteArray expected = QByteArray("\x1d(k\x04\x00" "1A2\x00", 9)
        + QByteArray("\x1d(k\x03\x00" "1C\x03", 8) + QByteArray("\x1d(k\x03\x00" "1E0", 8)
        + QByteArray("\x1d(k\x07\x00" "1P01234", 12) + QByteArray("\x1d(k\x03\x00" "1Q0", 8);
    const QByteArray actual = EscPos().qr("1234", 3, EscPos::QrEcc::L).bytes();
    QCOMPARE(actual.toHex(' '), expected.toHex(' '));

    // Module size and level land in their own functions.
    const QByteArray m6 = EscPos().qr("X", 6, EscPos::QrEcc::M).bytes();
    QVERIFY(m6.contains(hex("1d286b0300314306")));
    QVERIFY(m6.contains(hex("1d286b0300314531")));
    QVERIFY(m6.contains(hex("1d286b040031503058")));
    QVERIFY(EscPos().qr("X", 16, EscPos::QrEcc::H).bytes().contains(hex("1d286b0300314310")));
    QVERIFY(EscPos().qr("X", 16, EscPos::QrEcc::H).bytes().contains(hex("1d286b0300314533")));
}

void TestEscPos::qrLengthBytes()
{
    // pL pH count cn, fn, m and the data: 300 bytes of data -> 303 = 0x012f.
    const QByteArray data(300, 'a');
    const QByteArray b = EscPos().qr(data, 4, EscPos::QrEcc::M).bytes();
    const qsizetype store = b.indexOf(hex("1d286b2f01315030"));
    QVERIFY(store > 0);
    QCOMPARE(b.mid(store + 8, 300), data);
    QCOMPARE(b.mid(store + 308).toHex(' '), hex("1d286b0300315130").toHex(' '));

    // 253 bytes -> 256 = 0x0100: the carry into pH.
    const QByteArray b2 = EscPos().qr(QByteArray(253, 'z')).bytes();
    QVERIFY(b2.contains(hex("1d286b0001315030")));
    // 252 bytes -> 255 = 0xff 0x00.
    QVERIFY(EscPos().qr(QByteArray(252, 'z')).bytes().contains(hex("1d286bff00315030")));
}

void TestEscPos::qrCapacity()
{
    QVERIFY(EscPos().qr(QByteArray(2953, 'a'), 3, EscPos::QrEcc::L).ok());
    QVERIFY(!EscPos().qr(QByteArray(2954, 'a'), 3, EscPos::QrEcc::L).ok());
    QVERIFY(EscPos().qr(QByteArray(2331, 'a'), 3, EscPos::QrEcc::M).ok());
    EscPos tooLong;
    tooLong.qr(QByteArray(2332, 'a'), 3, EscPos::QrEcc::M);
    QVERIFY(!tooLong.ok());
    QVERIFY(tooLong.error()->contains(QStringLiteral("2332")));
    QVERIFY(tooLong.bytes().isEmpty());
    QVERIFY(!EscPos().qr(QByteArray(1274, 'a'), 3, EscPos::QrEcc::H).ok());
    QVERIFY(EscPos().qr(QByteArray(1663, 'a'), 3, EscPos::QrEcc::Q).ok());
    QVERIFY(!EscPos().qr(QByteArray(1664, 'a'), 3, EscPos::QrEcc::Q).ok());
}

void TestEscPos::rasterBands()
{
    // 16 dots wide (2 bytes a row), 3 rows, bands of 2: two GS v 0 commands.
    MonoImage img = MonoImage::blank(16, 3);
    img.rows = hex("8001 ff00 0f0f");
    QVERIFY(img.isValid());
    QVERIFY(img.dot(0, 0));
    QVERIFY(!img.dot(1, 0));
    QVERIFY(img.dot(15, 0));
    QVERIFY(img.dot(7, 1));
    QVERIFY(!img.dot(8, 1));
    const QByteArray b = EscPos().raster(img, 2).bytes();
    QCOMPARE(b.toHex(' '), hex("1d763000 0200 0200 8001ff00  1d763000 0200 0100 0f0f").toHex(' '));

    // A width that is not a multiple of 8 rounds up to whole bytes.
    MonoImage odd = MonoImage::blank(10, 1);
    odd.setDot(9, 0, true);
    QCOMPARE(odd.rows.toHex(), QByteArray("0040"));
    QCOMPARE(EscPos().raster(odd).bytes().toHex(' '), hex("1d763000 0200 0100 0040").toHex(' '));

    // 384 x 100 in bands of 24: 5 bands (24*4 + 4), each with its own row count.
    MonoImage big = MonoImage::blank(384, 100);
    const QByteArray bb = EscPos().raster(big, 24).bytes();
    QCOMPARE(bb.count(hex("1d763000")), 5);
    QCOMPARE(bb.size(), 5 * 8 + 48 * 100);
    QVERIFY(bb.contains(hex("1d763000 3000 1800")));
    QVERIFY(bb.endsWith(hex("1d763000 3000 0400") + QByteArray(4 * 48, '\0')));
}

void TestEscPos::rasterFromImage()
{
    QImage image(10, 2, QImage::Format_ARGB32);
    image.fill(Qt::white);
    image.setPixel(0, 0, qRgb(0, 0, 0));
    image.setPixel(1, 0, qRgb(100, 100, 100)); // darker than the threshold
    image.setPixel(2, 0, qRgb(200, 200, 200)); // lighter
    image.setPixel(3, 0, qRgba(0, 0, 0, 0));   // transparent black is paper
    image.setPixel(9, 1, qRgb(0, 0, 0));
    const MonoImage mono = hall::printer::toMonoImage(image, 128);
    QCOMPARE(mono.widthDots, 10);
    QCOMPARE(mono.heightDots, 2);
    QCOMPARE(mono.rows.toHex(' '), QByteArray("c0 00 00 40"));

    // Wider than the paper: scaled down keeping the aspect.
    QImage wide(800, 100, QImage::Format_RGB32);
    wide.fill(Qt::black);
    const MonoImage scaled = hall::printer::toMonoImage(wide, 128, 384);
    QCOMPARE(scaled.widthDots, 384);
    QCOMPARE(scaled.heightDots, 48);
    QVERIFY(scaled.dot(383, 47));
    QVERIFY(hall::printer::toMonoImage(QImage()).rows.isEmpty());
}

void TestEscPos::errors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    auto row = [](const char *name, const EscPos &p) {
        QTest::newRow(name) << p.bytes() << p.error().value_or(QString());
    };
    row("size 0", EscPos().size(0, 1));
    row("size 9", EscPos().size(1, 9));
    row("feed 256", EscPos().feedLines(256));
    row("feed -1", EscPos().feedLines(-1));
    row("qr empty", EscPos().qr({}));
    row("qr module 0", EscPos().qr("x", 0));
    row("qr module 17", EscPos().qr("x", 17));
    row("qr bad ecc", EscPos().qr("x", 3, EscPos::QrEcc(52)));
    row("raster empty", EscPos().raster(MonoImage{}));
    MonoImage wrong = MonoImage::blank(16, 2);
    wrong.rows.chop(1);
    row("raster short rows", EscPos().raster(wrong));
    row("raster band 0", EscPos().raster(MonoImage::blank(8, 8), 0));
    row("cut feed 256", EscPos().cut(true, 256));
    row("escape in text", EscPos().text(QStringLiteral("A\x1b" "d\x05")));
    row("nul in text", EscPos().text(QString(QChar(0))));
    row("del in text", EscPos().text(QString(QChar(0x7f))));
    row("non-ascii outside chinese", EscPos().text(QStringLiteral("é")));
}

void TestEscPos::errors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    QVERIFY2(!error.isEmpty(), "no error recorded");
    QVERIFY(bytes.isEmpty());
}

void TestEscPos::firstErrorWins()
{
    EscPos p;
    p.initialize().size(9, 9).feedLines(999).line(QStringLiteral("ok"));
    QVERIFY(p.error()->contains(QStringLiteral("9x9")));
    QVERIFY(p.bytes().isEmpty());
    // Newlines inside text are allowed: they are LF.
    EscPos q;
    q.text(QStringLiteral("a\nb"));
    QVERIFY(q.ok());
    QCOMPARE(q.bytes(), QByteArray("a\nb"));
}

void TestEscPos::decoderRoundTrip()
{
    MonoImage logo = MonoImage::blank(384, 60);
    EscPos p;
    p.initialize()
        .chineseMode(true)
        .align(EscPos::Align::Center)
        .raster(logo, 24)
        .bold(true)
        .line(QStringLiteral("车管所"))
        .bold(false)
        .size(4, 4)
        .bold(true)
        .line(QStringLiteral("A023"))
        .bold(false)
        .size(1, 1)
        .underline(EscPos::Underline::Thin)
        .line(QString::fromUtf8("\xF0\xA0\x80\x80 ok"))
        .underline(EscPos::Underline::None)
        .qr("1203", 6, EscPos::QrEcc::M)
        .feedLines(2)
        .cut();
    QVERIFY(p.ok());
    EscPosDecoder d;
    d.feed(p.bytes());
    d.finish();
    const QStringList expected = {
        QStringLiteral("[init][chinese on][align center][raster 384x60]"),
        QStringLiteral("[bold]车管所"),
        QStringLiteral("[/bold][size 4x4][bold]A023"),
        QStringLiteral("[/bold][size 1x1][underline 1]") + QString::fromUtf8("\xF0\xA0\x80\x80 ok"),
        QStringLiteral("[/underline][QR model2 size6 ecc M] 1203"),
        QStringLiteral("[feed 2]"),
        QStringLiteral("[cut]"),
    };
    QCOMPARE(d.lines(), expected);
    QCOMPARE(d.cuts(), 1);
    QCOMPARE(d.qrPayloads(), QList<QByteArray>{"1203"});
    QCOMPARE(d.plainLines(),
             (QStringList{QStringLiteral("车管所"), QStringLiteral("A023"),
                          QString::fromUtf8("\xF0\xA0\x80\x80 ok")}));
    // Two images in a row stay two images.
    const QString two = EscPosDecoder::decode(
        EscPos().raster(MonoImage::blank(8, 30), 24).lineFeed().raster(MonoImage::blank(16, 5)).bytes());
    QCOMPARE(two, QStringLiteral("[raster 8x30]\n\n[raster 16x5]"));
}

void TestEscPos::decoderSplitFeed()
{
    EscPos p;
    p.initialize().chineseMode(true).line(QStringLiteral("等候人数 People ahead 12"))
        .text(QString::fromUtf8("\xF0\xA0\x80\x80")).lineFeed().qr("T-1", 4).cut(false, 5);
    const QByteArray bytes = p.bytes();
    EscPosDecoder whole;
    whole.feed(bytes);
    whole.finish();
    EscPosDecoder bytewise;
    for (const char c : bytes)
        bytewise.feed(QByteArray(1, c));
    bytewise.finish();
    QCOMPARE(bytewise.lines(), whole.lines());
    QCOMPARE(whole.lines().last(), QStringLiteral("[cut full feed 5]"));
    QCOMPARE(whole.plainLines().first(), QStringLiteral("等候人数 People ahead 12"));
}

void TestEscPos::decoderUnknownAndIncomplete()
{
    QCOMPARE(EscPosDecoder::decode(hex("1b7a41")), QStringLiteral("[esc 7a]A"));
    QCOMPARE(EscPosDecoder::decode(hex("07")), QStringLiteral("[?? 07]"));
    QCOMPARE(EscPosDecoder::decode(hex("1d286b0700")), QStringLiteral("[incomplete 1d 28 6b 07 00]"));
    QCOMPARE(EscPosDecoder::decode(hex("100401")), QStringLiteral("[status query 1]"));
    // Outside Chinese mode, high bytes are shown, not guessed at.
    QCOMPARE(EscPosDecoder::decode(hex("41b3")), QStringLiteral("A[xb3]"));
    QCOMPARE(EscPosDecoder::nextLength(hex("1d76300002000100abcd"), 0), 10);
    QCOMPARE(EscPosDecoder::nextLength(hex("1d763000020001"), 0), 0);
    QCOMPARE(EscPosDecoder::nextLength(hex("1d5642"), 0), 0);
    QCOMPARE(EscPosDecoder::nextLength(hex("1d564200"), 0), 4);
    QCOMPARE(EscPosDecoder::nextLength(hex("1d5601"), 0), 3);
}

QTEST_GUILESS_MAIN(TestEscPos)
#include "tst_escpos.moc"
