#pragma once

// A Transport for tests that acts like an ESC/POS printer in memory, so PrinterService's and
// Printer's logic can be checked step by step (which bytes went out, in which order) without a
// kernel device. Thread-safe: Printer uses it from its own thread while the test changes it.

#include "drivers/printer/printerstatus.h"
#include "drivers/transport/transport.h"

#include <QMutex>
#include <QThread>

#include <optional>

struct ScriptedPrinter {
    mutable QMutex mutex;
    QString description = QStringLiteral("serial /dev/ttyFAKE 9600 8N1");
    int bps = 960;
    bool readable = true;
    hall::printer::PrinterStatus status;
    std::optional<hall::printer::PrinterStatus> statusAfterJob; // the roll runs out mid-job
    bool silent = false;
    bool garbage = false;
    std::optional<hall::drivers::IoError> openError;
    std::optional<hall::drivers::IoError> jobWriteError;
    int writeDelayMs = 0; // per job write, to keep jobs queued

    // What happened.
    QList<QByteArray> writes;
    QByteArray jobBytes; // everything that was not a status query
    QByteArray input;    // answers waiting to be read
    int opens = 0, closes = 0, discards = 0, reads = 0;
    bool open = false;

    void set(const std::function<void(ScriptedPrinter &)> &f)
    {
        QMutexLocker lock(&mutex);
        f(*this);
    }
    template <typename T>
    T get(T ScriptedPrinter::*member) const
    {
        QMutexLocker lock(&mutex);
        return this->*member;
    }
};

class ScriptedTransport : public hall::drivers::Transport
{
public:
    explicit ScriptedTransport(std::shared_ptr<ScriptedPrinter> p) : m_p(std::move(p)) {}

    QString describe() const override { return m_p->get(&ScriptedPrinter::description); }
    int bytesPerSecond() const override { return m_p->get(&ScriptedPrinter::bps); }
    bool canRead() const override { return m_p->get(&ScriptedPrinter::readable); }

    std::optional<hall::drivers::IoError> open(int) override
    {
        QMutexLocker lock(&m_p->mutex);
        ++m_p->opens;
        if (m_p->openError)
            return m_p->openError;
        m_p->open = true;
        return std::nullopt;
    }
    void close() override
    {
        QMutexLocker lock(&m_p->mutex);
        ++m_p->closes;
        m_p->open = false;
    }
    bool isOpen() const override { return m_p->get(&ScriptedPrinter::open); }

    std::optional<hall::drivers::IoError> write(const QByteArray &bytes, int) override
    {
        int delay = 0;
        {
            QMutexLocker lock(&m_p->mutex);
            if (!m_p->open)
                return hall::drivers::IoError{hall::drivers::IoError::Kind::NotOpen, QStringLiteral("not open")};
            m_p->writes.append(bytes);
            const bool query = bytes.size() == 3 && bytes.startsWith("\x10\x04");
            if (query) {
                if (m_p->garbage)
                    m_p->input.append("\xff\x00", 2);
                else if (!m_p->silent)
                    m_p->input.append(char(hall::printer::statusByte(bytes.at(2), m_p->status)));
                return std::nullopt;
            }
            if (m_p->jobWriteError)
                return m_p->jobWriteError;
            m_p->jobBytes.append(bytes);
            if (m_p->statusAfterJob)
                m_p->status = *std::exchange(m_p->statusAfterJob, std::nullopt);
            delay = m_p->writeDelayMs;
        }
        if (delay > 0)
            QThread::msleep(delay);
        return std::nullopt;
    }

    std::variant<QByteArray, hall::drivers::IoError> read(qsizetype maxBytes, int timeoutMs) override
    {
        {
            QMutexLocker lock(&m_p->mutex);
            ++m_p->reads;
            if (!m_p->input.isEmpty()) {
                const QByteArray out = m_p->input.left(maxBytes);
                m_p->input.remove(0, out.size());
                return out;
            }
        }
        QThread::msleep(std::min(timeoutMs, 20));
        return hall::drivers::IoError{hall::drivers::IoError::Kind::Timeout, QStringLiteral("nothing came")};
    }

    void discardInput() override
    {
        QMutexLocker lock(&m_p->mutex);
        ++m_p->discards;
        m_p->input.clear();
    }

private:
    std::shared_ptr<ScriptedPrinter> m_p;
};
