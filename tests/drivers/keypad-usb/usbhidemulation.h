#pragma once

// A USB HID keypad emulated by umockdev, for tests that run the real libusb under
// umockdev-wrapper: the device is added to a testbed from its descriptors, and the usbfs ioctls
// libusb sends to its /dev node are answered in EmulatedKeypad, much as the kernel
// (tests/drivers/usbemulation.h, shared with the printer's emulation) and a keypad would.
// Interrupt IN transfers are answered one report each from a queue the test feeds; unlike the
// printer's byte stream a keypad's traffic is whole reports, and several keypads sit on one bus.

#include "tests/drivers/usbemulation.h"

#include <QByteArray>
#include <QMutexLocker>
#include <QString>
#include <QtGlobal>

#include <cerrno>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <map>
#include <utility>

namespace hidemulation {

using usbemulation::runsUnderUmockdevWrapper;

inline constexpr quint16 kVendor = 0x1a2c;
inline constexpr quint16 kProduct = 0x2124;
inline constexpr unsigned char kIn = 0x81;

// Device, configuration, interface, HID and endpoint descriptors as a cheap keypad reports them
// (the sysfs "descriptors" file): one interface of class 3 (HID), subclass 1 (boot), protocol 1
// (keyboard), 8-byte reports on interrupt IN endpoint 0x81.
inline QByteArray keypadDescriptors(quint8 interfaceClass = 3, quint8 subclass = 1, quint8 protocol = 1,
                                    quint8 serialIndex = 3)
{
    QByteArray d;
    auto add = [&d](std::initializer_list<int> bytes) {
        for (int b : bytes)
            d.append(char(b));
    };
    add({0x12, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00, 0x08, kVendor & 0xff, kVendor >> 8, kProduct & 0xff, kProduct >> 8,
         0x00, 0x01, 0x01, 0x02, serialIndex, 0x01});
    add({0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x00, 0xa0, 0x32});
    add({0x09, 0x04, 0x00, 0x00, 0x01, interfaceClass, subclass, protocol, 0x00});
    add({0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00}); // HID 1.11, one report descriptor of 63 bytes
    add({0x07, 0x05, kIn, 0x03, 0x08, 0x00, 0x0a});              // interrupt IN, 8 bytes, every 10 ms
    return d;
}

// A boot keyboard report: no modifiers, the given usages in the six slots.
inline QByteArray bootReport(std::initializer_list<int> usages, int modifiers = 0)
{
    QByteArray r(8, '\0');
    r[0] = char(modifiers);
    int slot = 2;
    for (int usage : usages)
        r[slot++] = char(usage);
    return r;
}

// What the keypad side saw and does, behind the device's mutex (see EmulatedUsbDevice): the
// keypad's reader sits in a blocking libusb call while umockdev's handler thread answers it.
// Destroy it after the keypads that used it are stopped: its handler may still be called until
// its destructor disconnects it.
class EmulatedKeypad : public usbemulation::EmulatedUsbDevice
{
public:
    // What only a HID device is asked.
    struct HidCounts {
        int interruptIn = 0;
        int setProtocol = 0;
        int protocolValue = -1; // wValue of the last SET_PROTOCOL: 0 boot, 1 report
        int protocolInterface = -1;
    };
    struct Counts : usbemulation::UsbfsCounts, HidCounts {};

    explicit EmulatedKeypad(QString serial = QStringLiteral("HALL0001"))
        : EmulatedUsbDevice("usbhid", std::move(serial))
    {
    }

    // Reports to send, one per interrupt IN transfer, in order.
    void send(const QByteArray &report)
    {
        QMutexLocker lock(mutex());
        m_reports.push_back(report);
        feedInLocked();
    }
    // Every report sent has been taken, and the host is polling again: since the reader only
    // polls again after it handled a report, everything sent so far has been handled.
    bool drained() const
    {
        QMutexLocker lock(mutex());
        return m_reports.empty() && holdsLocked(kIn);
    }
    bool readPending() const { return transferPending(kIn); }

