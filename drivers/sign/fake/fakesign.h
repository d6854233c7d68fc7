#pragma once

// FAKE window signs: the device side of our sign protocol (docs/hardware.md, "LED window
// signs"), for tests and demos. Pure logic: bytes in, answer bytes out, and a note (one line of
// text) for everything that happened, so a test can see what reached the sign.

#include "drivers/sign/signframe.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include <map>
#include <optional>

namespace hall::sign::frame {

class FakeSignBus : public QObject
{
    Q_OBJECT
public:
    struct Display {
        bool blank = true;
        QString text;
        Effect effect = Effect::Static;
        int durationS = 0;
        QElapsedTimer shownFor;
        QString standing; // shown again when a timed text runs out
        Effect standingEffect = Effect::Static;
        int brightness = 100;
        QDateTime clock;
        std::optional<quint8> lastSeq;
        QByteArray lastRequest; // with lastSeq: a retry of it is acknowledged, not run again
        int requests = 0;
    };

    explicit FakeSignBus(const QList<int> &addresses, QObject *parent = nullptr);

    // Answers to the complete requests among the bytes; the rest waits for more.
    QByteArray receive(const QByteArray &bytes);
    QByteArray lineIdle();
    bool hasPartial() const { return m_parser.hasPartial(); }

    // No answers at all (one sign, or all).
    void setSilent(bool on, std::optional<int> address = std::nullopt);
    // Answer noise (random-looking bytes with a stray start byte) instead of frames.
    void setGarbage(bool on) { m_garbage = on; }
    // Put noise (with a stray start byte) on the line before each real answer.
    void setNoisy(bool on) { m_noisy = on; }
    // The next count requests to a sign (or any) get a NAK with this reason.
    void nakNext(quint8 reason, int count, std::optional<int> address = std::nullopt);
    // Refuse GB18030-only text as a sign with a GB2312 font does.
    void setGb2312Only(bool on) { m_gb2312Only = on; }

    QList<int> addresses() const { return m_addresses; }
    // "state 3 shown flash 0 \"请 A023 号\" brightness 80 clock 2026-11-29T08:00:00 requests 4"
    QString state(int address);

Q_SIGNALS:
    void note(const QString &line);

private:
    QByteArray handle(const Frame &request);
    QByteArray respond(const Frame &request);
    QByteArray junk(int size);
    void noteNoise();

    QList<int> m_addresses;
    std::map<int, Display> m_signs;
    FrameParser m_parser;
    quint64 m_skippedNoted = 0;
    std::map<int, bool> m_silent;
    bool m_allSilent = false;
    bool m_garbage = false;
    bool m_noisy = false;
    bool m_gb2312Only = false;
    quint8 m_nakReason = 0;
    int m_nakCount = 0;
    std::optional<int> m_nakAddress;
    quint32 m_noise = 0x2545F491;
};

} // namespace hall::sign::frame
