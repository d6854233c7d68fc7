#include "counter/pad/autorater.h"

#include "counter/pad/padapp.h"
#include "counter/pad/padcontroller.h"

#include <QDateTime>
#include <QDir>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QMouseEvent>
#include <QTest>
#include <QQuickItem>
#include <QQuickWindow>

Q_LOGGING_CATEGORY(lcAutoRate, "hall.pad.autorate")

namespace hall::pad {

AutoRater::AutoRater(PadApp &app, Options options, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_options(std::move(options))
{
    // The screen is watched, not driven by signals: what counts is what a visitor would see.
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this, &AutoRater::step);
}

bool AutoRater::validMode(const QString &mode)
{
    return mode == QLatin1String("satisfied") || mode == QLatin1String("unsatisfied") || mode == QLatin1String("random");
}

void AutoRater::start()
{
    if (!m_options.screenshotDir.isEmpty())
        QDir().mkpath(m_options.screenshotDir);
    m_poll.start();
}

namespace {
// By the visual tree, not QObject children: items a Repeater creates (the rating buttons) have
// no QObject parent, so findChild() never sees them.
QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (!root)
        return nullptr;
    if (root->objectName() == objectName)
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children)
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    return nullptr;
}
} // namespace

QQuickItem *AutoRater::find(const QString &objectName) const
{
    QQuickWindow *w = m_app.window();
    return w ? findItem(w->contentItem(), objectName) : nullptr;
}

bool AutoRater::tap(const QString &objectName)
{
    QQuickWindow *w = m_app.window();
    QQuickItem *item = find(objectName);
    if (!w || !item || !item->isVisible() || !item->isEnabled()) {
        qCWarning(lcAutoRate).noquote() << "no" << objectName << "on screen to tap";
        return false;
    }
    // Through the window system's input path, as a finger's tap arrives: a QMouseEvent sent
    // straight to the window does not reach a MouseArea in Qt 6.4 (the delivery agent expects
    // the event point state the platform layer sets up).
    const QPoint at = item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint();
    QTest::mouseClick(w, Qt::LeftButton, Qt::NoModifier, at);
    qCInfo(lcAutoRate).noquote() << "tapped" << objectName;
    return true;
}

QString AutoRater::pick() const
{
    const QVariantList options = m_app.controller()->options();
    if (m_options.mode == QLatin1String("random") && !options.isEmpty())
        return options.at(int(QRandomGenerator::global()->bounded(qsizetype(options.size())))).toMap().value(QStringLiteral("value")).toString();
    return m_options.mode;
}

void AutoRater::shoot(const QString &name)
{
    if (m_options.screenshotDir.isEmpty())
        return;
    QString error;
    if (!m_app.grab(QDir(m_options.screenshotDir).filePath(QStringLiteral("pad-%1-%2.png").arg(name).arg(m_votes + 1)), &error))
        qCWarning(lcAutoRate).noquote() << error;
}

void AutoRater::step()
{
    PadController *pad = m_app.controller();
    if (!pad)
        return;
    const QString page = pad->page();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (page != m_lastPage) {
        m_lastPage = page;
        m_waitUntil = now + m_options.delayMs;
        if (page == QLatin1String("thanks") || page == QLatin1String("notice")) {
            shoot(page);
            ++m_votes;
        }
        return;
    }
    if (now < m_waitUntil || pad->busy())
        return;
    if (page == QLatin1String("rating")) {
        shoot(QStringLiteral("rating"));
        tap(QStringLiteral("rate_") + pick());
        m_waitUntil = now + m_options.delayMs;
    } else if (page == QLatin1String("reasons")) {
        const QVariantList reasons = pad->reasons();
        if (pad->selectedReasons().isEmpty() && !reasons.isEmpty()) {
            tap(QStringLiteral("reason_") + reasons.first().toMap().value(QStringLiteral("code")).toString());
            m_waitUntil = now + m_options.delayMs / 2;
        } else {
            tap(QStringLiteral("submitReasons"));
            m_waitUntil = now + m_options.delayMs;
        }
    }
}

} // namespace hall::pad
