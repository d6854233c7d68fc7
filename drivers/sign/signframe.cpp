#include "drivers/sign/signframe.h"

#include <QStringDecoder>
#include <QStringEncoder>
#include <QStringList>

namespace hall::sign {

QString toString(Effect effect)
{
    switch (effect) {
    case Effect::Static:
        return QStringLiteral("static");
    case Effect::Scroll:
        return QStringLiteral("scroll");
    case Effect::Flash:
        return QStringLiteral("flash");
    }
    return QStringLiteral("effect-%1").arg(int(effect));
}

std::optional<Effect> effectFromString(const QString &name)
{
    for (Effect e : {Effect::Static, Effect::Scroll, Effect::Flash}) {
        if (toString(e) == name)
            return e;
    }
    return std::nullopt;
}

SignRequest SignRequest::showText(const QString &text, Effect effect, int durationS)
{
    SignRequest r;
    r.kind = Kind::ShowText;
    r.text = text;
    r.effect = effect;
    r.durationS = durationS;
    return r;
}

SignRequest SignRequest::setBrightness(int percent)
{
    SignRequest r;
    r.kind = Kind::Brightness;
    r.brightness = percent;
    return r;
}

SignRequest SignRequest::clear()
{
    SignRequest r;
    r.kind = Kind::Clear;
    return r;
}

SignRequest SignRequest::syncClock(const QDateTime &local)
{
    SignRequest r;
    r.kind = Kind::ClockSync;
    r.clock = local;
    return r;
}

QString toString(SignRequest::Kind kind)
{
    switch (kind) {
    case SignRequest::Kind::Ping:
        return QStringLiteral("PING");
    case SignRequest::Kind::ShowText:
        return QStringLiteral("SHOW_TEXT");
    case SignRequest::Kind::Brightness:
        return QStringLiteral("BRIGHTNESS");
    case SignRequest::Kind::Clear:
        return QStringLiteral("CLEAR");
    case SignRequest::Kind::ClockSync:
        return QStringLiteral("CLOCK_SYNC");
    }
    return QStringLiteral("?");
}

QString describe(const SignRequest &r)
{
    switch (r.kind) {
    case SignRequest::Kind::ShowText:
        return QStringLiteral("SHOW_TEXT %1%2 \"%3\"")
            .arg(toString(r.effect), r.durationS ? QStringLiteral(" %1 s").arg(r.durationS) : QString(), r.text);
    case SignRequest::Kind::Brightness:
        return QStringLiteral("BRIGHTNESS %1%").arg(r.brightness);
    case SignRequest::Kind::ClockSync:
        return QStringLiteral("CLOCK_SYNC %1").arg(r.clock.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    default:
        return toString(r.kind);
    }
}

} // namespace hall::sign

namespace hall::sign::frame {

using hall::rs485::appendU16;
using hall::rs485::readU16;

QString nakReasonText(quint8 reason)
{
    switch (reason) {
    case nak::UnknownCommand:
        return QStringLiteral("unknown command");
    case nak::BadPayload:
        return QStringLiteral("bad payload");
    case nak::UnsupportedEncoding:
        return QStringLiteral("the sign has no GB18030 font (GB2312 only)");
    case nak::TextTooLong:
        return QStringLiteral("text too long for the sign's memory");
    case nak::DisplayFault:
        return QStringLiteral("display fault (LED module or driver board)");
    }
    return QStringLiteral("reason 0x%1").arg(reason, 2, 16, QLatin1Char('0'));
}

QString commandName(quint8 command)
{
    switch (command) {
    case cmd::Ping:
        return QStringLiteral("PING");
    case cmd::ShowText:
        return QStringLiteral("SHOW_TEXT");
    case cmd::Brightness:
        return QStringLiteral("BRIGHTNESS");
    case cmd::Clear:
        return QStringLiteral("CLEAR");
    case cmd::ClockSync:
        return QStringLiteral("CLOCK_SYNC");
    case cmd::Ack:
        return QStringLiteral("ACK");
    case cmd::Nak:
        return QStringLiteral("NAK");
    }
    return QStringLiteral("0x%1").arg(command, 2, 16, QLatin1Char('0'));
}

QString describe(const Frame &frame)
{
    return QStringLiteral("%1 addr %2 seq %3 [%4]")
        .arg(commandName(frame.command))
        .arg(frame.address)
        .arg(frame.seq)
        .arg(toHex(frame.payload));
}

bool isGb2312(const QByteArray &b)
{
    // GB2312 in EUC-CN: ASCII, or two bytes with the lead in A1..F7 and the trail in A1..FE.
    // GB18030's other two-byte and all four-byte sequences fall outside that.
    for (qsizetype i = 0; i < b.size(); ++i) {
        const quint8 c = quint8(b.at(i));
        if (c < 0x80)
            continue;
        if (i + 1 >= b.size())
            return false;
        const quint8 t = quint8(b.at(i + 1));
        if (c < 0xA1 || c > 0xF7 || t < 0xA1 || t > 0xFE)
            return false;
        ++i;
    }
    return true;
}

std::optional<EncodedText> encodeText(const QString &text)
{
    QStringEncoder encoder("GB18030");
    EncodedText out;
    out.bytes = encoder(text);
    if (!encoder.isValid() || encoder.hasError() || decodeText(out.bytes) != text)
        return std::nullopt; // ICU drops a lone surrogate silently; the round trip notices
    out.encoding = isGb2312(out.bytes) ? encoding::Gb2312 : encoding::Gb18030;
    return out;
}

QString decodeText(const QByteArray &bytes)
{
    QStringDecoder decoder("GB18030");
    return decoder(bytes);
}

std::optional<Frame> showTextFrame(quint8 address, quint8 seq, const QString &text, Effect effect, int durationS,
                                   QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<Frame> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    for (const QChar c : text) {
        // A sign's firmware may read control bytes as its own formatting codes.
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            return fail(QStringLiteral("text \"%1\" has a control character").arg(text));
    }
    if (durationS < 0 || durationS > kMaxDurationS)
        return fail(QStringLiteral("duration %1 s is outside 0..65535").arg(durationS));
    const auto encoded = encodeText(text);
    if (!encoded)
        return fail(QStringLiteral("text \"%1\" cannot be encoded as GB18030").arg(text));
    if (encoded->bytes.size() > kMaxTextBytes)
        return fail(QStringLiteral("text \"%1\" is %2 bytes in GB18030; a sign takes at most %3")
                        .arg(text)
                        .arg(encoded->bytes.size())
                        .arg(kMaxTextBytes));
    QByteArray p;
    p.append(char(effect));
    p.append(char(encoded->encoding));
    appendU16(p, quint16(durationS));
    p.append(encoded->bytes);
    return Frame{address, seq, cmd::ShowText, p};
}

Frame pingFrame(quint8 address, quint8 seq) { return Frame{address, seq, cmd::Ping, {}}; }

Frame brightnessFrame(quint8 address, quint8 seq, int percent)
{
    return Frame{address, seq, cmd::Brightness, QByteArray(1, char(qBound(0, percent, 100)))};
}

Frame clearFrame(quint8 address, quint8 seq) { return Frame{address, seq, cmd::Clear, {}}; }

Frame clockSyncFrame(quint8 address, quint8 seq, const QDateTime &local)
{
    const QDate d = local.date();
    const QTime t = local.time();
    QByteArray p;
    appendU16(p, quint16(d.year()));
    p.append(char(d.month()));
    p.append(char(d.day()));
    p.append(char(t.hour()));
    p.append(char(t.minute()));
    p.append(char(t.second()));
    return Frame{address, seq, cmd::ClockSync, p};
}

Frame ackFrame(quint8 address, quint8 seq, quint8 command)
{
    return Frame{address, seq, cmd::Ack, QByteArray(1, char(command))};
}

Frame nakFrame(quint8 address, quint8 seq, quint8 command, quint8 reason)
{
    QByteArray p;
    p.append(char(command));
    p.append(char(reason));
    return Frame{address, seq, cmd::Nak, p};
}

std::optional<ShowText> readShowText(const Frame &frame, quint8 *reason)
{
    *reason = nak::BadPayload;
    if (frame.command != cmd::ShowText || frame.payload.size() < kTextHeader + 1)
        return std::nullopt;
    ShowText s;
    const quint8 effect = quint8(frame.payload.at(0));
    if (effect > quint8(Effect::Flash))
        return std::nullopt;
    s.effect = Effect(effect);
    s.encoding = quint8(frame.payload.at(1));
    if (s.encoding != encoding::Gb2312 && s.encoding != encoding::Gb18030)
        return std::nullopt;
    s.durationS = readU16(frame.payload, 2);
    s.bytes = frame.payload.mid(kTextHeader);
    if (s.encoding == encoding::Gb2312 && !isGb2312(s.bytes))
        return std::nullopt;
    s.text = decodeText(s.bytes);
    return s;
}

std::optional<int> readBrightness(const Frame &frame)
{
    if (frame.command != cmd::Brightness || frame.payload.size() != 1 || quint8(frame.payload.at(0)) > 100)
        return std::nullopt;
    return quint8(frame.payload.at(0));
}

std::optional<QDateTime> readClock(const Frame &frame)
{
    if (frame.command != cmd::ClockSync || frame.payload.size() != 7)
        return std::nullopt;
    const QDate d(readU16(frame.payload, 0), quint8(frame.payload.at(2)), quint8(frame.payload.at(3)));
    const QTime t(quint8(frame.payload.at(4)), quint8(frame.payload.at(5)), quint8(frame.payload.at(6)));
    if (!d.isValid() || !t.isValid())
        return std::nullopt;
    return QDateTime(d, t);
}

} // namespace hall::sign::frame

namespace hall::sign {

namespace {

class HallReplyParser final : public SignReplyParser
{
public:
    void feed(const QByteArray &bytes) override { m_parser.feed(bytes); }
    void lineIdle() override { m_parser.lineIdle(); }
    bool hasPartial() const override { return m_parser.hasPartial(); }
    std::optional<SignReply> next() override
    {
        while (auto f = m_parser.next()) {
            if (!f->isAnswer())
                continue; // our own request, echoed by an adapter that does not suppress it
            SignReply r;
            r.address = f->address;
            r.seq = f->seq;
            if (f->command == frame::cmd::Ack && f->payload.size() == 1) {
                r.ack = true;
                return r;
            }
            if (f->command == frame::cmd::Nak && f->payload.size() == 2) {
                r.nakReason = quint8(f->payload.at(1));
                r.nakText = frame::nakReasonText(r.nakReason);
                r.fault = r.nakReason == frame::nak::DisplayFault;
                return r;
            }
            ++m_oddAnswers; // well-formed, but no answer this protocol version knows
        }
        return std::nullopt;
    }
    void reset() override
    {
        m_parser.reset();
        m_oddAnswers = 0;
    }
    QString garbageSummary() const override
    {
        const auto &s = m_parser.stats();
        QStringList parts;
        if (s.badCrc)
            parts << QStringLiteral("%1 bad CRC").arg(s.badCrc);
        if (s.badHeader)
            parts << QStringLiteral("%1 bad header").arg(s.badHeader);
        if (s.truncated)
            parts << QStringLiteral("%1 cut short").arg(s.truncated);
        if (s.skippedBytes)
            parts << QStringLiteral("%1 stray bytes").arg(s.skippedBytes);
        if (m_oddAnswers)
            parts << QStringLiteral("%1 unknown answers").arg(m_oddAnswers);
        return parts.join(QStringLiteral(", "));
    }

private:
    frame::FrameParser m_parser;
    int m_oddAnswers = 0;
};

} // namespace

std::variant<QByteArray, QString> HallSignProtocol::encode(const SignRequest &r, int address, quint8 seq) const
{
    if (!isValidAddress(address))
        return QStringLiteral("sign address %1 is outside 1..247").arg(address);
    const quint8 a = quint8(address);
    switch (r.kind) {
    case SignRequest::Kind::Ping:
        return frame::encode(frame::pingFrame(a, seq));
    case SignRequest::Kind::ShowText: {
        QString error;
        const auto f = frame::showTextFrame(a, seq, r.text, r.effect, r.durationS, &error);
        if (!f)
            return error;
        return frame::encode(*f);
    }
    case SignRequest::Kind::Brightness:
        if (r.brightness < 0 || r.brightness > 100)
            return QStringLiteral("brightness %1% is outside 0..100").arg(r.brightness);
        return frame::encode(frame::brightnessFrame(a, seq, r.brightness));
    case SignRequest::Kind::Clear:
        return frame::encode(frame::clearFrame(a, seq));
    case SignRequest::Kind::ClockSync:
        if (!r.clock.isValid())
            return QStringLiteral("no valid time to set");
        return frame::encode(frame::clockSyncFrame(a, seq, r.clock));
    }
    return QStringLiteral("unknown request");
}

std::unique_ptr<SignReplyParser> HallSignProtocol::newParser() const
{
    return std::make_unique<HallReplyParser>();
}

} // namespace hall::sign
