#pragma once

// The scaffolding of the FAKE device programs: tests and scripts/demo drive them by stdin command
// lines and read what happened as stdout lines, and the bus devices (keypads, signs) sit on the
// device end of a serial line. The programs differ only in their device and commands.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QSocketNotifier;

namespace hall::fakedevice {

// One line on stdout, flushed at once: the reader acts on each line as it comes.
void say(const QString &line);

// A whole number in min..max.
std::optional<int> number(const QString &s, int min, int max);

// stdin as command lines: each non-empty line, trimmed, goes to onLine. When stdin closes
// (started with </dev/null) the device keeps working and stops listening to it.
class StdinCommands : public QObject
{
public:
    explicit StdinCommands(std::function<void(const QString &)> onLine, QObject *parent = nullptr);

private:
    void read();

    std::function<void(const QString &)> m_onLine;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
};

// The device end of a serial line (a socat pty in tests, a USB-RS485 adapter in a demo) with a
// fake bus behind it: what arrives goes to receive, and its answer goes back on the line. When
// the line stays quiet while a request is half received, lineIdle gives it up as a real device's
// receiver would.
class SerialLine : public QObject
{
public:
    struct Device {
        std::function<QByteArray(const QByteArray &)> receive;
        std::function<QByteArray()> lineIdle;
        std::function<bool()> hasPartial;
    };

    // program names the writer in a message on stderr.
    SerialLine(QString program, Device device, QObject *parent = nullptr);
    ~SerialLine() override;
    bool open(const QString &path, QString *error);

private:
    void read();
    void write(const QByteArray &bytes);

    QString m_program;
    Device m_device;
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_idle;
};

// A fake bus with receive, lineIdle and hasPartial as the Device of a SerialLine.
template<class Bus>
SerialLine::Device deviceOf(Bus *bus)
{
    return {[bus](const QByteArray &bytes) { return bus->receive(bytes); }, [bus] { return bus->lineIdle(); },
            [bus] { return bus->hasPartial(); }};
}

// A FAKE bus program (hall-fakekeypad, hall-fakesign): --serial PATH, --address N (repeated; 1
// when none) and its own options; its bus on the device end of the serial line; its commands on
// stdin. Once listening it says "ready serial PATH addresses 1,2", the line a test waits for.
class FakeBusApp : public QObject
{
    Q_OBJECT
public:
    ~FakeBusApp() override;
    // Parses the arguments (without argv[0]) and starts; false with *error on bad usage.
    bool start(const QStringList &arguments, QString *error);

Q_SIGNALS:
    void quitRequested();

protected:
    // program names it on stderr; noun names one device in an error line ("keypad").
    FakeBusApp(QString program, QString noun, int minAddress, int maxAddress, QObject *parent);

    // One of the program's own arguments, args[*i]; it moves *i past a value it takes. False with
    // *error for an argument it does not know or a bad value.
    virtual bool option(const QStringList &args, qsizetype *i, QString *error) = 0;
    // Makes the bus that answers for these addresses.
    virtual SerialLine::Device makeBus(const QList<int> &addresses) = 0;
    virtual void command(const QString &line) = 0;

    // The optional address word of a command, words[at]: true with *out untouched when there is
    // none; false, after saying so, when it is no address on this bus.
    bool addressArgument(const QStringList &words, qsizetype at, const QList<int> &addresses,
                         std::optional<int> *out) const;

private:
    QString m_program;
    QString m_noun;
    int m_minAddress;
    int m_maxAddress;
    std::unique_ptr<SerialLine> m_line;
};

} // namespace hall::fakedevice
