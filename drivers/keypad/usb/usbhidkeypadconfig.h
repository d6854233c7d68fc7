#pragma once

#include <QString>
#include <QtGlobal>

#include <map>

class QJsonObject;

namespace hall::keypad {

// How a USB keypad's input reports carry the key.
enum class UsbReportFormat {
    // A HID keyboard in boot protocol: 8 bytes (modifiers, reserved, up to six usage codes of the
    // keys held now). What nearly every cheap satisfaction keypad is.
    Keyboard,
    // A vendor-defined report: one byte at keyNumberOffset holds the key number held now, 0 none.
    KeyNumber,
};

// Which USB keypad, and what its reports mean. docs/hardware.md, "Rating keypads, USB HID".
struct UsbHidKeypadConfig {
    quint16 vendorId = 0;
    quint16 productId = 0;
    // Narrow the choice when several alike are plugged in: the iSerialNumber string, and/or the
    // "<bus>-<port path>" (e.g. "1-2.3") as in KeyEvent.keypad after "usb:". A port keeps its
    // path across replugs, so it names "the keypad at window 5" even for keypads without serial.
    QString serial;
    QString port;
    UsbReportFormat format = UsbReportFormat::Keyboard;
    // Keyboard: HID keyboard usage code (page 7) -> key number 1..16.
    std::map<int, int> usages = defaultUsages();
    // KeyNumber: the byte that holds the key number (1 when the report starts with a report id).
    int keyNumberOffset = 0;

    // Keyboard '1'..'5' (0x1E..0x22) and keypad '1'..'5' (0x59..0x5D) -> keys 1..5.
    static std::map<int, int> defaultUsages();

    // From config, e.g. {"vendorId": "1a2c", "productId": "2124", "port": "1-2",
    // "usages": {"1e": 1, "0x59": 1}} or {"vendorId": ..., "format": "keyNumber", "keyNumberOffset": 1}.
    // Refuses unknown keys and values out of range, with the reason in *error.
    static bool fromJson(const QJsonObject &o, UsbHidKeypadConfig *out, QString *error);

    // "1a2c:2124", as lsusb prints it.
    QString ids() const;
};

} // namespace hall::keypad
