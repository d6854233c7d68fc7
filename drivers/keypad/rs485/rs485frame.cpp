#include "drivers/keypad/rs485/rs485frame.h"

namespace hall::keypad::rs485 {

using hall::rs485::appendU16;
using hall::rs485::readU16;

QString describe(const Frame &frame)
{
    static const struct {
        quint8 code;
        const char *name;
    } names[] = {{cmd::Poll, "POLL"},         {cmd::Ack, "ACK"},         {cmd::SetPrompt, "SET_PROMPT"},
                 {cmd::Identify, "IDENTIFY"}, {cmd::NoEvent, "NO_EVENT"}, {cmd::Event, "EVENT"},
                 {cmd::Identity, "IDENTITY"}, {cmd::Nak, "NAK"}};
    QString name = QStringLiteral("0x%1").arg(frame.command, 2, 16, QLatin1Char('0'));
    for (const auto &n : names) {
        if (n.code == frame.command)
            name = QString::fromLatin1(n.name);
    }
    return QStringLiteral("%1 addr %2 seq %3 [%4]")
        .arg(name)
        .arg(frame.address)
        .arg(frame.seq)
        .arg(toHex(frame.payload));
}

Frame pollFrame(quint8 address, quint8 seq) { return Frame{address, seq, cmd::Poll, {}}; }

Frame ackFrame(quint8 address, quint8 seq, quint16 eventId)
{
    QByteArray p;
    appendU16(p, eventId);
    return Frame{address, seq, cmd::Ack, p};
}

Frame setPromptFrame(quint8 address, quint8 seq, bool on)
{
    return Frame{address, seq, cmd::SetPrompt, QByteArray(1, on ? '\x01' : '\x00')};
}

Frame identifyFrame(quint8 address, quint8 seq) { return Frame{address, seq, cmd::Identify, {}}; }

Frame noEventFrame(quint8 address, quint8 seq, quint8 flags)
{
    return Frame{address, seq, cmd::NoEvent, QByteArray(1, char(flags))};
}

Frame eventFrame(quint8 address, quint8 seq, const EventAnswer &event)
{
    QByteArray p;
    p.append(char(event.flags));
    appendU16(p, event.eventId);
    p.append(char(event.key));
    appendU16(p, event.ageTenths);
    p.append(char(event.queued));
    return Frame{address, seq, cmd::Event, p};
}

Frame identityFrame(quint8 address, quint8 seq, const IdentityAnswer &identity)
{
    QByteArray p;
    p.append(char(identity.flags));
    p.append(char(identity.protocol));
    p.append(char(identity.keys));
    p.append(identity.firmware.left(16));
    return Frame{address, seq, cmd::Identity, p};
}

Frame nakFrame(quint8 address, quint8 seq, quint8 flags, quint8 refused, quint8 reason)
{
    QByteArray p;
    p.append(char(flags));
    p.append(char(refused));
    p.append(char(reason));
    return Frame{address, seq, cmd::Nak, p};
}

std::optional<quint16> ackEventId(const Frame &frame)
{
    if (frame.command != cmd::Ack || frame.payload.size() != 2)
        return std::nullopt;
    return readU16(frame.payload, 0);
}

std::optional<bool> promptOn(const Frame &frame)
{
    if (frame.command != cmd::SetPrompt || frame.payload.size() != 1 || quint8(frame.payload.at(0)) > 1)
        return std::nullopt;
    return frame.payload.at(0) == 1;
}

std::optional<EventAnswer> eventAnswer(const Frame &frame)
{
    if (frame.command != cmd::Event || frame.payload.size() != 7)
        return std::nullopt;
    EventAnswer e;
    e.flags = quint8(frame.payload.at(0));
    e.eventId = readU16(frame.payload, 1);
    e.key = quint8(frame.payload.at(3));
    e.ageTenths = readU16(frame.payload, 4);
    e.queued = quint8(frame.payload.at(6));
    if (e.eventId == 0)
        return std::nullopt;
    return e;
}

std::optional<quint8> answerFlags(const Frame &frame)
{
    if (!frame.isAnswer() || frame.payload.isEmpty())
        return std::nullopt;
    return quint8(frame.payload.at(0));
}

std::optional<IdentityAnswer> identityAnswer(const Frame &frame)
{
    if (frame.command != cmd::Identity || frame.payload.size() < 3 || frame.payload.size() > 3 + 16)
        return std::nullopt;
    IdentityAnswer id;
    id.flags = quint8(frame.payload.at(0));
    id.protocol = quint8(frame.payload.at(1));
    id.keys = quint8(frame.payload.at(2));
    id.firmware = frame.payload.mid(3);
    return id;
}

} // namespace hall::keypad::rs485
