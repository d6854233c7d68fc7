// FileTransport against the kernel's own paths: a regular file, a FIFO (which behaves like
// /dev/usb/lp0 when the printer is slow: writes block, and the reader can go away), a missing
// path and one without permission.

#include "drivers/transport/filetransport.h"
#include "tests/drivers/transport/transporttest.h"

#include <QFile>
#include <QTemporaryDir>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using hall::drivers::FileTransport;
using hall::drivers::IoError;

class TestFileTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesItself()
    {
        FileTransport transport(QStringLiteral("/dev/usb/lp0"));
        QCOMPARE(transport.describe(), QStringLiteral("file /dev/usb/lp0"));
        QVERIFY(!transport.canRead());
        QVERIFY(transport.bytesPerSecond() >= 100'000);
        QVERIFY(!transport.isOpen());
        const auto error = transport.write("x", 100);
        QVERIFY(error);
        QCOMPARE_KIND(error->kind, IoError::Kind::NotOpen);
    }

    void writesARegularFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lp0"));
        QFile create(path);
        QVERIFY(create.open(QIODevice::WriteOnly));
        create.close();

        FileTransport transport(path);
        const auto opened = transport.open(1000);
        QVERIFY_NO_ERROR(opened);
        const QByteArray job = pattern(200'000);
        QVERIFY(!transport.write(job.left(1000), 1000));
        QVERIFY(!transport.write(job.mid(1000), 1000));
        transport.close();
        QVERIFY(!transport.isOpen());

        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), job);
    }

    void cannotRead()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lp0"));
        QVERIFY(QFile(path).open(QIODevice::WriteOnly));
        FileTransport transport(path);
        QVERIFY(!transport.open(1000));
        const auto result = transport.read(1, 100);
        QVERIFY(std::holds_alternative<IoError>(result));
        QVERIFY(std::get<IoError>(result).message.contains(path));
        transport.discardInput(); // harmless
    }

    void writesThroughAFifoToASlowReader()
    {
        QTemporaryDir dir;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
        QVERIFY(::mkfifo(path.constData(), 0600) == 0);

        // More than a pipe holds (64 KiB), so the transport has to wait for the reader.
        const QByteArray job = pattern(1024 * 1024);
        QByteArray received;
        std::thread reader([&] {
            const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC); // waits for the writer
            if (fd < 0)
                return;
            char buffer[4096];
            for (;;) {
                const ssize_t n = ::read(fd, buffer, sizeof buffer);
                if (n > 0)
                    received.append(buffer, n);
                else if (n == 0 || errno != EINTR)
                    break;
            }
            ::close(fd);
        });

        FileTransport transport(QFile::decodeName(path));
        // The reader may not have opened its end yet: open() waits for it within the timeout.
        const auto opened = transport.open(5000);
        QVERIFY_NO_ERROR(opened);
        const auto written = transport.write(job, 10'000);
        QVERIFY_NO_ERROR(written);
        transport.close(); // end of file for the reader
        reader.join();
        QCOMPARE(received.size(), job.size());
        QCOMPARE(received, job);
    }

    void printerNotTakingDataTimesOut()
    {
        QTemporaryDir dir;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
        QVERIFY(::mkfifo(path.constData(), 0600) == 0);
        const int reader = ::open(path.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC); // never reads
        QVERIFY(reader >= 0);

        FileTransport transport(QFile::decodeName(path));
        QVERIFY(!transport.open(1000));
        const auto [error, elapsed] = timed([&] { return transport.write(pattern(1024 * 1024), 300); });
        ::close(reader);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Timeout);
        QVERIFY2(elapsed >= 250 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY(error->message.contains(QStringLiteral("of 1048576 bytes")));
    }

    void readerGoingAwayIsGoneAndDoesNotKillUs()
    {
        QTemporaryDir dir;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
        QVERIFY(::mkfifo(path.constData(), 0600) == 0);
        const int reader = ::open(path.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        QVERIFY(reader >= 0);
        FileTransport transport(QFile::decodeName(path));
        QVERIFY(!transport.open(1000));
        ::close(reader);

        // EPIPE, and with it SIGPIPE, whose default action would end this process.
        const auto error = transport.write("job", 1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::Gone);
        QVERIFY(error->message.contains(QFile::decodeName(path)));
        QVERIFY(!transport.isOpen());
        sigset_t pending;
        sigpending(&pending);
        QVERIFY(!sigismember(&pending, SIGPIPE)); // nothing left to fire later
    }

    void fifoWithoutReaderIsNotFoundAfterTheTimeout()
    {
        QTemporaryDir dir;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
        QVERIFY(::mkfifo(path.constData(), 0600) == 0);
        FileTransport transport(QFile::decodeName(path));
        const auto [error, elapsed] = timed([&] { return transport.open(300); });
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(elapsed >= 250 && elapsed < 2000);
    }

    void missingPathIsNotFound()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lp7"));
        FileTransport transport(path);
        const auto error = transport.open(1000);
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::NotFound);
        QVERIFY(error->message.contains(path));
        QVERIFY(!transport.isOpen());
    }

    void noPermissionNamesTheLpGroup()
    {
        QTemporaryDir dir;
        // The directory must be searchable, so that it is the file's mode that refuses.
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                      | QFile::ReadOther | QFile::ExeOther));
        const QString path = dir.filePath(QStringLiteral("lp0"));
        QVERIFY(QFile(path).open(QIODevice::WriteOnly));
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0) == 0);

        FileTransport transport(path);
        std::optional<IoError> error;
        if (!openAsServiceUser(transport, 1000, &error))
            QSKIP("running as root and cannot drop the file-system uid: root ignores file modes");
        QVERIFY(error);
        QCOMPARE_ERROR(*error, IoError::Kind::PermissionDenied);
        QVERIFY(error->message.contains(path));
        QVERIFY(error->message.contains(QStringLiteral("lp group")));
        QVERIFY(!transport.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestFileTransport)
#include "tst_transport_file.moc"
