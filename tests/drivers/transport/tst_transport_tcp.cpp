// TcpTransport against a fake raw-port printer: a QTcpServer on 127.0.0.1 in its own thread,
// since every transport call blocks the thread it runs on.

#include "drivers/transport/tcptransport.h"
#include "tests/drivers/transport/transporttest.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using hall::drivers::IoError;
using hall::drivers::TcpTransport;

namespace {

// The printer end. Lives in its own thread; the test reads what it saw through the mutex.
class FakePrinter : public QObject
{
    Q_OBJECT
public:
    struct Behaviour {
        QByteArray query{};          // when this arrives...
        QByteArray answer{};         // ...send this back
        qsizetype dropAfter = -1;    // abort (RST) the connection after this many bytes
        bool closeAfterQuery = false; // close instead of answering
        int stallThenResetMs = -1;    // read nothing, then reset; with a tiny receive window
    };

    explicit FakePrinter(Behaviour behaviour) : m_behaviour(std::move(behaviour))
    {
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(this, &FakePrinter::listen, Qt::BlockingQueuedConnection);
    }
    ~FakePrinter() override
    {
        QMetaObject::invokeMethod(this, &FakePrinter::shutDown, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    quint16 port() const { return m_port; }
    QByteArray received() const
    {
        QMutexLocker lock(&m_mutex);
        return m_received;
    }
    int connections() const
    {
        QMutexLocker lock(&m_mutex);
        return m_connections;
    }
    int disconnections() const
    {
        QMutexLocker lock(&m_mutex);
        return m_disconnections;
    }

private:
    void listen()
    {
        m_server = new QTcpServer(this);
        if (m_behaviour.stallThenResetMs >= 0) {
            // The receive buffer has to be small before listen() for accepted sockets to
            // advertise a small window: then most of a job stays unacknowledged at the sender.
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const int tiny = 1;
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
            ::listen(fd, 8);
            m_server->setSocketDescriptor(fd);
        } else {
            m_server->listen(QHostAddress::LocalHost, 0);
        }
        m_port = m_server->serverPort();
        connect(m_server, &QTcpServer::newConnection, this, &FakePrinter::accept);
    }
    void shutDown()
    {
        delete m_server;
        m_server = nullptr;
    }
    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            {
                QMutexLocker lock(&m_mutex);
                ++m_connections;
            }
            if (m_behaviour.stallThenResetMs >= 0) {
                socket->setReadBufferSize(1); // or Qt drains the kernel buffer on its own
                QTimer::singleShot(m_behaviour.stallThenResetMs, socket, [socket] { socket->abort(); });
                continue;
            }
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                QMutexLocker lock(&m_mutex);
                ++m_disconnections;
                socket->deleteLater();
            });
        }
    }
    void onData(QTcpSocket *socket)
    {
        if (m_behaviour.dropAfter >= 0) {
            // Read only up to the limit, then reset with the rest unread, as a printer that is
            // switched off mid-job would.
            QMutexLocker lock(&m_mutex);
            const qsizetype want = m_behaviour.dropAfter - m_received.size();
            m_received += socket->read(want);
            if (m_received.size() >= m_behaviour.dropAfter) {
                lock.unlock();
                socket->abort();
            }
            return;
        }
        const QByteArray data = socket->readAll();
        bool answer = false;
        {
            QMutexLocker lock(&m_mutex);
            m_received += data;
            if (!m_behaviour.query.isEmpty() && m_received.endsWith(m_behaviour.query)) {
                answer = true;
                m_received.chop(m_behaviour.query.size());
            }
        }
        if (answer && m_behaviour.closeAfterQuery)
            socket->disconnectFromHost();
        else if (answer)
            socket->write(m_behaviour.answer);
    }

    Behaviour m_behaviour;
    QThread m_thread;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QByteArray m_received;
    int m_connections = 0;
    int m_disconnections = 0;
};

const QByteArray kStatusQuery("\x10\x04\x01", 3); // DLE EOT 1
const QByteArray kStatusAnswer("\x16", 1);

} // namespace

class TestTcpTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesItself()
    {
        TcpTransport transport(QStringLiteral("192.168.1.40"), 9100);
        QCOMPARE(transport.describe(), QStringLiteral("tcp 192.168.1.40:9100"));
        QVERIFY(transport.canRead());
        QVERIFY(transport.bytesPerSecond() >= 100'000); // fast enough for raster
        QVERIFY(!transport.isOpen());
        const auto error = transport.write("x", 100);
        QVERIFY(error);
        QCOMPARE_KIND(error->kind, IoError::Kind::NotOpen);
    }

    void writesTheJobAndReadsTheStatus()
    {
        FakePrinter printer({.query = kStatusQuery, .answer = kStatusAnswer});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        const auto opened = transport.open(2000);
        QVERIFY_NO_ERROR(opened);
        QVERIFY(transport.isOpen());

        const QByteArray job = pattern(300'000);
        const auto written = transport.write(job, 5000);
        QVERIFY_NO_ERROR(written);
        QTRY_COMPARE(printer.received().size(), job.size());
        QCOMPARE(printer.received(), job);

        QVERIFY(!transport.write(kStatusQuery, 1000));
        const auto answer = transport.read(16, 2000);
        QVERIFY(std::holds_alternative<QByteArray>(answer));
        QCOMPARE(std::get<QByteArray>(answer), kStatusAnswer);

        transport.close();
        QVERIFY(!transport.isOpen());
        QTRY_COMPARE(printer.disconnections(), 1);

        // The printer service opens one short connection per job.
        QVERIFY(!transport.open(2000));
        QVERIFY(!transport.write("second job", 1000));
        QTRY_COMPARE(printer.connections(), 2);
        QTRY_VERIFY(printer.received().endsWith("second job"));
    }

    void refusedConnectionSaysSo()
    {
        // A port that was just in use and now has nothing listening.
        quint16 port = 0;
        {
            QTcpServer server;
            QVERIFY(server.listen(QHostAddress::LocalHost, 0));
            port = server.serverPort();
        }
        TcpTransport transport(QStringLiteral("127.0.0.1"), port);
        const auto [error, elapsed] = timed([&] { return transport.open(3000); });
        QVERIFY(error);
        QCOMPARE_KIND(error->kind, IoError::Kind::Refused);
        QVERIFY(error->message.contains(QStringLiteral("127.0.0.1")));
        QVERIFY(error->message.contains(QString::number(port)));
        QVERIFY(error->message.contains(QStringLiteral("refused")));
        QVERIFY(elapsed < 2000); // refused at once, not after the timeout
        QVERIFY(!transport.isOpen());
    }

    void connectTimesOutWhenNobodyAnswers()
    {
        // A listener with a full accept queue drops further SYNs: the connect hangs as it would
        // for a printer that is off.
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(listener >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        QVERIFY(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
        QVERIFY(::listen(listener, 0) == 0);
        QVERIFY(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) == 0);
        const quint16 port = ntohs(address.sin_port);

        // Fill the queue (a backlog of 0 still holds one) until a connect no longer completes.
        std::vector<std::unique_ptr<TcpTransport>> fillers;
        std::optional<IoError> error;
        for (int i = 0; i < 8 && !error; ++i) {
            auto transport = std::make_unique<TcpTransport>(QStringLiteral("127.0.0.1"), port);
            QElapsedTimer clock;
            clock.start();
            error = transport->open(300);
            if (error) {
                QCOMPARE_KIND(error->kind, IoError::Kind::Timeout);
                QVERIFY(clock.elapsed() >= 250 && clock.elapsed() < 2000);
                QVERIFY(error->message.contains(QString::number(port)));
                QVERIFY(!transport->isOpen());
            }
            fillers.push_back(std::move(transport));
        }
        ::close(listener);
        QVERIFY2(error, "the accept queue never filled");
    }

    void droppedMidJobIsGone()
    {
        FakePrinter printer({.dropAfter = 1000});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        // More than the loopback buffers hold, so the reset lands while writing.
        const auto error = transport.write(pattern(32 * 1024 * 1024), 10'000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Gone);
        QVERIFY(error->message.contains(QString::number(printer.port())));
        QCOMPARE(printer.received(), pattern(1000));
        QVERIFY(!transport.isOpen()); // so the next job reconnects
    }

    void resetAfterTheLastByteIsStillGone()
    {
        // The whole job fits in the socket buffers; the reset comes while write() waits for the
        // printer to acknowledge it.
        FakePrinter printer({.dropAfter = 1000});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        const auto error = transport.write(pattern(1500), 5000);
        if (!error) {
            // The reset may come just after the acknowledgement; then the next read sees it.
            QCOMPARE_READ_ERROR(transport.read(1, 2000), IoError::Kind::Gone);
        } else {
            QCOMPARE_KIND(error->kind, IoError::Kind::Gone);
        }
        QVERIFY(!transport.isOpen());
    }

    void resetWithTheJobUnacknowledgedIsGone()
    {
        // A printer that stopped reading and is then switched off: the reset empties the send
        // queue, which must not pass for "everything acknowledged".
        FakePrinter printer({.stallThenResetMs = 300});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        const auto error = transport.write(pattern(8 * 1024), 5000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Gone);
        QVERIFY(!transport.isOpen());
    }

    void printerThatStopsReadingTimesOut()
    {
        // The bytes fit in the socket buffers, so only waiting for the printer's acknowledgement
        // notices that it is not taking them.
        FakePrinter printer({.stallThenResetMs = 5000});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        const auto [error, elapsed] = timed([&] { return transport.write(pattern(8 * 1024), 300); });
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Timeout);
        QVERIFY(elapsed >= 250 && elapsed < 2000);
    }

    void printerClosingBeforeTheAnswerIsGone()
    {
        FakePrinter printer({.query = kStatusQuery, .closeAfterQuery = true});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        QVERIFY(!transport.write(kStatusQuery, 1000));
        const auto [result, elapsed] = timed([&] { return transport.read(1, 3000); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Gone);
        QVERIFY(elapsed < 2000); // not a timeout in disguise
        QVERIFY(!transport.isOpen());
    }

    void silentPrinterTimesOut()
    {
        FakePrinter printer({});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        QVERIFY(!transport.write(kStatusQuery, 1000));
        const auto [result, elapsed] = timed([&] { return transport.read(1, 300); });
        QCOMPARE_READ_ERROR(result, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY(transport.isOpen()); // a quiet printer is not a dropped connection
    }

    void discardInputDropsStaleAnswers()
    {
        FakePrinter printer({.query = kStatusQuery, .answer = QByteArray("\x16\x16\x16")});
        TcpTransport transport(QStringLiteral("127.0.0.1"), printer.port());
        QVERIFY(!transport.open(2000));
        QVERIFY(!transport.write(kStatusQuery, 1000));
        const auto first = transport.read(1, 2000); // proves the answer arrived
        QVERIFY(std::holds_alternative<QByteArray>(first));
        transport.discardInput();
        QCOMPARE_READ_ERROR(transport.read(1, 200), IoError::Kind::Timeout);
    }
};

QTEST_GUILESS_MAIN(TestTcpTransport)
#include "tst_transport_tcp.moc"
