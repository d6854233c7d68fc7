#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcBoardVoice)

// Raw audio as the voice handles it: interleaved signed 16-bit little-endian PCM, the format
// espeak-ng writes and every Qt audio backend accepts. Other sample formats are refused rather
// than converted, so a wrongly recorded clip set fails loudly at load time.
namespace hall::board::voice {

struct PcmFormat {
    int sampleRate = 0;
    int channels = 0;
    int bitsPerSample = 0;

    bool isValid() const { return sampleRate > 0 && channels > 0 && bitsPerSample == 16; }
    int bytesPerFrame() const { return channels * bitsPerSample / 8; }
    // Rounded down to whole frames, so pauses never split a frame.
    qint64 bytesForMs(qint64 ms) const { return ms * sampleRate / 1000 * bytesPerFrame(); }
    qint64 msForBytes(qint64 bytes) const;
    QString toString() const; // "22050 Hz, 1 channel, 16 bit"

    friend bool operator==(const PcmFormat &, const PcmFormat &) = default;
};

struct Pcm {
    PcmFormat format;
    QByteArray data;

    qint64 frames() const { return format.bytesPerFrame() > 0 ? data.size() / format.bytesPerFrame() : 0; }
    qint64 durationMs() const { return format.msForBytes(data.size()); }
};

// A RIFF/WAVE file: finds the "fmt " and "data" chunks wherever they are (recorders add LIST and
// fact chunks), accepts only uncompressed 16-bit PCM. The reason goes to *error.
bool parseWav(const QByteArray &bytes, Pcm *out, QString *error);
bool readWav(const QString &path, Pcm *out, QString *error);
// The canonical 44-byte header followed by the samples.
QByteArray wavBytes(const Pcm &pcm);
// Written to a temporary file and renamed, so a reader never sees half a WAV.
bool writeWav(const QString &path, const Pcm &pcm, QString *error);

struct TrimOptions {
    // |sample| above this counts as sound (about -54 dBFS): low enough to keep the soft onset of
    // s / sh / f, high enough to ignore dither and the synthesiser's tails.
    int threshold = 64;
    int keepBeforeMs = 5;  // kept ahead of the first loud sample: a consonant's onset
    int keepAfterMs = 10;  // kept after the last: decays are longer than attacks
    int fadeMs = 4;        // linear ramp at both ends so a cut never starts or ends on a step (click)
};

// The clip with its leading and trailing silence removed and both edges faded to zero. A clip
// that is all silence comes back empty.
Pcm trimmed(const Pcm &pcm, const TrimOptions &options = {});

} // namespace hall::board::voice
