#include "drivers/printer/printerservice.h"

#include "drivers/printer/printerlog.h"

#include <QDeadlineTimer>
#include <QThread>

namespace hall::printer {

namespace {
constexpr qint64 kMinWriteTimeoutMs = 5000;
} // namespace

using drivers::IoError;

namespace {

// A transport error that leaves the link unusable: reopen before the next try.
bool breaksLink(const IoError &e)
{
    return e.kind != IoError::Kind::Timeout;
}

// Whether the printer could not be reached at all, as opposed to a link that broke mid-way.
bool unreachable(const IoError &e)
{
    switch (e.kind) {
    case IoError::Kind::NotFound:
    case IoError::Kind::Refused:
    case IoError::Kind::Timeout:
    case IoError::Kind::NotOpen:
    case IoError::Kind::PermissionDenied:
    case IoError::Kind::Busy:
        return true;
    default:
        return false;
    }
}

} // namespace

QString describeIoError(const IoError &error)
{
    if (!error.message.isEmpty())
        return error.message;
    return QStringLiteral("Transport error: %1.").arg(drivers::toString(error.kind));
}

PrinterService::PrinterService(std::unique_ptr<drivers::Transport> transport)
    : m_transport(std::move(transport))
{
    // Network printers serve one client at a time on port 9100; holding the connection would
    // lock out a second kiosk or a technician's test page.
    m_closeAfterUse = m_transport && m_transport->describe().startsWith(QLatin1String("tcp"));
}

PrinterService::~PrinterService()
{
    if (m_transport && m_transport->isOpen())
        m_transport->close();
}

int PrinterService::bytesPerSecond() const
{
    const int bps = m_transport ? m_transport->bytesPerSecond() : 0;
    return bps > 0 ? bps : 960;
}

bool PrinterService::canRead() const { return m_transport && m_transport->canRead(); }

int PrinterService::writeTimeoutMs(qsizetype bytes) const
{
    const qint64 linkMs = qint64(bytes) * 1000 / bytesPerSecond();
    // Fast links claim 1 MB/s, but once the printer's buffer is full a USB or TCP write moves
    // at paper speed: a slow 58 mm printer needs a few seconds for a ticket with a logo.
    return int(std::clamp<qint64>(2 * linkMs + 2000, kMinWriteTimeoutMs, 600000));
}

std::optional<IoError> PrinterService::reopenLink(int timeoutMs)
{
    if (m_transport && m_transport->isOpen())
        m_transport->close();
    return ensureOpen(timeoutMs);
}

std::optional<IoError> PrinterService::ensureOpen(int timeoutMs)
{
    if (!m_transport)
        return IoError{IoError::Kind::BadConfig, QStringLiteral("No printer link is configured.")};
    if (m_transport->isOpen())
        return std::nullopt;
    return m_transport->open(timeoutMs);
}

void PrinterService::closeIfShort()
{
    if (m_closeAfterUse && m_transport->isOpen())
        m_transport->close();
}

std::variant<PrinterStatus, IoError> PrinterService::queryOpen(int timeoutMs)
{
    const QDeadlineTimer deadline(std::max(1, timeoutMs));
    m_transport->discardInput();
    PrinterStatus status;
    // One query at a time: each answer is then known to belong to its query, and a printer
    // that skips one (some models lack DLE EOT 3) shows up as a timeout, not as a shifted
    // and misread byte.
    for (int n = 1; n <= 4; ++n) {
        if (auto e = m_transport->write(statusQuery(n), int(std::max<qint64>(1, deadline.remainingTime()))))
            return *e;
        auto got = m_transport->read(1, int(std::max<qint64>(1, deadline.remainingTime())));
        if (auto *e = std::get_if<IoError>(&got)) {
            if (e->kind == IoError::Kind::Timeout) {
                e->message = QStringLiteral("The printer on %1 did not answer status query %2 "
                                            "within %3 ms; is it switched on and connected?")
                                 .arg(m_transport->describe())
                                 .arg(n)
                                 .arg(timeoutMs);
            }
            return *e;
        }
        const QByteArray answer = std::get<QByteArray>(got);
        QString why;
        if (answer.size() != 1 || !applyStatusByte(n, quint8(answer.at(0)), &status, &why)) {
            return IoError{IoError::Kind::Io,
                           QStringLiteral("The device on %1 gave an answer that is not an ESC/POS "
                                          "status: %2. Check the baud rate and that it is an "
                                          "ESC/POS printer.")
                               .arg(m_transport->describe(),
                                    why.isEmpty() ? QString::fromLatin1(answer.toHex(' ')) : why)};
        }
    }
    return status;
}

std::variant<PrinterStatus, IoError> PrinterService::queryStatus(int timeoutMs)
{
    if (!canRead()) {
        return IoError{IoError::Kind::Io,
                       QStringLiteral("The printer link %1 is write-only; it cannot report status.")
                           .arg(m_transport ? m_transport->describe() : QStringLiteral("(none)"))};
    }
    if (auto e = ensureOpen(timeoutMs))
        return *e;
    auto result = queryOpen(timeoutMs);
    if (auto *e = std::get_if<IoError>(&result); e && breaksLink(*e))
        m_transport->close();
    // Garbage may be a printer at the wrong baud rate mid-answer; start clean next time.
    else if (e && e->kind == IoError::Kind::Io)
        m_transport->discardInput();
    closeIfShort();
    if (auto *e = std::get_if<IoError>(&result))
        qCWarning(lcPrinter).noquote() << "status query failed:" << e->message;
    return result;
}

JobOutcome PrinterService::print(const QByteArray &job)
{
    JobOutcome out;
    auto linkFailed = [this, &out](const IoError &e, const QString &when) {
        out.printed = false;
        // The status read before the job no longer says anything about this printer.
        out.status.reset();
        out.code = unreachable(e) ? QStringLiteral("offline") : QStringLiteral("failed");
        out.reason = QStringLiteral("%1: %2").arg(when, describeIoError(e));
        if (breaksLink(e) && m_transport->isOpen())
            m_transport->close();
        closeIfShort();
        qCWarning(lcPrinter).noquote() << "job not printed:" << out.reason;
        return out;
    };

    if (job.isEmpty()) {
        out.code = QStringLiteral("failed");
        out.reason = QStringLiteral("The print job is empty.");
        return out;
    }
    if (auto e = ensureOpen(m_statusTimeoutMs * 2))
        return linkFailed(*e, QStringLiteral("The printer could not be reached"));

    if (canRead()) {
        auto before = queryOpen(m_statusTimeoutMs);
        if (auto *e = std::get_if<IoError>(&before))
            return linkFailed(*e, QStringLiteral("Status check before printing failed"));
        const auto status = std::get<PrinterStatus>(before);
        out.status = status;
        if (!status.ready()) {
            out.code = status.code();
            out.reason = QStringLiteral("Not sent: %1").arg(status.describe());
            closeIfShort();
            qCInfo(lcPrinter).noquote() << "job refused:" << out.reason;
            return out;
        }
    }

    if (auto e = m_transport->write(job, writeTimeoutMs(job.size())))
        return linkFailed(*e, QStringLiteral("Sending the ticket failed part-way (the printer may "
                                             "have printed part of it)"));

    if (!canRead()) {
        out.printed = true;
        out.code = QStringLiteral("ok");
        out.reason = QStringLiteral("Sent; the link %1 cannot report status, so paper and cover "
                                    "were not checked.")
                         .arg(m_transport->describe());
        closeIfShort();
        return out;
    }

    // The printer answers status queries as soon as they arrive, ahead of the ticket it is still
    // printing: give it a moment, so a roll that ends inside this ticket shows as paper end.
    if (m_afterJobDelayMs > 0)
        QThread::msleep(m_afterJobDelayMs);
    auto after = queryOpen(m_statusTimeoutMs);
    if (auto *e = std::get_if<IoError>(&after)) {
        // Sent but not confirmed: say "not printed" so the kiosk shows the ticket on screen; a
        // second copy is better than a visitor left with nothing.
        return linkFailed(*e, QStringLiteral("The ticket was sent but the printer did not confirm it"));
    }
    const auto status = std::get<PrinterStatus>(after);
    out.status = status;
    if (status.paperEnd || status.stoppedByPaperEnd || !status.ready()) {
        out.printed = false;
        out.code = status.code();
        out.reason = QStringLiteral("The ticket may be incomplete: %1").arg(status.describe());
    } else {
        out.printed = true;
        out.code = status.code(); // "ok" or "paper_near_end"
        out.reason = status.paperNearEnd ? status.describe() : QStringLiteral("Printed.");
    }
    closeIfShort();
    qCInfo(lcPrinter).noquote() << "job of" << job.size() << "bytes:" << out.code << out.reason;
    return out;
}

} // namespace hall::printer
