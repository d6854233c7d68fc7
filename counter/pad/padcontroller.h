#pragma once

#include "counter/pad/padconfig.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>

Q_DECLARE_LOGGING_CATEGORY(lcPad)

namespace hall::bus {
class HallClient;
class HallState;
struct Reply;
} // namespace hall::bus

namespace hall::engine {
struct Event;
}

namespace hall::pad {

// What a window's evaluation pad shows and does; QML reads it as the `pad` property of its
// screens. The pad decides nothing about votes: the rating buttons are up while the server's
// rating slot for this window is open, unrated and within its time (by the server's clock), and
// a press is a `rating.submit` whose answer, yes or no, is what the visitor is told.
class PadController : public QObject
{
    Q_OBJECT
    // "offline", "idle", "paused", "rating", "reasons", "thanks", "notice" (the server said no)
    Q_PROPERTY(QString page READ page NOTIFY pageChanged)
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
    // The window this pad's key belongs to (the server says which, in `hello`); 0 = not known yet
    Q_PROPERTY(int windowNumber READ windowNumber NOTIFY hallChanged)
    Q_PROPERTY(QString windowName READ windowName NOTIFY hallChanged)
    // On the paused page: "paused" (the clerk paused the window) or "closed" (nobody signed in)
    Q_PROPERTY(QString pausedReason READ pausedReason NOTIFY pageChanged)
    // The clerk on screen: {id, name, badge, photo (file URL, "" when none is readable), initials}.
    // While a visitor rates, the clerk who served them; otherwise the one signed in.
    Q_PROPERTY(QVariantMap clerk READ clerk NOTIFY clerkChanged)
    // This week's standing of the signed-in clerk (`ratings.clerk`): {available, votes,
    // satisfied, percent, stars (0..5 in halves), serviceStar, lastWeekStar}
    Q_PROPERTY(QVariantMap stars READ stars NOTIFY starsChanged)
    // "two" or "five"
    Q_PROPERTY(QString scale READ scale NOTIFY hallChanged)
    // The scale's buttons, most satisfied first: [{value, zh, en, satisfied, level (0 best..4 worst)}]
    Q_PROPERTY(QVariantList options READ options NOTIFY hallChanged)
    // The hall's reason tags: [{code, zh, en}]
    Q_PROPERTY(QVariantList reasons READ reasons NOTIFY hallChanged)
    Q_PROPERTY(QStringList selectedReasons READ selectedReasons NOTIFY selectedReasonsChanged)
    // The value pressed and waiting for its reasons, or the value recorded (thanks page)
    Q_PROPERTY(QString chosen READ chosen NOTIFY chosenChanged)
    // A vote is on its way to the server: buttons do nothing meanwhile
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // rating: until the vote closes; reasons: until they are sent; thanks, notice: until idle
    Q_PROPERTY(int secondsLeft READ secondsLeft NOTIFY secondsLeftChanged)
    // Why the vote was not taken: the server's error code, or "unreachable"
    Q_PROPERTY(QString notice READ notice NOTIFY pageChanged)
    // Add to this machine's Date.now() for the hall's wall clock (the server's time, hall zone).
    Q_PROPERTY(double clockOffsetMs READ clockOffsetMs NOTIFY hallChanged)

public:
    PadController(const PadConfig &config, bus::HallClient &client, bus::HallState &state, QObject *parent = nullptr);
    ~PadController() override;

    QString page() const { return m_page; }
    bool online() const { return m_online; }
    int windowNumber() const { return m_window; }
    QString windowName() const;
    QString pausedReason() const { return m_pausedReason; }
    QVariantMap clerk() const { return m_clerk; }
    QVariantMap stars() const { return m_stars; }
    QString scale() const;
    QVariantList options() const;
    QVariantList reasons() const;
    QStringList selectedReasons() const { return m_selected; }
    QString chosen() const { return m_chosen; }
    bool busy() const { return m_busy; }
    int secondsLeft() const { return m_secondsLeft; }
    QString notice() const { return m_notice; }
    double clockOffsetMs() const;

    // A rating button. Satisfied values go to the server at once; an unsatisfied one first asks
    // for reasons when the hall has any. Either way this press is the visitor's vote.
    Q_INVOKABLE void press(const QString &value);
    Q_INVOKABLE void toggleReason(const QString &code);
    // 提交: the vote with the chosen reasons; 跳过: the vote without any.
    Q_INVOKABLE void submitReasons();
    Q_INVOKABLE void skipReasons();

    // The server's clock now, Unix ms.
    qint64 serverNow() const;
    // For tests and the demo: ratings.clerk replies taken so far.
    int starsRefreshes() const { return m_starsRefreshes; }

Q_SIGNALS:
    void pageChanged();
    void onlineChanged();
    void hallChanged();
    void clerkChanged();
    void starsChanged();
    void selectedReasonsChanged();
    void chosenChanged();
    void busyChanged();
    void secondsLeftChanged();

private:
    void updateOnline();
    void askWhoAmI();
    void evaluate();
    void setPage(const QString &page);
    void setBusy(bool busy);
    void setChosen(const QString &value);
    void setSecondsLeft(int s);
    void tick();
    void submit(const QString &value, const QStringList &tags);
    void onSubmitted(const bus::Reply &reply, qint64 ticket, const QString &value);
    void updateClerk();
    void refreshStars();
    void onStars(const bus::Reply &reply);
    void onEvent(const engine::Event &e);
    void restartReasonCountdown();
    bool isSatisfied(const QString &value) const;
    QVariantMap clerkInfo(const QString &id) const;

    PadConfig m_config;
    bus::HallClient &m_client;
    bus::HallState &m_state;

    QString m_page = QStringLiteral("offline");
    bool m_online = false;
    int m_window = 0;
    bool m_asking = false; // hello in flight
    QString m_pausedReason;
    QVariantMap m_clerk;
    QString m_windowClerk; // who is signed in, for the stars
    QVariantMap m_stars;

    // The visitor the rating page is for, and the one whose vote has been dealt with (recorded or
    // refused for good): the mirror may still show that slot open until the event arrives.
    qint64 m_slotTicket = 0;
    QString m_slotClerk;
    qint64 m_slotUntil = 0; // server clock
    qint64 m_doneTicket = 0;
    QString m_chosen;
    QStringList m_selected;
    bool m_busy = false;
    QString m_notice;
    int m_secondsLeft = 0;
    QElapsedTimer m_pageClock; // since reasons, thanks or notice appeared (or a chip was touched)
    qint64 m_pageMs = 0;       // how long that page stays

    QTimer m_tick;
    QTimer m_helloRetry;
    QTimer m_starsTimer;
    bool m_starsInFlight = false;
    bool m_starsAgain = false;
    int m_starsRefreshes = 0;
};

} // namespace hall::pad
