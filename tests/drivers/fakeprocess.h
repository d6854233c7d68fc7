#pragma once

// Test helpers for the FAKE device programs (hall-fakeprinter, hall-fakekeypad, hall-fakesign),
// which are driven by stdin command lines and answer with stdout lines, and the socat pty pair
// the serial ones sit on. Every wait has a deadline.

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTest>

#include <optional>

#include <csignal>
#include <sys/prctl.h>

// Children die with the test: a crashed or timed-out test must not leave a pty pair or a fake
// device holding ports and pipes.
inline void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

// One fake program: started with its stderr on ours, told commands, asked to quit at the end.
class FakeProgram
{
public:
    FakeProgram(const FakeProgram &) = delete;
    FakeProgram &operator=(const FakeProgram &) = delete;

    void command(const QString &line)
    {
        m_process.write(line.toUtf8() + '\n');
        m_process.waitForBytesWritten(1000);
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

protected:
    explicit FakeProgram(QString program)
        : m_program(std::move(program))
    {
    }
    ~FakeProgram() { stop(); }

    bool launch(const QStringList &args, QString *error)
    {
        dieWithParent(m_process);
        m_process.setProgram(m_program);
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000)) {
            *error = m_process.errorString();
            return false;
        }
        return true;
    }

    // Takes the complete lines that have arrived.
    void collect()
    {
        while (m_process.canReadLine())
            m_lines.append(QString::fromUtf8(m_process.readLine()).trimmed());
    }

    QString m_program;
    QProcess m_process;
    QStringList m_lines;
};

// A fake bus program (hall-fakekeypad, hall-fakesign). It waits with the event loop running,
// because the drivers under test deliver their signals through queued connections from their
// worker threads. Lines are never consumed: notes that arrive meanwhile stay countable.
class FakeBusProcess : public FakeProgram
{
public:
    // Starts it and waits for "ready".
    bool start(const QStringList &args, QString *error)
    {
        if (!launch(args, error))
            return false;
        if (!waitPrefix(QStringLiteral("ready "), 1, 5000)) {
            *error = QStringLiteral("no ready line; output so far: %1").arg(m_lines.join(QLatin1Char('|')));
            return false;
        }
        return true;
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
                collect();
                for (qsizetype i = from; i < m_lines.size() && !found; ++i)
                    if (m_lines.at(i).startsWith(prefix))
                        found = m_lines.at(i);
                return found.has_value();
            },
            timeoutMs);
        return found;
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
    QStringList withPrefix(const QString &prefix)
    {
        collect();
        QStringList out;
        for (const QString &l : std::as_const(m_lines))
            if (l.startsWith(prefix))
                out << l;
        return out;
    }

    // Waits, with the event loop running, until there are at least n such lines.
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

protected:
    using FakeProgram::FakeProgram;

private:
    template<typename Pred>
    bool waitUntil(Pred done, int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!done()) {
            if (deadline.hasExpired() || m_process.state() != QProcess::Running)
                return done();
            QTest::qWait(5);
        }
        return true;
    }
};

// socat -d -d pty,raw,echo=0,link=DIR/a pty,raw,echo=0,link=DIR/b
class SocatPair
{
public:
    ~SocatPair()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(3000)) {
                m_process.kill();
                m_process.waitForFinished(3000);
            }
        }
    }

    bool start(const QString &dir, QString *error)
    {
        const QString socat = QStandardPaths::findExecutable(QStringLiteral("socat"));
        if (socat.isEmpty()) {
            *error = QStringLiteral("socat is not installed (scripts/setup installs it)");
            return false;
        }
        m_a = dir + QStringLiteral("/a");
        m_b = dir + QStringLiteral("/b");
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        dieWithParent(m_process);
        m_process.start(socat, {QStringLiteral("-d"), QStringLiteral("-d"),
                                QStringLiteral("pty,raw,echo=0,link=") + m_a,
                                QStringLiteral("pty,raw,echo=0,link=") + m_b});
        if (!m_process.waitForStarted(5000)) {
            *error = m_process.errorString();
            return false;
        }
        const QDeadlineTimer deadline(5000);
        while (!(QFileInfo::exists(m_a) && QFileInfo::exists(m_b))) {
            if (deadline.hasExpired() || m_process.state() != QProcess::Running) {
                *error = QStringLiteral("socat did not make the pty links: %1")
                             .arg(QString::fromLocal8Bit(m_process.readAll()));
                return false;
            }
            QTest::qWait(20);
        }
        return true;
    }

    QString a() const { return m_a; }
    QString b() const { return m_b; }

private:
    QProcess m_process;
    QString m_a, m_b;
};
