#pragma once

#include "drivers/keypad/keypad.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <map>

Q_DECLARE_LOGGING_CATEGORY(lcCounterKeypad)

namespace hall::bus {
class HallClient;
class HallState;
struct Reply;
} // namespace hall::bus

namespace hall::counter {

// Carries the votes of a hardware keypad hosted by a counter to the server (docs/counter.md,
// "Keypad"). Votes go out on their own HallClient with the window's `pad`-role key: the server
// takes a vote only from a pad (docs/protocol.md section 3), never on the clerk's key.
//
// Each KeyEvent becomes at most one rating.submit. Drivers report a press once, but a link
// that retried, or a host that replays after a reconnect, may hand us the same press again: it
// is recognised by (keypad, eventId) and not sent again; if its request had failed (the server
// was unreachable), it is sent again under the same request id, so the server applies it once.
// The prompt lamp follows the window's rating slot in the counter's state mirror; the keypad's
// condition goes to the server as the pad's device.status {keypad, detail}.
class KeypadBridge : public QObject
{
    Q_OBJECT

public:
    // keypad, padClient and state must outlive the bridge; padClient must be started.
    // counterDevice is the hosting counter's device id: its window (from the registry, in the
    // mirror) is the window whose slot the keypad serves.
    KeypadBridge(keypad::Keypad &keypad, bus::HallClient &padClient, const bus::HallState &state, QString counterDevice, QJsonObject keyMap,
                 QObject *parent = nullptr);
    ~KeypadBridge() override;

    // Starts the keypad and checks, with `hello`, that the pad key belongs to this window.
    bool start(QString *error);

    // "ok", "offline", "failed" as last seen from the keypad (or "failed" for a key map the
    // hall's scale refuses); "unknown" before start.
    QString status() const { return m_status; }
    QString statusDetail() const { return m_detail; }
    // The status the server has accepted from us; empty until then.
    QString reportedStatus() const { return m_reported.value(QLatin1String("keypad")).toString(); }
    bool prompt() const { return m_prompt; }
    // hello confirmed that the pad key is a pad of the counter's window; presses before that
    // are dropped.
    bool ready() const;
    // The counter's window by the mirror; 0 until the first snapshot.
    int window() const;
    // rating.submit requests handed to the client (a resend of a failed one counts again).
    int submitsSent() const { return m_submitsSent; }
    // The request id used for a press; empty when that press was never sent.
    QByteArray requestIdOf(const keypad::KeyEvent &event) const;
    // The server's last answer to a vote: "ok" or its error code.
    QString lastOutcome() const { return m_lastOutcome; }

Q_SIGNALS:
    void statusChanged();
    void promptChanged(bool on);
    // A vote's fate: code "ok" or the refusal ("already_rated", "rating_closed", "unreachable", ...).
    void voteAnswered(const QString &rating, const QString &code);

private:
    enum class VoteState { Pending, Done, Failed };
    struct Vote {
        QByteArray requestId;
        QString rating;
        qint64 ticket = 0;
        VoteState state = VoteState::Pending;
        int sends = 0;
        QDeadlineTimer forgetAt;
    };

    static QString identity(const keypad::KeyEvent &event);
    void askWhoWeAre();
    void checkPadKey();
    void onKey(const keypad::KeyEvent &event);
    void send(const QString &id);
    void onAnswer(const QString &id, const bus::Reply &reply);
    void onKeypadStatus(const QString &code, const QString &detail);
    void setStatus(const QString &code, const QString &detail);
    void reportStatus();
    void updateKeyMap();
    void updatePrompt();
    void forgetOld();

    keypad::Keypad &m_keypad;
    bus::HallClient &m_client;
    const bus::HallState &m_state;
    QString m_counterDevice;
    QJsonObject m_keyMapJson;
    keypad::KeyMap m_keyMap;
    QString m_scale;
    QString m_keyMapError;
    QString m_padKeyError;

    QString m_padRole;   // from hello
    int m_padWindow = 0; // from hello
    QString m_status = QStringLiteral("unknown");
    QString m_keypadStatus = QStringLiteral("unknown"); // as the keypad itself says
    QString m_detail;
    QString m_keypadDetail;
    QJsonObject m_reported;
    bool m_reporting = false;
    QTimer m_reportRetry;
    int m_reportBackoffMs = 2000;

    bool m_prompt = false;
    QTimer m_promptTimer; // the slot's time running out

    std::map<QString, Vote> m_votes; // by identity()
    QTimer m_resend;                  // failed votes, while their slot may still take them
    int m_submitsSent = 0;
    QString m_lastOutcome;
};

} // namespace hall::counter
