#pragma once

// Synchronous printer logic for a worker thread: status before a job, the job written with a
// deadline the link speed allows, status after it. Never used on a UI thread.

#include "drivers/printer/printerstatus.h"
#include "drivers/transport/transport.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>
#include <variant>

namespace hall::printer {

struct JobOutcome {
    bool printed = false;
    // printed: "ok", or "paper_near_end" (printed, but change the roll soon).
    // not printed: a PrinterStatus code ("paper_out", "cover_open", ...); "offline" when the
    // printer cannot be reached or does not answer; "failed" when the link broke while sending
    // or the device answered with bytes that are not ESC/POS status.
    QString code;
    QString reason; // a sentence for the log / the kiosk's fallback screen
    std::optional<PrinterStatus> status;
};

class PrinterService
{
public:
    explicit PrinterService(std::unique_ptr<drivers::Transport> transport);
    ~PrinterService();

    PrinterService(const PrinterService &) = delete;
    PrinterService &operator=(const PrinterService &) = delete;

    // Opens the link if needed, drops stale input, sends DLE EOT 1..4 and parses the answers.
    // A silent printer gives Timeout; bytes that are not status bytes give Io.
    std::variant<PrinterStatus, drivers::IoError> queryStatus(int timeoutMs);

    // Closes and opens the link again: a write-only link's only health check, since a file
    // that stays open says nothing about a printer unplugged or switched off meanwhile.
    std::optional<drivers::IoError> reopenLink(int timeoutMs);

    // Status check, write, status check. Refuses to send when the printer is not ready.
    JobOutcome print(const QByteArray &job);

    const drivers::Transport &transport() const { return *m_transport; }
    int bytesPerSecond() const;
    bool canRead() const;
    // TCP printers get one short connection per job and per status query.
    bool closesAfterUse() const { return m_closeAfterUse; }

    // The deadline to write this many bytes over this link: 2x the link time + 2 s, at least 5 s.
    int writeTimeoutMs(qsizetype bytes) const;
    void setStatusTimeoutMs(int ms) { m_statusTimeoutMs = ms; }
    // After the job, the printer needs time to print it before the paper sensor is meaningful.
    void setAfterJobDelayMs(int ms) { m_afterJobDelayMs = ms; }

private:
    std::optional<drivers::IoError> ensureOpen(int timeoutMs);
    std::variant<PrinterStatus, drivers::IoError> queryOpen(int timeoutMs);
    void closeIfShort();

    std::unique_ptr<drivers::Transport> m_transport;
    bool m_closeAfterUse = false;
    int m_statusTimeoutMs = 1500;
    int m_afterJobDelayMs = 300;
};

// A one-line English description of a transport error for JobOutcome::reason.
QString describeIoError(const drivers::IoError &error);

} // namespace hall::printer

Q_DECLARE_METATYPE(hall::printer::JobOutcome)
