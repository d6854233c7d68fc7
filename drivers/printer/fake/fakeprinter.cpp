#include "drivers/printer/fake/fakeprinter.h"

#include "drivers/printer/escposdecoder.h"
#include "drivers/printer/printerstatus.h"

#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace hall::printer {

Q_LOGGING_CATEGORY(lcFakePrinter, "hall.drivers.printer.fake")

namespace {

struct StateName {
    FakePrinter::State state;
    const char *name;
};
constexpr StateName kStates[] = {
    {FakePrinter::State::Normal, "normal"},
    {FakePrinter::State::PaperEnd, "paper_end"},
    {FakePrinter::State::CoverOpen, "cover_open"},
    {FakePrinter::State::PaperNearEnd, "paper_near_end"},
    {FakePrinter::State::Silent, "silent"},
    {FakePrinter::State::Garbage, "garbage"},
    {FakePrinter::State::Drop, "drop"},
    {FakePrinter::State::PaperRunsOut, "paper_runs_out"},
};

// What a TM-T88-like printer reports in each state.
PrinterStatus statusFor(FakePrinter::State state)
{
    PrinterStatus s;
    switch (state) {
    case FakePrinter::State::PaperEnd:
        s.online = false;
        s.stoppedByPaperEnd = true;
        s.paperNearEnd = true;
        s.paperEnd = true;
        break;
    case FakePrinter::State::CoverOpen:
        s.online = false;
        s.coverOpen = true;
        break;
    case FakePrinter::State::PaperNearEnd:
        s.paperNearEnd = true;
        break;
    default:
        break;
    }
    return s;
}

// Bytes to drop a job after in the Drop state: inside any real ticket.
constexpr qsizetype kDropAfter = 16;

} // namespace

std::optional<FakePrinter::State> FakePrinter::stateFromName(const QString &name)
{
    for (const auto &s : kStates) {
        if (name == QLatin1String(s.name))
            return s.state;
    }
    return std::nullopt;
}

QString FakePrinter::stateName(State state)
{
    for (const auto &s : kStates) {
        if (s.state == state)
            return QString::fromLatin1(s.name);
    }
    return QStringLiteral("?");
}

QStringList FakePrinter::stateNames()
{
    QStringList names;
    for (const auto &s : kStates)
        names << QString::fromLatin1(s.name);
    return names;
}

FakePrinter::FakePrinter(QObject *parent)
    : QObject(parent)
{
}

FakePrinter::~FakePrinter() { close(); }

bool FakePrinter::listenTcp(const QHostAddress &address, quint16 port, QString *error)
{
    m_server = new QTcpServer(this);
    if (!m_server->listen(address, port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    m_tcpPort = m_server->serverPort();
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            ++m_connections;
            auto stream = std::make_shared<Stream>();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, stream] {
                consume(*stream, socket->readAll(), socket);
            });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket, stream] {
                if (!stream->job.isEmpty() && !stream->dropped) {
                    qCInfo(lcFakePrinter) << "connection closed inside a job of"
                                          << stream->job.size() << "bytes";
                    Q_EMIT jobAbandoned(stream->job.size());
                }
                socket->deleteLater();
            });
        }
    });
    return true;
}

bool FakePrinter::openSerial(const QString &path, QString *error)
{
    const QByteArray p = path.toLocal8Bit();
    m_serialFd = ::open(p.constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_serialFd < 0) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    termios tio{};
    if (::tcgetattr(m_serialFd, &tio) == 0) {
        // Raw bytes both ways: no echo, no CR/LF translation, no XON/XOFF eating 0x11/0x13.
        ::cfmakeraw(&tio);
        ::tcsetattr(m_serialFd, TCSANOW, &tio);
    }
    m_serialNotifier = new QSocketNotifier(m_serialFd, QSocketNotifier::Read, this);
    connect(m_serialNotifier, &QSocketNotifier::activated, this, &FakePrinter::readSerial);
    ++m_connections;
    return true;
}

