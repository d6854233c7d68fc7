#include "kiosk/visitorscript.h"

#include "kiosk/kioskapp.h"
#include "kiosk/kioskcontroller.h"

#include <QDir>
#include <QLoggingCategory>

#include <cstdio>

Q_LOGGING_CATEGORY(lcVisitors, "hall.kiosk.visitors")

namespace hall::kiosk {

VisitorScript::VisitorScript(KioskApp &app, Options options, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_options(std::move(options))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] { fail(QStringLiteral("timed out at stage %1 of visitor %2").arg(m_stage).arg(m_next + 1)); });
    // The screen is watched, not driven by signals: what counts is what a visitor would see.
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &VisitorScript::step);
}

void VisitorScript::start()
{
    QDir().mkpath(m_options.screenshotDir);
    m_deadline.start(m_options.onlineTimeoutMs);
    m_poll.start();
}

void VisitorScript::shoot(const QString &name)
{
    QString error;
    const QString path = QDir(m_options.screenshotDir).filePath(QStringLiteral("%1-%2.png").arg(m_options.prefix, name));
    if (!m_app.grab(path, &error))
        fail(error);
}

void VisitorScript::fail(const QString &why)
{
    if (m_done)
        return;
    m_done = true;
    m_poll.stop();
    m_deadline.stop();
    std::fprintf(stderr, "hall-kiosk: simulated visitors stopped: %s\n", qPrintable(why));
    Q_EMIT finished(1);
}

void VisitorScript::step()
{
    KioskController *k = m_app.controller();
    if (m_done || !k)
        return;
    const QString page = k->page();
    switch (m_stage) {
    case 0: // the hall is in view, and the printer has been checked once
        if (page != QLatin1String("home") || k->printerStatus() == QLatin1String("unknown"))
            return;
        k->setLanguage(QStringLiteral("zh"));
        m_stage = 1;
        return;
    case 1: // one turn for the screen to settle, then both languages
        shoot(QStringLiteral("home-zh"));
        k->setLanguage(QStringLiteral("en"));
        m_stage = 2;
        return;
    case 2:
        shoot(QStringLiteral("home-en"));
        k->setLanguage(QStringLiteral("zh"));
        m_stage = 3;
        return;
    case 3: // the next visitor taps
        if (m_next >= m_options.services.size()) {
            m_done = true;
            m_poll.stop();
            m_deadline.stop();
            Q_EMIT finished(0);
            return;
        }
        if (page != QLatin1String("home")) {
            m_homeSeen.invalidate();
            return;
        }
        // A visitor needs a moment to walk up; a tap right after the home page appears is
        // taken for a double tap and ignored.
        if (!m_homeSeen.isValid())
            m_homeSeen.start();
        if (m_homeSeen.elapsed() < KioskController::kTapGuardMs + 300)
            return;
        m_homeSeen.invalidate();
        m_deadline.start(15000);
        k->takeTicket(m_options.services.at(m_next));
        m_stage = 4;
        return;
    case 4: // the ticket is on screen and its print job has ended (or the server said no)
        if (page == QLatin1String("refused")) {
            std::printf("visitor %d: %s: no ticket (%s)\n", m_next + 1, qPrintable(m_options.services.at(m_next)), qPrintable(k->refusal()));
            shoot(QStringLiteral("refused-%1").arg(m_next + 1));
        } else if (page == QLatin1String("ticket") && k->printState() != QLatin1String("printing")) {
            const QString label = k->ticket().value(QStringLiteral("label")).toString();
            std::printf("visitor %d: %s: ticket %s, %d ahead, print: %s\n", m_next + 1, qPrintable(m_options.services.at(m_next)), qPrintable(label),
                        k->ticket().value(QStringLiteral("peopleAhead")).toInt(), qPrintable(k->printState() == QLatin1String("printed") ? QStringLiteral("printed") : k->lastPrintCode()));
            shoot(QStringLiteral("ticket-%1-%2").arg(m_next + 1).arg(label));
        } else {
            return;
        }
        std::fflush(stdout);
        k->goHome();
        ++m_next;
        m_stage = 3;
        return;
    default:
        return;
    }
}

} // namespace hall::kiosk
