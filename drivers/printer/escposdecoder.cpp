#include "drivers/printer/escposdecoder.h"

#include "drivers/printer/escpos.h"

#include <QRegularExpression>

namespace hall::printer {

namespace {

constexpr quint8 LF = 0x0a, CR = 0x0d, HT = 0x09, ESC = 0x1b, GS = 0x1d, FS = 0x1c, DLE = 0x10;

quint8 at(const QByteArray &buf, qsizetype i) { return quint8(buf.at(i)); }

QString hexBytes(const QByteArray &b) { return QString::fromLatin1(b.toHex(' ')); }

} // namespace

qsizetype EscPosDecoder::nextLength(const QByteArray &buf, qsizetype pos)
{
    const qsizetype avail = buf.size() - pos;
    if (avail <= 0)
        return 0;
    const quint8 c = at(buf, pos);
    auto need = [avail](qsizetype n) -> qsizetype { return avail >= n ? n : 0; };

    if (c >= 0x20) {
        // Text runs to the next control byte. GB18030 never uses a byte below 0x30 inside a
        // character, so control bytes are always command boundaries.
        qsizetype n = 1;
        while (n < avail && at(buf, pos + n) >= 0x20)
            ++n;
        return n;
    }
    if (c != ESC && c != GS && c != FS && c != DLE)
        return 1;
    if (avail < 2)
        return 0;
    const quint8 op = at(buf, pos + 1);
    if (c == ESC) {
        switch (op) {
        case '@': case '2':
            return 2;
        case 'a': case 'E': case '-': case 'd': case '!': case 'M': case '3': case 'J': case 't':
        case 'R': case 'G': case '{': case 'V': case 'c':
            return need(3);
        case 'p':
            return need(5);
        default:
            return 2;
        }
    }
    if (c == FS) {
        switch (op) {
        case '&': case '.':
            return 2;
        case '-': case '!': case 'C': case 'W':
            return need(3);
        default:
            return 2;
        }
    }
    if (c == DLE) {
        switch (op) {
        case 0x04: case 0x05:
            return need(3);
        case 0x14:
            return need(5);
        default:
            return 1; // a lone DLE: let the next byte be read on its own
        }
    }
    // GS
    switch (op) {
    case '!': case 'a': case 'B': case 'h': case 'w': case 'H': case 'f': case 'r':
        return need(3);
    case 'L': case 'W':
        return need(4);
    case 'V': {
        if (avail < 3)
            return 0;
        const quint8 m = at(buf, pos + 2);
        return (m == 0 || m == 1 || m == 48 || m == 49) ? 3 : need(4);
    }
    case 'v': {
        // GS v 0 m xL xH yL yH d1..dk
        if (avail < 8)
            return 0;
        const qsizetype x = at(buf, pos + 4) | (at(buf, pos + 5) << 8);
        const qsizetype y = at(buf, pos + 6) | (at(buf, pos + 7) << 8);
        return need(8 + x * y);
    }
    case '(': {
        // GS ( fn pL pH ...
        if (avail < 5)
            return 0;
        const qsizetype p = at(buf, pos + 3) | (at(buf, pos + 4) << 8);
        return need(5 + p);
    }
    default:
        return 2;
    }
}

bool EscPosDecoder::isCut(const QByteArray &buf, qsizetype pos)
{
    return buf.size() - pos >= 3 && at(buf, pos) == GS && at(buf, pos + 1) == 'V';
}

bool EscPosDecoder::isStatusQuery(const QByteArray &buf, qsizetype pos)
{
    return buf.size() - pos >= 3 && at(buf, pos) == DLE && at(buf, pos + 1) == 0x04;
}

void EscPosDecoder::feed(const QByteArray &bytes)
{
    m_pending.append(bytes);
    qsizetype pos = 0;
    while (pos < m_pending.size()) {
        const qsizetype n = nextLength(m_pending, pos);
        if (n == 0)
            break;
        const quint8 c = at(m_pending, pos);
        if (c >= 0x20) {
            m_textBytes.append(m_pending.constData() + pos, n);
            m_rasterLine = -1;
        } else {
            decodeCommand(m_pending.mid(pos, n));
        }
        pos += n;
    }
    m_pending.remove(0, pos);
}

void EscPosDecoder::finish()
{
    if (!m_pending.isEmpty()) {
        flushText();
        marker(QStringLiteral("[incomplete %1]").arg(hexBytes(m_pending.left(16))));
        m_pending.clear();
    }
    flushText();
    if (!m_line.isEmpty())
        endLine();
}

void EscPosDecoder::flushText()
{
    if (m_textBytes.isEmpty())
        return;
    QString t;
    if (m_chinese) {
        t = EscPos::decodeGb18030(m_textBytes);
    } else {
        for (const char ch : std::as_const(m_textBytes)) {
            const auto b = quint8(ch);
            if (b < 0x80)
                t.append(QLatin1Char(ch));
            else
                t.append(QStringLiteral("[x%1]").arg(int(b), 2, 16, QLatin1Char('0')));
        }
    }
    m_textBytes.clear();
    m_line.append(t);
    m_plainLine.append(t);
}

void EscPosDecoder::marker(const QString &m)
{
    flushText();
    m_line.append(m);
}

void EscPosDecoder::endLine()
{
    flushText();
    m_lines.append(m_line);
    m_plain.append(m_plainLine);
    m_line.clear();
    m_plainLine.clear();
}

void EscPosDecoder::blockLine(const QString &m)
{
    flushText();
    if (!m_line.isEmpty()) {
        // Markers set before the block (alignment) belong with it; text would have been
        // printed first by a real printer, so it keeps its own line.
        if (!m_plainLine.isEmpty())
            endLine();
    }
    m_line.append(m);
    endLine();
}

void EscPosDecoder::decodeCommand(const QByteArray &cmd)
{
    const quint8 c = at(cmd, 0);
    const bool continuesRaster = c == GS && cmd.size() > 1 && at(cmd, 1) == 'v';
    if (!continuesRaster)
        m_rasterLine = -1;

    if (c == LF) {
        endLine();
        return;
    }
    if (c == CR)
        return;
    if (c == HT) {
        m_textBytes.append('\t');
        return;
    }
    if (cmd.size() == 1) {
        marker(QStringLiteral("[?? %1]").arg(hexBytes(cmd)));
        return;
    }
    const quint8 op = at(cmd, 1);
    const int n = cmd.size() > 2 ? at(cmd, 2) : 0;
    if (c == ESC) {
        switch (op) {
        case '@':
            m_chinese = false;
            marker(QStringLiteral("[init]"));
            return;
        case 'a': {
            static const char *names[] = {"left", "center", "right"};
            const int a = n >= 48 ? n - 48 : n;
            marker(a <= 2 ? QStringLiteral("[align %1]").arg(QLatin1String(names[a]))
                          : QStringLiteral("[align ?%1]").arg(n));
            return;
        }
        case 'E':
            marker((n & 1) ? QStringLiteral("[bold]") : QStringLiteral("[/bold]"));
            return;
        case '-': {
            const int u = n >= 48 ? n - 48 : n;
            marker(u ? QStringLiteral("[underline %1]").arg(u) : QStringLiteral("[/underline]"));
            return;
        }
        case 'd':
            marker(QStringLiteral("[feed %1]").arg(n));
            endLine();
            return;
        default:
            marker(QStringLiteral("[esc %1]").arg(hexBytes(cmd.mid(1))));
            return;
        }
    }
    if (c == FS) {
        switch (op) {
        case '&':
            flushText();
            m_chinese = true;
            marker(QStringLiteral("[chinese on]"));
            return;
        case '.':
            flushText();
            m_chinese = false;
            marker(QStringLiteral("[chinese off]"));
            return;
        case '-':
            // Emitted together with ESC - by the builder; one marker is enough.
            return;
        default:
            marker(QStringLiteral("[fs %1]").arg(hexBytes(cmd.mid(1))));
            return;
        }
    }
    if (c == DLE) {
        if (op == 0x04)
            marker(QStringLiteral("[status query %1]").arg(n));
        else
            marker(QStringLiteral("[dle %1]").arg(hexBytes(cmd.mid(1))));
        return;
    }
    // GS
    switch (op) {
    case '!':
        marker(QStringLiteral("[size %1x%2]").arg(((n >> 4) & 7) + 1).arg((n & 7) + 1));
        return;
    case 'a':
        marker(QStringLiteral("[asb %1]").arg(n));
        return;
    case 'V': {
        const bool partial = (n == 1 || n == 49 || n == 66 || n == 98 || n == 104);
        const int feed = cmd.size() > 3 ? at(cmd, 3) : 0;
        QString m = partial ? QStringLiteral("[cut") : QStringLiteral("[cut full");
        if (feed)
            m += QStringLiteral(" feed %1").arg(feed);
        blockLine(m + QLatin1Char(']'));
        ++m_cuts;
        return;
    }
    case 'v': {
        const int bytesPerRow = at(cmd, 4) | (at(cmd, 5) << 8);
        const int rows = at(cmd, 6) | (at(cmd, 7) << 8);
        const int width = bytesPerRow * 8;
        if (m_rasterLine >= 0 && m_rasterLine == m_lines.size() - 1 && width == m_rasterWidth) {
            // Another band of the same image.
            m_rasterHeight += rows;
            m_lines[m_rasterLine] =
                m_rasterPrefix + QStringLiteral("[raster %1x%2]").arg(width).arg(m_rasterHeight);
            return;
        }
        flushText();
        m_rasterPrefix = m_plainLine.isEmpty() ? m_line : QString();
        blockLine(QStringLiteral("[raster %1x%2]").arg(width).arg(rows));
        m_rasterLine = m_lines.size() - 1;
        m_rasterWidth = width;
        m_rasterHeight = rows;
        return;
    }
    case '(': {
        if (cmd.size() < 7 || at(cmd, 2) != 'k' || at(cmd, 5) != 49) {
            marker(QStringLiteral("[gs ( %1]").arg(hexBytes(cmd.mid(2, 8))));
            return;
        }
        const int fn = at(cmd, 6);
        const QByteArray params = cmd.mid(7);
        switch (fn) {
        case 65:
            m_qrModel = params.isEmpty() ? 0 : int(quint8(params.at(0))) - 48;
            return;
        case 67:
            m_qrModule = params.isEmpty() ? 0 : quint8(params.at(0));
            return;
        case 69: {
            static const char eccs[] = "LMQH";
            const int e = params.isEmpty() ? -1 : int(quint8(params.at(0))) - 48;
            m_qrEcc = (e >= 0 && e < 4) ? QLatin1Char(eccs[e]) : QLatin1Char('?');
            return;
        }
        case 80:
            m_qrData = params.mid(1);
            return;
        case 81:
            blockLine(QStringLiteral("[QR model%1 size%2 ecc %3] %4")
                          .arg(m_qrModel)
                          .arg(m_qrModule)
                          .arg(m_qrEcc)
                          .arg(QString::fromUtf8(m_qrData)));
            m_qrPayloads.append(m_qrData);
            return;
        default:
            marker(QStringLiteral("[QR fn %1]").arg(fn));
            return;
        }
    }
    default:
        marker(QStringLiteral("[gs %1]").arg(hexBytes(cmd.mid(1))));
        return;
    }
}

QStringList EscPosDecoder::plainLines() const
{
    QStringList out;
    for (const QString &l : m_plain) {
        if (!l.trimmed().isEmpty())
            out.append(l);
    }
    return out;
}

QString EscPosDecoder::decode(const QByteArray &bytes)
{
    return decodeLines(bytes).join(QLatin1Char('\n'));
}

QStringList EscPosDecoder::decodeLines(const QByteArray &bytes)
{
    EscPosDecoder d;
    d.feed(bytes);
    d.finish();
    return d.lines();
}

} // namespace hall::printer
