#pragma once

// Test helper: the hall-fakekeypad program (FAKE keypads) driven over stdin/stdout, with the event
// loop running while it waits, and its event counters.

#include "../fakeprocess.h" // FakeBusProcess, SocatPair

#include <QRegularExpression>

class FakeKeypadProcess : public FakeBusProcess
{
public:
    FakeKeypadProcess()
        : FakeBusProcess(QStringLiteral(HALL_FAKEKEYPAD_BIN))
    {
    }

    struct Counters {
        int pressed = -1, sent = -1, acked = -1, pending = -1, requests = -1;
    };
    Counters events(const QString &address = {})
    {
        Counters c;
        const auto line = ask(address.isEmpty() ? QStringLiteral("events") : QStringLiteral("events ") + address,
                              QStringLiteral("events "));
        if (!line)
            return c;
        static const QRegularExpression re(
            QStringLiteral("^events pressed (\\d+) sent (\\d+) acked (\\d+) pending (\\d+) requests (\\d+)$"));
        const auto m = re.match(*line);
        if (m.hasMatch()) {
            c.pressed = m.captured(1).toInt();
            c.sent = m.captured(2).toInt();
            c.acked = m.captured(3).toInt();
            c.pending = m.captured(4).toInt();
            c.requests = m.captured(5).toInt();
        }
        return c;
    }

    // Waits until the host has sent at least n more requests to the keypads: evidence that it
    // kept polling, whatever the timing, before a test checks that nothing more was reported.
    bool waitRequests(int n, int timeoutMs = 10000)
    {
        const int base = events().requests;
        if (base < 0)
            return false;
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (events().requests >= base + n)
                return true;
            QTest::qWait(50);
        }
        return false;
    }
};
