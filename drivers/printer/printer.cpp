#include "drivers/printer/printer.h"

#include "drivers/printer/printerworker.h"

#include <QCoreApplication>
#include <QThread>

namespace hall::printer {

Q_LOGGING_CATEGORY(lcPrinter, "hall.drivers.printer")

namespace {

void registerTypes()
{
    static const bool once = [] {
        qRegisterMetaType<hall::printer::JobOutcome>("hall::printer::JobOutcome");
        qRegisterMetaType<hall::printer::PrinterStatus>("hall::printer::PrinterStatus");
        return true;
    }();
    Q_UNUSED(once);
}

constexpr int kStatusTimeoutMs = 1500;

} // namespace

// ---- worker (printer thread) ----

PrinterWorker::PrinterWorker(std::unique_ptr<drivers::Transport> transport)
    : m_service(std::make_unique<PrinterService>(std::move(transport)))
{
    m_service->setStatusTimeoutMs(kStatusTimeoutMs);
}

PrinterWorker::~PrinterWorker() = default;

void PrinterWorker::start()
{
    m_poll = new QTimer(this);
    m_poll->setSingleShot(true);
    connect(m_poll, &QTimer::timeout, this, &PrinterWorker::check);
    check();
}

void PrinterWorker::shutdown()
{
    m_stopping = true;
    if (m_poll)
        m_poll->stop();
    // Closing here, on the thread that used the link, keeps thread-affine transports happy.
    m_service.reset();
}

void PrinterWorker::enqueue(QueuedJob job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    QMetaObject::invokeMethod(this, &PrinterWorker::processJobs, Qt::QueuedConnection);
}

void PrinterWorker::requestCheck()
{
    if (m_checkQueued.exchange(true))
        return; // one pending check answers every request made meanwhile
    QMetaObject::invokeMethod(this, &PrinterWorker::check, Qt::QueuedConnection);
}

std::deque<QueuedJob> PrinterWorker::takeRemaining()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_jobs, {});
}

void PrinterWorker::setIntervals(int idleMs, int faultMs)
{
    m_idleMs = idleMs;
    m_faultMs = faultMs;
    QMetaObject::invokeMethod(this, &PrinterWorker::schedulePoll, Qt::QueuedConnection);
}

void PrinterWorker::processJobs()
{
    // One job per event: a check or shutdown queued meanwhile runs between jobs.
    if (m_stopping || !m_service)
        return;
    QueuedJob job;
    {
        std::lock_guard lock(m_mutex);
        if (m_jobs.empty())
            return;
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
    }
    const JobOutcome outcome = m_service->print(job.bytes);
    Q_EMIT jobDone(job.id, outcome);
    reportOutcome(outcome);
    bool more = false;
    {
        std::lock_guard lock(m_mutex);
        more = !m_jobs.empty();
    }
    if (more)
        QMetaObject::invokeMethod(this, &PrinterWorker::processJobs, Qt::QueuedConnection);
    else
        schedulePoll();
}

void PrinterWorker::reportOutcome(const JobOutcome &outcome)
{
    if (!outcome.printed) {
        // The job's own verdict ("paper_out", "offline", "failed"): a status read before a job
        // that then failed must not report the printer as ready.
        m_inFault = true;
        Q_EMIT statusReport(outcome.code.isEmpty() ? QStringLiteral("offline") : outcome.code, outcome.reason,
                            outcome.status.value_or(PrinterStatus{}), outcome.status.has_value());
    } else if (outcome.status) {
        m_inFault = !outcome.status->ready();
        Q_EMIT statusReport(outcome.status->code(), outcome.status->describe(), *outcome.status,
                            true);
    } else {
        m_inFault = false;
        Q_EMIT statusReport(QStringLiteral("ok"), outcome.reason, PrinterStatus{}, false);
    }
}

