#include "drivers/sign/fake/fakesignapp.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace hall::sign::frame {

namespace {

// As the host's quiet gap: longer than bytes of one frame are ever apart.
constexpr int kQuietMs = 30;

std::optional<int> number(const QString &s, int min, int max)
{
    bool ok = false;
    const int n = s.toInt(&ok);
    if (!ok || n < min || n > max)
        return std::nullopt;
    return n;
}

} // namespace

FakeSignApp::FakeSignApp(QObject *parent)
    : QObject(parent)
{
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_bus)
            writeSerial(m_bus->lineIdle());
    });
}

FakeSignApp::~FakeSignApp()
{
    delete m_serial;
    m_serial = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
}

QString FakeSignApp::usage()
{
    return QStringLiteral(
        "usage: hall-fakesign --serial PATH [--address N ...] [--silent] [--garbage] [--gb2312]\n"
        "FAKE RS-485 window signs (addresses 1..247, default 1) for tests and demos.\n"
        "stdin commands: silent on|off [ADDR] | garbage on|off | noise on|off | nak REASON [COUNT [ADDR]] |\n"
        "                state ADDR | quit\n");
}

bool FakeSignApp::start(const QStringList &args, QString *error)
{
    QString serial;
    QList<int> addresses;
    bool silent = false, garbage = false, gb2312 = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const QString value = i + 1 < args.size() ? args.at(i + 1) : QString();
        if (a == QLatin1String("--serial")) {
            serial = value;
            ++i;
        } else if (a == QLatin1String("--address")) {
            const auto n = number(value, kMinAddress, kMaxAddress);
            if (!n || addresses.contains(*n)) {
                *error = QStringLiteral("--address wants a new address 1..247, got \"%1\"").arg(value);
                return false;
            }
            addresses << *n;
            ++i;
        } else if (a == QLatin1String("--silent")) {
            silent = true;
        } else if (a == QLatin1String("--garbage")) {
            garbage = true;
        } else if (a == QLatin1String("--gb2312")) {
            gb2312 = true;
        } else {
            *error = QStringLiteral("unknown argument %1").arg(a);
            return false;
        }
    }
    if (serial.isEmpty()) {
        *error = QStringLiteral("--serial PATH is required");
        return false;
    }
    if (addresses.isEmpty())
        addresses << 1;
    m_bus = std::make_unique<FakeSignBus>(addresses);
    m_bus->setSilent(silent);
    m_bus->setGarbage(garbage);
    m_bus->setGb2312Only(gb2312);
    connect(m_bus.get(), &FakeSignBus::note, this, &FakeSignApp::say);
    if (!openSerial(serial, error))
        return false;

    m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &FakeSignApp::readCommands);
    QStringList list;
    for (int a : addresses)
        list << QString::number(a);
    say(QStringLiteral("ready serial %1 addresses %2").arg(serial, list.join(QLatin1Char(','))));
    return true;
}

bool FakeSignApp::openSerial(const QString &path, QString *error)
{
    m_fd = ::open(path.toLocal8Bit().constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    termios tio{};
    if (::tcgetattr(m_fd, &tio) == 0) {
        // Raw bytes: frames are binary (0x11, 0x13, 0x0A, 0x0D all occur).
        ::cfmakeraw(&tio);
        ::cfsetispeed(&tio, B9600);
        ::cfsetospeed(&tio, B9600);
        ::tcsetattr(m_fd, TCSANOW, &tio);
    }
    m_serial = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_serial, &QSocketNotifier::activated, this, &FakeSignApp::readSerial);
    return true;
}

void FakeSignApp::readSerial()
{
    char buf[512];
    for (int i = 0; i < 64; ++i) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            writeSerial(m_bus->receive(QByteArray(buf, n)));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        // EOF or EIO: the line's other end is gone for good (socat exited); stop rather than spin.
        m_serial->setEnabled(false);
        say(QStringLiteral("line closed"));
        return;
    }
    if (m_bus->hasPartial())
        m_idle.start(kQuietMs);
    else
        m_idle.stop();
}

void FakeSignApp::writeSerial(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_fd < 0)
        return;
    qsizetype done = 0;
    for (int tries = 0; done < bytes.size() && tries < 100; ++tries) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            break;
        ::usleep(1000);
    }
    if (done != bytes.size())
        std::fprintf(stderr, "hall-fakesign: wrote %lld of %lld bytes\n", qlonglong(done), qlonglong(bytes.size()));
}

void FakeSignApp::say(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void FakeSignApp::readCommands()
{
    char buf[512];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        // stdin closed (started with </dev/null): keep answering, stop listening to it.
        m_stdin->setEnabled(false);
        return;
    }
    m_stdinBuffer.append(buf, n);
    qsizetype nl;
    while ((nl = m_stdinBuffer.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stdinBuffer.left(nl)).trimmed();
        m_stdinBuffer.remove(0, nl + 1);
        if (!line.isEmpty())
            command(line);
    }
}

void FakeSignApp::command(const QString &line)
{
    const QStringList w = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = w.value(0);
    auto address = [&](qsizetype at, std::optional<int> *out) {
        if (w.size() <= at)
            return true;
        const auto n = number(w.at(at), kMinAddress, kMaxAddress);
        if (!n || !m_bus->addresses().contains(*n)) {
            say(QStringLiteral("error no sign %1 on this bus").arg(w.at(at)));
            return false;
        }
        *out = *n;
        return true;
    };
    const bool onOff = w.size() >= 2 && (w.at(1) == QLatin1String("on") || w.at(1) == QLatin1String("off"));
    std::optional<int> a;
    if (verb == QLatin1String("silent") && onOff && w.size() <= 3) {
        if (!address(2, &a))
            return;
        m_bus->setSilent(w.at(1) == QLatin1String("on"), a);
        say(QStringLiteral("silent %1%2").arg(w.at(1), a ? QStringLiteral(" %1").arg(*a) : QString()));
    } else if (verb == QLatin1String("garbage") && onOff && w.size() == 2) {
        m_bus->setGarbage(w.at(1) == QLatin1String("on"));
        say(QStringLiteral("garbage %1").arg(w.at(1)));
    } else if (verb == QLatin1String("noise") && onOff && w.size() == 2) {
        m_bus->setNoisy(w.at(1) == QLatin1String("on"));
        say(QStringLiteral("noise %1").arg(w.at(1)));
    } else if (verb == QLatin1String("nak") && w.size() >= 2 && w.size() <= 4) {
        const auto reason = number(w.at(1), 1, 255);
        const auto count = w.size() >= 3 ? number(w.at(2), 0, 1000000) : std::optional<int>(1);
        if (!reason || !count) {
            say(QStringLiteral("error nak wants REASON 1..255 [COUNT [ADDR]]"));
            return;
        }
        if (!address(3, &a))
            return;
        m_bus->nakNext(quint8(*reason), *count, a);
        say(QStringLiteral("nak armed %1 %2").arg(*reason).arg(*count));
    } else if (verb == QLatin1String("state") && w.size() == 2) {
        if (!address(1, &a) || !a)
            return;
        say(m_bus->state(*a));
    } else if (verb == QLatin1String("quit")) {
        say(QStringLiteral("bye"));
        Q_EMIT quitRequested();
    } else {
        say(QStringLiteral("error unknown command \"%1\"").arg(line));
    }
}

} // namespace hall::sign::frame
