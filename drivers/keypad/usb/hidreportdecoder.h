#pragma once

#include "drivers/keypad/usb/usbhidkeypadconfig.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace hall::keypad {

// Turns a keypad's input reports into presses. A HID report says which keys are held now, not
// what happened, and a keyboard repeats its report while a key is held (idle rate), so a press is
// a key held in this report that was not held in the last one understood. No I/O: the USB keypad
// feeds it on its reader thread, tests feed it directly.
class HidReportDecoder
{
public:
    explicit HidReportDecoder(const UsbHidKeypadConfig &config);

    struct Result {
        std::vector<int> keys;      // key numbers newly pressed, in report order
        std::vector<int> unmapped;  // usages / key numbers newly held that mean no key
        QString ignored;            // why the whole report was ignored (malformed, rollover error)
        bool malformed = false;     // ignored because it is not a report of the configured format
    };
    Result feed(const QByteArray &report);

    // Forgets what was held: after a reconnect the next report starts afresh.
    void reset() { m_held.clear(); }

private:
    Result feedKeyboard(const QByteArray &report);
    Result feedKeyNumber(const QByteArray &report);
    Result pressesOf(const std::vector<int> &heldNow, bool usages);

    UsbHidKeypadConfig m_config;
    std::vector<int> m_held; // usages (Keyboard) or key number (KeyNumber) of the last good report
};

} // namespace hall::keypad
