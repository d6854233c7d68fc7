// The sign protocol's codec, byte for byte: the golden frames of docs/hardware.md ("LED window
// signs"), computed independently of this code (a few lines of Python with the textbook CRC
// loop and Python's own GB18030 codec), the CRC's published check value, and the parser's
// resynchronisation on noise.

#include "drivers/sign/signframe.h"

#include <QTest>

using namespace hall::sign;
using namespace hall::sign::frame;

namespace {

QByteArray hex(const char *spaced) { return QByteArray::fromHex(QByteArray(spaced).replace(' ', "")); }

const QString kCall = QStringLiteral("请 A023 号");

} // namespace

class TestSignFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void crcCheckValue()
    {
        // CRC-16/MODBUS of "123456789" is 0x4B37 (the catalogue's check value).
        QCOMPARE(crc16Modbus(QByteArrayLiteral("123456789")), quint16(0x4B37));
    }

    void goldenFrames_data()
    {
        QTest::addColumn<QByteArray>("actual");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("show flash 请 A023 号")
            << encode(*showTextFrame(3, 7, kCall, Effect::Flash, 0))
            << hex("A6 03 07 10 0E 02 01 00 00 C7 EB 20 41 30 32 33 20 BA C5 12 CC");
        QTest::newRow("show flash for 10 s")
            << encode(*showTextFrame(3, 8, kCall, Effect::Flash, 10))
            << hex("A6 03 08 10 0E 02 01 0A 00 C7 EB 20 41 30 32 33 20 BA C5 3F 27");
        QTest::newRow("show scroll 5号窗口 欢迎")
            << encode(*showTextFrame(3, 5, QStringLiteral("5号窗口 欢迎"), Effect::Scroll, 0))
            << hex("A6 03 05 10 10 01 01 00 00 35 BA C5 B4 B0 BF DA 20 BB B6 D3 AD E3 08");
        QTest::newRow("show static GB18030-only 㐀")
            << encode(*showTextFrame(3, 6, QStringLiteral("㐀"), Effect::Static, 0))
            << hex("A6 03 06 10 08 00 02 00 00 81 39 EE 39 A0 16");
        QTest::newRow("brightness 60") << encode(brightnessFrame(3, 1, 60)) << hex("A6 03 01 11 01 3C 0C A5");
        QTest::newRow("clear") << encode(clearFrame(3, 2)) << hex("A6 03 02 12 00 81 3D");
        QTest::newRow("clock 2026-11-29 08:30:05")
            << encode(clockSyncFrame(3, 3, QDateTime(QDate(2026, 11, 29), QTime(8, 30, 5))))
            << hex("A6 03 03 13 07 EA 07 0B 1D 08 1E 05 29 E3");
        QTest::newRow("ping") << encode(pingFrame(3, 4)) << hex("A6 03 04 01 00 6C 0C");
        QTest::newRow("ack") << encode(ackFrame(3, 7, cmd::ShowText)) << hex("A6 03 07 80 01 10 5C 1D");
        QTest::newRow("nak encoding") << encode(nakFrame(3, 7, cmd::ShowText, nak::UnsupportedEncoding))
                                      << hex("A6 03 07 8F 02 10 03 AE 2C");
        // The worked exchange of docs/hardware.md.
        QTest::newRow("example clock") << encode(clockSyncFrame(5, 0x10, QDateTime(QDate(2026, 11, 29), QTime(8, 30, 5))))
                                       << hex("A6 05 10 13 07 EA 07 0B 1D 08 1E 05 C6 F1");
        QTest::newRow("example clock ack") << encode(ackFrame(5, 0x10, cmd::ClockSync)) << hex("A6 05 10 80 01 13 91 A8");
        QTest::newRow("example call") << encode(*showTextFrame(5, 0x11, kCall, Effect::Flash, 0))
                                      << hex("A6 05 11 10 0E 02 01 00 00 C7 EB 20 41 30 32 33 20 BA C5 1C 21");
        QTest::newRow("example call ack") << encode(ackFrame(5, 0x11, cmd::ShowText)) << hex("A6 05 11 80 01 10 D0 55");
        QTest::newRow("example serving") << encode(*showTextFrame(5, 0x12, QStringLiteral("A023"), Effect::Static, 0))
                                         << hex("A6 05 12 10 08 00 01 00 00 41 30 32 33 EE 2B");
        QTest::newRow("example serving ack") << encode(ackFrame(5, 0x12, cmd::ShowText)) << hex("A6 05 12 80 01 10 D0 11");
        QTest::newRow("example paused") << encode(*showTextFrame(5, 0x13, QStringLiteral("暂停服务"), Effect::Static, 0))
                                        << hex("A6 05 13 10 0C 00 01 00 00 D4 DD CD A3 B7 FE CE F1 79 4B");
        QTest::newRow("example fault nak") << encode(nakFrame(5, 0x13, cmd::ShowText, nak::DisplayFault))
                                           << hex("A6 05 13 8F 02 10 05 1E 4B");
        QTest::newRow("example brightness") << encode(brightnessFrame(5, 0x14, 80)) << hex("A6 05 14 11 01 50 80 84");
        QTest::newRow("example brightness ack") << encode(ackFrame(5, 0x14, cmd::Brightness)) << hex("A6 05 14 80 01 11 11 59");
    }
    void goldenFrames()
    {
        QFETCH(QByteArray, actual);
        QFETCH(QByteArray, expected);
        QCOMPARE(toHex(actual), toHex(expected));
    }

    void protocolSeamEncodesTheSame()
    {
        HallSignProtocol p;
        const auto bytes = p.encode(SignRequest::showText(kCall, Effect::Flash), 3, 7);
        QVERIFY(std::holds_alternative<QByteArray>(bytes));
        QCOMPARE(toHex(std::get<QByteArray>(bytes)), toHex(hex("A6 03 07 10 0E 02 01 00 00 C7 EB 20 41 30 32 33 20 BA C5 12 CC")));
        QVERIFY(std::holds_alternative<QString>(p.encode(SignRequest::ping(), 0, 1)));   // address 0 is reserved
        QVERIFY(std::holds_alternative<QString>(p.encode(SignRequest::ping(), 248, 1))); // as is 248..255
        QVERIFY(std::holds_alternative<QString>(p.encode(SignRequest::setBrightness(101), 3, 1)));
    }

    void textLimits()
    {
        QString error;
        // 118 two-byte characters = 236 bytes fit; one more does not.
        const QString fits(kMaxTextBytes / 2, QChar(0x8BF7));
        QVERIFY(showTextFrame(1, 0, fits, Effect::Scroll, 0, &error).has_value());
        QVERIFY(!showTextFrame(1, 0, fits + QChar(0x8BF7), Effect::Scroll, 0, &error).has_value());
        QVERIFY2(error.contains(QStringLiteral("238 bytes")), qPrintable(error));
        QVERIFY(!showTextFrame(1, 0, QStringLiteral("a\x1b" "b"), Effect::Static, 0, &error).has_value());
        QVERIFY(!showTextFrame(1, 0, QStringLiteral("x"), Effect::Static, 70000, &error).has_value());
        QVERIFY(!showTextFrame(1, 0, QString(QChar(0xD800)), Effect::Static, 0, &error).has_value()); // lone surrogate
    }

    void gb2312Detection()
    {
        QCOMPARE(encodeText(kCall)->encoding, encoding::Gb2312);
        QCOMPARE(encodeText(QStringLiteral("ABC 123"))->encoding, encoding::Gb2312);
        QCOMPARE(encodeText(QStringLiteral("㐀"))->encoding, encoding::Gb18030); // four-byte
        QCOMPARE(encodeText(QStringLiteral("喆"))->encoding, encoding::Gb18030); // GBK two-byte, not GB2312
    }

    void readersRoundTrip()
    {
        quint8 reason = 0;
        const auto s = readShowText(*showTextFrame(9, 1, kCall, Effect::Flash, 10), &reason);
        QVERIFY(s);
        QCOMPARE(s->text, kCall);
        QCOMPARE(toString(s->effect), toString(Effect::Flash));
        QCOMPARE(s->durationS, 10);
        QCOMPARE(s->encoding, encoding::Gb2312);
        // A frame that claims GB2312 but carries a four-byte sequence is refused.
        Frame bad = *showTextFrame(9, 1, QStringLiteral("㐀"), Effect::Static, 0);
        bad.payload[1] = char(encoding::Gb2312);
        QVERIFY(!readShowText(bad, &reason));
        QCOMPARE(reason, nak::BadPayload);
        QCOMPARE(*readBrightness(brightnessFrame(1, 1, 60)), 60);
        const QDateTime t(QDate(2026, 11, 29), QTime(8, 30, 5));
        QCOMPARE(*readClock(clockSyncFrame(1, 1, t)), t);
    }

    void parserResyncsOnNoise()
    {
        FrameParser p;
        const QByteArray good = encode(ackFrame(3, 7, cmd::ShowText));
        // Noise with stray start bytes (one with a plausible address and a long length) ahead of
        // a real answer, fed one byte at a time.
        const QByteArray noise = hex("00 FF A6 00 13 A6 03 99 80 F0 11 A6 A6");
        for (char c : noise + good)
            p.feed(QByteArray(1, c));
        // The A6 03 .. F0 header waits for 240 bytes; the quiet line gives it up.
        p.lineIdle();
        const auto f = p.next();
        QVERIFY(f);
        QCOMPARE(*f, ackFrame(3, 7, cmd::ShowText));
        QVERIFY(!p.next());
        QVERIFY(p.stats().skippedBytes >= quint64(noise.size()));
        QVERIFY(p.stats().badHeader >= 1);
    }

    void parserRejectsBadCrc()
    {
        FrameParser p;
        QByteArray bytes = encode(ackFrame(3, 7, cmd::ShowText));
        bytes[bytes.size() - 1] = char(bytes.at(bytes.size() - 1) ^ 0x01);
        p.feed(bytes);
        p.lineIdle();
        QVERIFY(!p.next());
        QCOMPARE(p.stats().badCrc, quint64(1));
    }

    void replyParserReadsAckAndNak()
    {
        HallSignProtocol proto;
        auto parser = proto.newParser();
        parser->feed(encode(showTextFrame(3, 1, kCall, Effect::Flash, 0).value())); // an echoed request
        parser->feed(encode(ackFrame(3, 1, cmd::ShowText)));
        parser->feed(encode(nakFrame(3, 2, cmd::ShowText, nak::DisplayFault)));
        const auto a = parser->next();
        QVERIFY(a && a->ack && a->seq == 1 && a->address == 3);
        const auto n = parser->next();
        QVERIFY(n && !n->ack && n->seq == 2 && n->fault && n->nakReason == nak::DisplayFault);
        QVERIFY(!parser->next());
    }
};

QTEST_GUILESS_MAIN(TestSignFrame)
#include "tst_signframe.moc"
