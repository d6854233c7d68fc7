#pragma once

// A byte-exact ESC/POS builder for thermal receipt printers (Epson TM-T88 command set, as
// implemented by compatible Chinese printers). Pure: no I/O. Each method appends one command;
// invalid input records the first error and appends nothing, so a caller checks error() once
// instead of after every call, and bytes() is empty after an error, so half-right bytes are
// never sent.

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QImage;

namespace hall::printer {

// A 1-bit image: 1 = black dot. Rows are packed MSB first, (widthDots + 7) / 8 bytes a row,
// as GS v 0 wants them.
struct MonoImage {
    int widthDots = 0;
    int heightDots = 0;
    QByteArray rows;

    int bytesPerRow() const { return (widthDots + 7) / 8; }
    bool isValid() const;
    bool dot(int x, int y) const;
    void setDot(int x, int y, bool black);
    static MonoImage blank(int widthDots, int heightDots);
};

// Converts an image to dots: a pixel is black when its luminance (0..255) is below threshold;
// transparent pixels are white. Scaled down (keeping the aspect) to maxWidthDots when wider.
MonoImage toMonoImage(const QImage &image, int threshold = 128, int maxWidthDots = 0);

class EscPos
{
public:
    enum class Align { Left = 0, Center = 1, Right = 2 };
    enum class QrEcc { L = 48, M = 49, Q = 50, H = 51 };
    enum class Underline { None = 0, Thin = 1, Thick = 2 };

    // Model 2 QR byte-mode capacity at the lowest level (version 40): the most data GS ( k takes.
    static constexpr int maxQrBytes(QrEcc ecc)
    {
        switch (ecc) {
        case QrEcc::L: return 2953;
        case QrEcc::M: return 2331;
        case QrEcc::Q: return 1663;
        case QrEcc::H: return 1273;
        }
        return 0;
    }

    EscPos &initialize();                     // ESC @
    EscPos &chineseMode(bool on);             // FS & / FS .
    EscPos &text(const QString &text);        // GB18030 in Chinese mode, else ASCII only
    EscPos &line(const QString &text = {});   // text + LF
    EscPos &lineFeed();                       // LF
    EscPos &feedLines(int n);                 // ESC d n, 0..255
    EscPos &size(int width, int height);      // GS ! n, 1..8 each
    EscPos &align(Align a);                   // ESC a n
    EscPos &bold(bool on);                    // ESC E n
    EscPos &underline(Underline u);           // ESC - n (ASCII) and FS - n (Chinese)
    // Native QR: GS ( k functions 165 (model 2), 167 (module size 1..16), 169 (ecc),
    // 180 (store data), 181 (print).
    EscPos &qr(const QByteArray &data, int moduleSize = 6, QrEcc ecc = QrEcc::M);
    // GS v 0 m=0, sent in bands of bandRows rows so that no printer buffers a huge image.
    EscPos &raster(const MonoImage &image, int bandRows = 24);
    // GS V 66 n: feed n dots past the cut position, then cut (partial or full: GS V 66 / 65).
    EscPos &cut(bool partial = true, int feedDots = 0);
    EscPos &raw(const QByteArray &bytes);

    // Empty once an error was recorded: a job with a bad part must not be printed at all.
    QByteArray bytes() const { return m_error ? QByteArray() : m_bytes; }
    qsizetype byteCount() const { return m_bytes.size(); }
    std::optional<QString> error() const { return m_error; }
    bool ok() const { return !m_error.has_value(); }

    // GB18030 bytes of a string; *ok false when some character has no GB18030 form.
    static QByteArray encodeGb18030(const QString &text, bool *ok = nullptr);
    static QString decodeGb18030(const QByteArray &bytes);

private:
    EscPos &fail(const QString &message);

    QByteArray m_bytes;
    std::optional<QString> m_error;
    bool m_chinese = false;
};

} // namespace hall::printer
