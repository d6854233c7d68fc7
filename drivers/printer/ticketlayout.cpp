#include "drivers/printer/ticketlayout.h"

#include "drivers/printer/escpos.h"

#include <algorithm>

namespace hall::printer {

namespace {

// Columns a string takes in font A: Chinese (any non-ASCII in Chinese mode) is full width.
int columnsOf(const QString &s)
{
    int n = 0;
    for (const QChar c : s) {
        if (c.isLowSurrogate())
            continue; // the high surrogate already counted the character
        n += c.unicode() < 0x80 ? 1 : 2;
    }
    return n;
}

// "label          value" across the line; the value goes under the label when both do not fit.
QStringList labelValue(const QString &label, const QString &value, int columns)
{
    const int used = columnsOf(label) + columnsOf(value);
    if (used + 1 <= columns)
        return {label + QString(columns - used, QLatin1Char(' ')) + value};
    return {label, QString(std::max(0, columns - columnsOf(value)), QLatin1Char(' ')) + value};
}

QString peopleLabel() { return QStringLiteral("等候人数 People ahead"); }
QString waitLabel() { return QStringLiteral("预计等候 Est. wait"); }
QString issuedLabel() { return QStringLiteral("取号时间 Issued"); }
// A visitor with nobody ahead is not told "about 0 minutes".
QString waitValue(int minutes) { return minutes == 0 ? QStringLiteral("即将叫号 Soon") : QStringLiteral("约%1分钟 min").arg(minutes); }
QString issuedValue(const QDateTime &t) { return t.toString(QStringLiteral("yyyy-MM-dd HH:mm")); }

} // namespace

int TicketLayout::widthDots() const { return paper == Paper::Mm58 ? 384 : 576; }
int TicketLayout::columns() const { return paper == Paper::Mm58 ? 32 : 48; }

TicketLayout TicketLayout::forLink(int bytesPerSecond, Paper paper)
{
    TicketLayout layout;
    layout.paper = paper;
    // A 384x120 logo is about 6 kB: under a second from 10 kB/s up (USB, TCP, 115200 baud).
    layout.allowRaster = bytesPerSecond >= 10000;
    // 9600 and 19200 baud: keep a ticket under 0.7 s at 9600 so the queue at the kiosk moves.
    layout.maxBytes = bytesPerSecond < 2000 ? 600 : 0;
    return layout;
}

QByteArray ticketJob(const TicketContent &c, const TicketLayout &o, QString *error)
{
    auto failWith = [error](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    if (c.number.trimmed().isEmpty())
        return failWith(QStringLiteral("the ticket has no number"));
    if (c.peopleAhead < 0 || c.estimatedWaitMinutes < 0)
        return failWith(QStringLiteral("people ahead (%1) and estimated wait (%2 min) cannot be "
                                       "negative")
                            .arg(c.peopleAhead)
                            .arg(c.estimatedWaitMinutes));

    const int cols = o.columns();
    EscPos p;
    p.initialize().chineseMode(true).align(EscPos::Align::Center);

    if (o.allowRaster && !o.logo.isNull()) {
        // Band of 24 rows: the smallest receive buffers of cheap printers take it whole.
        p.raster(toMonoImage(o.logo, 128, o.widthDots()), 24);
    }
    if (!c.hallName.isEmpty())
        p.bold(true).line(c.hallName).bold(false);

    // The number is what a visitor compares with the call board from across the hall.
    const int numberCols = std::max(1, columnsOf(c.number));
    const int numberSize = std::clamp(cols / numberCols, 1, 4);
    p.lineFeed()
        .size(numberSize, numberSize)
        .bold(true)
        .line(c.number)
        .bold(false)
        .size(1, 1);

    if (!c.serviceZh.isEmpty()) {
        const bool twice = columnsOf(c.serviceZh) * 2 <= cols;
        if (twice)
            p.size(2, 2).line(c.serviceZh).size(1, 1);
        else
            p.line(c.serviceZh);
    }
    if (!c.serviceEn.isEmpty())
        p.line(c.serviceEn);

    p.align(EscPos::Align::Left);
    for (const QString &l : labelValue(peopleLabel(), QString::number(c.peopleAhead), cols))
        p.line(l);
    for (const QString &l : labelValue(waitLabel(), waitValue(c.estimatedWaitMinutes), cols))
        p.line(l);
    if (c.issuedAt.isValid()) {
        for (const QString &l : labelValue(issuedLabel(), issuedValue(c.issuedAt), cols))
            p.line(l);
    }

    p.align(EscPos::Align::Center);
    if (!c.qrPayload.isEmpty())
        p.qr(c.qrPayload.toUtf8(), o.qrModuleSize, EscPos::QrEcc::M).lineFeed();
    if (!c.footer.isEmpty())
        p.line(c.footer);
    p.feedLines(2).cut(true, 0);

    if (const auto e = p.error())
        return failWith(QStringLiteral("the ticket cannot be printed: %1").arg(*e));
    const QByteArray bytes = p.bytes();
    if (o.maxBytes > 0 && bytes.size() > o.maxBytes)
        return failWith(QStringLiteral("the ticket takes %1 bytes, more than the %2 this link "
                                       "allows; shorten the hall name or footer")
                            .arg(bytes.size())
                            .arg(o.maxBytes));
    return bytes;
}

QString ticketText(const TicketContent &c)
{
    QStringList lines;
    if (!c.hallName.isEmpty())
        lines << c.hallName;
    lines << c.number;
    if (!c.serviceZh.isEmpty())
        lines << c.serviceZh;
    if (!c.serviceEn.isEmpty())
        lines << c.serviceEn;
    lines << QStringLiteral("%1: %2").arg(peopleLabel()).arg(c.peopleAhead);
    lines << QStringLiteral("%1: %2").arg(waitLabel(), waitValue(c.estimatedWaitMinutes));
    if (c.issuedAt.isValid())
        lines << QStringLiteral("%1: %2").arg(issuedLabel(), issuedValue(c.issuedAt));
    if (!c.qrPayload.isEmpty())
        lines << QStringLiteral("QR: %1").arg(c.qrPayload);
    if (!c.footer.isEmpty())
        lines << c.footer;
    return lines.join(QLatin1Char('\n'));
}

} // namespace hall::printer
