#include "kiosk/kioskcontroller.h"

#include "bus/hallclient.h"
#include "bus/hallmodels.h"
#include "bus/hallstate.h"
#include "drivers/printer/printer.h"
#include "drivers/printer/ticketlayout.h"

#include <QTimeZone>

#include <cmath>

Q_LOGGING_CATEGORY(lcKiosk, "hall.kiosk.screen")

namespace {
constexpr int kReportBackoffMinMs = 5000;
constexpr int kReportBackoffMaxMs = 60000;
} // namespace

namespace hall::kiosk {

KioskController::KioskController(const KioskConfig &config, bus::HallClient &client, bus::HallState &state, printer::Printer *printer, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_client(client)
    , m_state(state)
    , m_printer(printer)
    , m_services(new bus::ServiceQueueModel(&state, this))
    , m_language(config.language)
{
    connect(&m_state, &bus::HallState::syncedChanged, this, &KioskController::updateOnline);
    connect(&m_state, &bus::HallState::onlineChanged, this, &KioskController::updateOnline);
    connect(&m_state, &bus::HallState::resynced, this, [this] {
        // What the server holds for this kiosk now (a replaced database holds nothing): a
        // report it lacks is sent again.
        m_reported = m_state.deviceStatus(m_config.deviceId).value(QLatin1String("status")).toObject();
        Q_EMIT hallChanged();
        reportPrinterStatus();
    });
    m_reportRetry.setSingleShot(true);
    connect(&m_reportRetry, &QTimer::timeout, this, &KioskController::reportPrinterStatus);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &KioskController::tick);
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_config.idleSeconds * 1000);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_page == QLatin1String("home") || m_page == QLatin1String("offline"))
            setLanguage(m_config.language);
        else
            m_idle.start(); // a ticket or refusal on screen times out first, then this
    });
    if (m_printer) {
        connect(m_printer, &printer::Printer::statusChanged, this, &KioskController::onPrinterStatus);
        connect(m_printer, &printer::Printer::jobFinished, this, &KioskController::onJobFinished);
        // Not the printer's "offline" placeholder: until its first check the kiosk neither warns
        // visitors nor tells the manager's board anything.
        m_printerStatus = QStringLiteral("unknown");
        m_printer->checkNow();
    }
    updateOnline();
}

KioskController::~KioskController() = default;

QAbstractItemModel *KioskController::services() const
{
    return m_services;
}

void KioskController::setLanguage(const QString &language)
{
    if (language == m_language || (language != QLatin1String("zh") && language != QLatin1String("en")))
        return;
    m_language = language;
    if (m_language == m_config.language)
        m_idle.stop();
    touched();
    Q_EMIT languageChanged();
    Q_EMIT hallChanged();
}

QString KioskController::hallName() const
{
    return hallNameIn(m_language);
}

QString KioskController::hallNameIn(const QString &language) const
{
    const auto *engine = m_state.engine();
    if (!engine)
        return {};
    const auto &c = engine->config();
    return QString::fromStdString(language == QLatin1String("en") && !c.nameEn.empty() ? c.nameEn : c.nameZh);
}

bool KioskController::printerFault() const
{
    // Near end still prints; "unknown" is before the first check, "none" a kiosk without one.
    static const QStringList fine{QStringLiteral("ok"), QStringLiteral("paper_near_end"), QStringLiteral("unknown"), QStringLiteral("none")};
    return !fine.contains(m_printerStatus);
}

void KioskController::setPage(const QString &page)
{
    if (page == m_page)
        return;
    qCInfo(lcKiosk).noquote() << "page" << m_page << "->" << page;
    m_page = page;
    if (page == QLatin1String("home"))
        m_homeSince.start();
    if (page == QLatin1String("home") || page == QLatin1String("offline")) {
        m_tick.stop();
        m_secondsLeft = 0;
        Q_EMIT secondsLeftChanged();
    }
    Q_EMIT pageChanged();
}

void KioskController::updateOnline()
{
    const bool online = m_state.online() && m_state.synced() && m_state.engine();
    if (online != m_online) {
        m_online = online;
        qCInfo(lcKiosk) << (online ? "the hall server is reachable" : "the hall server is unreachable");
        Q_EMIT onlineChanged();
        Q_EMIT hallChanged();
    }
    // A visitor looking at their ticket keeps it on screen; only the idle pages follow the link.
    if (!m_online && m_page == QLatin1String("home"))
        setPage(QStringLiteral("offline"));
    else if (m_online && m_page == QLatin1String("offline"))
        setPage(QStringLiteral("home"));
    if (m_online)
        reportPrinterStatus(); // a fault that happened while the server was away
}

