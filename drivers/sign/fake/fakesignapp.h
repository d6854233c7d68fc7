#pragma once

// FAKE window signs as a program (hall-fakesign): one end of a serial line (a socat pty in tests,
// a USB-RS485 adapter wired to the host's bus in a demo), answering for one or several sign
// addresses. Kept in the library so main.cpp stays a few lines.
//
//   hall-fakesign --serial PATH [--address N ...] [--silent] [--garbage] [--gb2312]
//
// stdout, one line each: "ready serial PATH addresses 3,5" once listening; then the notes of
// FakeSignBus: "rx <hex>" for every frame heard, "noise N bytes", "shown ADDR EFFECT SECONDS
// TEXT", "cleared ADDR", "brightness ADDR N", "clock ADDR ISO-TIME", "ping ADDR", "repeat ADDR
// SEQ", "nak ADDR COMMAND REASON", "silent ADDR COMMAND", "garbage ADDR <hex>", "noisy ADDR
// <hex>"; and the answers
// to commands. The table is in docs/hardware.md.
// stdin: silent on|off [ADDR] | garbage on|off | noise on|off | nak REASON [COUNT [ADDR]] | state ADDR | quit.

#include "drivers/fakedevice/fakedevice.h"
#include "drivers/sign/fake/fakesign.h"

#include <QStringList>

#include <memory>

namespace hall::sign::frame {

class FakeSignApp : public fakedevice::FakeBusApp
{
public:
    explicit FakeSignApp(QObject *parent = nullptr);
    static QString usage();

private:
    bool option(const QStringList &args, qsizetype *i, QString *error) override;
    fakedevice::SerialLine::Device makeBus(const QList<int> &addresses) override;
    void command(const QString &line) override;

    bool m_silent = false, m_garbage = false, m_gb2312 = false;
    std::unique_ptr<FakeSignBus> m_bus;
};

} // namespace hall::sign::frame
