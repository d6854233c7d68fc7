#pragma once

// A USB printer emulated by umockdev, for tests that run the real libusb (and what sits on top of
// it) under umockdev-wrapper: the device is added to a testbed from its descriptors, and the
// usbfs ioctls libusb sends to its /dev node are answered in EmulatedPrinter, much as the kernel
// (usbemulation.h) and the printer would. Nothing needs root. Shared by the transport and the
// printer tests.

#include "tests/drivers/usbemulation.h"

#include <QByteArray>
#include <QList>
#include <QMutexLocker>
#include <QtGlobal>

#include <cstring>
#include <initializer_list>

namespace usbemulation {

inline constexpr quint16 kVendor = 0x0416;
inline constexpr quint16 kProduct = 0x5011;
inline constexpr unsigned char kOut = 0x01;
inline constexpr unsigned char kIn = 0x82;

// Device, configuration, interface and endpoint descriptors as a USB POS printer reports them
// (the sysfs "descriptors" file): interface class 7, subclass 1, protocol 2 (bidirectional).
inline QByteArray printerDescriptors(quint8 interfaceClass = 7, quint8 serialIndex = 3)
{
    QByteArray d;
    auto add = [&d](std::initializer_list<int> bytes) {
        for (int b : bytes)
            d.append(char(b));
    };
    add({0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, kVendor & 0xff, kVendor >> 8, kProduct & 0xff,
         kProduct >> 8, 0x00, 0x01, 0x01, 0x02, serialIndex, 0x01});
    add({0x09, 0x02, 0x20, 0x00, 0x01, 0x01, 0x00, 0xc0, 0x32});
    add({0x09, 0x04, 0x00, 0x00, 0x02, interfaceClass, 0x01, 0x02, 0x00});
    add({0x07, 0x05, kOut, 0x02, 0x40, 0x00, 0x00});
    add({0x07, 0x05, kIn, 0x02, 0x40, 0x00, 0x00});
    return d;
}

// What the printer side saw and does, behind the device's mutex (see EmulatedUsbDevice). On its
// own it only takes data and sends what the test hands to send(); a subclass that overrides
// answerBulkOut() answers what arrives, as a real printer answers its status queries.
// Destroy it after the transports that used it are closed: its handler may still be called until
// its destructor disconnects it.
class EmulatedPrinter : public EmulatedUsbDevice
{
public:
    using Counts = UsbfsCounts;

    EmulatedPrinter() : EmulatedUsbDevice("usblp", QStringLiteral("HALL0001")) {}

    // Bytes the printer has to send (status); they go out with the next bulk IN transfers.
    void send(const QByteArray &bytes)
    {
        QMutexLocker lock(mutex());
        m_toSend += bytes;
        feedInLocked();
    }
    void setStallOut(bool stall)
    {
        QMutexLocker lock(mutex());
        m_stallOut = stall;
    }

    QByteArray received() const
    {
        QMutexLocker lock(mutex());
        return m_received;
    }
    QList<int> outUrbSizes() const
    {
        QMutexLocker lock(mutex());
        return m_outUrbSizes;
    }
    bool readPending() const { return transferPending(kIn); }
    Counts counts() const { return usbfsCounts(); }

protected:
    // Called with every bulk OUT transfer the printer takes, on umockdev's handler thread and
    // with the printer's mutex held (so it must not call back into the public members); what it
    // returns is sent back over bulk IN, after anything already queued.
    virtual QByteArray answerBulkOut(const QByteArray &bytes)
    {
        Q_UNUSED(bytes)
        return {};
    }

private:
    bool submitLocked(UMockdevIoctlData *urbData) override
    {
        auto *urb = urbOf(urbData);
        if (urb->type != USBDEVFS_URB_TYPE_BULK)
            return false;
        if (urb->endpoint == kOut) {
            if (m_stallOut) {
                holdLocked(urbData);
            } else {
                const QByteArray bytes(static_cast<const char *>(urb->buffer), urb->buffer_length);
                m_received.append(bytes);
                m_outUrbSizes.append(urb->buffer_length);
                finishLocked(urbData, 0, urb->buffer_length);
                m_toSend += answerBulkOut(bytes);
                feedInLocked();
            }
            return true;
        }
        if (urb->endpoint == kIn) {
            holdLocked(urbData);
            feedInLocked();
            return true;
        }
        return false;
    }

    void feedInLocked()
    {
        while (!m_toSend.isEmpty()) {
            UMockdevIoctlData *urbData = takeHeldLocked(kIn);
            if (!urbData)
                break;
            auto *urb = urbOf(urbData);
            const QByteArray chunk = m_toSend.left(urb->buffer_length);
            m_toSend.remove(0, chunk.size());
            std::memcpy(urb->buffer, chunk.constData(), size_t(chunk.size()));
            finishLocked(urbData, 0, int(chunk.size()));
        }
    }

    bool m_stallOut = false;
    QByteArray m_received;
    QList<int> m_outUrbSizes;
    QByteArray m_toSend;
};

// A umockdev testbed with the printer plugged into bus 1; replugging gives it a new address as
// the kernel would.
class Testbed : public UsbTestbed
{
public:
    bool plugIn(EmulatedPrinter &printer, const QByteArray &descriptors)
    {
        return add(printer.handler(), "/devices/usb1", ++m_address, "12", descriptors);
    }
    void unplug() { remove("/devices/usb1", m_address); }
    QByteArray devNode() const { return devNodeOf(m_address); }

private:
    int m_address = 0;
};

// A testbed with one printer on it, made afresh for each test function so that no bus address,
// bound driver or queued bytes carry over. The printer is declared after the testbed, so it goes
// first, as when both were a test's locals.
template<typename PrinterType = EmulatedPrinter>
struct Rig {
    Testbed testbed;
    PrinterType printer;

    bool plugIn(const QByteArray &descriptors = printerDescriptors()) { return testbed.plugIn(printer, descriptors); }
    // The kernel fails the device's transfers, and udev reports it gone.
    void pullThePlug()
    {
        printer.unplug();
        testbed.unplug();
    }
};

} // namespace usbemulation
