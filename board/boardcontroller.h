#pragma once

#include "board/boardconfig.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace hall::engine {
struct Event;
}

namespace hall::bus {
class HallState;
class RecentCallsModel;
class ServiceQueueModel;
class WindowModel;
} // namespace hall::bus

namespace hall::board {

// The call board's view of the hall, handed to Hall/Board as `board`: the call in large type,
// the recent calls, each window's state, and when the hall has been quiet, the slogans.
// Announcing is not done here: announce() is emitted for every live call and recall, and the
// board app hands it to the voice, so tests can watch what would be said.
class BoardController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
    Q_PROPERTY(bool synced READ synced NOTIFY syncedChanged)
    Q_PROPERTY(QString hallNameZh READ hallNameZh NOTIFY hallChanged)
    Q_PROPERTY(QString hallNameEn READ hallNameEn NOTIFY hallChanged)
    // Milliseconds to add to this machine's clock to show the hall's local time by the server's clock.
    Q_PROPERTY(double clockOffsetMs READ clockOffsetMs NOTIFY hallChanged)

    Q_PROPERTY(bool hasCall READ hasCall NOTIFY currentChanged)
    Q_PROPERTY(QString currentLabel READ currentLabel NOTIFY currentChanged)
    Q_PROPERTY(int currentWindow READ currentWindow NOTIFY currentChanged)
    Q_PROPERTY(QString currentServiceZh READ currentServiceZh NOTIFY currentChanged)
    Q_PROPERTY(bool currentRecall READ currentRecall NOTIFY currentChanged)
    // Counts the live calls and recalls: the screen flashes when it moves, also for a recall of
    // the number already shown (the label alone would not change).
    Q_PROPERTY(int callSerial READ callSerial NOTIFY callSerialChanged)
    // Nobody called for idleAfterSeconds (or nobody today): the slogans take the stage.
    Q_PROPERTY(bool idle READ idle NOTIFY idleChanged)
    Q_PROPERTY(QStringList slogans READ slogans CONSTANT)

    Q_PROPERTY(QObject *recentCalls READ recentCalls CONSTANT)
    Q_PROPERTY(QObject *windows READ windows CONSTANT)
    Q_PROPERTY(QObject *services READ services CONSTANT)

public:
    BoardController(const BoardConfig &config, bus::HallState &state, QObject *parent = nullptr);
    ~BoardController() override;

    // A call older than this when it reaches the board is shown but not said: after a reconnect
    // the journal may replay minutes of calls, and a hall full of stale numbers helps nobody.
    static constexpr qint64 kAnnounceWithinMs = 30'000;

    bool online() const;
    bool synced() const;
    QString hallNameZh() const;
    QString hallNameEn() const;
    double clockOffsetMs() const;

    bool hasCall() const { return m_ticket != 0; }
    QString currentLabel() const { return m_label; }
    int currentWindow() const { return m_window; }
    QString currentServiceZh() const;
    bool currentRecall() const { return m_recall; }
    int callSerial() const { return m_callSerial; }
    bool idle() const { return m_idle; }
    QStringList slogans() const { return m_config.slogans; }

    QObject *recentCalls() const;
    QObject *windows() const;
    QObject *services() const;

    // The server's clock now, by the last snapshot's offset.
    qint64 serverNowMs() const;

Q_SIGNALS:
    void onlineChanged();
    void syncedChanged();
    void hallChanged();
    void currentChanged();
    // Only for live calls: a resync changes the current call too, and must not flash the board.
    void callSerialChanged();
    void idleChanged();
    void announce(const QString &label, int window, bool recall);

private:
    void onEvent(const hall::engine::Event &e);
    // After a snapshot: the latest call in the mirror, shown without a word.
    void takeLatestCall();
    void setCurrent(qint64 ticket, int window, qint64 at, bool recall);
    void updateIdle();

    BoardConfig m_config;
    bus::HallState &m_state;
    std::unique_ptr<bus::RecentCallsModel> m_recent;
    std::unique_ptr<bus::WindowModel> m_windows;
    std::unique_ptr<bus::ServiceQueueModel> m_services;

    qint64 m_ticket = 0;
    QString m_label;
    QString m_service;
    int m_window = 0;
    qint64 m_calledAt = 0; // server ms
    bool m_recall = false;
    int m_callSerial = 0;
    bool m_idle = true;
    QTimer m_idleTimer;
};

} // namespace hall::board
