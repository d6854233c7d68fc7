#pragma once

#include <QLoggingCategory>
#include <QObject>
#include <QString>

#include <map>

Q_DECLARE_LOGGING_CATEGORY(lcKeypad)

// Hardware rating keypads (评价器 with physical keys): the seam between a keypad and the
// counter that hosts it. Implementations: rs485/ (our framed, polled protocol; docs/hardware.md)
// and usb/ (HID keypads read through libusb).
namespace hall::keypad {

// One physical key press, reported exactly once however often the link retried.
struct KeyEvent {
    QString keypad;        // which keypad: "rs485:<address>" or "usb:<bus>-<port>"
    quint32 eventId = 0;   // the keypad's own id for this press (0 when the hardware has none)
    int key = 0;           // physical key number, 1 = leftmost / top
    qint64 receivedAtMs = 0; // host clock (QDateTime::currentMSecsSinceEpoch) when it arrived
};

// What a key means: the hall's rating values (docs/protocol.md section 8) by key number.
class KeyMap
{
public:
    // The defaults for a scale ("two" or "five"): keys 1.. in order from most to least satisfied.
    static KeyMap defaults(const QString &scale);
    // From config: {"1": "satisfied", "2": "unsatisfied"}; refuses unknown rating values and
    // keys outside 1..16, with the reason in *error.
    static bool fromJson(const QJsonObject &o, const QString &scale, KeyMap *out, QString *error);

    QString ratingFor(int key) const; // empty: the key means nothing (ignored and logged)
    const std::map<int, QString> &keys() const { return m_keys; }

private:
    std::map<int, QString> m_keys;
};

// A keypad on some link. Runs on its owner's thread as seen from outside: signals arrive there,
// whatever thread the implementation does its blocking I/O on.
class Keypad : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~Keypad() override = default;

    // Opens the link and begins reading or polling; false with a sentence in *error when the
    // link cannot even be opened. A keypad that goes away later is reported by statusChanged
    // and retried by itself.
    virtual bool start(QString *error) = 0;
    virtual void stop() = 0;
    // "ok", "offline" (no answer / unplugged) or "failed" (answers that make no sense).
    virtual QString statusCode() const = 0;
    // Lights the keypad's "please rate" prompt where the hardware has one; a no-op elsewhere.
    virtual void setPrompt(bool on) { Q_UNUSED(on); }

Q_SIGNALS:
    void keyPressed(const hall::keypad::KeyEvent &event);
    void statusChanged(const QString &code, const QString &detail);
};

} // namespace hall::keypad

Q_DECLARE_METATYPE(hall::keypad::KeyEvent)
