#pragma once

// Test helper: the hall-fakesign program (FAKE window signs) driven over stdin/stdout, with the
// event loop running while it waits (the driver under test reports through queued signals).
// Every wait has a deadline. Also used by the hall-server integration test.

#include "../printer/fakeprinterprocess.h" // SocatPair, dieWithParent

#include <QProcess>
#include <QTest>

#include <optional>

class FakeSignProcess
{
public:
    ~FakeSignProcess() { stop(); }

    bool start(const QStringList &args, QString *error)
    {
        dieWithParent(m_process);
        m_process.setProgram(QStringLiteral(HALL_FAKESIGN_BIN));
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

    // Sends a command and returns the first later line that starts with prefix.
    std::optional<QString> ask(const QString &line, const QString &prefix, int timeoutMs = 5000)
    {
        collect();
        const qsizetype from = m_lines.size();
        command(line);
        std::optional<QString> found;
        waitUntil(
            [&] {
                for (qsizetype i = from; i < m_lines.size() && !found; ++i)
                    if (m_lines.at(i).startsWith(prefix))
                        found = m_lines.at(i);
                return found.has_value();
            },
            timeoutMs);
        return found;
    }

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
    QStringList withPrefix(const QString &prefix)
    {
        collect();
        QStringList out;
        for (const QString &l : std::as_const(m_lines))
            if (l.startsWith(prefix))
                out << l;
        return out;
    }
    bool waitLine(const QString &line, int n = 1, int timeoutMs = 10000)
    {
        return waitUntil([&] { return count(line) >= n; }, timeoutMs);
    }
    bool waitPrefix(const QString &prefix, int n = 1, int timeoutMs = 10000)
    {
        return waitUntil([&] { return countPrefix(prefix) >= n; }, timeoutMs);
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
        collect();
        while (!done()) {
            if (deadline.hasExpired() || m_process.state() != QProcess::Running)
                return done();
            QTest::qWait(5);
            collect();
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
