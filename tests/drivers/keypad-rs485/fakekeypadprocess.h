#pragma once

// Test helper: the hall-fakekeypad program (FAKE keypads) driven over stdin/stdout. Unlike the
// fake printer's helper it waits with the event loop running, because the driver under test
// delivers its signals through queued connections from its worker thread. Every wait has a
// deadline.

#include "../printer/fakeprinterprocess.h" // SocatPair, dieWithParent

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <optional>

class FakeKeypadProcess
{
public:
    ~FakeKeypadProcess() { stop(); }

    // Starts it and waits for "ready".
    bool start(const QStringList &args, QString *error)
    {
        dieWithParent(m_process);
        m_process.setProgram(QStringLiteral(HALL_FAKEKEYPAD_BIN));
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000)) {
            *error = m_process.errorString();
            return false;
        }
        if (!waitPrefix(QStringLiteral("ready "), 1, 5000)) {
            *error = QStringLiteral("no ready line; output so far: %1").arg(m_lines.join(QLatin1Char('|')));
            return false;
        }
        return true;
    }

    void command(const QString &line)
    {
        m_process.write(line.toUtf8() + '\n');
        m_process.waitForBytesWritten(1000);
    }

    // Sends a command and returns the first line after it that starts with prefix. Lines are
    // never consumed: notes that arrive meanwhile stay countable.
    std::optional<QString> ask(const QString &line, const QString &prefix, int timeoutMs = 5000)
    {
        collect();
        const qsizetype from = m_lines.size();
        command(line);
        const QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            collect();
            for (qsizetype i = from; i < m_lines.size(); ++i) {
                if (m_lines.at(i).startsWith(prefix))
                    return m_lines.at(i);
            }
            if (deadline.hasExpired() || m_process.state() != QProcess::Running)
                return std::nullopt;
            QTest::qWait(10);
        }
    }

    // Lines so far equal to line, or starting with prefix.
    int count(const QString &line)
    {
        collect();
        return int(m_lines.count(line));
    }
    int countPrefix(const QString &prefix)
    {
        collect();
        int n = 0;
        for (const QString &l : std::as_const(m_lines))
            n += l.startsWith(prefix) ? 1 : 0;
        return n;
    }

    // Wait, with the event loop running, until there are at least n such lines.
    bool waitLine(const QString &line, int n = 1, int timeoutMs = 10000)
    {
        return waitUntil([&] { return count(line) >= n; }, timeoutMs);
    }
    bool waitPrefix(const QString &prefix, int n = 1, int timeoutMs = 10000)
    {
        return waitUntil([&] { return countPrefix(prefix) >= n; }, timeoutMs);
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

    QStringList lines()
    {
        collect();
        return m_lines;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        command(QStringLiteral("quit"));
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

private:
    template<typename Pred>
    bool waitUntil(Pred done, int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!done()) {
            if (deadline.hasExpired() || m_process.state() != QProcess::Running)
                return done();
            QTest::qWait(10);
        }
        return true;
    }

    void collect()
    {
        while (m_process.canReadLine())
            m_lines.append(QString::fromUtf8(m_process.readLine()).trimmed());
    }

    QProcess m_process;
    QStringList m_lines;
};