void KioskController::takeTicket(const QString &service)
{
    if (m_page != QLatin1String("home") || !m_online) {
        qCInfo(lcKiosk).noquote() << "tap on" << service << "ignored on page" << m_page;
        return;
    }
    if (m_homeSince.isValid() && m_homeSince.elapsed() < kTapGuardMs) {
        // The second half of a double tap on "Done" lands on whatever tile was under it.
        qCInfo(lcKiosk).noquote() << "tap on" << service << "ignored:" << m_homeSince.elapsed() << "ms after the home page appeared";
        return;
    }
    touched();
    setPage(QStringLiteral("issuing"));
    m_client.request(QStringLiteral("ticket.issue"), {{QStringLiteral("service"), service}}, this,
                     [this, service](const bus::Reply &reply) { onIssued(reply, service); });
}

void KioskController::onIssued(const bus::Reply &reply, const QString &service)
{
    if (!reply.ok) {
        // No number is shown: either the server said no, or it never answered (then the visitor
        // is told no ticket was issued, which holds unless the reply alone was lost).
        m_refusal = reply.error.code;
        qCWarning(lcKiosk).noquote() << "no ticket for" << service << ":" << reply.error.code << reply.error.message;
        m_secondsLeft = 8;
        Q_EMIT secondsLeftChanged();
        setPage(QStringLiteral("refused"));
        m_tick.start();
        reportPrinterStatus(); // held back while the visitor waited
        return;
    }
    const QJsonObject t = reply.result.value(QLatin1String("ticket")).toObject();
    const int ahead = reply.result.value(QLatin1String("peopleAhead")).toInt();
    const qint64 waitSeconds = reply.result.value(QLatin1String("estimatedWaitSeconds")).toInteger();
    const int waitMinutes = int(std::ceil(double(waitSeconds) / 60.0));
    QString nameZh = service, nameEn = service, hallId;
    if (const auto *engine = m_state.engine()) {
        hallId = QString::fromStdString(engine->config().hallId);
        if (const auto *s = engine->config().service(service.toStdString())) {
            nameZh = QString::fromStdString(s->nameZh);
            nameEn = QString::fromStdString(s->nameEn.empty() ? s->nameZh : s->nameEn);
        }
    }
    const qint64 issuedAt = t.value(QLatin1String("issuedAt")).toInteger();
    m_ticket = QVariantMap{{QStringLiteral("ticketId"), t.value(QLatin1String("id")).toInteger()},
                           {QStringLiteral("label"), t.value(QLatin1String("label")).toString()},
                           {QStringLiteral("service"), service},
                           {QStringLiteral("serviceZh"), nameZh},
                           {QStringLiteral("serviceEn"), nameEn},
                           {QStringLiteral("peopleAhead"), ahead},
                           {QStringLiteral("waitMinutes"), waitMinutes},
                           {QStringLiteral("issuedAt"), hallTime(issuedAt)}};
    qCInfo(lcKiosk).noquote() << "ticket" << m_ticket.value(QStringLiteral("label")).toString() << "issued," << ahead << "ahead";
    Q_EMIT ticketChanged();
    m_secondsLeft = m_config.ticketSeconds;
    Q_EMIT secondsLeftChanged();
    setPage(QStringLiteral("ticket"));
    reportPrinterStatus(); // held back while the visitor waited

    if (!m_printer) {
        setPrintState(QStringLiteral("noPrinter"));
        m_tick.start();
        return;
    }
    printer::TicketContent content;
    content.hallName = hallNameIn(QStringLiteral("zh")); // the ticket is Chinese first, whatever the screen shows
    content.number = m_ticket.value(QStringLiteral("label")).toString();
    content.serviceZh = nameZh;
    content.serviceEn = nameEn;
    content.peopleAhead = ahead;
    content.estimatedWaitMinutes = waitMinutes;
    content.issuedAt = QDateTime::fromMSecsSinceEpoch(issuedAt, hallZone());
    content.qrPayload = QStringLiteral("hall:%1:ticket:%2").arg(hallId).arg(m_ticket.value(QStringLiteral("ticketId")).toLongLong());
    content.footer = m_config.footer;
    // Text mode and native QR on slow (serial) links, within their byte budget; see docs/hardware.md.
    printer::TicketLayout layout = printer::TicketLayout::forLink(m_printer->bytesPerSecond(), m_config.paper());
    if (layout.allowRaster)
        layout.logo = m_logo;
    QString error;
    const QByteArray job = printer::ticketJob(content, layout, &error);
    if (job.isEmpty()) {
        qCCritical(lcKiosk).noquote() << "cannot lay out ticket" << content.number << ":" << error;
        m_lastPrintCode = QStringLiteral("failed");
        setPrintState(QStringLiteral("failed"));
        m_tick.start();
        return;
    }
    setPrintState(QStringLiteral("printing"));
    m_printer->print(++m_job, job);
}

