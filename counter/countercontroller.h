#pragma once

#include "counter/counterconfig.h"

#include <QAbstractItemModel>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QTimeZone>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>

#include <functional>
#include <map>

Q_DECLARE_LOGGING_CATEGORY(lcCounter)

namespace hall::bus {
class HallClient;
class HallState;
struct Reply;
} // namespace hall::bus

namespace hall::engine {
struct Event;
}

namespace hall::counter {

class KeypadBridge;
class WaitingListModel;

// What the clerk's screen shows and does; QML reads it as the `counter` property of its screens.
// Everything shown comes from the state mirror (or, for the clerk's satisfaction, from the
// server's ratings.clerk), never from what the counter believes it just did; actions on a visitor
// send the ticket the screen shows, so a screen that lags the hall cannot finish the wrong one.
class CounterController : public QObject
{
    Q_OBJECT
    // "signedOut", "signingIn", "open", "paused", "offline"
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    // A clerk is signed in at this window (by the mirror), whether or not the server is reachable.
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY stateChanged)
    Q_PROPERTY(bool online READ online NOTIFY stateChanged)
    // An action is on its way (or its effect not yet in the mirror); others are ignored meanwhile.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(int windowNumber READ windowNumber NOTIFY hallChanged)
    Q_PROPERTY(QString windowName READ windowName NOTIFY hallChanged)
    Q_PROPERTY(QString hallName READ hallName NOTIFY hallChanged)
    Q_PROPERTY(double clockOffsetMs READ clockOffsetMs NOTIFY hallChanged)
    // {id, name, badge}; empty when signed out
    Q_PROPERTY(QVariantMap clerk READ clerk NOTIFY clerkChanged)
    // {ticketId (0: nobody), label, service, serviceZh, serviceEn, status ("called"/"serving"),
    //  priority, recalls, transfers}
    Q_PROPERTY(QVariantMap current READ current NOTIFY currentChanged)
    // Since the call (status called) or the start of service (serving), on the server's clock.
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY elapsedChanged)
    Q_PROPERTY(QAbstractItemModel *waiting READ waiting CONSTANT)
    Q_PROPERTY(int waitingCount READ waitingCount NOTIFY waitingCountChanged)
    // Visitors this clerk finished today (from the mirror's tickets).
    Q_PROPERTY(int servedToday READ servedToday NOTIFY statsChanged)
    // From ratings.clerk: {available, todayRatings, todaySatisfied, todayPercent (-1: no votes),
    //  weekRatings, weekSatisfied, weekPercent, qualified, rank (0: unranked), ranked, lastWeekStar}
    Q_PROPERTY(QVariantMap satisfaction READ satisfaction NOTIFY statsChanged)
    // The window's rating slot: {state ("none", "open", "rated", "closed"), ticketId, label,
    //  rating (the vote, when seen), secondsLeft}
    Q_PROPERTY(QVariantMap lastRating READ lastRating NOTIFY lastRatingChanged)
    // The last refusal or notice: its code (a protocol error code, or "offline",
    // "missing_credentials", "transferred", "recalled", "no_show", "rating_requested"), the
    // action it answers, a ticket label or other detail, "refusal" or "info", and a serial that
    // changes with every message (the same refusal twice is still news).
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString messageAction READ messageAction NOTIFY messageChanged)
    Q_PROPERTY(QString messageArg READ messageArg NOTIFY messageChanged)
    Q_PROPERTY(QString messageKind READ messageKind NOTIFY messageChanged)
    Q_PROPERTY(int messageSerial READ messageSerial NOTIFY messageChanged)
    // For the transfer dialog: [{code, prefix, nameZh, nameEn, waiting, isCurrent}]
    Q_PROPERTY(QVariantList services READ services NOTIFY servicesChanged)
    // [{number, name, open, paused, services (names zh), isThis}] without this window
    Q_PROPERTY(QVariantList windows READ windows NOTIFY servicesChanged)
    // The hosted keypad: "none", "unknown", "ok", "offline", "failed"
    Q_PROPERTY(QString keypadStatus READ keypadStatus NOTIFY keypadStatusChanged)

