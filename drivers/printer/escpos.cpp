#include "drivers/printer/escpos.h"

#include <QImage>
#include <QStringDecoder>
#include <QStringEncoder>

namespace hall::printer {

namespace {

constexpr char ESC = 0x1b;
constexpr char GS = 0x1d;
constexpr char FS = 0x1c;
constexpr char LF = 0x0a;

void appendLe16(QByteArray &out, int value)
{
    out.append(char(value & 0xff));
    out.append(char((value >> 8) & 0xff));
}

// GS ( k pL pH cn fn [params]: the QR functions all share this frame.
void appendQrFunction(QByteArray &out, char fn, const QByteArray &params)
{
    out.append(GS);
    out.append('(');
    out.append('k');
    appendLe16(out, int(params.size()) + 2); // cn and fn count in pL pH
    out.append(char(49));                    // cn = 49: QR Code
    out.append(fn);
    out.append(params);
}

} // namespace

bool MonoImage::isValid() const
{
    return widthDots > 0 && heightDots > 0
        && rows.size() == qsizetype(bytesPerRow()) * heightDots;
}

bool MonoImage::dot(int x, int y) const
{
    if (x < 0 || y < 0 || x >= widthDots || y >= heightDots)
        return false;
    const auto byte = quint8(rows.at(qsizetype(y) * bytesPerRow() + x / 8));
    return byte & (0x80 >> (x % 8));
}

void MonoImage::setDot(int x, int y, bool black)
{
    if (x < 0 || y < 0 || x >= widthDots || y >= heightDots)
        return;
    char &byte = rows[qsizetype(y) * bytesPerRow() + x / 8];
    const auto mask = quint8(0x80 >> (x % 8));
    byte = black ? char(quint8(byte) | mask) : char(quint8(byte) & ~mask);
}

MonoImage MonoImage::blank(int widthDots, int heightDots)
{
    MonoImage image;
    if (widthDots <= 0 || heightDots <= 0)
        return image;
    image.widthDots = widthDots;
    image.heightDots = heightDots;
    image.rows = QByteArray(qsizetype(image.bytesPerRow()) * heightDots, '\0');
    return image;
}

MonoImage toMonoImage(const QImage &source, int threshold, int maxWidthDots)
{
    if (source.isNull())
        return {};
    QImage image = source;
    if (maxWidthDots > 0 && image.width() > maxWidthDots)
        image = image.scaledToWidth(maxWidthDots, Qt::SmoothTransformation);
    image = image.convertToFormat(QImage::Format_ARGB32);
    MonoImage mono = MonoImage::blank(image.width(), image.height());
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            const QRgb px = line[x];
            // Paper is white: a transparent pixel must not burn a black dot.
            if (qAlpha(px) < 128)
                continue;
            if (qGray(px) < threshold)
                mono.setDot(x, y, true);
        }
    }
    return mono;
}

EscPos &EscPos::fail(const QString &message)
{
    if (!m_error)
        m_error = message;
    return *this;
}

EscPos &EscPos::initialize()
{
    m_bytes.append(ESC).append('@');
    // ESC @ leaves Chinese mode as the printer's power-on default, which varies by model; we
    // track our own view of it and callers set it explicitly afterwards.
    m_chinese = false;
    return *this;
}

EscPos &EscPos::chineseMode(bool on)
{
    m_bytes.append(FS).append(on ? '&' : '.');
    m_chinese = on;
    return *this;
}

QByteArray EscPos::encodeGb18030(const QString &text, bool *ok)
{
    QStringEncoder encoder("GB18030");
    QByteArray out = encoder(text);
    bool good = encoder.isValid() && !encoder.hasError();
    // ICU drops a lone surrogate without flagging it; a round trip catches any such loss.
    if (good && decodeGb18030(out) != text)
        good = false;
    if (ok)
        *ok = good;
    return out;
}

QString EscPos::decodeGb18030(const QByteArray &bytes)
{
    QStringDecoder decoder("GB18030");
    return decoder(bytes);
}

EscPos &EscPos::text(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        // A control character inside text would be read by the printer as a command (a hall
        // name with ESC in it could cut the paper); refuse rather than pass it through.
        if ((u < 0x20 && u != '\n') || u == 0x7f)
            return fail(QStringLiteral("text contains control character U+%1")
                            .arg(int(u), 4, 16, QLatin1Char('0')));
        if (!m_chinese && u > 0x7e)
            return fail(QStringLiteral("non-ASCII text \"%1\" needs Chinese mode (FS &)").arg(text));
    }
    if (!m_chinese) {
        m_bytes.append(text.toLatin1());
        return *this;
    }
    bool good = false;
    const QByteArray encoded = encodeGb18030(text, &good);
    if (!good)
        return fail(QStringLiteral("text \"%1\" cannot be encoded as GB18030").arg(text));
    m_bytes.append(encoded);
    return *this;
}

