#include "drivers/keypad/rs485/fake/fakekeypadapp.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace hall::keypad::rs485 {

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

FakeKeypadApp::FakeKeypadApp(QObject *parent)
    : QObject(parent)
{
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_bus)
            writeSerial(m_bus->lineIdle());
    });
}

FakeKeypadApp::~FakeKeypadApp()
{
    delete m_serial;
    m_serial = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
}

QString FakeKeypadApp::usage()
{
    return QStringLiteral(
        "usage: hall-fakekeypad --serial PATH [--address N ...] [--first-id N]\n"
        "FAKE RS-485 rating keypads (addresses 1..247, default 1) for tests and demos.\n"
        "stdin commands: press KEY [ADDR] | drop-acks N | corrupt N | garbage | silent on|off |\n"
        "                prompt? [ADDR] | events [ADDR] | reset [ADDR] | quit\n");
}

bool FakeKeypadApp::start(const QStringList &args, QString *error)
{
    QString serial;
    QList<int> addresses;
    int firstId = 0;
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
        } else if (a == QLatin1String("--first-id")) {
            const auto n = number(value, 1, 0xFFFF);
            if (!n) {
                *error = QStringLiteral("--first-id wants 1..65535, got \"%1\"").arg(value);
                return false;
            }
            firstId = *n;
            ++i;
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
    m_bus = std::make_unique<FakeKeypadBus>(addresses, quint16(firstId));
    connect(m_bus.get(), &FakeKeypadBus::note, this, &FakeKeypadApp::say);
    if (!openSerial(serial, error))
        return false;

    m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &FakeKeypadApp::readCommands);
    QStringList list;
    for (int a : addresses)
        list << QString::number(a);
    say(QStringLiteral("ready serial %1 addresses %2").arg(serial, list.join(QLatin1Char(','))));
    return true;
}

bool FakeKeypadApp::openSerial(const QString &path, QString *error)
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
    connect(m_serial, &QSocketNotifier::activated, this, &FakeKeypadApp::readSerial);
    return true;
}

void FakeKeypadApp::readSerial()
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
        // EOF or EIO: the line's other end is gone for good (socat exited). A pty keeps
        // reporting that, so stop watching rather than spin.
        m_serial->setEnabled(false);
        say(QStringLiteral("line closed"));
        return;
    }
    if (m_bus->hasPartial())
        m_idle.start(kQuietMs);
    else
        m_idle.stop();
}

void FakeKeypadApp::writeSerial(const QByteArray &bytes)
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
        std::fprintf(stderr, "hall-fakekeypad: wrote %lld of %lld bytes\n", qlonglong(done), qlonglong(bytes.size()));
}

void FakeKeypadApp::say(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void FakeKeypadApp::readCommands()
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

void FakeKeypadApp::command(const QString &line)
{
    const QStringList w = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = w.value(0);
    // The optional address argument, or all keypads / the first one.
    auto addressArg = [&](qsizetype at, std::optional<int> *out) {
        if (w.size() <= at)
            return true;
        const auto n = number(w.at(at), kMinAddress, kMaxAddress);
        if (!n || !m_bus->addresses().contains(*n)) {
            say(QStringLiteral("error no keypad %1 on this bus").arg(w.at(at)));
            return false;
        }
        *out = *n;
        return true;
    };
    std::optional<int> address;
    if (verb == QLatin1String("press") && (w.size() == 2 || w.size() == 3)) {
        const auto key = number(w.at(1), 1, 255);
        if (!key) {
            say(QStringLiteral("error key %1 is not 1..255").arg(w.at(1)));
            return;
        }
        if (!addressArg(2, &address))
            return;
        QString error;
        const auto id = m_bus->press(*key, address, &error);
        if (!id) {
            say(QStringLiteral("error %1").arg(error));
            return;
        }
        say(QStringLiteral("pressed %1 %2 %3").arg(address.value_or(m_bus->addresses().constFirst())).arg(*key).arg(*id));
    } else if ((verb == QLatin1String("drop-acks") || verb == QLatin1String("corrupt")) && w.size() == 2) {
        const auto n = number(w.at(1), 0, 1000000);
        if (!n) {
            say(QStringLiteral("error %1 wants a count").arg(verb));
            return;
        }
        if (verb == QLatin1String("drop-acks"))
            m_bus->dropAcks(*n);
        else
            m_bus->corrupt(*n);
        say(QStringLiteral("%1 %2").arg(verb).arg(*n));
    } else if (verb == QLatin1String("garbage") && w.size() == 1) {
        m_bus->armGarbage();
        say(QStringLiteral("garbage armed"));
    } else if (verb == QLatin1String("silent") && w.size() == 2
               && (w.at(1) == QLatin1String("on") || w.at(1) == QLatin1String("off"))) {
        m_bus->setSilent(w.at(1) == QLatin1String("on"));
        say(QStringLiteral("silent %1").arg(w.at(1)));
    } else if (verb == QLatin1String("prompt?") && w.size() <= 2) {
        if (!addressArg(1, &address))
            return;
        for (int a : m_bus->addresses()) {
            if (!address || a == *address)
                say(QStringLiteral("prompt? %1 %2").arg(a).arg(*m_bus->prompt(a) ? QLatin1String("on") : QLatin1String("off")));
        }
    } else if (verb == QLatin1String("events") && w.size() <= 2) {
        if (!addressArg(1, &address))
            return;
        const auto c = m_bus->counters(address);
        say(QStringLiteral("events pressed %1 sent %2 acked %3 pending %4 requests %5")
                .arg(c.pressed)
                .arg(c.sent)
                .arg(c.acked)
                .arg(c.pending)
                .arg(c.requests));
    } else if (verb == QLatin1String("reset") && w.size() <= 2) {
        if (!addressArg(1, &address))
            return;
        for (int a : m_bus->addresses()) {
            if (!address || a == *address) {
                m_bus->restart(a);
                say(QStringLiteral("reset %1").arg(a));
            }
        }
    } else if (verb == QLatin1String("quit")) {
        Q_EMIT quitRequested();
    } else {
        say(QStringLiteral("error unknown command %1").arg(line));
    }
}

} // namespace hall::keypad::rs485
