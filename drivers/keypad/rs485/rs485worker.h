#pragma once

// Private to Rs485Keypad: the poller that lives on the keypad bus's thread and owns the transport.

#include "drivers/keypad/keypad.h"
#include "drivers/keypad/rs485/rs485frame.h"
#include "drivers/keypad/rs485/rs485keypad.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace hall::keypad::rs485 {

class Rs485Worker : public QObject
{
    Q_OBJECT
public:
    explicit Rs485Worker(Rs485KeypadConfig config);
    ~Rs485Worker() override;

    // Worker thread only (the facade calls them through blocking or queued invocations).
    bool begin(std::unique_ptr<drivers::Transport> transport, QString *error);
    void end();
    void setPrompt(std::optional<int> address, bool on);

Q_SIGNALS:
    void keyPressed(const hall::keypad::KeyEvent &event);
    void statusReport(const QString &code, const QString &detail);

private:
    struct Station {
        quint8 address = 0;
        QString code = QStringLiteral("offline");
        QString detail;
        int failures = 0;  // consecutive requests without a good answer
        int garbled = 0;   // of those, how many got bytes that were no good answer
        int skipped = 0;   // cycles left out while offline
        // The last event id reported and not yet known to be acknowledged: the keypad repeats
        // an event until our ACK reaches it, so a repeat of this id is not a new press.
        std::optional<quint16> lastReported;
        std::optional<bool> promptLit; // as the keypad's last answer said
        bool wantPrompt = false;
        bool identified = false;
    };

    struct Exchange {
        enum class Kind { Answer, NoAnswer, Garbled, LinkDown };
        Kind kind = Kind::NoAnswer;
        Frame answer;
        QString why; // for Garbled and LinkDown
    };

    void cycle();
    void visit(Station &station);
    Exchange transact(const Frame &request);
    void broadcast(const Frame &request);
    void linkDown(const QString &why);
    void tryReopen();
    void failed(Station &station, const Exchange &exchange);
    void answered(Station &station);
    void report();
    void schedule(int ms);
    QString where() const;

    Rs485KeypadConfig m_config;
    std::unique_ptr<drivers::Transport> m_transport;
    std::vector<Station> m_stations;
    FrameParser m_parser;
    QTimer *m_timer = nullptr;
    quint8 m_seq = 0;
    bool m_running = false;
    bool m_linkUp = false;
    QString m_linkDetail;
    std::optional<bool> m_broadcastPrompt; // to send at the start of the next cycle
    QString m_lastCode, m_lastDetail;
};

} // namespace hall::keypad::rs485
