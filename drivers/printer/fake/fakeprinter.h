#pragma once

// FAKE printer: the device side of an ESC/POS printer, for tests and the demo. It is not a
// driver. It listens on TCP (raw port-9100 style) or sits on one end of a serial pty, answers
// DLE EOT 1..4 from its current state, splits what it receives into jobs at each cut, and
// keeps every job's bytes and decoded text. It can be told to misbehave the ways real
// printers do: paper out, cover open, paper nearly out, silent, garbage, a dropped connection,
// and a roll that runs out in the middle of a ticket.
//
// Runs on the thread it lives on; state, jobs and counters may be read from any thread.

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <atomic>
#include <optional>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;

namespace hall::printer {

class FakePrinter : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Normal,
        PaperEnd,     // paper_end: offline, paper-end sensor, printing stopped
        CoverOpen,    // cover_open
        PaperNearEnd, // paper_near_end: still prints
        Silent,       // silent: answers nothing, prints nothing (switched off, cable loose)
        Garbage,      // garbage: answers with bytes that are not ESC/POS status
        Drop,         // drop: TCP closes the connection inside the next job; serial goes silent
        PaperRunsOut, // paper_runs_out: the next job is cut short, then paper_end
    };
    static std::optional<State> stateFromName(const QString &name);
    static QString stateName(State state);
    static QStringList stateNames();

    struct Job {
        QByteArray raw;  // the job's bytes, status queries left out
        QString text;    // EscPosDecoder's reading of raw
        bool printed = false; // false: received while the printer could not print
        QString state;   // the state when the job ended
    };

    explicit FakePrinter(QObject *parent = nullptr);
    ~FakePrinter() override;

    // Raw TCP server; port 0 picks a free port (see tcpPort()).
    bool listenTcp(const QHostAddress &address, quint16 port, QString *error);
    quint16 tcpPort() const { return m_tcpPort; }
    // One end of a pty pair (or a real serial port wired to the kiosk's).
    bool openSerial(const QString &path, QString *error);
    void close();

    void setState(State state);
    State state() const { return m_state.load(); }

    QList<Job> jobs() const;
    int statusQueries() const { return m_queries.load(); }
    int connections() const { return m_connections.load(); }

Q_SIGNALS:
    void jobFinished(int index, bool printed);
    void jobAbandoned(qsizetype bytes); // a connection closed inside a job
    void stateChanged(QString name);

private:
    struct Stream {
        QByteArray buffer; // bytes not yet split into commands
        QByteArray job;    // the current job so far
        bool dropped = false;
    };

    void consume(Stream &stream, const QByteArray &bytes, QTcpSocket *socket);
    QByteArray answer(int n) const;
    void finishJob(Stream &stream);
    void send(QTcpSocket *socket, const QByteArray &bytes);
    void readSerial();

    std::atomic<State> m_state{State::Normal};
    std::atomic<int> m_queries{0};
    std::atomic<int> m_connections{0};
    mutable QMutex m_mutex;
    QList<Job> m_jobs;

    QTcpServer *m_server = nullptr;
    quint16 m_tcpPort = 0;
    int m_serialFd = -1;
    QSocketNotifier *m_serialNotifier = nullptr;
    Stream m_serialStream;
};

} // namespace hall::printer
