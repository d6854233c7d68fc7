#pragma once

// The seam between the sign bus driver (SignBus) and the bytes a sign understands. Our own
// protocol (docs/hardware.md, "LED window signs") is one implementation, HallSignProtocol; a
// vendor's protocol can be another, so the driver's queueing, retries and health reporting do
// not depend on the frame layout. Implementations are pure: no I/O, no Qt event loop.

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>
#include <optional>
#include <variant>

namespace hall::sign {

enum class Effect : quint8 { Static = 0, Scroll = 1, Flash = 2 };

QString toString(Effect effect);
std::optional<Effect> effectFromString(const QString &name);

// What the host asks of one sign. Kinds that replace each other's effect on the display
// (ShowText, Clear) share a queue slot in the driver, so only the newest of them is ever sent.
struct SignRequest {
    enum class Kind { Ping, ShowText, Brightness, Clear, ClockSync };
    Kind kind = Kind::Ping;
    QString text;         // ShowText
    Effect effect = Effect::Static;
    int durationS = 0;    // ShowText: 0 = until replaced, else seconds before the standing text returns
    int brightness = 100; // Brightness, percent 0..100
    QDateTime clock;      // ClockSync: the hall's local time

    static SignRequest ping() { return {}; }
    static SignRequest showText(const QString &text, Effect effect, int durationS = 0);
    static SignRequest setBrightness(int percent);
    static SignRequest clear();
    static SignRequest syncClock(const QDateTime &local);
    bool operator==(const SignRequest &) const = default;
};

QString toString(SignRequest::Kind kind);
// "SHOW_TEXT flash 10 s \"请 A023 号\"" for logs.
QString describe(const SignRequest &request);

// A sign's answer to one request.
struct SignReply {
    int address = 0;
    quint8 seq = 0;
    bool ack = false;
    quint8 nakReason = 0; // protocol-specific code, when !ack
    QString nakText;      // the reason in words, when !ack
    bool fault = false;   // the NAK says the sign itself is broken (LED module, driver board)
};

// Reassembles answers from the bytes on the line, resynchronising on noise.
class SignReplyParser
{
public:
    virtual ~SignReplyParser() = default;
    virtual void feed(const QByteArray &bytes) = 0;
    // The line has been quiet longer than bytes of one frame are ever apart.
    virtual void lineIdle() = 0;
    virtual bool hasPartial() const = 0;
    // The next well-formed answer (requests echoed by the adapter are skipped).
    virtual std::optional<SignReply> next() = 0;
    virtual void reset() = 0;
    // What was thrown away since the last reset, in words ("3 bad CRC, 17 stray bytes"); empty when nothing.
    virtual QString garbageSummary() const = 0;
};

class SignProtocol
{
public:
    virtual ~SignProtocol() = default;
    virtual QString name() const = 0;
    virtual bool isValidAddress(int address) const = 0;
    // The request's bytes for this sign, or why it cannot be sent (text too long, say).
    virtual std::variant<QByteArray, QString> encode(const SignRequest &request, int address, quint8 seq) const = 0;
    virtual std::unique_ptr<SignReplyParser> newParser() const = 0;
};

} // namespace hall::sign
