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

#include "drivers/fakedevice/fakedevice.h"
#include "drivers/keypad/rs485/fake/fakekeypad.h"

#include <QStringList>

#include <memory>

namespace hall::keypad::rs485 {

class FakeKeypadApp : public fakedevice::FakeBusApp
{
public:
    explicit FakeKeypadApp(QObject *parent = nullptr);
    static QString usage();

private:
    bool option(const QStringList &args, qsizetype *i, QString *error) override;
    fakedevice::SerialLine::Device makeBus(const QList<int> &addresses) override;
    void command(const QString &line) override;

    int m_firstId = 0;
    std::unique_ptr<FakeKeypadBus> m_bus;
};

} // namespace hall::keypad::rs485
