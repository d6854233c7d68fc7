#pragma once

// The kiosk's printer: a QObject facade on the main thread over a PrinterService that runs on
// its own QThread, since every transport call blocks. Jobs queue up and each gets exactly one
// jobFinished; while idle the printer is polled so a refilled paper roll is noticed.

#include "drivers/printer/printerlog.h"
#include "drivers/printer/printerservice.h"
#include "drivers/printer/printerstatus.h"

#include <QObject>
#include <QSet>
#include <QString>

#include <memory>

class QThread;

namespace hall::drivers { class Transport; }

namespace hall::printer {

class PrinterWorker;

class Printer : public QObject
{
    Q_OBJECT
public:
    explicit Printer(std::unique_ptr<drivers::Transport> transport, QObject *parent = nullptr);
    ~Printer() override;

    // Queues a job; jobFinished(jobId, ...) follows exactly once, also when the job fails.
    void print(quint64 jobId, const QByteArray &job);
    // Queries the status now (after a technician fixed something); statusChanged follows if it
    // changed.
    void checkNow();

    PrinterStatus lastStatus() const;
    // "ok", "paper_out", "paper_near_end", "cover_open", "failed", or "offline" when the link
    // fails or the printer does not answer. "offline" before the first check.
    QString statusCode() const;
    QString statusDetail() const;
    int bytesPerSecond() const;
    bool canRead() const;

    // Idle poll interval (default 5000 ms); while in a fault it polls every faultPollIntervalMs
    // (default 2000 ms). 0 disables polling.
    void setPollIntervalMs(int ms);
    void setFaultPollIntervalMs(int ms);

Q_SIGNALS:
    void jobFinished(quint64 jobId, hall::printer::JobOutcome outcome);
    void statusChanged(QString code, QString detail);

private:
    void onStatus(const QString &code, const QString &detail, const PrinterStatus &status,
                  bool hasStatus);

    QThread *m_thread = nullptr;
    PrinterWorker *m_worker = nullptr; // lives on m_thread
    int m_bytesPerSecond = 0;
    bool m_canRead = false;
    PrinterStatus m_lastStatus;
    QString m_code = QStringLiteral("offline");
    QString m_detail;
    QSet<quint64> m_pending; // jobs without a jobFinished yet
    int m_idleMs = 5000;
    int m_faultMs = 2000;
};

} // namespace hall::printer