void KioskController::onJobFinished(quint64 job, const printer::JobOutcome &outcome)
{
    if (job != m_job || m_printState != QLatin1String("printing"))
        return; // a job for a visitor who is gone already
    m_lastPrintCode = outcome.printed ? QStringLiteral("ok") : outcome.code;
    if (outcome.printed) {
        setPrintState(QStringLiteral("printed"));
    } else {
        qCWarning(lcKiosk).noquote() << "ticket" << m_ticket.value(QStringLiteral("label")).toString() << "not printed:" << outcome.code << outcome.reason;
        setPrintState(QStringLiteral("failed"));
        // Time to write the number down.
        m_secondsLeft = std::max(m_secondsLeft, 2 * m_config.ticketSeconds);
        Q_EMIT secondsLeftChanged();
    }
    if (m_page == QLatin1String("ticket"))
        m_tick.start();
}

void KioskController::onPrinterStatus(const QString &code, const QString &detail)
{
    m_printerDetail = detail;
    if (code != m_printerStatus) {
        qCInfo(lcKiosk).noquote() << "printer" << m_printerStatus << "->" << code << (detail.isEmpty() ? QString() : QStringLiteral("(%1)").arg(detail));
        m_printerStatus = code;
        Q_EMIT printerStatusChanged();
    }
    reportPrinterStatus();
}

void KioskController::reportPrinterStatus()
{
    // While a visitor waits for their number the report waits: a timed-out request makes the
    // client reset its socket and resend everything pending, which would eat into their attempts.
    if (!m_printer || m_reporting || !m_online || m_printerStatus == QLatin1String("unknown") || m_page == QLatin1String("issuing")
        || m_reportRetry.isActive())
        return;
    const QJsonObject status{{QStringLiteral("printer"), m_printerStatus}, {QStringLiteral("detail"), m_printerDetail.left(400)}};
    if (status.value(QLatin1String("printer")) == m_reported.value(QLatin1String("printer")))
        return; // the detail's wording alone is not news for the manager's board
    m_reporting = true;
    m_client.request(QStringLiteral("device.status"), {{QStringLiteral("status"), status}}, this, [this, status](const bus::Reply &reply) {
        m_reporting = false;
        const QString code = reply.error.code;
        if (reply.ok) {
            m_reported = status;
            m_reportBackoffMs = kReportBackoffMinMs;
        } else if (code == QLatin1String(bus::codes::badRequest) || code == QLatin1String("forbidden")
                   || code == QLatin1String("device_revoked")) {
            // Refused for what the report is or who sends it (docs/protocol.md): the same report
            // would only loop.
            qCWarning(lcKiosk).noquote() << "printer status report refused:" << code << reply.error.message;
            m_reported = status;
        } else {
            // No answer, or the server could not keep it (its disk): again later, less often.
            qCWarning(lcKiosk).noquote() << "printer status report not taken:" << code << "; trying again in" << m_reportBackoffMs << "ms";
            m_reportRetry.start(m_reportBackoffMs);
            m_reportBackoffMs = std::min(2 * m_reportBackoffMs, kReportBackoffMaxMs);
            return;
        }
        reportPrinterStatus(); // the printer may have changed again meanwhile
    });
}

void KioskController::setPrintState(const QString &state)
{
    if (state == m_printState)
        return;
    m_printState = state;
    Q_EMIT printStateChanged();
}

void KioskController::goHome()
{
    m_ticket.clear();
    m_refusal.clear();
    Q_EMIT ticketChanged();
    setPrintState(QStringLiteral("none"));
    setPage(m_online ? QStringLiteral("home") : QStringLiteral("offline"));
}

void KioskController::touched()
{
    if (m_language != m_config.language)
        m_idle.start();
    if (m_page == QLatin1String("refused") || (m_page == QLatin1String("ticket") && m_printState != QLatin1String("printing"))) {
        m_secondsLeft = std::max(m_secondsLeft, std::min(m_config.idleSeconds, 2 * m_config.ticketSeconds));
        Q_EMIT secondsLeftChanged();
    }
}

void KioskController::tick()
{
    if (m_secondsLeft > 0) {
        --m_secondsLeft;
        Q_EMIT secondsLeftChanged();
    }
    if (m_secondsLeft == 0)
        goHome();
}

QTimeZone KioskController::hallZone() const
{
    const auto *engine = m_state.engine();
    return QTimeZone(engine ? engine->config().utcOffsetMinutes * 60 : 8 * 3600);
}

double KioskController::clockOffsetMs() const
{
    const qint64 localZoneMs = qint64(QDateTime::currentDateTime().offsetFromUtc()) * 1000;
    const qint64 hallZoneMs = qint64(hallZone().offsetFromUtc(QDateTime::currentDateTimeUtc())) * 1000;
    return double(m_state.serverTimeOffsetMs() + hallZoneMs - localZoneMs);
}

QString KioskController::hallTime(qint64 unixMs) const
{
    return QDateTime::fromMSecsSinceEpoch(unixMs, hallZone()).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace hall::kiosk