void PrinterWorker::check()
{
    m_checkQueued = false;
    if (m_stopping || !m_service)
        return;
    if (!m_service->canRead()) {
        // A write-only link: all we can know is whether the device opens.
        if (auto e = m_service->reopenLink(kStatusTimeoutMs)) {
            m_inFault = true;
            Q_EMIT statusReport(QStringLiteral("offline"), describeIoError(*e), PrinterStatus{},
                                false);
        } else {
            m_inFault = false;
            Q_EMIT statusReport(QStringLiteral("ok"),
                                QStringLiteral("The link cannot report status; paper and cover "
                                               "are not checked."),
                                PrinterStatus{}, false);
        }
        schedulePoll();
        return;
    }
    auto result = m_service->queryStatus(kStatusTimeoutMs);
    if (auto *status = std::get_if<PrinterStatus>(&result)) {
        m_inFault = !status->ready();
        Q_EMIT statusReport(status->code(), status->describe(), *status, true);
    } else {
        const auto &e = std::get<drivers::IoError>(result);
        m_inFault = true;
        // Garbage is a fault of the device, not of the link, but the kiosk can only say the
        // printer is not usable: "offline" with the reason in the detail.
        Q_EMIT statusReport(QStringLiteral("offline"), describeIoError(e), PrinterStatus{}, false);
    }
    schedulePoll();
}

void PrinterWorker::schedulePoll()
{
    if (!m_poll || m_stopping)
        return;
    const int ms = m_inFault ? m_faultMs.load() : m_idleMs.load();
    if (ms <= 0) {
        m_poll->stop();
        return;
    }
    m_poll->start(ms);
}

// ---- facade (owner's thread) ----

Printer::Printer(std::unique_ptr<drivers::Transport> transport, QObject *parent)
    : QObject(parent)
{
    registerTypes();
    if (transport) {
        m_bytesPerSecond = transport->bytesPerSecond();
        m_canRead = transport->canRead();
        m_detail = QStringLiteral("Not checked yet (%1).").arg(transport->describe());
    } else {
        m_detail = QStringLiteral("No printer is configured.");
    }
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("printer"));
    m_worker = new PrinterWorker(std::move(transport));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &PrinterWorker::jobDone, this, [this](quint64 id, const JobOutcome &o) {
        m_pending.remove(id);
        Q_EMIT jobFinished(id, o);
    });
    connect(m_worker, &PrinterWorker::statusReport, this,
            [this](const QString &code, const QString &detail, const PrinterStatus &status,
                   bool hasStatus) { onStatus(code, detail, status, hasStatus); });
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &PrinterWorker::start, Qt::QueuedConnection);
}

Printer::~Printer()
{
    m_worker->requestStop();
    // Waits for a job in flight (bounded by its write timeout), then closes the link on the
    // printer thread.
    QMetaObject::invokeMethod(m_worker, &PrinterWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    const auto remaining = m_worker->takeRemaining();
    delete m_worker;
    m_worker = nullptr;
    // Deliver results that were already on their way, then account for every job that never
    // ran, so the kiosk can show those tickets on screen.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    for (const QueuedJob &job : remaining) {
        if (!m_pending.contains(job.id))
            continue;
        m_pending.remove(job.id);
        JobOutcome o;
        o.code = QStringLiteral("offline");
        o.reason = QStringLiteral("The printer was shut down before this ticket was printed.");
        Q_EMIT jobFinished(job.id, o);
    }
}

void Printer::print(quint64 jobId, const QByteArray &job)
{
    m_pending.insert(jobId);
    m_worker->enqueue(QueuedJob{jobId, job});
}

void Printer::checkNow() { m_worker->requestCheck(); }

PrinterStatus Printer::lastStatus() const { return m_lastStatus; }
QString Printer::statusCode() const { return m_code; }
QString Printer::statusDetail() const { return m_detail; }
int Printer::bytesPerSecond() const { return m_bytesPerSecond; }
bool Printer::canRead() const { return m_canRead; }

void Printer::setPollIntervalMs(int ms)
{
    m_idleMs = ms;
    m_worker->setIntervals(m_idleMs, m_faultMs);
}

void Printer::setFaultPollIntervalMs(int ms)
{
    m_faultMs = ms;
    m_worker->setIntervals(m_idleMs, m_faultMs);
}

void Printer::onStatus(const QString &code, const QString &detail, const PrinterStatus &status,
                       bool hasStatus)
{
    if (hasStatus)
        m_lastStatus = status;
    if (code == m_code && detail == m_detail)
        return;
    if (code != m_code)
        qCInfo(lcPrinter).noquote() << "printer status" << m_code << "->" << code << detail;
    m_code = code;
    m_detail = detail;
    Q_EMIT statusChanged(code, detail);
}

} // namespace hall::printer
