#include "pcm.h"

#include <QFile>
#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <cstdlib>

Q_LOGGING_CATEGORY(lcBoardVoice, "hall.board.voice")

namespace hall::board::voice {

namespace {
quint16 u16At(const QByteArray &b, qsizetype at)
{
    return qFromLittleEndian<quint16>(b.constData() + at);
}
quint32 u32At(const QByteArray &b, qsizetype at)
{
    return qFromLittleEndian<quint32>(b.constData() + at);
}
void putU16(QByteArray *b, quint16 v)
{
    char raw[2];
    qToLittleEndian(v, raw);
    b->append(raw, 2);
}
void putU32(QByteArray *b, quint32 v)
{
    char raw[4];
    qToLittleEndian(v, raw);
    b->append(raw, 4);
}
qint16 sampleAt(const QByteArray &b, qint64 index)
{
    return qFromLittleEndian<qint16>(b.constData() + index * 2);
}
void setSample(QByteArray *b, qint64 index, qint16 v)
{
    qToLittleEndian(v, b->data() + index * 2);
}
} // namespace

qint64 PcmFormat::msForBytes(qint64 bytes) const
{
    const qint64 perSecond = qint64(sampleRate) * bytesPerFrame();
    return perSecond > 0 ? bytes * 1000 / perSecond : 0;
}

QString PcmFormat::toString() const
{
    return QStringLiteral("%1 Hz, %2 channel%3, %4 bit")
        .arg(sampleRate)
        .arg(channels)
        .arg(channels == 1 ? QString() : QStringLiteral("s"))
        .arg(bitsPerSample);
}

bool parseWav(const QByteArray &bytes, Pcm *out, QString *error)
{
    if (bytes.size() < 12 || !bytes.startsWith("RIFF") || bytes.mid(8, 4) != "WAVE") {
        *error = QStringLiteral("not a RIFF/WAVE file");
        return false;
    }
    PcmFormat format;
    bool haveFormat = false;
    qsizetype at = 12;
    while (at + 8 <= bytes.size()) {
        const QByteArray id = bytes.mid(at, 4);
        const qint64 size = u32At(bytes, at + 4);
        const qsizetype body = at + 8;
        if (id == "fmt ") {
            if (size < 16 || body + 16 > bytes.size()) {
                *error = QStringLiteral("the fmt chunk is truncated");
                return false;
            }
            const quint16 tag = u16At(bytes, body);
            format.channels = u16At(bytes, body + 2);
            format.sampleRate = int(u32At(bytes, body + 4));
            format.bitsPerSample = u16At(bytes, body + 14);
            // 0xFFFE (extensible) is how some tools label plain PCM with more than two channels.
            if ((tag != 1 && tag != 0xFFFE) || !format.isValid()) {
                *error = QStringLiteral("format tag %1, %2: only uncompressed 16-bit PCM is supported")
                             .arg(tag)
                             .arg(format.toString());
                return false;
            }
            haveFormat = true;
        } else if (id == "data") {
            if (!haveFormat) {
                *error = QStringLiteral("the data chunk comes before the fmt chunk");
                return false;
            }
            // Streaming writers leave the size at 0 or 0xFFFFFFFF; the data then runs to the end.
            qint64 length = size;
            if (length == 0 || body + length > bytes.size())
                length = bytes.size() - body;
            length -= length % format.bytesPerFrame();
            out->format = format;
            out->data = bytes.mid(body, length);
            return true;
        }
        at = body + size + (size & 1); // chunks are padded to even sizes
    }
    *error = haveFormat ? QStringLiteral("no data chunk") : QStringLiteral("no fmt chunk");
    return false;
}

bool readWav(const QString &path, Pcm *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    QString why;
    if (!parseWav(f.readAll(), out, &why)) {
        *error = QStringLiteral("%1: %2").arg(path, why);
        return false;
    }
    return true;
}

QByteArray wavBytes(const Pcm &pcm)
{
    const PcmFormat &f = pcm.format;
    const auto dataSize = quint32(pcm.data.size());
    QByteArray b;
    b.reserve(44 + pcm.data.size());
    b.append("RIFF");
    putU32(&b, 36 + dataSize);
    b.append("WAVE");
    b.append("fmt ");
    putU32(&b, 16);
    putU16(&b, 1); // PCM
    putU16(&b, quint16(f.channels));
    putU32(&b, quint32(f.sampleRate));
    putU32(&b, quint32(f.sampleRate * f.bytesPerFrame()));
    putU16(&b, quint16(f.bytesPerFrame()));
    putU16(&b, quint16(f.bitsPerSample));
    b.append("data");
    putU32(&b, dataSize);
    b.append(pcm.data);
    return b;
}

bool writeWav(const QString &path, const Pcm &pcm, QString *error)
{
    if (!pcm.format.isValid()) {
        *error = QStringLiteral("%1: no audio format to write").arg(path);
        return false;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    f.write(wavBytes(pcm));
    if (!f.commit()) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

Pcm trimmed(const Pcm &pcm, const TrimOptions &options)
{
    const PcmFormat &f = pcm.format;
    Pcm out;
    out.format = f;
    const qint64 frames = pcm.frames();
    if (!f.isValid() || frames == 0)
        return out;

    auto loud = [&](qint64 frame) {
        for (int c = 0; c < f.channels; ++c) {
            if (std::abs(int(sampleAt(pcm.data, frame * f.channels + c))) > options.threshold)
                return true;
        }
        return false;
    };
    qint64 first = 0;
    while (first < frames && !loud(first))
        ++first;
    if (first == frames)
        return out;
    qint64 last = frames - 1;
    while (last > first && !loud(last))
        --last;

    const qint64 begin = std::max<qint64>(0, first - qint64(options.keepBeforeMs) * f.sampleRate / 1000);
    const qint64 end = std::min<qint64>(frames, last + 1 + qint64(options.keepAfterMs) * f.sampleRate / 1000);
    const int bpf = f.bytesPerFrame();
    out.data = pcm.data.mid(begin * bpf, (end - begin) * bpf);

    const qint64 n = end - begin;
    const qint64 fade = std::min<qint64>(qint64(options.fadeMs) * f.sampleRate / 1000, n / 2);
    // Gain i/fade reaches 0 on the outermost frame at each end, so the clip starts and ends on silence.
    for (qint64 i = 0; i < fade; ++i) {
        for (int c = 0; c < f.channels; ++c) {
            const qint64 head = i * f.channels + c;
            const qint64 tail = (n - 1 - i) * f.channels + c;
            setSample(&out.data, head, qint16(sampleAt(out.data, head) * i / fade));
            setSample(&out.data, tail, qint16(sampleAt(out.data, tail) * i / fade));
        }
    }
    return out;
}

} // namespace hall::board::voice
