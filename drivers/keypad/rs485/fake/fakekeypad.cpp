#include "drivers/keypad/rs485/fake/fakekeypad.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

namespace hall::keypad::rs485 {

Q_LOGGING_CATEGORY(lcFakeKeypad, "hall.drivers.keypad.rs485.fake", QtInfoMsg)

namespace {

quint8 flagsOf(bool prompt) { return prompt ? flag::PromptLit : 0; }

} // namespace

FakeKeypadBus::FakeKeypadBus(const QList<int> &addresses, quint16 firstEventId, QObject *parent)
    : QObject(parent), m_firstEventId(firstEventId)
{
    for (int a : addresses) {
        Keypad k;
        k.address = quint8(a);
        k.nextId = startId();
        m_keypads.push_back(std::move(k));
    }
}

quint16 FakeKeypadBus::startId() const
{
    if (m_firstEventId != 0)
        return m_firstEventId;
    return quint16(QRandomGenerator::global()->bounded(1, 0x10000));
}

QList<int> FakeKeypadBus::addresses() const
{
    QList<int> out;
    for (const Keypad &k : m_keypads)
        out << k.address;
    return out;
}

FakeKeypadBus::Keypad *FakeKeypadBus::find(int address)
{
    for (Keypad &k : m_keypads) {
        if (k.address == address)
            return &k;
    }
    return nullptr;
}

const FakeKeypadBus::Keypad *FakeKeypadBus::find(int address) const
{
    return const_cast<FakeKeypadBus *>(this)->find(address);
}

QByteArray FakeKeypadBus::receive(const QByteArray &bytes)
{
    if (m_silent) {
        m_parser.reset();
        return {};
    }
    m_parser.feed(bytes);
    QByteArray out;
    while (auto f = m_parser.next())
        out += handle(*f);
    return out;
}

QByteArray FakeKeypadBus::lineIdle()
{
    m_parser.lineIdle();
    QByteArray out;
    while (auto f = m_parser.next())
        out += handle(*f);
    return out;
}

std::optional<quint16> FakeKeypadBus::press(int key, std::optional<int> address, QString *error)
{
    Keypad *k = address ? find(*address) : (m_keypads.empty() ? nullptr : &m_keypads.front());
    if (!k) {
        *error = QStringLiteral("no keypad with address %1 on this bus").arg(address.value_or(0));
        return std::nullopt;
    }
    if (key < 1 || key > 255) {
        *error = QStringLiteral("key %1 is not 1..255").arg(key);
        return std::nullopt;
    }
    if (int(k->queue.size()) >= kQueueDepth) {
        *error = QStringLiteral("keypad %1 already holds %2 presses").arg(k->address).arg(kQueueDepth);
        return std::nullopt;
    }
    Held h;
    h.id = k->nextId;
    h.key = quint8(key);
    h.since.start();
    k->nextId = quint16(k->nextId == 0xFFFF ? 1 : k->nextId + 1); // 0 is never an event id
    k->queue.push_back(h);
    ++k->counters.pressed;
    return h.id;
}

bool FakeKeypadBus::restart(int address)
{
    Keypad *k = find(address);
    if (!k)
        return false;
    k->queue.clear();
    k->prompt = false;
    k->nextId = startId();
    return true;
}

std::optional<bool> FakeKeypadBus::prompt(int address) const
{
    const Keypad *k = find(address);
    if (!k)
        return std::nullopt;
    return k->prompt;
}

FakeKeypadBus::Counters FakeKeypadBus::counters(std::optional<int> address) const
{
    Counters sum;
    for (const Keypad &k : m_keypads) {
        if (address && k.address != *address)
            continue;
        sum.pressed += k.counters.pressed;
        sum.sent += k.counters.sent;
        sum.acked += k.counters.acked;
        sum.requests += k.counters.requests;
        sum.pending += int(k.queue.size());
    }
    return sum;
}

QByteArray FakeKeypadBus::handle(const Frame &request)
{
    if (request.isAnswer())
        return {}; // another keypad's answer on the shared bus
    if (request.address == kBroadcast) {
        // Acted on by every keypad, answered by none (they would all talk at once).
        if (const auto on = promptOn(request)) {
            for (Keypad &k : m_keypads) {
                if (k.prompt != *on)
                    Q_EMIT note(QStringLiteral("prompt %1 %2").arg(k.address).arg(*on ? QLatin1String("on") : QLatin1String("off")));
                k.prompt = *on;
            }
        }
        return {};
    }
    Keypad *k = find(request.address);
    if (!k)
        return {};
    ++k->counters.requests;
    const quint8 flags = flagsOf(k->prompt);
    switch (request.command) {
    case cmd::Poll:
        return pollAnswer(*k, request.seq);
    case cmd::Ack: {
        const auto id = ackEventId(request);
        if (!id)
            return send(*k, nakFrame(k->address, request.seq, flags, request.command, nak::BadPayload));
        if (m_dropAcks > 0) {
            --m_dropAcks;
            Q_EMIT note(QStringLiteral("ack dropped %1 %2").arg(k->address).arg(*id));
            return {};
        }
        // An ack for anything but the held event is stale (a repeat of one already taken).
        if (!k->queue.empty() && k->queue.front().id == *id) {
            k->queue.pop_front();
            ++k->counters.acked;
            Q_EMIT note(QStringLiteral("acked %1 %2").arg(k->address).arg(*id));
        }
        return pollAnswer(*k, request.seq);
    }
    case cmd::SetPrompt: {
        const auto on = promptOn(request);
        if (!on)
            return send(*k, nakFrame(k->address, request.seq, flags, request.command, nak::BadPayload));
        if (k->prompt != *on)
            Q_EMIT note(QStringLiteral("prompt %1 %2").arg(k->address).arg(*on ? QLatin1String("on") : QLatin1String("off")));
        k->prompt = *on;
        return pollAnswer(*k, request.seq);
    }
    case cmd::Identify: {
        IdentityAnswer id;
        id.flags = flags;
        id.keys = 5;
        id.firmware = QByteArrayLiteral("FAKE keypad 1.0");
        return send(*k, identityFrame(k->address, request.seq, id));
    }
    default:
        return send(*k, nakFrame(k->address, request.seq, flags, request.command, nak::UnknownCommand));
    }
}

QByteArray FakeKeypadBus::pollAnswer(Keypad &k, quint8 seq)
{
    if (k.queue.empty())
        return send(k, noEventFrame(k.address, seq, flagsOf(k.prompt)));
    const Held &h = k.queue.front();
    EventAnswer e;
    e.flags = flagsOf(k.prompt);
    e.eventId = h.id;
    e.key = h.key;
    e.ageTenths = quint16(qMin<qint64>(0xFFFF, h.since.elapsed() / 100));
    e.queued = quint8(qMin<qsizetype>(255, qsizetype(k.queue.size()) - 1));
    ++k.counters.sent;
    return send(k, eventFrame(k.address, seq, e));
}

QByteArray FakeKeypadBus::send(Keypad &k, const Frame &answer)
{
    QByteArray bytes = encode(answer);
    if (m_corrupt > 0) {
        --m_corrupt;
        // Flip bits in the CRC only: the frame looks whole and plausible, and is wrong.
        bytes[bytes.size() - 1] = char(bytes.at(bytes.size() - 1) ^ 0x5A);
        Q_EMIT note(QStringLiteral("corrupted %1").arg(k.address));
    }
    if (m_garbage) {
        m_garbage = false;
        auto *rng = QRandomGenerator::global();
        // A forged EVENT for this very request (right address and seq, key 1, a fresh id) whose
        // CRC is wrong, then plain noise.
        EventAnswer forged;
        forged.eventId = quint16(rng->bounded(1, 0x10000));
        forged.key = 1;
        QByteArray noise = encode(eventFrame(k.address, answer.seq, forged));
        noise[noise.size() - 2] = char(noise.at(noise.size() - 2) ^ 0xFF);
        for (int i = 0; i < 24; ++i)
            noise.append(char(rng->bounded(256)));
        Q_EMIT note(QStringLiteral("garbage sent %1").arg(noise.size()));
        bytes.prepend(noise);
    }
    qCDebug(lcFakeKeypad).noquote() << "answer" << toHex(bytes);
    return bytes;
}

} // namespace hall::keypad::rs485
