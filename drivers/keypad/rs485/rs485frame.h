#pragma once

// The RS-485 keypad protocol's frames (docs/hardware.md, "Rating keypads, RS-485"): a pure codec
// shared by the host driver and the FAKE keypad, so both ends read the same document the same way.
//
//   A5 | address | seq | command | length | payload (0..32) | CRC-16/MODBUS low, high
//
// The envelope (CRC, byte order, resynchronising receiver) is the one our sign protocol uses too:
// drivers/rs485/framing.h.

#include "drivers/rs485/framing.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace hall::keypad::rs485 {

inline constexpr quint8 kStartByte = 0xA5;
inline constexpr quint8 kBroadcast = 0xFF; // every keypad acts, none answers
inline constexpr int kMinAddress = 1;
inline constexpr int kMaxAddress = 247;
inline constexpr int kMaxPayload = 32;
using hall::rs485::kCrcSize;
using hall::rs485::kHeaderSize;
using hall::rs485::kMinFrameSize;
inline constexpr int kMaxFrameSize = kMinFrameSize + kMaxPayload;
inline constexpr quint8 kProtocolVersion = 1;

// Command codes. Bit 7 marks a keypad's answer, so a host that hears its own request echoed
// (adapters without echo suppression) can tell it from an answer.
namespace cmd {
inline constexpr quint8 Poll = 0x01;      // -> Event | NoEvent
inline constexpr quint8 Ack = 0x02;       // u16 event id -> Event | NoEvent (as Poll, after the ack)
inline constexpr quint8 SetPrompt = 0x03; // u8 0/1 -> Event | NoEvent; also broadcast
inline constexpr quint8 Identify = 0x04;  // -> Identity
inline constexpr quint8 AnswerBit = hall::rs485::kAnswerBit;
inline constexpr quint8 NoEvent = 0x80;   // u8 flags
inline constexpr quint8 Event = 0x81;     // u8 flags, u16 id, u8 key, u16 age (0.1 s), u8 queued
inline constexpr quint8 Identity = 0x84;  // u8 flags, u8 protocol, u8 keys, firmware text
inline constexpr quint8 Nak = 0x8F;       // u8 flags, u8 refused command, u8 reason
} // namespace cmd

// Bits of the flags byte that starts every answer.
namespace flag {
inline constexpr quint8 PromptLit = 0x01;
}

// Reasons in a NAK.
namespace nak {
inline constexpr quint8 UnknownCommand = 0x01;
inline constexpr quint8 BadPayload = 0x02;
} // namespace nak

using hall::rs485::crc16Modbus;
using hall::rs485::Frame;
using hall::rs485::toHex;

inline bool isKeypadAddress(int address) { return address >= kMinAddress && address <= kMaxAddress; }
// What a frame on a keypad bus may be addressed to.
inline bool isFrameAddress(int address) { return isKeypadAddress(address) || address == kBroadcast; }
inline constexpr hall::rs485::Envelope kEnvelope{kStartByte, kMaxPayload, &isFrameAddress};

// The frame on the wire; a payload over kMaxPayload bytes is cut there (callers never build one).
inline QByteArray encode(const Frame &frame) { return hall::rs485::encode(kEnvelope, frame); }
QString describe(const Frame &frame);

// What a keypad answers to Poll, Ack and SetPrompt when it holds an unacknowledged press.
struct EventAnswer {
    quint8 flags = 0;
    quint16 eventId = 0;  // 1..65535; 0 is never used
    quint8 key = 0;       // 1 = leftmost / top
    quint16 ageTenths = 0; // time since the press in 0.1 s, saturating at 0xFFFF
    quint8 queued = 0;    // further presses waiting behind this one
    bool operator==(const EventAnswer &) const = default;
};

struct IdentityAnswer {
    quint8 flags = 0;
    quint8 protocol = kProtocolVersion;
    quint8 keys = 0;
    QByteArray firmware; // ASCII, at most 16 bytes
    bool operator==(const IdentityAnswer &) const = default;
};

// Request builders (host side).
Frame pollFrame(quint8 address, quint8 seq);
Frame ackFrame(quint8 address, quint8 seq, quint16 eventId);
Frame setPromptFrame(quint8 address, quint8 seq, bool on);
Frame identifyFrame(quint8 address, quint8 seq);

// Answer builders (keypad side); address and seq are those of the request.
Frame noEventFrame(quint8 address, quint8 seq, quint8 flags);
Frame eventFrame(quint8 address, quint8 seq, const EventAnswer &event);
Frame identityFrame(quint8 address, quint8 seq, const IdentityAnswer &identity);
Frame nakFrame(quint8 address, quint8 seq, quint8 flags, quint8 refused, quint8 reason);

// Payload readers: nullopt when the command does not match or the payload has the wrong size.
std::optional<quint16> ackEventId(const Frame &frame);
std::optional<bool> promptOn(const Frame &frame);
std::optional<EventAnswer> eventAnswer(const Frame &frame);
std::optional<quint8> answerFlags(const Frame &frame); // any answer's first byte
std::optional<IdentityAnswer> identityAnswer(const Frame &frame);

// Streaming receiver for either end (drivers/rs485/framing.h): bytes in any pieces, whole frames
// out, resynchronising on garbage. Its stats keep counting across reset(): the driver reports
// what one exchange met as the difference.
class FrameParser : public hall::rs485::FrameParser
{
public:
    FrameParser()
        : hall::rs485::FrameParser(kEnvelope)
    {
    }
};

} // namespace hall::keypad::rs485
