#include "drivers/keypad/rs485/rs485frame.h"

#include <QStringList>

#include <array>

namespace hall::keypad::rs485 {

namespace {

constexpr std::array<quint16, 256> makeCrcTable()
{
    std::array<quint16, 256> table{};
    for (unsigned i = 0; i < 256; ++i) {
        quint16 crc = quint16(i);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? quint16((crc >> 1) ^ 0xA001) : quint16(crc >> 1);
        table[i] = crc;
    }
    return table;
}

constexpr std::array<quint16, 256> kCrcTable = makeCrcTable();

void putU16(QByteArray &out, quint16 v)
{
    out.append(char(v & 0xFF));
    out.append(char(v >> 8));
}

quint16 getU16(const QByteArray &in, qsizetype at)
{
    return quint16(quint8(in.at(at)) | (quint16(quint8(in.at(at + 1))) << 8));
}

Frame make(quint8 address, quint8 seq, quint8 command, QByteArray payload = {})
{
    return Frame{address, seq, command, std::move(payload)};
}

} // namespace

quint16 crc16Modbus(const char *data, qsizetype size)
{
    quint16 crc = 0xFFFF;
    for (qsizetype i = 0; i < size; ++i)
        crc = quint16((crc >> 8) ^ kCrcTable[(crc ^ quint8(data[i])) & 0xFF]);
    return crc;
}

QByteArray encode(const Frame &frame)
{
    const QByteArray payload = frame.payload.left(kMaxPayload);
    QByteArray out;
    out.reserve(kMinFrameSize + payload.size());
    out.append(char(kStartByte));
    out.append(char(frame.address));
    out.append(char(frame.seq));
    out.append(char(frame.command));
    out.append(char(payload.size()));
    out.append(payload);
    putU16(out, crc16Modbus(out));
    return out;
}

QString toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex(' ').toUpper());
}

QString describe(const Frame &frame)
{
    static const struct {
        quint8 code;
        const char *name;
    } names[] = {{cmd::Poll, "POLL"},         {cmd::Ack, "ACK"},         {cmd::SetPrompt, "SET_PROMPT"},
                 {cmd::Identify, "IDENTIFY"}, {cmd::NoEvent, "NO_EVENT"}, {cmd::Event, "EVENT"},
                 {cmd::Identity, "IDENTITY"}, {cmd::Nak, "NAK"}};
    QString name = QStringLiteral("0x%1").arg(frame.command, 2, 16, QLatin1Char('0'));
    for (const auto &n : names) {
        if (n.code == frame.command)
            name = QString::fromLatin1(n.name);
    }
    return QStringLiteral("%1 addr %2 seq %3 [%4]")
        .arg(name)
        .arg(frame.address)
        .arg(frame.seq)
        .arg(toHex(frame.payload));
}

Frame pollFrame(quint8 address, quint8 seq) { return make(address, seq, cmd::Poll); }

Frame ackFrame(quint8 address, quint8 seq, quint16 eventId)
{
    QByteArray p;
    putU16(p, eventId);
    return make(address, seq, cmd::Ack, p);
}

Frame setPromptFrame(quint8 address, quint8 seq, bool on)
{
    return make(address, seq, cmd::SetPrompt, QByteArray(1, on ? '\x01' : '\x00'));
}

Frame identifyFrame(quint8 address, quint8 seq) { return make(address, seq, cmd::Identify); }

Frame noEventFrame(quint8 address, quint8 seq, quint8 flags)
{
    return make(address, seq, cmd::NoEvent, QByteArray(1, char(flags)));
}

Frame eventFrame(quint8 address, quint8 seq, const EventAnswer &event)
{
    QByteArray p;
    p.append(char(event.flags));
    putU16(p, event.eventId);
    p.append(char(event.key));
    putU16(p, event.ageTenths);
    p.append(char(event.queued));
    return make(address, seq, cmd::Event, p);
}

Frame identityFrame(quint8 address, quint8 seq, const IdentityAnswer &identity)
{
    QByteArray p;
    p.append(char(identity.flags));
    p.append(char(identity.protocol));
    p.append(char(identity.keys));
    p.append(identity.firmware.left(16));
    return make(address, seq, cmd::Identity, p);
}

Frame nakFrame(quint8 address, quint8 seq, quint8 flags, quint8 refused, quint8 reason)
{
    QByteArray p;
    p.append(char(flags));
    p.append(char(refused));
    p.append(char(reason));
    return make(address, seq, cmd::Nak, p);
}

