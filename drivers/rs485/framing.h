#pragma once

// The frame envelope of our RS-485 protocols (docs/hardware.md, "Rating keypads, RS-485" and
// "LED window signs"):
//
//   START | address | seq | command | length | payload (0..max) | CRC-16/MODBUS low, high
//
// The CRC covers every byte before it, start byte included; multi-byte fields are little-endian,
// like the CRC on the wire. Each protocol chooses its start byte, payload bound and addresses (an
// Envelope) and its commands; the layout, the CRC and how a receiver finds frames in noise are
// the same for all of them, so both ends of every protocol share this one implementation.

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>
#include <optional>

namespace hall::rs485 {

inline constexpr int kHeaderSize = 5; // start, address, seq, command, length
inline constexpr int kCrcSize = 2;
inline constexpr int kMinFrameSize = kHeaderSize + kCrcSize;
// Bit 7 of the command marks a device's answer, so a host that hears its own request echoed
// (adapters without echo suppression) can tell it from an answer.
inline constexpr quint8 kAnswerBit = 0x80;

// CRC-16/MODBUS: polynomial 0x8005 reflected (0xA001), initial 0xFFFF, no final xor.
quint16 crc16Modbus(const char *data, qsizetype size);
inline quint16 crc16Modbus(const QByteArray &bytes) { return crc16Modbus(bytes.constData(), bytes.size()); }

void appendU16(QByteArray &out, quint16 v);
quint16 readU16(const QByteArray &in, qsizetype at); // callers check that at + 1 is inside

// "A5 01 07 01 00 …" for logs and test failures.
QString toHex(const QByteArray &bytes);

struct Frame {
    quint8 address = 0;
    quint8 seq = 0;
    quint8 command = 0;
    QByteArray payload;

    bool isAnswer() const { return (command & kAnswerBit) != 0; }
    bool operator==(const Frame &) const = default;
};

// What sets one protocol's frames apart on a shared line.
struct Envelope {
    quint8 startByte = 0;
    int maxPayload = 0;
    // Whether a frame may carry this address; a receiver takes any other as a bad header.
    bool (*acceptsAddress)(int address) = nullptr;
};

// The frame on the wire; a payload over the envelope's bound is cut there (callers never build one).
QByteArray encode(const Envelope &envelope, const Frame &frame);

// Streaming receiver for either end. Bytes go in as they arrive, in any pieces; whole frames
// come out. It resynchronises on garbage: it scans for the start byte, refuses an address or
// length outside the envelope's bounds, checks the CRC, and on any failure drops only that one
// start byte and scans again, so a real frame hidden behind noise is still found.
class FrameParser
{
public:
    struct Stats {
        quint64 frames = 0;
        quint64 badCrc = 0;
        quint64 badHeader = 0;    // address or length out of bounds
        quint64 truncated = 0;    // incomplete frames given up by lineIdle()
        quint64 skippedBytes = 0; // bytes that were not part of any good frame
    };

    explicit FrameParser(const Envelope &envelope)
        : m_envelope(envelope)
    {
    }

    void feed(const QByteArray &bytes);
    // The line has been quiet for longer than a frame's bytes may be apart: what is buffered can
    // no longer become the frame it started as. Gives up on it and rescans what follows its start
    // byte, which may hold a complete frame (noise that looked like a long header hides the answer
    // behind it until then).
    void lineIdle();
    bool hasFrame() const { return !m_frames.empty(); }
    std::optional<Frame> next();
    // Whether bytes are waiting for the rest of a frame.
    bool hasPartial() const { return !m_buffer.isEmpty(); }
    // Forgets the buffered bytes and the frames not taken yet; the stats go on counting, so a
    // caller can compare them across resets.
    void reset();
    void resetStats() { m_stats = {}; }
    const Stats &stats() const { return m_stats; }

private:
    void scan();
    void dropStart(quint64 *counter);

    Envelope m_envelope;
    QByteArray m_buffer;
    std::deque<Frame> m_frames;
    Stats m_stats;
};

// The addresses configured for one bus: a sentence saying what is wrong (none is the sentence
// for no addresses; device names one in the others, "Keypad"), or empty when they are fine.
QString checkAddresses(const QList<int> &addresses, int minAddress, int maxAddress, const QString &none,
                       const QString &device);

} // namespace hall::rs485
