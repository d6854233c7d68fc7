#pragma once

// What an ESC/POS printer says about itself: real-time status (DLE EOT n) and automatic status
// back (GS a n). The parser checks the fixed bits of every byte, because a serial line with the
// wrong baud rate or a non-ESC/POS device produces bytes that would otherwise be misread as
// "ready" — a kiosk must never print to a printer it only believes is fine.

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace hall::printer {

struct PrinterStatus {
    // DLE EOT 1 (printer status)
    bool online = true;           // bit 3 clear
    bool drawerPin3High = false;  // bit 2: drawer kick-out connector pin 3
    bool waitingForRecovery = false; // bit 5 of DLE EOT 1: offline, waiting for online recovery
    bool feedButton = false;      // bit 6 of DLE EOT 1/2: paper feed button pressed
    // DLE EOT 2 (offline cause)
    bool coverOpen = false;       // bit 2
    bool feedingByButton = false; // bit 3: paper is being fed by the feed button
    bool stoppedByPaperEnd = false; // bit 5: printing stopped because the paper ran out
    bool errorOccurred = false;   // bit 6: an error is the cause of the offline state
    // DLE EOT 3 (error cause)
    bool recoverableError = false;     // bit 2: mechanical error, recoverable (e.g. paper jam)
    bool cutterError = false;          // bit 3: autocutter error
    bool unrecoverableError = false;   // bit 5
    bool autoRecoverableError = false; // bit 6: e.g. head overheated; clears by itself
    // DLE EOT 4 (roll paper sensor)
    bool paperNearEnd = false; // bits 2-3
    bool paperEnd = false;     // bits 5-6

    // Which of the four DLE EOT answers (or an ASB block) filled this status; a status that
    // lacks some part reports those flags as the defaults above.
    bool hasPrinter = false, hasOffline = false, hasError = false, hasPaper = false;

    // Ready to print a ticket now: online, no paper end, cover closed, no error. Paper near end
    // is still ready (a warning, not a refusal).
    bool ready() const;
    // Exactly one of "ok", "paper_out", "paper_near_end", "cover_open", "offline", "failed"
    // (docs/protocol.md, the kiosk's device.status). The most actionable cause wins.
    QString code() const;
    // A short sentence for a log or the manager board.
    QString describe() const;
    QString describeZh() const;

    friend bool operator==(const PrinterStatus &, const PrinterStatus &) = default;
};

// DLE EOT n (n = 1..4): the query bytes.
QByteArray statusQuery(int n);
// The four queries in order, as PrinterService sends them.
QByteArray fullStatusQuery();

// Applies one DLE EOT n response byte to *status. False (status untouched, *error set) when
// the byte's fixed bits are wrong: bits 1 and 4 must be 1, bits 0 and 7 must be 0.
bool applyStatusByte(int n, quint8 byte, PrinterStatus *status, QString *error = nullptr);
// Parses the four answers to fullStatusQuery() (exactly 4 bytes).
std::optional<PrinterStatus> parseFullStatus(const QByteArray &bytes, QString *error = nullptr);

// Encodes a status as the device would answer DLE EOT n (the fake printer and tests use it).
quint8 statusByte(int n, const PrinterStatus &status);

// Automatic status back (GS a n): 4-byte blocks whose fixed bits identify them in a stream.
struct AsbBlock {
    PrinterStatus status;
    qsizetype offset = 0; // where in the scanned buffer the block started
};
// True when the four bytes at data[0..3] have the ASB fixed bits.
bool isAsbBlock(const char *data, qsizetype size);
std::optional<PrinterStatus> parseAsb(const QByteArray &block, QString *error = nullptr);
// Encodes an ASB block (fake printer, tests).
QByteArray asbBlock(const PrinterStatus &status);
// GS a n: enable ASB for the given bits (0 disables).
QByteArray enableAsb(quint8 n);

// Splits a stream into ASB blocks; bytes that are not part of a block are returned in
// *rest (e.g. answers to other queries). A trailing partial block stays in *rest.
QList<AsbBlock> scanAsb(const QByteArray &stream, QByteArray *rest = nullptr);

} // namespace hall::printer

Q_DECLARE_METATYPE(hall::printer::PrinterStatus)