std::optional<quint16> ackEventId(const Frame &frame)
{
    if (frame.command != cmd::Ack || frame.payload.size() != 2)
        return std::nullopt;
    return getU16(frame.payload, 0);
}

std::optional<bool> promptOn(const Frame &frame)
{
    if (frame.command != cmd::SetPrompt || frame.payload.size() != 1 || quint8(frame.payload.at(0)) > 1)
        return std::nullopt;
    return frame.payload.at(0) == 1;
}

std::optional<EventAnswer> eventAnswer(const Frame &frame)
{
    if (frame.command != cmd::Event || frame.payload.size() != 7)
        return std::nullopt;
    EventAnswer e;
    e.flags = quint8(frame.payload.at(0));
    e.eventId = getU16(frame.payload, 1);
    e.key = quint8(frame.payload.at(3));
    e.ageTenths = getU16(frame.payload, 4);
    e.queued = quint8(frame.payload.at(6));
    if (e.eventId == 0)
        return std::nullopt;
    return e;
}

std::optional<quint8> answerFlags(const Frame &frame)
{
    if (!frame.isAnswer() || frame.payload.isEmpty())
        return std::nullopt;
    return quint8(frame.payload.at(0));
}

std::optional<IdentityAnswer> identityAnswer(const Frame &frame)
{
    if (frame.command != cmd::Identity || frame.payload.size() < 3 || frame.payload.size() > 3 + 16)
        return std::nullopt;
    IdentityAnswer id;
    id.flags = quint8(frame.payload.at(0));
    id.protocol = quint8(frame.payload.at(1));
    id.keys = quint8(frame.payload.at(2));
    id.firmware = frame.payload.mid(3);
    return id;
}

// ---- parser ----

void FrameParser::feed(const QByteArray &bytes)
{
    m_buffer.append(bytes);
    scan();
}

void FrameParser::scan()
{
    for (;;) {
        const qsizetype start = m_buffer.indexOf(char(kStartByte));
        if (start < 0) {
            m_stats.skippedBytes += quint64(m_buffer.size());
            m_buffer.clear();
            return;
        }
        if (start > 0) {
            m_stats.skippedBytes += quint64(start);
            m_buffer.remove(0, start);
        }
        if (m_buffer.size() < kHeaderSize) {
            // The header's bounds can be checked as soon as its bytes are here; until then wait.
            if (m_buffer.size() >= 2) {
                const quint8 address = quint8(m_buffer.at(1));
                if (!isKeypadAddress(address) && address != kBroadcast) {
                    ++m_stats.badHeader;
                    ++m_stats.skippedBytes;
                    m_buffer.remove(0, 1);
                    continue;
                }
            }
            return;
        }
        const quint8 address = quint8(m_buffer.at(1));
        const int length = quint8(m_buffer.at(4));
        if ((!isKeypadAddress(address) && address != kBroadcast) || length > kMaxPayload) {
            ++m_stats.badHeader;
            ++m_stats.skippedBytes;
            m_buffer.remove(0, 1);
            continue;
        }
        const qsizetype total = kMinFrameSize + length;
        if (m_buffer.size() < total)
            return;
        const quint16 wire = quint16(quint8(m_buffer.at(total - 2)) | (quint16(quint8(m_buffer.at(total - 1))) << 8));
        if (crc16Modbus(m_buffer.constData(), total - kCrcSize) != wire) {
            ++m_stats.badCrc;
            ++m_stats.skippedBytes;
            m_buffer.remove(0, 1);
            continue;
        }
        Frame f;
        f.address = address;
        f.seq = quint8(m_buffer.at(2));
        f.command = quint8(m_buffer.at(3));
        f.payload = m_buffer.mid(kHeaderSize, length);
        m_buffer.remove(0, total);
        m_frames.push_back(std::move(f));
        ++m_stats.frames;
    }
}

void FrameParser::lineIdle()
{
    while (!m_buffer.isEmpty()) {
        ++m_stats.truncated;
        ++m_stats.skippedBytes;
        m_buffer.remove(0, 1);
        scan();
    }
}

std::optional<Frame> FrameParser::next()
{
    if (m_frames.empty())
        return std::nullopt;
    Frame f = std::move(m_frames.front());
    m_frames.pop_front();
    return f;
}

void FrameParser::reset()
{
    m_buffer.clear();
    m_frames.clear();
}

} // namespace hall::keypad::rs485
