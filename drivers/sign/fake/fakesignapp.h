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

#include "drivers/sign/fake/fakesign.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

class QSocketNotifier;

namespace hall::sign::frame {

class FakeSignApp : public QObject
{
    Q_OBJECT
public:
    explicit FakeSignApp(QObject *parent = nullptr);
    ~FakeSignApp() override;
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

    std::unique_ptr<FakeSignBus> m_bus;
    int m_fd = -1;
    QSocketNotifier *m_serial = nullptr;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_stdinBuffer;
    QTimer m_idle; // a request cut short by a quiet line is given up
};

} // namespace hall::sign::frame
