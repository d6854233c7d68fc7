#include "drivers/fakedevice/fakedevice.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace hall::fakedevice {

namespace {

// As the hosts' quiet gap: longer than bytes of one frame are ever apart.
constexpr int kQuietMs = 30;

} // namespace

void say(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::optional<int> number(const QString &s, int min, int max)
{
    bool ok = false;
    const int n = s.toInt(&ok);
    if (!ok || n < min || n > max)
        return std::nullopt;
    return n;
}

// ---- stdin ----

StdinCommands::StdinCommands(std::function<void(const QString &)> onLine, QObject *parent)
    : QObject(parent), m_onLine(std::move(onLine))
{
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinCommands::read);
}

void StdinCommands::read()
{
    char buf[512];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        m_notifier->setEnabled(false);
        return;
    }
    m_buffer.append(buf, n);
    qsizetype nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_buffer.left(nl)).trimmed();
        m_buffer.remove(0, nl + 1);
        if (!line.isEmpty())
            m_onLine(line);
    }
}

// ---- serial line ----

SerialLine::SerialLine(QString program, Device device, QObject *parent)
    : QObject(parent), m_program(std::move(program)), m_device(std::move(device))
{
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, [this] { write(m_device.lineIdle()); });
}

SerialLine::~SerialLine()
{
    delete m_notifier;
    m_notifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SerialLine::open(const QString &path, QString *error)
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
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SerialLine::read);
    return true;
}

void SerialLine::read()
{
    char buf[512];
    for (int i = 0; i < 64; ++i) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            write(m_device.receive(QByteArray(buf, n)));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        // EOF or EIO: the line's other end is gone for good (socat exited). A pty keeps
        // reporting that, so stop watching rather than spin.
        m_notifier->setEnabled(false);
        say(QStringLiteral("line closed"));
        return;
    }
    if (m_device.hasPartial())
        m_idle.start(kQuietMs);
    else
        m_idle.stop();
}

void SerialLine::write(const QByteArray &bytes)
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
        std::fprintf(stderr, "%s: wrote %lld of %lld bytes\n", qPrintable(m_program), qlonglong(done),
                     qlonglong(bytes.size()));
}

// ---- bus program ----

FakeBusApp::FakeBusApp(QString program, QString noun, int minAddress, int maxAddress, QObject *parent)
    : QObject(parent), m_program(std::move(program)), m_noun(std::move(noun)), m_minAddress(minAddress),
      m_maxAddress(maxAddress)
{
}

FakeBusApp::~FakeBusApp() = default;

bool FakeBusApp::start(const QStringList &args, QString *error)
{
    QString serial;
    QList<int> addresses;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const QString value = i + 1 < args.size() ? args.at(i + 1) : QString();
        if (a == QLatin1String("--serial")) {
            serial = value;
            ++i;
        } else if (a == QLatin1String("--address")) {
            const auto n = number(value, m_minAddress, m_maxAddress);
            if (!n || addresses.contains(*n)) {
                *error = QStringLiteral("--address wants a new address %1..%2, got \"%3\"")
                             .arg(m_minAddress)
                             .arg(m_maxAddress)
                             .arg(value);
                return false;
            }
            addresses << *n;
            ++i;
        } else if (!option(args, &i, error)) {
            return false;
        }
    }
    if (serial.isEmpty()) {
        *error = QStringLiteral("--serial PATH is required");
        return false;
    }
    if (addresses.isEmpty())
        addresses << 1;
    m_line = std::make_unique<SerialLine>(m_program, makeBus(addresses));
    if (!m_line->open(serial, error))
        return false;

    new StdinCommands([this](const QString &line) { command(line); }, this);
    QStringList list;
    for (int a : addresses)
        list << QString::number(a);
    say(QStringLiteral("ready serial %1 addresses %2").arg(serial, list.join(QLatin1Char(','))));
    return true;
}

bool FakeBusApp::addressArgument(const QStringList &words, qsizetype at, const QList<int> &addresses,
                                 std::optional<int> *out) const
{
    if (words.size() <= at)
        return true;
    const auto n = number(words.at(at), m_minAddress, m_maxAddress);
    if (!n || !addresses.contains(*n)) {
        say(QStringLiteral("error no %1 %2 on this bus").arg(m_noun, words.at(at)));
        return false;
    }
    *out = *n;
    return true;
}

} // namespace hall::fakedevice
