#pragma once

// Turns ESC/POS bytes (the subset EscPos writes) back into readable lines with markers:
//   [init][chinese on][align center][size 4x4][bold]A023[/bold]
//   [QR model2 size6 ecc M] T-20240510-0023
//   [raster 384x96]
//   [cut partial feed 0]
// For the fake printer, the demo's ticket files, and round-trip tests of the builder.
// Unknown commands show as [?? 1b 7a] so nothing is dropped unseen.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace hall::printer {

class EscPosDecoder
{
public:
    // Feeds bytes (may split a command anywhere); whole lines become available in lines().
    void feed(const QByteArray &bytes);
    // Ends the stream: a pending partial line is flushed, an incomplete command noted.
    void finish();

    QStringList lines() const { return m_lines; }
    QString text() const { return m_lines.join(QLatin1Char('\n')); }
    int cuts() const { return m_cuts; }
    // Marker only lines ([init] etc.) are included; plainLines() leaves every marker out.
    QStringList plainLines() const;

    // QR payloads in the order they were printed.
    QList<QByteArray> qrPayloads() const { return m_qrPayloads; }

    // Decodes a whole buffer in one go.
    static QString decode(const QByteArray &bytes);
    static QStringList decodeLines(const QByteArray &bytes);

    // The length of the command (or run of text) at pos: 0 when more bytes are needed. Lets a
    // device split a stream at command boundaries (jobs end at a cut) without decoding it.
    static qsizetype nextLength(const QByteArray &buf, qsizetype pos);
    static bool isCut(const QByteArray &buf, qsizetype pos);          // GS V ...
    static bool isStatusQuery(const QByteArray &buf, qsizetype pos);  // DLE EOT n

private:
    void decodeCommand(const QByteArray &cmd);
    void flushText();
    void endLine();
    void marker(const QString &m);
    void blockLine(const QString &m); // a marker printed as a line of its own (QR, raster, cut)

    QByteArray m_pending;   // undecoded bytes (an incomplete command)
    QByteArray m_textBytes; // text bytes not yet decoded (GB18030 sequences can split)
    QString m_line;
    QString m_plainLine;
    QStringList m_lines;
    QStringList m_plain;
    QList<QByteArray> m_qrPayloads;
    qsizetype m_rasterLine = -1; // index of the last raster marker, while bands can continue it
    QString m_rasterPrefix; // markers that preceded the image on its line
    int m_rasterWidth = 0;
    int m_rasterHeight = 0;
    bool m_chinese = false;
    bool m_boldOn = false;
    int m_cuts = 0;
    // QR store data waits for the print function
    QByteArray m_qrData;
    int m_qrModule = 3;
    QChar m_qrEcc = QLatin1Char('L');
    int m_qrModel = 2;
};

} // namespace hall::printer
