#pragma once

#include "drivers/keypad/keypad.h"
#include "drivers/keypad/usb/usbhidkeypadconfig.h"

#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace hall::keypad {

// A rating keypad that enumerates as a USB HID device (usually a boot keyboard sending digits),
// read directly through libusb: its HID interface is found by class from the descriptors, taken
// from the kernel's usbhid (so the keys stop typing into whatever window has focus) and given
// back on stop(). Reports are read on a thread of its own; presses and status changes arrive on
// the owner's thread. An unplugged keypad is reported "offline" and looked for again every
// rescanInterval until it is back. docs/hardware.md, "Rating keypads, USB HID".
class UsbHidKeypad final : public Keypad
{
    Q_OBJECT

public:
    explicit UsbHidKeypad(UsbHidKeypadConfig config, QObject *parent = nullptr);
    ~UsbHidKeypad() override;

    UsbHidKeypad(const UsbHidKeypad &) = delete;
    UsbHidKeypad &operator=(const UsbHidKeypad &) = delete;

    // Fails when no matching keypad is plugged in, it has no HID interface, or it cannot be
    // opened or claimed (permission, another program): the sentence says which and what to do.
    bool start(QString *error) override;
    // Returns within one read timeout (about 0.2 s) and gives the interface back to usbhid.
    void stop() override;
    QString statusCode() const override { return m_status; }
    QString statusDetail() const { return m_detail; }

    // "usb:<bus>-<port path>" of the keypad opened last (KeyEvent.keypad); empty before.
    QString keypadId() const;

    // How long an unplugged keypad waits between rescans of the bus; 2000 ms by default.
    void setRescanIntervalMs(int ms) { m_rescanIntervalMs = ms; }

private:
    class Link;

    void run(quint64 generation);
    bool sleepUnlessStopped(int ms);
    void postStatus(quint64 generation, const QString &code, const QString &detail);
    void setStatus(const QString &code, const QString &detail);

    const UsbHidKeypadConfig m_config;
    std::unique_ptr<Link> m_link; // start() and stop() use it only while the reader is not running

    std::thread m_reader;
    mutable std::mutex m_mutex; // guards m_stopping and m_keypadId
    std::condition_variable m_wake;
    bool m_stopping = false;
    QString m_keypadId;
    std::atomic<int> m_rescanIntervalMs{2000};
    quint32 m_lastEventId = 0; // the reader's; runs on across stop() and start()

    // Owner thread only. Events the reader queued before a stop() carry an older generation and
    // are dropped, so nothing arrives after stop() returned.
    quint64 m_generation = 0;
    QString m_status = QStringLiteral("offline");
    QString m_detail;
};

} // namespace hall::keypad
