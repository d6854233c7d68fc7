#pragma once

// Test helpers: the hall-fakeprinter program driven over stdin/stdout, and a socat pty pair.
// Every wait has a deadline.

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <optional>

#include <csignal>
#include <sys/prctl.h>

// Children die with the test: a crashed or timed-out test must not leave a pty pair or a fake
// printer holding ports and pipes.
inline void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

class FakePrinterProcess
{
public:
    ~FakePrinterProcess() { stop(); }

    // Starts it and waits for its first line ("listening HOST:PORT" or "serial PATH").
    bool start(const QStringList &args, QString *error)
    {
        dieWithParent(m_process);
        m_process.setProgram(QStringLiteral(HALL_FAKEPRINTER_BIN));
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000)) {
            *error = m_process.errorString();
            return false;
        }
        const auto first = waitLine({QStringLiteral("listening "), QStringLiteral("serial ")}, 5000);
        if (!first) {
            *error = QStringLiteral("no start line; output so far: %1").arg(m_lines.join('|'));
            return false;
        }
        m_startLine = *first;
        return true;
    }

    quint16 tcpPort() const
    {
        return quint16(m_startLine.section(QLatin1Char(':'), -1).toUInt());
    }

    void command(const QString &line)
    {
        m_process.write(line.toUtf8() + '\n');
        m_process.waitForBytesWritten(1000);
    }

    bool setState(const QString &name)
    {
        command(QStringLiteral("state ") + name);
        return waitLine({QStringLiteral("state ") + name}, 5000).has_value();
    }

    // The next line (after the last one returned) that starts with one of the prefixes.
    std::optional<QString> waitLine(const QStringList &prefixes, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            while (m_next < m_lines.size()) {
                const QString line = m_lines.at(m_next++);
                for (const QString &p : prefixes) {
                    if (line.startsWith(p))
                        return line;
                }
            }
            if (deadline.hasExpired())
                return std::nullopt;
            if (m_process.state() != QProcess::Running && !m_process.canReadLine())
                return std::nullopt;
            m_process.waitForReadyRead(int(std::clamp<qint64>(deadline.remainingTime(), 1, 200)));
            while (m_process.canReadLine())
                m_lines.append(QString::fromUtf8(m_process.readLine()).trimmed());
        }
    }

    // Lines that arrive within ms, without waiting for a particular one.
    QStringList drain(int ms)
    {
        waitLine({QStringLiteral("\x01never")}, ms);
        return m_lines;
    }

    QStringList lines() const { return m_lines; }

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
    QProcess m_process;
    QStringList m_lines;
    qsizetype m_next = 0;
    QString m_startLine;
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
