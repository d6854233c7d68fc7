#pragma once

// FAKE keypads as a program (hall-fakekeypad): one end of a serial line (a socat pty in tests, a
// USB-RS485 adapter wired to the host's bus in a demo), one or several keypad addresses, and
// presses and faults typed on stdin. Kept in the library so main.cpp stays a few lines.
//
//   hall-fakekeypad --serial PATH [--address N ...] [--first-id N]
//
// stdout, one line each: "ready serial PATH addresses 1,2" once listening; then the answers to
// commands ("pressed 1 2 7", "prompt? 1 on", "events pressed ...") and the notes of
// FakeKeypadBus ("acked 1 7", "ack dropped 1 7", "prompt 1 on", ...). The table is in
// docs/hardware.md.
// stdin: press KEY [ADDR] | drop-acks N | corrupt N | garbage | silent on|off | prompt? [ADDR] |
// events [ADDR] | reset [ADDR] | quit.

#include "drivers/keypad/rs485/fake/fakekeypad.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

class QSocketNotifier;

namespace hall::keypad::rs485 {

class FakeKeypadApp : public QObject
{
    Q_OBJECT
public:
    explicit FakeKeypadApp(QObject *parent = nullptr);
    ~FakeKeypadApp() override;
    // Parses the arguments (without argv[0]) and starts; false with *error on bad usage.
    bool start(const QStringList &arguments, QString *error);
    static QString usage();

Q_SIGNALS:
    void quitRequested();

private:
    bool openSerial(const QString &path, QString *error);
    void readSerial();
    void writeSerial(const QByteArray &bytes);
    void readCommands();
    void command(const QString &line);
    void say(const QString &line);

    std::unique_ptr<FakeKeypadBus> m_bus;
    int m_fd = -1;
    QSocketNotifier *m_serial = nullptr;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_stdinBuffer;
    QTimer m_idle; // a request cut short by a quiet line is given up
};

} // namespace hall::keypad::rs485
