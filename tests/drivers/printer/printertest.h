#pragma once

// What the printer tests over real links (serial, TCP, USB) share: a ticket to print and the transport
// to print it over. Anything these refuse is a mistake in the test, not a result to check, so
// they end the test run instead of returning an error.

#include "drivers/printer/printerstatus.h"
#include "drivers/printer/ticketlayout.h"
#include "drivers/transport/transport.h"

#include <QString>
#include <QtGlobal>

#include <memory>
#include <variant>

// The message of a status result that should have been a status (QVERIFY2 evaluates its
// message even when the check passes, so std::get there would throw).
template <typename Status, typename Error>
QString errorText(const std::variant<Status, Error> &result)
{
    if (const auto *e = std::get_if<Error>(&result))
        return e->message;
    return {};
}

// What a TM-T88-like printer reports with the roll used up.
inline hall::printer::PrinterStatus paperEndStatus()
{
    hall::printer::PrinterStatus s;
    s.online = false;
    s.stoppedByPaperEnd = true;
    s.paperEnd = true;
    s.paperNearEnd = true;
    return s;
}

// A ticket as a kiosk issues it, with the Chinese text a real one carries.
inline hall::printer::TicketContent sampleTicket(const QString &number)
{
    hall::printer::TicketContent c;
    c.hallName = QStringLiteral("某某县公安局交警大队车管所");
    c.number = number;
    c.serviceZh = QStringLiteral("机动车注册登记");
    c.serviceEn = QStringLiteral("Vehicle registration");
    c.peopleAhead = 5;
    c.estimatedWaitMinutes = 15;
    c.issuedAt = QDateTime(QDate(2024, 5, 10), QTime(9, 41));
    c.qrPayload = QStringLiteral("T20240510-") + number;
    c.footer = QStringLiteral("请留意叫号 过号需重新取号");
    return c;
}

inline QByteArray jobBytes(const hall::printer::TicketContent &content, const hall::printer::TicketLayout &layout)
{
    QString error;
    const QByteArray bytes = hall::printer::ticketJob(content, layout, &error);
    if (bytes.isEmpty())
        qFatal("ticketJob: %s", qPrintable(error));
    return bytes;
}

inline std::unique_ptr<hall::drivers::Transport> transportFor(const hall::drivers::TransportConfig &config)
{
    hall::drivers::IoError error;
    auto transport = hall::drivers::makeTransport(config, &error);
    if (!transport)
        qFatal("makeTransport: %s", qPrintable(error.message));
    return transport;
}
