#pragma once

// The ticket a kiosk prints, as ESC/POS bytes, and as plain text for logs.

#include <QByteArray>
#include <QDateTime>
#include <QImage>
#include <QString>

namespace hall::printer {

struct TicketContent {
    QString hallName;      // "某某县公安局交警大队车管所"
    QString number;        // "A023"
    QString serviceZh, serviceEn;
    int peopleAhead = 0;
    int estimatedWaitMinutes = 0;
    QDateTime issuedAt;
    QString qrPayload;     // the ticket id
    QString footer;
};

struct TicketLayout {
    enum class Paper { Mm58, Mm80 };
    Paper paper = Paper::Mm80;
    // Raster images (the logo) cost kilobytes: allow them only on fast links (USB, TCP).
    bool allowRaster = false;
    QImage logo; // printed above the hall name when allowRaster and not null
    int qrModuleSize = 6; // dots per QR module, 1..16
    // The largest bytes a job may take; 0 = no limit. On a 9600 baud serial link the kiosk
    // passes 600 (< 0.7 s), and ticketJob refuses a job that would not fit.
    int maxBytes = 0;

    int widthDots() const;   // 384 / 576
    int columns() const;     // 32 / 48 (font A, 12 dots)

    // A layout that suits a link of this speed: text and native QR only below 10 kB/s, with a
    // 600-byte budget on links under 2 kB/s.
    static TicketLayout forLink(int bytesPerSecond, Paper paper = Paper::Mm80);
};

// The whole print job: initialise, content, feed and cut. Empty and *error set when the
// content cannot be printed as asked (QR payload too long, job over maxBytes, ...).
QByteArray ticketJob(const TicketContent &content, const TicketLayout &options, QString *error);

// The same ticket as plain UTF-8 text lines, for logs and the on-screen fallback.
QString ticketText(const TicketContent &content);

} // namespace hall::printer
