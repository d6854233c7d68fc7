#include "drivers/sign/fake/fakesignapp.h"

namespace hall::sign::frame {

using fakedevice::number;
using fakedevice::say;

FakeSignApp::FakeSignApp(QObject *parent)
    : FakeBusApp(QStringLiteral("hall-fakesign"), QStringLiteral("sign"), kMinAddress, kMaxAddress, parent)
{
}

QString FakeSignApp::usage()
{
    return QStringLiteral(
        "usage: hall-fakesign --serial PATH [--address N ...] [--silent] [--garbage] [--gb2312]\n"
        "FAKE RS-485 window signs (addresses 1..247, default 1) for tests and demos.\n"
        "stdin commands: silent on|off [ADDR] | garbage on|off | noise on|off | nak REASON [COUNT [ADDR]] |\n"
        "                state ADDR | quit\n");
}

bool FakeSignApp::option(const QStringList &args, qsizetype *i, QString *error)
{
    const QString &a = args.at(*i);
    if (a == QLatin1String("--silent"))
        m_silent = true;
    else if (a == QLatin1String("--garbage"))
        m_garbage = true;
    else if (a == QLatin1String("--gb2312"))
        m_gb2312 = true;
    else {
        *error = QStringLiteral("unknown argument %1").arg(a);
        return false;
    }
    return true;
}

fakedevice::SerialLine::Device FakeSignApp::makeBus(const QList<int> &addresses)
{
    m_bus = std::make_unique<FakeSignBus>(addresses);
    m_bus->setSilent(m_silent);
    m_bus->setGarbage(m_garbage);
    m_bus->setGb2312Only(m_gb2312);
    connect(m_bus.get(), &FakeSignBus::note, this, &say);
    return fakedevice::deviceOf(m_bus.get());
}

void FakeSignApp::command(const QString &line)
{
    const QStringList w = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = w.value(0);
    auto address = [&](qsizetype at, std::optional<int> *out) {
        return addressArgument(w, at, m_bus->addresses(), out);
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