void FakePrinter::readSerial()
{
    char buf[4096];
    for (int i = 0; i < 64; ++i) {
        const ssize_t n = ::read(m_serialFd, buf, sizeof buf);
        if (n > 0) {
            consume(m_serialStream, QByteArray(buf, n), nullptr);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        // EOF or EIO: the other side of the pty closed. Stop watching until it comes back;
        // a pty reports EIO continuously otherwise and would spin this loop.
        if (m_serialNotifier)
            m_serialNotifier->setEnabled(false);
        qCInfo(lcFakePrinter) << "serial line closed by the other side";
        return;
    }
}

void FakePrinter::close()
{
    if (m_server) {
        m_server->close();
        delete m_server;
        m_server = nullptr;
    }
    if (m_serialNotifier) {
        delete m_serialNotifier;
        m_serialNotifier = nullptr;
    }
    if (m_serialFd >= 0) {
        ::close(m_serialFd);
        m_serialFd = -1;
    }
}

void FakePrinter::setState(State state)
{
    m_state = state;
    Q_EMIT stateChanged(stateName(state));
}

QList<FakePrinter::Job> FakePrinter::jobs() const
{
    QMutexLocker lock(&m_mutex);
    return m_jobs;
}

QByteArray FakePrinter::answer(int n) const
{
    switch (m_state.load()) {
    case State::Silent:
        return {};
    case State::Garbage:
        // What a printer at the wrong baud rate sends back: bits in the wrong places.
        return QByteArray("\xff\x00", 2);
    default:
        return QByteArray(1, char(statusByte(n, statusFor(m_state.load()))));
    }
}

void FakePrinter::send(QTcpSocket *socket, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    if (socket) {
        socket->write(bytes);
        return;
    }
    if (m_serialFd >= 0) {
        const ssize_t n = ::write(m_serialFd, bytes.constData(), size_t(bytes.size()));
        if (n != bytes.size())
            qCWarning(lcFakePrinter) << "serial write of" << bytes.size() << "bytes wrote" << n;
    }
}

void FakePrinter::consume(Stream &stream, const QByteArray &bytes, QTcpSocket *socket)
{
    if (stream.dropped)
        return;
    if (m_state.load() == State::Silent || (m_state.load() == State::Drop && !socket)) {
        // Switched off: nothing arrives, nothing is kept.
        return;
    }
    stream.buffer.append(bytes);
    qsizetype pos = 0;
    while (pos < stream.buffer.size()) {
        const qsizetype n = EscPosDecoder::nextLength(stream.buffer, pos);
        if (n == 0)
            break;
        if (EscPosDecoder::isStatusQuery(stream.buffer, pos)) {
            // Real-time commands are executed on arrival and never reach the print buffer.
            ++m_queries;
            send(socket, answer(quint8(stream.buffer.at(pos + 2))));
            pos += n;
            continue;
        }
        stream.job.append(stream.buffer.constData() + pos, n);
        const bool cut = EscPosDecoder::isCut(stream.buffer, pos);
        pos += n;
        if (socket && m_state.load() == State::Drop && stream.job.size() >= kDropAfter) {
            qCInfo(lcFakePrinter) << "dropping the connection inside a job, as told";
            stream.dropped = true;
            Q_EMIT jobAbandoned(stream.job.size());
            stream.job.clear();
            stream.buffer.clear();
            socket->abort();
            return;
        }
        if (cut)
            finishJob(stream);
    }
    stream.buffer.remove(0, pos);
}

void FakePrinter::finishJob(Stream &stream)
{
    Job job;
    job.raw = std::exchange(stream.job, {});
    job.text = EscPosDecoder::decode(job.raw);
    State s = m_state.load();
    if (s == State::PaperRunsOut) {
        // The roll ended inside this ticket: a stub comes out, and the printer stops.
        m_state = State::PaperEnd;
        s = State::PaperEnd;
        job.printed = false;
        Q_EMIT stateChanged(stateName(s));
    } else {
        job.printed = s == State::Normal || s == State::PaperNearEnd;
    }
    job.state = stateName(s);
    int index = 0;
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.append(job);
        index = int(m_jobs.size()) - 1;
    }
    qCInfo(lcFakePrinter) << "job" << index + 1 << "of" << job.raw.size() << "bytes"
                          << (job.printed ? "printed" : "not printed") << job.state;
    Q_EMIT jobFinished(index, job.printed);
}

} // namespace hall::printer
