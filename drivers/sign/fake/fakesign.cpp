#include "drivers/sign/fake/fakesign.h"

namespace hall::sign::frame {

FakeSignBus::FakeSignBus(const QList<int> &addresses, QObject *parent)
    : QObject(parent), m_addresses(addresses)
{
    for (int a : addresses)
        m_signs[a];
}

void FakeSignBus::setSilent(bool on, std::optional<int> address)
{
    if (address)
        m_silent[*address] = on;
    else {
        m_allSilent = on;
        m_silent.clear();
    }
}

void FakeSignBus::nakNext(quint8 reason, int count, std::optional<int> address)
{
    m_nakReason = reason;
    m_nakCount = count;
    m_nakAddress = address;
}

QByteArray FakeSignBus::receive(const QByteArray &bytes)
{
    m_parser.feed(bytes);
    noteNoise();
    QByteArray out;
    while (auto f = m_parser.next())
        out += handle(*f);
    return out;
}

QByteArray FakeSignBus::lineIdle()
{
    m_parser.lineIdle();
    noteNoise();
    QByteArray out;
    while (auto f = m_parser.next())
        out += handle(*f);
    return out;
}

void FakeSignBus::noteNoise()
{
    const quint64 skipped = m_parser.stats().skippedBytes;
    if (skipped > m_skippedNoted) {
        Q_EMIT note(QStringLiteral("noise %1 bytes").arg(skipped - m_skippedNoted));
        m_skippedNoted = skipped;
    }
}

QByteArray FakeSignBus::handle(const Frame &f)
{
    Q_EMIT note(QStringLiteral("rx %1").arg(toHex(encode(f))));
    if (f.isAnswer())
        return {}; // another sign's answer on the shared line
    const QByteArray answer = respond(f);
    if (!m_noisy || m_garbage || answer.isEmpty())
        return answer;
    const QByteArray before = junk(7);
    Q_EMIT note(QStringLiteral("noisy %1 %2").arg(f.address).arg(toHex(before)));
    return before + answer;
}

QByteArray FakeSignBus::respond(const Frame &f)
{
    const auto it = m_signs.find(f.address);
    if (it == m_signs.end())
        return {}; // not one of ours: a real sign stays quiet too
    Display &d = it->second;
    ++d.requests;
    const int a = f.address;
    const bool silent = m_allSilent || (m_silent.count(a) && m_silent.at(a));
    if (silent) {
        Q_EMIT note(QStringLiteral("silent %1 %2").arg(a).arg(commandName(f.command)));
        return {};
    }
    if (m_garbage) {
        const QByteArray bytes = junk(12);
        Q_EMIT note(QStringLiteral("garbage %1 %2").arg(a).arg(toHex(bytes)));
        return bytes;
    }

    auto nak = [&](quint8 reason) {
        Q_EMIT note(QStringLiteral("nak %1 %2 %3").arg(a).arg(commandName(f.command)).arg(reason));
        return encode(nakFrame(f.address, f.seq, f.command, reason));
    };
    if (m_nakCount > 0 && (!m_nakAddress || *m_nakAddress == a)) {
        --m_nakCount;
        return nak(m_nakReason);
    }
    const QByteArray raw = encode(f);
    if (d.lastSeq == f.seq && d.lastRequest == raw) {
        // The host did not hear our ACK and sent the same request again: acknowledge, but do not
        // start a flash over.
        Q_EMIT note(QStringLiteral("repeat %1 %2").arg(a).arg(f.seq));
        return encode(ackFrame(f.address, f.seq, f.command));
    }
    switch (f.command) {
    case cmd::Ping:
        if (!f.payload.isEmpty())
            return nak(nak::BadPayload);
        Q_EMIT note(QStringLiteral("ping %1").arg(a));
        break;
    case cmd::ShowText: {
        quint8 reason = nak::BadPayload;
        const auto s = readShowText(f, &reason);
        if (!s)
            return nak(reason);
        if (m_gb2312Only && s->encoding != encoding::Gb2312)
            return nak(nak::UnsupportedEncoding);
        d.blank = false;
        d.text = s->text;
        d.effect = s->effect;
        d.durationS = s->durationS;
        d.shownFor.start();
        if (s->durationS == 0) {
            d.standing = s->text;
            d.standingEffect = s->effect;
        }
        Q_EMIT note(QStringLiteral("shown %1 %2 %3 %4").arg(a).arg(toString(s->effect)).arg(s->durationS).arg(s->text));
        break;
    }
    case cmd::Brightness: {
        const auto b = readBrightness(f);
        if (!b)
            return nak(nak::BadPayload);
        d.brightness = *b;
        Q_EMIT note(QStringLiteral("brightness %1 %2").arg(a).arg(*b));
        break;
    }
    case cmd::Clear:
        if (!f.payload.isEmpty())
            return nak(nak::BadPayload);
        d.blank = true;
        d.text.clear();
        d.standing.clear();
        Q_EMIT note(QStringLiteral("cleared %1").arg(a));
        break;
    case cmd::ClockSync: {
        const auto c = readClock(f);
        if (!c)
            return nak(nak::BadPayload);
        d.clock = *c;
        Q_EMIT note(QStringLiteral("clock %1 %2").arg(a).arg(c->toString(Qt::ISODate)));
        break;
    }
    default:
        return nak(nak::UnknownCommand);
    }
    d.lastSeq = f.seq;
    d.lastRequest = raw;
    return encode(ackFrame(f.address, f.seq, f.command));
}

QByteArray FakeSignBus::junk(int size)
{
    // Bytes a sign at the wrong baud rate might send: a start byte among noise, never a frame
    // (an address byte of 0 is outside the protocol, so the start byte cannot begin one).
    QByteArray bytes;
    bytes.append(char(kStartByte));
    bytes.append('\0');
    for (int i = 2; i < size; ++i) {
        m_noise = m_noise * 1664525u + 1013904223u;
        bytes.append(char((m_noise >> 24) & 0xFF));
    }
    return bytes;
}

QString FakeSignBus::state(int address)
{
    const auto it = m_signs.find(address);
    if (it == m_signs.end())
        return QStringLiteral("state %1 none").arg(address);
    Display &d = it->second;
    if (!d.blank && d.durationS > 0 && d.shownFor.isValid() && d.shownFor.elapsed() >= qint64(d.durationS) * 1000) {
        d.text = d.standing;
        d.effect = d.standingEffect;
        d.durationS = 0;
        d.blank = d.standing.isEmpty();
    }
    return QStringLiteral("state %1 %2 %3 %4 \"%5\" brightness %6 clock %7 requests %8")
        .arg(address)
        .arg(d.blank ? QStringLiteral("blank") : QStringLiteral("shown"), toString(d.effect))
        .arg(d.durationS)
        .arg(d.text)
        .arg(d.brightness)
        .arg(d.clock.isValid() ? d.clock.toString(Qt::ISODate) : QStringLiteral("unset"))
        .arg(d.requests);
}

} // namespace hall::sign::frame
