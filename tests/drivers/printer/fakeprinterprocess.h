#pragma once

// Test helper: the hall-fakeprinter program driven over stdin/stdout. Every wait has a deadline.
// The socat pty pair for its serial side is in ../fakeprocess.h.

#include "../fakeprocess.h" // FakeProgram, SocatPair

#include <QDeadlineTimer>
#include <QDir>

#include <optional>

class FakePrinterProcess : public FakeProgram
{
public:
    FakePrinterProcess()
        : FakeProgram(QStringLiteral(HALL_FAKEPRINTER_BIN))
    {
    }

    // Starts it and waits for its first line ("listening HOST:PORT" or "serial PATH").
    bool start(const QStringList &args, QString *error)
    {
        if (!launch(args, error))
            return false;
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
            collect();
        }
    }

    // Lines that arrive within ms, without waiting for a particular one.
    QStringList drain(int ms)
    {
        waitLine({QStringLiteral("\x01never")}, ms);
        return m_lines;
    }

    QStringList lines() const { return m_lines; }

private:
    qsizetype m_next = 0;
    QString m_startLine;
};
