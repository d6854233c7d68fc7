#pragma once

// Window strip signs on one RS-485 bus (docs/hardware.md, "LED window signs"). The owner's
// thread never waits for a sign: every call here only queues and returns; the bytes go out from
// a worker thread that owns the transport (whose calls block), and what the signs answered comes
// back as signals on the owner's event loop.
//
// One request is on the wire at a time. Each sign has three queue slots: its display (show text
// or clear: the newest supersedes an older one not yet sent), its brightness and its clock. Signs
// take turns, so a sign that does not answer delays the others by at most one answer timeout per
// turn. A request without a good answer is sent again in the sign's next turn (same bytes, same
// seq, so a sign that did act on the first copy acknowledges without starting a flash over);
// after 1 + retries failures
// in a row the sign is offline: it is then asked once per probe interval (its queued request, or
// a ping), and its standing text and brightness are sent again when it answers.

#include "drivers/sign/signprotocol.h"
#include "drivers/transport/transport.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>

class QThread;

namespace hall::sign {

class SignBusWorker;

struct SignBusConfig {
    drivers::TransportConfig transport; // normally serial 9600 8N1
    QList<int> addresses;               // every sign on this bus, each once
    int ackTimeoutMs = 300;             // for the answer, from the end of the request
    int retries = 1;                    // further tries before a sign counts as offline
    int probeIntervalMs = 5000;         // how often an offline sign is asked again
    int reopenIntervalMs = 2000;        // while the port is gone

    // Empty when usable, else a sentence saying what is wrong.
    QString check() const;
};

class SignBus : public QObject
{
    Q_OBJECT
public:
    // protocol: how to speak to the signs; ours (HallSignProtocol) when null.
    explicit SignBus(SignBusConfig config, std::unique_ptr<SignProtocol> protocol = {}, QObject *parent = nullptr);
    ~SignBus() override;

    // Opens the port (on the worker thread; opening a tty does not wait for any sign). False with
    // the reason when the configuration is bad or the port cannot be opened.
    bool start(QString *error);
    void stop();
    bool isRunning() const { return m_running; }

    // Queue a request; false (and a warning) for an address not on this bus.
    bool showText(int address, const QString &text, Effect effect, int durationS = 0);
    bool clear(int address);
    bool setBrightness(int address, int percent);
    bool syncClock(int address, const QDateTime &local);
    bool request(int address, const SignRequest &request);

    // "ok", "offline", "error", or "" before the sign was first heard from (or not heard from).
    QString statusCode(int address) const;
    QString statusDetail(int address) const;
    // Requests waiting (not counting the one on the wire).
    int queued() const;
    const SignBusConfig &config() const { return m_config; }
    QString protocolName() const { return m_protocol->name(); }

Q_SIGNALS:
    // code: "ok" | "offline" | "error"; sent on every change of code or detail.
    void signStatusChanged(int address, const QString &code, const QString &detail);
    // The end of one request: outcome "ack", "nak" (detail: the reason), "unanswered" (the sign
    // went or is offline; the request waits for it), "superseded" (a newer one of its slot took
    // its place before it was acknowledged) or "refused" (could not be encoded; detail says why).
    void requestFinished(int address, const hall::sign::SignRequest &request, const QString &outcome,
                         const QString &detail);

private:
    enum Slot { Display = 0, Brightness = 1, Clock = 2, Probe = 3 };
    static Slot slotOf(SignRequest::Kind kind);

    struct InFlight {
        quint64 token = 0;
        int address = 0;
        SignRequest request;
        Slot slot = Probe;
        quint8 seq = 0;
        QByteArray bytes;
        int attempt = 1;
    };

    struct Sign {
        int address = 0;
        std::optional<SignRequest> slots[3];
        std::optional<InFlight> retry;          // sent again (same seq) in the sign's next turn
        std::optional<SignRequest> standing;   // last display request without a duration
        std::optional<SignRequest> brightness; // last brightness asked for
        QString code;                           // "" until first heard from
        QString detail;
        int failures = 0; // consecutive requests without a good answer
        int garbled = 0;  // of those, how many got bytes that were no answer
        bool down = false;  // offline or answering garbage: asked once per probe interval
        qint64 probeAt = 0;
        std::optional<Slot> errorSlot; // the slot whose NAK put the sign in "error"
    };

    void pump();
    bool hasWork(const Sign &s) const;
    void send(Sign &s);
    void transmit();
    void onExchanged(quint64 token, int outcome, bool ack, bool fault, int nakReason, const QString &text);
    void onReopened(bool ok, const QString &why);
    void answered(Sign &s, const InFlight &f, bool ack, bool fault, const QString &nakText);
    void unanswered(Sign &s, InFlight f, bool garbled, const QString &why);
    void linkDown(const QString &why);
    void setStatus(Sign &s, const QString &code, const QString &detail);
    QString where() const;
    Sign *sign(int address);
    const Sign *sign(int address) const;

    SignBusConfig m_config;
    std::unique_ptr<SignProtocol> m_protocol;
    QThread *m_thread = nullptr;
    SignBusWorker *m_worker = nullptr; // lives on m_thread
    std::map<int, Sign> m_signs;
    std::optional<InFlight> m_inFlight;
    QTimer m_pumpTimer;   // the next probe of an offline sign
    QTimer m_reopenTimer; // while the port is gone
    QElapsedTimer m_clock;
    quint64 m_nextToken = 1;
    quint8 m_seq = 0;
    int m_lastServed = 0; // address; turns go round from the one after it
    bool m_running = false;
    bool m_linkUp = false;
    QString m_where;
};

// Reads the sign-bus fields shared by the server's configuration and tests: {"port", "baud",
// "ackTimeoutMs", "retries", "probeIntervalMs"}. Unknown keys are left to the caller.
bool signBusFromJson(const QJsonObject &o, SignBusConfig *out, QString *error);

} // namespace hall::sign

Q_DECLARE_METATYPE(hall::sign::SignRequest)
