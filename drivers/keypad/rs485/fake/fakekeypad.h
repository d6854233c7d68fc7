#pragma once

// FAKE rating keypads: the device side of our RS-485 keypad protocol, for tests and the demo.
// It is not a driver and never goes into a product. One FakeKeypadBus plays every keypad on one
// bus (one or several addresses): it reads the host's requests, answers those addressed to one of
// its keypads, acts on broadcasts, and holds each press until the host acknowledges it, as the
// protocol asks of real keypads (docs/hardware.md, "Rating keypads, RS-485").
//
// It does no I/O: bytes from the line go in, bytes for the line come out, so the same logic
// serves the hall-fakekeypad program and in-process tests. It can be told to misbehave the ways
// a real bus does: acknowledgements lost on the wire, answers with a bad CRC, noise in front of
// an answer, a keypad that is switched off, a keypad that restarts.

#include "drivers/keypad/rs485/rs485frame.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include <deque>
#include <optional>
#include <vector>

namespace hall::keypad::rs485 {

class FakeKeypadBus : public QObject
{
    Q_OBJECT
public:
    // Presses a keypad holds before it ignores further ones (the first ratings count).
    static constexpr int kQueueDepth = 8;

    struct Counters {
        int pressed = 0; // presses taken
        int sent = 0;    // EVENT answers put on the line, repeats included
        int acked = 0;   // events the host acknowledged
        int requests = 0; // requests addressed to the keypad (any command)
        int pending = 0; // presses held now
    };

    // firstEventId 0: each keypad starts at a random id, as real ones should after power-up.
    explicit FakeKeypadBus(const QList<int> &addresses, quint16 firstEventId = 0, QObject *parent = nullptr);

    QList<int> addresses() const;

    // Bytes from the host; returns what the keypads put on the line in answer (often nothing).
    QByteArray receive(const QByteArray &bytes);
    // The line has gone quiet: a half-received request will not be completed.
    QByteArray lineIdle();
    bool hasPartial() const { return m_parser.hasPartial(); }

    // A key press on a keypad (default: the first address); its event id, or nullopt with
    // *error when the address is not on this bus, the key is not 1..255 or the queue is full.
    std::optional<quint16> press(int key, std::optional<int> address, QString *error);
    // The next n ACKs addressed to a keypad are lost on the wire: not acted on, not answered.
    void dropAcks(int n) { m_dropAcks = qMax(0, n); }
    // The next n answers go out with a bad CRC.
    void corrupt(int n) { m_corrupt = qMax(0, n); }
    // The next answer is preceded by random bytes, starting with what looks like an EVENT
    // header for that very request, so only a receiver that checks the CRC is safe.
    void armGarbage() { m_garbage = true; }
    // Switched off (or its cable pulled): hears and says nothing, but keeps what it holds.
    void setSilent(bool on) { m_silent = on; }
    bool silent() const { return m_silent; }
    // A power cycle: held presses lost, prompt off, event ids start afresh.
    bool restart(int address);
    std::optional<bool> prompt(int address) const;
    Counters counters(std::optional<int> address = std::nullopt) const;

Q_SIGNALS:
    // Something a test or a person watching may care about: "acked 1 7", "ack dropped 1 7",
    // "prompt 1 on", "corrupted 1", "garbage sent 24".
    void note(const QString &line);

private:
    struct Held {
        quint16 id = 0;
        quint8 key = 0;
        QElapsedTimer since;
    };
    struct Keypad {
        quint8 address = 0;
        std::deque<Held> queue;
        quint16 nextId = 1;
        bool prompt = false;
        Counters counters;
    };

    QByteArray handle(const Frame &request);
    QByteArray pollAnswer(Keypad &k, quint8 seq);
    QByteArray send(Keypad &k, const Frame &answer);
    Keypad *find(int address);
    const Keypad *find(int address) const;
    quint16 startId() const;

    std::vector<Keypad> m_keypads;
    FrameParser m_parser;
    quint16 m_firstEventId = 0;
    int m_dropAcks = 0;
    int m_corrupt = 0;
    bool m_garbage = false;
    bool m_silent = false;
};

} // namespace hall::keypad::rs485
