#pragma once

// Private to Printer: the object that lives on the printer's thread and owns the service.

#include "drivers/printer/printerservice.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <deque>
#include <mutex>

namespace hall::printer {

struct QueuedJob {
    quint64 id = 0;
    QByteArray bytes;
};

class PrinterWorker : public QObject
{
    Q_OBJECT
public:
    explicit PrinterWorker(std::unique_ptr<drivers::Transport> transport);
    ~PrinterWorker() override;

    // Thread-safe: called from the owner's thread.
    void enqueue(QueuedJob job);
    void requestCheck();
    void requestStop() { m_stopping = true; }
    std::deque<QueuedJob> takeRemaining();
    void setIntervals(int idleMs, int faultMs);

    // Runs on the worker thread.
    Q_INVOKABLE void start();
    Q_INVOKABLE void shutdown();

Q_SIGNALS:
    void jobDone(quint64 jobId, hall::printer::JobOutcome outcome);
    // hasStatus false: the link failed, detail says how.
    void statusReport(QString code, QString detail, hall::printer::PrinterStatus status,
                      bool hasStatus);

private:
    void processJobs();
    void check();
    void reportOutcome(const JobOutcome &outcome);
    void schedulePoll();

    std::unique_ptr<PrinterService> m_service;
    QTimer *m_poll = nullptr;
    std::mutex m_mutex;
    std::deque<QueuedJob> m_jobs;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_checkQueued{false};
    std::atomic<int> m_idleMs{5000};
    std::atomic<int> m_faultMs{2000};
    bool m_inFault = true;
};

} // namespace hall::printer
