#pragma once

#include "kiosk/kioskconfig.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QTimeZone>
#include <QTimer>
#include <QVariantMap>



Q_DECLARE_LOGGING_CATEGORY(lcKiosk)

namespace hall::bus {
class HallClient;
class HallState;
class ServiceQueueModel;
struct Reply;
} // namespace hall::bus

namespace hall::printer {
class Printer;
struct JobOutcome;
} // namespace hall::printer

namespace hall::kiosk {

// What the kiosk screen shows and does; QML reads it as the `kiosk` property of its screens. The kiosk never invents a ticket: a number is
// shown and printed only after the server's reply, and a print failure never takes that number
// away: the screen keeps it and asks the visitor to note it down.
class KioskController : public QObject
{
    Q_OBJECT
    // "home", "issuing", "ticket", "refused" (the server said no), "offline"
    Q_PROPERTY(QString page READ page NOTIFY pageChanged)
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(QString hallName READ hallName NOTIFY hallChanged)
    Q_PROPERTY(QAbstractItemModel *services READ services CONSTANT)
    // The issued ticket: label, service, serviceZh, serviceEn, peopleAhead, waitMinutes, issuedAt
    // (text, hall time), ticketId
    Q_PROPERTY(QVariantMap ticket READ ticket NOTIFY ticketChanged)
    // "none", "printing", "printed", "failed", "noPrinter"
    Q_PROPERTY(QString printState READ printState NOTIFY printStateChanged)
    // The printer's condition, as reported to the server: "ok", "paper_out", "paper_near_end",
    // "cover_open", "offline", "failed"; "unknown" until the first check, "none" without a printer.
    Q_PROPERTY(QString printerStatus READ printerStatus NOTIFY printerStatusChanged)
    // The printer cannot print now: visitors are told their number will be on screen only.
    Q_PROPERTY(bool printerFault READ printerFault NOTIFY printerStatusChanged)
    // Why the server refused, as its error code ("daily_limit_reached", "unknown_service", ...).
    Q_PROPERTY(QString refusal READ refusal NOTIFY pageChanged)
    Q_PROPERTY(int secondsLeft READ secondsLeft NOTIFY secondsLeftChanged)
    // Add to this machine's Date.now() for the hall's wall clock: the server's time, in the hall's
    // time zone (a kiosk's own clock and zone may be off; the ticket's time comes from the server).
    Q_PROPERTY(double clockOffsetMs READ clockOffsetMs NOTIFY hallChanged)

public:
    // A tap this soon after the home page appeared is the second half of a double tap.
    static constexpr qint64 kTapGuardMs = 700;

    KioskController(const KioskConfig &config, bus::HallClient &client, bus::HallState &state, printer::Printer *printer, QObject *parent = nullptr);
    ~KioskController() override;

    QString page() const { return m_page; }
    bool online() const { return m_online; }
    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    QString hallName() const;
    QAbstractItemModel *services() const;
    QVariantMap ticket() const { return m_ticket; }
    QString printState() const { return m_printState; }
    QString printerStatus() const { return m_printerStatus; }
    bool printerFault() const;
    QString refusal() const { return m_refusal; }
    int secondsLeft() const { return m_secondsLeft; }
    double clockOffsetMs() const;

    // A visitor tapped a service.
    Q_INVOKABLE void takeTicket(const QString &service);
    // "Done" on the ticket page, or "back" on a refusal.
    Q_INVOKABLE void goHome();
    // Any touch: the idle countdowns start again.
    Q_INVOKABLE void touched();

    // Printed above the hall name where the link is fast enough for raster (docs/hardware.md).
    void setLogo(const QImage &logo) { m_logo = logo; }

    // For the demo: the last ticket's print outcome code ("ok", "paper_out", ...).
    QString lastPrintCode() const { return m_lastPrintCode; }

Q_SIGNALS:
    void pageChanged();
    void onlineChanged();
    void languageChanged();
    void hallChanged();
    void ticketChanged();
    void printStateChanged();
    void printerStatusChanged();
    void secondsLeftChanged();

private:
    void setPage(const QString &page);
    void updateOnline();
    void onIssued(const bus::Reply &reply, const QString &service);
    void onJobFinished(quint64 job, const printer::JobOutcome &outcome);
    void onPrinterStatus(const QString &code, const QString &detail);
    void reportPrinterStatus();
    void setPrintState(const QString &state);
    void tick();
    QString hallTime(qint64 unixMs) const;
    QTimeZone hallZone() const;
    QString hallNameIn(const QString &language) const;

    KioskConfig m_config;
    bus::HallClient &m_client;
    bus::HallState &m_state;
    QPointer<printer::Printer> m_printer;
    QImage m_logo;
    bus::ServiceQueueModel *m_services;

    QString m_page = QStringLiteral("offline");
    bool m_online = false;
    QString m_language;
    QVariantMap m_ticket;
    QString m_printState = QStringLiteral("none");
    QString m_printerStatus = QStringLiteral("none");
    QString m_printerDetail;
    QString m_refusal;
    quint64 m_job = 0; // the job printing the current ticket
    QString m_lastPrintCode;

    // The printer condition last accepted by the server, and whether a report is on its way.
    QJsonObject m_reported;
    bool m_reporting = false;
    QTimer m_reportRetry;
    int m_reportBackoffMs = 5000;
    QElapsedTimer m_homeSince; // a tap this soon after home appeared is the end of a double tap

    QTimer m_tick; // once a second while away from home
    // Untouched this long, the screen goes back to the hall's language for the next visitor.
    QTimer m_idle;
    int m_secondsLeft = 0;
};

} // namespace hall::kiosk
