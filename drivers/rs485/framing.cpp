#include "drivers/rs485/framing.h"

#include <QSet>

#include <array>

namespace hall::rs485 {

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

} // namespace

quint16 crc16Modbus(const char *data, qsizetype size)
{
    quint16 crc = 0xFFFF;
    for (qsizetype i = 0; i < size; ++i)
        crc = quint16((crc >> 8) ^ kCrcTable[(crc ^ quint8(data[i])) & 0xFF]);
    return crc;
}

void appendU16(QByteArray &out, quint16 v)
{
    out.append(char(v & 0xFF));
    out.append(char(v >> 8));
}

quint16 readU16(const QByteArray &in, qsizetype at)
{
    return quint16(quint8(in.at(at)) | (quint16(quint8(in.at(at + 1))) << 8));
}

QString toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex(' ').toUpper());
}

QByteArray encode(const Envelope &envelope, const Frame &frame)
{
    const QByteArray payload = frame.payload.left(envelope.maxPayload);
    QByteArray out;
    out.reserve(kMinFrameSize + payload.size());
    out.append(char(envelope.startByte));
    out.append(char(frame.address));
    out.append(char(frame.seq));
    out.append(char(frame.command));
    out.append(char(payload.size()));
    out.append(payload);
    appendU16(out, crc16Modbus(out));
    return out;
}

// ---- parser ----

void FrameParser::feed(const QByteArray &bytes)
{
    m_buffer.append(bytes);
    scan();
}

void FrameParser::dropStart(quint64 *counter)
{
    ++*counter;
    ++m_stats.skippedBytes;
    m_buffer.remove(0, 1);
}

void FrameParser::scan()
{
    for (;;) {
        const qsizetype start = m_buffer.indexOf(char(m_envelope.startByte));
        if (start < 0) {
            m_stats.skippedBytes += quint64(m_buffer.size());
            m_buffer.clear();
            return;
        }
        if (start > 0) {
            m_stats.skippedBytes += quint64(start);
            m_buffer.remove(0, start);
        }
        // The header's bounds are checked as soon as their bytes are here, so noise that only
        // looks like a start is dropped without waiting for a whole header.
        if (m_buffer.size() >= 2 && !m_envelope.acceptsAddress(quint8(m_buffer.at(1)))) {
            dropStart(&m_stats.badHeader);
            continue;
        }
        if (m_buffer.size() < kHeaderSize)
            return;
        const int length = quint8(m_buffer.at(4));
        if (length > m_envelope.maxPayload) {
            dropStart(&m_stats.badHeader);
            continue;
        }
        const qsizetype total = kMinFrameSize + length;
        if (m_buffer.size() < total)
            return;
        if (crc16Modbus(m_buffer.constData(), total - kCrcSize) != readU16(m_buffer, total - kCrcSize)) {
            dropStart(&m_stats.badCrc);
            continue;
        }
        Frame f;
        f.address = quint8(m_buffer.at(1));
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
        dropStart(&m_stats.truncated);
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

QString checkAddresses(const QList<int> &addresses, int minAddress, int maxAddress, const QString &none,
                       const QString &device)
{
    if (addresses.isEmpty())
        return none;
    QSet<int> seen;
    for (int a : addresses) {
        if (a < minAddress || a > maxAddress)
            return QStringLiteral("%1 address %2 is outside %3..%4.")
                .arg(device)
                .arg(a)
                .arg(minAddress)
                .arg(maxAddress);
        if (seen.contains(a))
            return QStringLiteral("%1 address %2 is configured twice on one bus.").arg(device).arg(a);
        seen.insert(a);
    }
    return {};
}

} // namespace hall::rs485
