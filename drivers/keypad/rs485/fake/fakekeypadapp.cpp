#include "drivers/keypad/rs485/fake/fakekeypadapp.h"

namespace hall::keypad::rs485 {

using fakedevice::number;
using fakedevice::say;

FakeKeypadApp::FakeKeypadApp(QObject *parent)
    : FakeBusApp(QStringLiteral("hall-fakekeypad"), QStringLiteral("keypad"), kMinAddress, kMaxAddress, parent)
{
}

QString FakeKeypadApp::usage()
{
    return QStringLiteral(
        "usage: hall-fakekeypad --serial PATH [--address N ...] [--first-id N]\n"
        "FAKE RS-485 rating keypads (addresses 1..247, default 1) for tests and demos.\n"
        "stdin commands: press KEY [ADDR] | drop-acks N | corrupt N | garbage | silent on|off |\n"
        "                prompt? [ADDR] | events [ADDR] | reset [ADDR] | quit\n");
}

bool FakeKeypadApp::option(const QStringList &args, qsizetype *i, QString *error)
{
    const QString &a = args.at(*i);
    const QString value = *i + 1 < args.size() ? args.at(*i + 1) : QString();
    if (a == QLatin1String("--first-id")) {
        const auto n = number(value, 1, 0xFFFF);
        if (!n) {
            *error = QStringLiteral("--first-id wants 1..65535, got \"%1\"").arg(value);
            return false;
        }
        m_firstId = *n;
        ++*i;
        return true;
    }
    *error = QStringLiteral("unknown argument %1").arg(a);
    return false;
}

fakedevice::SerialLine::Device FakeKeypadApp::makeBus(const QList<int> &addresses)
{
    m_bus = std::make_unique<FakeKeypadBus>(addresses, quint16(m_firstId));
    connect(m_bus.get(), &FakeKeypadBus::note, this, &say);
    return fakedevice::deviceOf(m_bus.get());
}

void FakeKeypadApp::command(const QString &line)
{
    const QStringList w = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = w.value(0);
    // The optional address argument, or all keypads / the first one.
    auto addressArg = [&](qsizetype at, std::optional<int> *out) {
        return addressArgument(w, at, m_bus->addresses(), out);
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
