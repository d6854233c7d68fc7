#pragma once

// Rating keypads on an RS-485 bus, spoken to with our framed protocol (docs/hardware.md, "Rating
// keypads, RS-485"). One Rs485Keypad owns one bus (one serial port, usually a USB-RS485 adapter)
// and polls every configured address on it from a worker thread, since every transport call
// blocks. Seen from outside it is one Keypad: keyPressed names the keypad ("rs485:<address>"),
// statusChanged sums up the bus (the worst keypad, named in the detail).

#include "drivers/keypad/keypad.h"
#include "drivers/transport/transport.h"

#include <QJsonObject>
#include <QList>

class QThread;

namespace hall::keypad {

namespace rs485 { class Rs485Worker; }

struct Rs485KeypadConfig {
    // Normally a serial port at 9600 baud; any transport that carries bytes both ways works (a
    // TCP serial server in front of the bus, for example).
    drivers::TransportConfig transport;
    QList<int> addresses{1};      // 1..247, each once
    int pollIntervalMs = 100;     // one round over every address per interval, when it fits
    int answerTimeoutMs = 100;    // for a whole answer, from the end of the request
    int missesBeforeOffline = 5;  // consecutive requests without a good answer
    int reopenIntervalMs = 1000;  // while the port is gone

    // Empty when usable, else a sentence saying what is wrong.
    QString check() const;
    // From a terminal's `keypad` settings object (docs/hardware.md): {"driver": "rs485",
    // "port": "/dev/ttyUSB0", "baud": 9600, "address": 1} or "addresses": [1, 2], optionally
    // "pollIntervalMs", "answerTimeoutMs", "missesBeforeOffline". Unknown keys are refused, so a
    // misspelt setting is not silently ignored. False with the reason in *error.
    static bool fromJson(const QJsonObject &o, Rs485KeypadConfig *out, QString *error);
};

class Rs485Keypad : public Keypad
{
    Q_OBJECT
public:
    explicit Rs485Keypad(Rs485KeypadConfig config, QObject *parent = nullptr);
    ~Rs485Keypad() override;

    bool start(QString *error) override;
    void stop() override;
    QString statusCode() const override { return m_code; }
    QString statusDetail() const { return m_detail; }
    // Every keypad on the bus: one broadcast now, then each keypad whose answers show the other
    // state is told again by address (it missed the broadcast, or restarted since).
    void setPrompt(bool on) override;
    // One keypad only (one counter's keypad on a bus shared with others).
    void setPrompt(int address, bool on);

    const Rs485KeypadConfig &config() const { return m_config; }

private:
    void onStatus(const QString &code, const QString &detail);

    Rs485KeypadConfig m_config;
    QThread *m_thread = nullptr;
    rs485::Rs485Worker *m_worker = nullptr; // lives on m_thread
    bool m_running = false;
    QString m_code = QStringLiteral("offline");
    QString m_detail = QStringLiteral("Not started.");
};

} // namespace hall::keypad