EscPos &EscPos::line(const QString &t)
{
    const bool hadError = m_error.has_value();
    text(t);
    if (!hadError && m_error)
        return *this;
    m_bytes.append(LF);
    return *this;
}

EscPos &EscPos::lineFeed()
{
    m_bytes.append(LF);
    return *this;
}

EscPos &EscPos::feedLines(int n)
{
    if (n < 0 || n > 255)
        return fail(QStringLiteral("feed of %1 lines is outside 0..255").arg(n));
    m_bytes.append(ESC).append('d').append(char(n));
    return *this;
}

EscPos &EscPos::size(int width, int height)
{
    if (width < 1 || width > 8 || height < 1 || height > 8)
        return fail(QStringLiteral("character size %1x%2 is outside 1..8").arg(width).arg(height));
    m_bytes.append(GS).append('!').append(char(((width - 1) << 4) | (height - 1)));
    return *this;
}

EscPos &EscPos::align(Align a)
{
    m_bytes.append(ESC).append('a').append(char(int(a)));
    return *this;
}

EscPos &EscPos::bold(bool on)
{
    m_bytes.append(ESC).append('E').append(char(on ? 1 : 0));
    return *this;
}

EscPos &EscPos::underline(Underline u)
{
    // ESC - covers ASCII characters and FS - the Chinese ones; a printer in Chinese mode
    // needs both for a line that mixes them.
    m_bytes.append(ESC).append('-').append(char(int(u)));
    m_bytes.append(FS).append('-').append(char(int(u)));
    return *this;
}

EscPos &EscPos::qr(const QByteArray &data, int moduleSize, QrEcc ecc)
{
    if (data.isEmpty())
        return fail(QStringLiteral("QR code data is empty"));
    if (moduleSize < 1 || moduleSize > 16)
        return fail(QStringLiteral("QR module size %1 is outside 1..16").arg(moduleSize));
    const int eccValue = int(ecc);
    if (eccValue < 48 || eccValue > 51)
        return fail(QStringLiteral("QR error correction %1 is not L, M, Q or H").arg(eccValue));
    if (data.size() > maxQrBytes(ecc))
        return fail(QStringLiteral("QR code data of %1 bytes exceeds the %2 bytes a model 2 "
                                   "symbol holds at this error correction level")
                        .arg(data.size())
                        .arg(maxQrBytes(ecc)));

    appendQrFunction(m_bytes, char(65), QByteArray("\x32\x00", 2)); // fn 165: model 2
    appendQrFunction(m_bytes, char(67), QByteArray(1, char(moduleSize))); // fn 167
    appendQrFunction(m_bytes, char(69), QByteArray(1, char(eccValue)));   // fn 169
    appendQrFunction(m_bytes, char(80), QByteArray(1, '0') + data);       // fn 180: store
    appendQrFunction(m_bytes, char(81), QByteArray(1, '0'));              // fn 181: print
    return *this;
}

EscPos &EscPos::raster(const MonoImage &image, int bandRows)
{
    if (!image.isValid())
        return fail(QStringLiteral("raster image is empty or its rows do not match its size"));
    if (bandRows < 1 || bandRows > 2303)
        return fail(QStringLiteral("raster band of %1 rows is outside 1..2303").arg(bandRows));
    const int bytesPerRow = image.bytesPerRow();
    if (bytesPerRow > 65535 || image.widthDots > 65535 * 8)
        return fail(QStringLiteral("raster image %1 dots wide is too wide").arg(image.widthDots));
    for (int top = 0; top < image.heightDots; top += bandRows) {
        const int rows = std::min(bandRows, image.heightDots - top);
        m_bytes.append(GS).append('v').append('0').append('\0'); // m = 0: normal density
        appendLe16(m_bytes, bytesPerRow);
        appendLe16(m_bytes, rows);
        m_bytes.append(image.rows.mid(qsizetype(top) * bytesPerRow, qsizetype(rows) * bytesPerRow));
    }
    return *this;
}

EscPos &EscPos::cut(bool partial, int feedDots)
{
    if (feedDots < 0 || feedDots > 255)
        return fail(QStringLiteral("cut feed of %1 dots is outside 0..255").arg(feedDots));
    m_bytes.append(GS).append('V').append(char(partial ? 66 : 65)).append(char(feedDots));
    return *this;
}

EscPos &EscPos::raw(const QByteArray &bytes)
{
    m_bytes.append(bytes);
    return *this;
}

} // namespace hall::printer
