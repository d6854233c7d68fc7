#pragma once

#include "drivers/transport/transport.h"

#include <cstdint>

struct libusb_context;
struct libusb_device;
struct libusb_device_handle;

namespace hall::drivers {

// A USB printer driven directly through libusb: the device is found by vendor and product id
// (and its serial number string when several alike are plugged in), its printer-class interface
// (class 7) claimed after detaching the kernel's usblp, and its bulk endpoints taken from the
// descriptors. Every open() rescans the bus, so a printer that was unplugged and plugged back in
// (new device address) is found again. Each transport has its own libusb context.
class UsbTransport final : public Transport
{
public:
    UsbTransport(quint16 vendorId, quint16 productId, QString serial = {});
    ~UsbTransport() override;

    UsbTransport(const UsbTransport &) = delete;
    UsbTransport &operator=(const UsbTransport &) = delete;

    QString describe() const override;
    int bytesPerSecond() const override;
    // Before the first open() this assumes the usual bidirectional printer; after it, whether
    // the interface has a bulk IN endpoint.
    bool canRead() const override { return m_canRead; }

    std::optional<IoError> open(int timeoutMs) override;
    void close() override;
    bool isOpen() const override { return m_handle != nullptr; }

    std::optional<IoError> write(const QByteArray &bytes, int timeoutMs) override;
    std::variant<QByteArray, IoError> read(qsizetype maxBytes, int timeoutMs) override;
    void discardInput() override;

private:
    struct PrinterInterface {
        int configuration = 0;
        int interfaceNumber = -1;
        int altSetting = 0;
        uint8_t outEndpoint = 0;
        uint8_t inEndpoint = 0;
        int inPacketSize = 64;
    };
    static std::optional<PrinterInterface> findPrinterInterface(libusb_device *device);
    // On the open m_handle; closes it on failure.
    std::optional<IoError> claim(const PrinterInterface &printer);
    IoError openError(int code) const;
    IoError transferError(int code, uint8_t endpoint, const QString &doing);
    QString ids() const;
    QString udevRule() const;

    quint16 m_vendorId;
    quint16 m_productId;
    QString m_serial;
    libusb_context *m_context = nullptr;
    libusb_device_handle *m_handle = nullptr;
    PrinterInterface m_printer;
    bool m_canRead = true;
    QByteArray m_pending; // bytes of a bulk IN transfer beyond what the caller asked for
};

} // namespace hall::drivers
