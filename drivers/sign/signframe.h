#pragma once

// Our RS-485 protocol for window strip signs (docs/hardware.md, "LED window signs"): a pure codec
// shared by the host driver and the FAKE sign, so both ends read the same document the same way.
//
//   A6 | address | seq | command | length | payload (0..240) | CRC-16/MODBUS low, high
//
// The envelope (CRC, byte order, resynchronising receiver) is the rating keypads' one:
// drivers/rs485/framing.h. The start byte differs from the keypads' A5 so a sign wired to a
// keypad bus (or the reverse) is reported as noise, not misread.

#include "drivers/rs485/framing.h"
#include "drivers/sign/signprotocol.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace hall::sign::frame {

inline constexpr quint8 kStartByte = 0xA6;
inline constexpr int kMinAddress = 1;
inline constexpr int kMaxAddress = 247;
inline constexpr int kMaxPayload = 240;
using hall::rs485::kCrcSize;
using hall::rs485::kHeaderSize;
using hall::rs485::kMinFrameSize;
inline constexpr int kMaxFrameSize = kMinFrameSize + kMaxPayload;
inline constexpr int kTextHeader = 4; // effect, encoding, duration u16
inline constexpr int kMaxTextBytes = kMaxPayload - kTextHeader;
inline constexpr int kMaxDurationS = 0xFFFF;

// Command codes. Bit 7 marks a sign's answer, so a host that hears its own request echoed
// (adapters without echo suppression) can tell it from an answer.
namespace cmd {
inline constexpr quint8 Ping = 0x01;       // -> Ack
inline constexpr quint8 ShowText = 0x10;   // u8 effect, u8 encoding, u16 duration s, text
inline constexpr quint8 Brightness = 0x11; // u8 percent 0..100
inline constexpr quint8 Clear = 0x12;      // -
inline constexpr quint8 ClockSync = 0x13;  // u16 year, u8 month, day, hour, minute, second
inline constexpr quint8 AnswerBit = hall::rs485::kAnswerBit;
inline constexpr quint8 Ack = 0x80;        // u8 acknowledged command
inline constexpr quint8 Nak = 0x8F;        // u8 refused command, u8 reason
} // namespace cmd

namespace encoding {
inline constexpr quint8 Gb2312 = 0x01;  // every character is in GB2312 (EUC-CN bytes)
inline constexpr quint8 Gb18030 = 0x02; // needs GB18030 (rare characters, 4-byte sequences)
} // namespace encoding

namespace nak {
inline constexpr quint8 UnknownCommand = 0x01;
inline constexpr quint8 BadPayload = 0x02;
inline constexpr quint8 UnsupportedEncoding = 0x03; // a GB2312-only sign got GB18030 text
inline constexpr quint8 TextTooLong = 0x04;         // more than the sign's memory holds
inline constexpr quint8 DisplayFault = 0x05;        // LED module or driver board fault
} // namespace nak
QString nakReasonText(quint8 reason);

using hall::rs485::crc16Modbus;
using hall::rs485::Frame;
using hall::rs485::toHex;

inline bool isSignAddress(int address) { return address >= kMinAddress && address <= kMaxAddress; }
inline constexpr hall::rs485::Envelope kEnvelope{kStartByte, kMaxPayload, &isSignAddress};

// The frame on the wire; a payload over kMaxPayload bytes is cut there (callers never build one).
inline QByteArray encode(const Frame &frame) { return hall::rs485::encode(kEnvelope, frame); }
QString describe(const Frame &frame);
QString commandName(quint8 command);

// Text as the sign takes it: GB18030 bytes, and whether they stay inside GB2312 (a sign whose
// font has only GB2312 can show them). nullopt when the text cannot be encoded.
struct EncodedText {
    QByteArray bytes;
    quint8 encoding = encoding::Gb2312;
};
std::optional<EncodedText> encodeText(const QString &text);
QString decodeText(const QByteArray &bytes);
bool isGb2312(const QByteArray &gb18030);

// Request builders (host side). showTextFrame fails (nullopt) for text over kMaxTextBytes once
// encoded, a duration outside 0..65535 or a control character in the text.
std::optional<Frame> showTextFrame(quint8 address, quint8 seq, const QString &text, Effect effect, int durationS,
                                   QString *error = nullptr);
Frame pingFrame(quint8 address, quint8 seq);
Frame brightnessFrame(quint8 address, quint8 seq, int percent);
Frame clearFrame(quint8 address, quint8 seq);
Frame clockSyncFrame(quint8 address, quint8 seq, const QDateTime &local);

// Answer builders (sign side); address and seq are those of the request.
Frame ackFrame(quint8 address, quint8 seq, quint8 command);
Frame nakFrame(quint8 address, quint8 seq, quint8 command, quint8 reason);

// Request readers (sign side): nullopt, with the NAK reason in *reason, when the payload is wrong.
struct ShowText {
    Effect effect = Effect::Static;
    quint8 encoding = encoding::Gb18030;
    int durationS = 0;
    QByteArray bytes;
    QString text;
};
std::optional<ShowText> readShowText(const Frame &frame, quint8 *reason);
std::optional<int> readBrightness(const Frame &frame);
std::optional<QDateTime> readClock(const Frame &frame);

// Streaming receiver for either end (drivers/rs485/framing.h): bytes in any pieces, whole frames
// out; on a bad header or CRC it drops only that one start byte and scans again, so a real frame
// behind noise is still found.
class FrameParser : public hall::rs485::FrameParser
{
public:
    FrameParser()
        : hall::rs485::FrameParser(kEnvelope)
    {
    }
    // The sign bus's garbage summary reads the stats as they stand, so a reset starts them afresh
    // (the keypads' driver compares them across resets instead).
    void reset()
    {
        hall::rs485::FrameParser::reset();
        resetStats();
    }
};

} // namespace hall::sign::frame

namespace hall::sign {

// Our protocol behind the SignProtocol seam.
class HallSignProtocol final : public SignProtocol
{
public:
    QString name() const override { return QStringLiteral("hall"); }
    bool isValidAddress(int address) const override { return frame::isSignAddress(address); }
    std::variant<QByteArray, QString> encode(const SignRequest &request, int address, quint8 seq) const override;
    std::unique_ptr<SignReplyParser> newParser() const override;
};

} // namespace hall::sign
