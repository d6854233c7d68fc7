#pragma once

// The seam between a device driver (printer, keypad, sign) and the wire it talks over. Calls
// block for at most their timeout: a driver runs on its own worker thread, never on a UI thread.
// Open, use and close a transport on that one thread (serial and TCP create their Qt objects in
// open()); constructing and destroying it elsewhere is fine once it is closed.
// After an error of kind Gone the transport has closed itself (isOpen() is false): the next
// open() starts afresh (a new connection, a rescan of the USB bus).

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <variant>

namespace hall::drivers {

struct IoError {
    enum class Kind {
        BadConfig,        // the settings cannot describe a device (unknown kind, bad port number)
        NotFound,         // no such port, host or USB device
        PermissionDenied, // the device exists but this user may not open it (the text names the fix)
        Busy,             // another program holds it
        Refused,          // a network printer refused the connection
        Gone,             // it was there and went away (unplugged, connection dropped)
        Timeout,          // nothing (or not everything) moved within the time allowed
        NotOpen,          // a call that needs an open link on a closed one
        Io,               // any other operating-system or library failure
    };
    Kind kind = Kind::Io;
    QString message; // a whole sentence for a log or a technician: what, where, and what to do
};

QString toString(IoError::Kind kind);

// Where a device is and how to reach it, as read from a terminal's configuration file.
struct TransportConfig {
    enum class Kind { Serial, Tcp, Usb, File };
    Kind kind = Kind::Serial;
    // Serial
    QString serialPort; // "/dev/ttyUSB0"
    int baud = 9600;
    bool hardwareFlow = false; // RTS/CTS; XON/XOFF is never used (status bytes would be eaten)
    // TCP (raw port 9100 printers)
    QString host;
    quint16 tcpPort = 9100;
    // USB: by ids, optionally narrowed by the device's serial number string
    quint16 vendorId = 0;
    quint16 productId = 0;
    QString usbSerial;
    // File (/dev/usb/lp0)
    QString path;
};

class Transport
{
public:
    virtual ~Transport() = default;

    // "serial /dev/ttyUSB0 9600 8N1", "tcp 192.168.1.40:9100", "usb 0416:5011", "file /dev/usb/lp0"
    virtual QString describe() const = 0;
    // Bytes per second the link can carry; drivers choose text mode over raster on slow links.
    virtual int bytesPerSecond() const = 0;
    // Whether the device can answer (status queries); a plain file cannot.
    virtual bool canRead() const = 0;

    virtual std::optional<IoError> open(int timeoutMs) = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;

    // All of the bytes are written (and flushed to the device) within timeoutMs, or an error.
    virtual std::optional<IoError> write(const QByteArray &bytes, int timeoutMs) = 0;
    // What arrives within timeoutMs, at most maxBytes: at least one byte, or an error (Timeout
    // when nothing came).
    virtual std::variant<QByteArray, IoError> read(qsizetype maxBytes, int timeoutMs) = 0;
    // Drops bytes already received and not read (stale status from before a query).
    virtual void discardInput() = 0;
};

// The transport the configuration describes, not yet opened; nullptr and *error for a bad config.
std::unique_ptr<Transport> makeTransport(const TransportConfig &config, IoError *error);

} // namespace hall::drivers
