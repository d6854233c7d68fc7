// SerialTransport against a real pty pair made by socat: one end is the "printer" the transport
// opens, the other end is read and written raw with POSIX calls, as the printer would.

#include "drivers/transport/serialtransport.h"
#include "tests/drivers/transport/transporttest.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

using hall::drivers::IoError;
using hall::drivers::SerialTransport;

namespace {

// Two linked ptys: bytes written to one come out of the other, as over a null-modem cable.
class PtyPair
{
public:
    bool start()
    {
        if (!m_dir.isValid())
            return false;
        m_process.setProgram(QStringLiteral("socat"));
        m_process.setArguments({QStringLiteral("-d"), QStringLiteral("-d"),
                                QStringLiteral("pty,raw,echo=0,link=%1").arg(a()),
                                QStringLiteral("pty,raw,echo=0,link=%1").arg(b())});
        m_process.setReadChannel(QProcess::StandardError); // where socat logs
        // A crashing test must not leave socat behind.
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return false;
        // socat says so once both ptys exist and it is relaying.
        QByteArray log;
        const QDeadlineTimer deadline(10000);
        while (!log.contains("starting data transfer loop") && !deadline.hasExpired()) {
            if (!m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))
                && m_process.state() != QProcess::Running)
                break;
            log += m_process.readAllStandardError();
        }
        return QFileInfo::exists(a()) && QFileInfo::exists(b());
    }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    ~PtyPair() { kill(); }
    QString a() const { return m_dir.filePath(QStringLiteral("a")); }
    QString b() const { return m_dir.filePath(QStringLiteral("b")); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};

// The far end, opened raw as a device would see the line.
class Peer
{
public:
    explicit Peer(const QString &path)
    {
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    }
    ~Peer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_fd >= 0; }
    bool write(const QByteArray &bytes) { return ::write(m_fd, bytes.constData(), size_t(bytes.size())) == bytes.size(); }
    QByteArray readExactly(qsizetype count, int timeoutMs)
    {
        QByteArray got;
        const QDeadlineTimer deadline(timeoutMs);
        while (got.size() < count && !deadline.hasExpired()) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(qMax<qint64>(1, deadline.remainingTime()))) <= 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n > 0)
                got.append(buffer, n);
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                break;
        }
        return got;
    }

private:
    int m_fd = -1;
};

QByteArray everyByteValue()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

// Reads until count bytes came or an error; the transport may hand them over in pieces.
QByteArray readAll(SerialTransport &transport, qsizetype count, int timeoutMs, IoError *error = nullptr)
{
    QByteArray got;
    const QDeadlineTimer deadline(timeoutMs);
    while (got.size() < count && !deadline.hasExpired()) {
        auto result = transport.read(count - got.size(), int(qMax<qint64>(1, deadline.remainingTime())));
        if (auto *e = std::get_if<IoError>(&result)) {
            if (error)
                *error = *e;
            break;
        }
        got += std::get<QByteArray>(result);
    }
    return got;
}

} // namespace

class TestSerialTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("socat")).isEmpty(),
                 "socat is needed for the serial tests (scripts/setup installs it)");
    }

    // A fresh pty pair per test: no bytes, settings or exclusive locks carry over.
    void init()
    {
        m_pair.emplace();
        QVERIFY(m_pair->start());
    }
    void cleanup() { m_pair.reset(); }

    void describesItself()
    {
        SerialTransport transport(QStringLiteral("/dev/ttyUSB0"), 9600, false);
        QCOMPARE(transport.describe(), QStringLiteral("serial /dev/ttyUSB0 9600 8N1"));
        QCOMPARE(transport.bytesPerSecond(), 960);
        QVERIFY(transport.canRead());
        QVERIFY(!transport.isOpen());
        SerialTransport fast(QStringLiteral("/dev/ttyS0"), 115200, true);
        QCOMPARE(fast.bytesPerSecond(), 11520);
        QVERIFY(fast.describe().contains(QLatin1String("rts/cts")));
    }

    void writesReachThePeerUnchanged()
    {
        Peer peer(m_pair->b());
        QVERIFY(peer.ok());
        // A pty has no modem lines: raising DTR fails there, and open must not care.
        SerialTransport transport(m_pair->a(), 9600, false);
        const auto error = transport.open(1000);
        QVERIFY_NO_ERROR(error);
        QVERIFY(transport.isOpen());

        // Every byte value, twice: no CR/LF translation, no XON/XOFF, no 7-bit stripping.
        const QByteArray job = QByteArray("\x1b@hello\r\n", 9) + everyByteValue() + everyByteValue();
        const auto written = transport.write(job, 5000);
        QVERIFY_NO_ERROR(written);
        QCOMPARE(peer.readExactly(job.size(), 5000), job);
    }

    void readsWhatThePeerSends()
    {
        Peer peer(m_pair->b());
        QVERIFY(peer.ok());
        SerialTransport transport(m_pair->a(), 9600, false);
        QVERIFY(!transport.open(1000));

        // Status bytes include 0x11 and 0x13; software flow control would swallow them.
        const QByteArray answer = everyByteValue();
        QVERIFY(peer.write(answer));
        IoError error;
        QCOMPARE(readAll(transport, answer.size(), 5000, &error), answer);

        // At most maxBytes, the rest stays for the next read.
        QVERIFY(peer.write("\x12\x34\x56"));
        const auto result = transport.read(2, 2000);
        QVERIFY(std::holds_alternative<QByteArray>(result));
        const QByteArray first = std::get<QByteArray>(result);
        QVERIFY(!first.isEmpty() && first.size() <= 2);
        QCOMPARE(first + readAll(transport, 3 - first.size(), 2000), QByteArray("\x12\x34\x56"));
    }

    void lineSettingsAre8N1AtTheBaud_data()
    {
        QTest::addColumn<bool>("hardwareFlow");
        QTest::newRow("no flow control") << false;
        QTest::newRow("rts/cts") << true;
    }
    void lineSettingsAre8N1AtTheBaud()
    {
        QFETCH(bool, hardwareFlow);
        SerialTransport transport(m_pair->a(), 19200, hardwareFlow);
        QVERIFY(!transport.open(1000));
        // The port is opened exclusively (TIOCEXCL); only root gets a second look at its settings.
        const int fd = ::open(QFile::encodeName(m_pair->a()).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            QSKIP("the pty is held exclusively (not root): cannot inspect its termios");
        termios tio{};
        const int rc = ::tcgetattr(fd, &tio);
        ::close(fd);
        QCOMPARE(rc, 0);
        QCOMPARE(int(cfgetospeed(&tio)), int(B19200));
        QCOMPARE(int(tio.c_cflag & CSIZE), int(CS8));
        QCOMPARE(int(tio.c_cflag & PARENB), 0);
        QCOMPARE(int(tio.c_cflag & CSTOPB), 0);
        QCOMPARE(bool(tio.c_cflag & CRTSCTS), hardwareFlow);
        QCOMPARE(int(tio.c_iflag & (IXON | IXOFF | IXANY)), 0);
        QCOMPARE(int(tio.c_iflag & (ICRNL | INLCR | IGNCR | ISTRIP)), 0);
        QCOMPARE(int(tio.c_oflag & OPOST), 0);
        QCOMPARE(int(tio.c_lflag & (ICANON | ECHO | ISIG)), 0);
    }

    void readTimesOutWhenNothingComes()
    {
        SerialTransport transport(m_pair->a(), 9600, false);
        QVERIFY(!transport.open(1000));
        const auto [result, elapsed] = timed([&] { return transport.read(16, 300); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Timeout);
        QVERIFY(std::get<IoError>(result).message.contains(m_pair->a()));
        QVERIFY2(elapsed >= 250 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY(transport.isOpen()); // a quiet device is not a dead link
    }

    void discardInputDropsStaleBytes()
    {
        Peer peer(m_pair->b());
        QVERIFY(peer.ok());
        SerialTransport transport(m_pair->a(), 9600, false);
        QVERIFY(!transport.open(1000));
        QVERIFY(peer.write("stale status"));
        // Reading one byte proves the stale bytes arrived (and pulls them into the port's buffer).
        QCOMPARE(readAll(transport, 1, 2000), QByteArray("s"));
        transport.discardInput();
        QVERIFY(peer.write("fresh"));
        QCOMPARE(readAll(transport, 5, 2000), QByteArray("fresh"));
    }

    void peerGoingAwayIsAnErrorNotAHang()
    {
        SerialTransport transport(m_pair->a(), 9600, false);
        QVERIFY(!transport.open(1000));
        m_pair->kill();

        const auto [result, elapsed] = timed([&] { return transport.read(16, 3000); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Gone);
        QVERIFY(std::get<IoError>(result).message.contains(m_pair->a()));
        QVERIFY2(elapsed < 2500, "a dead line must not wait for the whole timeout");
        QVERIFY(!transport.isOpen()); // so the next attempt reopens
    }

    void writingToADeadLineFails()
    {
        SerialTransport transport(m_pair->a(), 9600, false);
        QVERIFY(!transport.open(1000));
        m_pair->kill();
        const auto error = transport.write(QByteArray(64, 'x'), 2000);
        QVERIFY(error);
        QVERIFY2(error->kind == IoError::Kind::Gone, qPrintable(error->message));
    }

    void secondOpenOfTheSamePortIsBusy()
    {
        SerialTransport first(m_pair->a(), 9600, false);
        QVERIFY(!first.open(1000));
        SerialTransport second(m_pair->a(), 9600, false);
        const auto error = second.open(1000);
        QVERIFY(error);
        QVERIFY2(error->kind == IoError::Kind::Busy, qPrintable(error->message));
        QVERIFY(!second.isOpen());
    }

    void missingPortIsNotFound()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("ttyNOPE"));
        SerialTransport transport(missing, 9600, false);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_KIND(error->kind, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(missing));
        QVERIFY(!transport.isOpen());
        const auto notOpen = transport.write("x", 100);
        QVERIFY(notOpen);
        QCOMPARE_KIND(notOpen->kind, IoError::Kind::NotOpen);
    }

private:
    std::optional<PtyPair> m_pair;
};

QTEST_GUILESS_MAIN(TestSerialTransport)
#include "tst_transport_serial.moc"