public:
    CounterController(const CounterConfig &config, bus::HallClient &client, bus::HallState &state, QObject *parent = nullptr);
    ~CounterController() override;

    void setKeypad(KeypadBridge *bridge);

    QString state() const { return m_stateName; }
    bool signedIn() const { return !m_clerk.isEmpty(); }
    bool online() const { return m_online; }
    bool busy() const { return m_busy; }
    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    int windowNumber() const { return m_window; }
    QString windowName() const;
    QString hallName() const;
    double clockOffsetMs() const;
    QVariantMap clerk() const { return m_clerk; }
    QVariantMap current() const { return m_current; }
    int elapsedSeconds() const { return m_elapsed; }
    QAbstractItemModel *waiting() const;
    int waitingCount() const;
    int servedToday() const { return m_servedToday; }
    QVariantMap satisfaction() const { return m_satisfaction; }
    QVariantMap lastRating() const { return m_lastRating; }
    QString message() const { return m_message; }
    QString messageAction() const { return m_messageAction; }
    QString messageArg() const { return m_messageArg; }
    QString messageKind() const { return m_messageKind; }
    int messageSerial() const { return m_messageSerial; }
    QVariantList services() const { return m_services; }
    QVariantList windows() const { return m_windows; }
    QString keypadStatus() const;

    Q_INVOKABLE void signIn(const QString &badge, const QString &pin);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void callNext();
    Q_INVOKABLE void recall();
    Q_INVOKABLE void start();
    Q_INVOKABLE void noShow();
    Q_INVOKABLE void finish();
    Q_INVOKABLE void transferToService(const QString &service);
    Q_INVOKABLE void transferToWindow(int window);
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    Q_INVOKABLE void togglePause();
    Q_INVOKABLE void requestRating();
    Q_INVOKABLE void clearMessage();
    // ratings.clerk again (also done by itself on votes and sign-in).
    Q_INVOKABLE void refreshSatisfaction();

Q_SIGNALS:
    void stateChanged();
    void busyChanged();
    void languageChanged();
    void hallChanged();
    void clerkChanged();
    void currentChanged();
    void elapsedChanged();
    void waitingCountChanged();
    void statsChanged();
    void lastRatingChanged();
    void messageChanged();
    void servicesChanged();
    void keypadStatusChanged();

private:
    using OnOk = std::function<void(const bus::Reply &)>;
    // Sends op for `action`; withTicket adds the ticket on screen (and refuses locally when
    // there is none, rather than letting the server pick a visitor the clerk cannot see).
    void act(const QString &action, const QString &op, QJsonObject args, bool withTicket, OnOk onOk = {});
    void setBusy(bool busy);
    void awaitSeq(qint64 seq);
    void refresh();
    void onEvent(const engine::Event &e);
    void updateState();
    void updateElapsed();
    void updateLastRating();
    void showMessage(const QString &code, const QString &action, const QString &kind, const QString &arg = {});
    void fetchSatisfaction();
    void onSatisfaction(const bus::Reply &reply);
    qint64 serverNowMs() const;
    QTimeZone hallZone() const;

    CounterConfig m_config;
    bus::HallClient &m_client;
    bus::HallState &m_state;
    QPointer<KeypadBridge> m_keypad;
    WaitingListModel *m_waiting;

    int m_window = 0;
    QString m_language;
    QString m_stateName = QStringLiteral("offline");
    bool m_online = false;
    bool m_busy = false;
    bool m_signingIn = false;
    qint64 m_awaitSeq = 0;
    QTimer m_busyGuard; // a mirror that never catches up must not lock the screen

    QVariantMap m_clerk;
    QVariantMap m_current;
    qint64 m_currentId = 0;
    int m_elapsed = 0;
    int m_servedToday = 0;
    int m_waitingCount = 0;
    QVariantMap m_satisfaction;
    QVariantMap m_lastRating;
    std::map<qint64, QString> m_votes; // ticket -> rating, from ticket_rated events at this window
    QVariantList m_services;
    QVariantList m_windows;

    QString m_message;
    QString m_messageAction;
    QString m_messageArg;
    QString m_messageKind;
    int m_messageSerial = 0;
    QTimer m_messageTimer;

    bool m_statsInFlight = false;
    bool m_statsAgain = false;
    QTimer m_statsRetry;

    QTimer m_tick; // once a second: elapsed time, the rating countdown
    int m_ticks = 0;
};

} // namespace hall::counter