    Counts counts() const
    {
        QMutexLocker lock(mutex());
        Counts c;
        static_cast<usbemulation::UsbfsCounts &>(c) = usbfsCountsLocked();
        static_cast<HidCounts &>(c) = m_hidCounts;
        return c;
    }

private:
    bool submitLocked(UMockdevIoctlData *urbData) override
    {
        const auto *urb = usbemulation::urbOf(urbData);
        if (urb->type != USBDEVFS_URB_TYPE_INTERRUPT || urb->endpoint != kIn)
            return false;
        ++m_hidCounts.interruptIn;
        holdLocked(urbData);
        feedInLocked();
        return true;
    }

    // HID SET_PROTOCOL and SET_IDLE; the string descriptors (for the serial number) are the
    // base's, and all else stalls.
    bool controlLocked(UMockdevIoctlData *urbData, const unsigned char *setup) override
    {
        if (setup[0] != 0x21 || (setup[1] != 0x0b && setup[1] != 0x0a))
            return false;
        if (setup[1] == 0x0b) {
            ++m_hidCounts.setProtocol;
            m_hidCounts.protocolValue = setup[2] | (setup[3] << 8);
            m_hidCounts.protocolInterface = setup[4] | (setup[5] << 8);
        }
        finishLocked(urbData, 0, 0);
        return true;
    }

    void onUnplugLocked() override { m_reports.clear(); }

    void feedInLocked()
    {
        while (!m_reports.empty()) {
            UMockdevIoctlData *urbData = takeHeldLocked(kIn);
            if (!urbData)
                break;
            auto *urb = usbemulation::urbOf(urbData);
            const QByteArray report = m_reports.front();
            m_reports.pop_front();
            // More than the transfer asked for: the host controller calls that babble.
            const int length = int(qMin<qsizetype>(report.size(), urb->buffer_length));
            std::memcpy(urb->buffer, report.constData(), size_t(length));
            finishLocked(urbData, length < report.size() ? -EOVERFLOW : 0, length);
        }
    }

    std::deque<QByteArray> m_reports;
    HidCounts m_hidCounts;
};

// A umockdev testbed for bus 1, where keypads are plugged into ports ("1-2" is port 2 of the
// root hub). Every plug-in takes the next device address, as the kernel does, while the port
// path stays.
class Testbed : public usbemulation::UsbTestbed
{
public:
    bool plugIn(EmulatedKeypad &keypad, const QByteArray &port = "1-2", const QByteArray &descriptors = keypadDescriptors())
    {
        const int address = ++m_lastAddress;
        if (!add(keypad.handler(), "/devices/usb1/" + port, address, "1.5", descriptors))
            return false;
        m_plugged[port] = address;
        return true;
    }

    void unplug(const QByteArray &port = "1-2")
    {
        const auto it = m_plugged.find(port);
        if (it == m_plugged.end())
            return;
        remove("/devices/usb1/" + port, it->second);
        m_plugged.erase(it);
    }

    QByteArray devNode(const QByteArray &port = "1-2") const
    {
        const auto it = m_plugged.find(port);
        return it == m_plugged.end() ? QByteArray() : devNodeOf(it->second);
    }

private:
    int m_lastAddress = 1; // 1 is the root hub's
    std::map<QByteArray, int> m_plugged; // port -> device address
};

// A testbed with one keypad on it, made afresh for each test function so that no address, bound
// driver or queued report carries over. The keypad is declared after the testbed, so it goes first.
struct Rig {
    Testbed testbed;
    EmulatedKeypad keypad;

    bool plugIn(const QByteArray &descriptors = keypadDescriptors()) { return testbed.plugIn(keypad, "1-2", descriptors); }
    // The kernel fails the device's transfers, and udev reports it gone.
    void pullThePlug()
    {
        keypad.unplug();
        testbed.unplug("1-2");
    }
};

} // namespace hidemulation
