#include "drivers/keypad/usb/usbhidkeypadconfig.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>

namespace hall::keypad {

namespace {

bool hexId(const QJsonObject &o, const QString &key, quint16 *out, QString *error)
{
    const QJsonValue v = o.value(key);
    static const QRegularExpression fourHex(QStringLiteral("^[0-9a-fA-F]{4}$"));
    if (!v.isString() || !fourHex.match(v.toString()).hasMatch()) {
        *error = QStringLiteral("%1: must be four hexadecimal digits as lsusb shows them (e.g. \"1a2c\")").arg(key);
        return false;
    }
    *out = quint16(v.toString().toUInt(nullptr, 16));
    if (*out == 0) {
        *error = QStringLiteral("%1: 0000 is no USB id").arg(key);
        return false;
    }
    return true;
}

} // namespace

std::map<int, int> UsbHidKeypadConfig::defaultUsages()
{
    std::map<int, int> m;
    for (int key = 1; key <= 5; ++key) {
        m[0x1d + key] = key; // keyboard row '1'..'5'
        m[0x58 + key] = key; // numeric keypad '1'..'5'
    }
    return m;
}

QString UsbHidKeypadConfig::ids() const
{
    return QStringLiteral("%1:%2").arg(vendorId, 4, 16, QLatin1Char('0')).arg(productId, 4, 16, QLatin1Char('0'));
}

bool UsbHidKeypadConfig::fromJson(const QJsonObject &o, UsbHidKeypadConfig *out, QString *error)
{
    static const QStringList known{QStringLiteral("link"),   QStringLiteral("vendorId"), QStringLiteral("productId"),
                                   QStringLiteral("serial"), QStringLiteral("port"),     QStringLiteral("format"),
                                   QStringLiteral("usages"), QStringLiteral("keyNumberOffset")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("\"%1\" is not a USB keypad setting (known: %2)").arg(it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }

    UsbHidKeypadConfig c;
    if (!hexId(o, QStringLiteral("vendorId"), &c.vendorId, error) || !hexId(o, QStringLiteral("productId"), &c.productId, error))
        return false;
    for (const QString &key : {QStringLiteral("serial"), QStringLiteral("port")}) {
        if (o.contains(key) && !o.value(key).isString()) {
            *error = QStringLiteral("%1: must be a string").arg(key);
            return false;
        }
    }
    c.serial = o.value(QStringLiteral("serial")).toString();
    c.port = o.value(QStringLiteral("port")).toString();
    static const QRegularExpression portPath(QStringLiteral("^[0-9]+-[0-9]+(\\.[0-9]+)*$"));
    if (!c.port.isEmpty() && !portPath.match(c.port).hasMatch()) {
        *error = QStringLiteral("port: \"%1\" is not a <bus>-<port path> such as \"1-2\" or \"1-2.3\"").arg(c.port);
        return false;
    }

    const QString format = o.value(QStringLiteral("format")).toString(QStringLiteral("keyboard"));
    if (format == QLatin1String("keyboard")) {
        c.format = UsbReportFormat::Keyboard;
    } else if (format == QLatin1String("keyNumber")) {
        c.format = UsbReportFormat::KeyNumber;
    } else {
        *error = QStringLiteral("format: \"%1\" is neither \"keyboard\" nor \"keyNumber\"").arg(format);
        return false;
    }

    if (o.contains(QStringLiteral("keyNumberOffset"))) {
        const QJsonValue v = o.value(QStringLiteral("keyNumberOffset"));
        const int offset = v.toInt(-1);
        if (!v.isDouble() || offset < 0 || offset > 63 || v.toDouble() != offset) {
            *error = QStringLiteral("keyNumberOffset: must be a byte position 0..63");
            return false;
        }
        c.keyNumberOffset = offset;
    }

    if (o.contains(QStringLiteral("usages"))) {
        if (!o.value(QStringLiteral("usages")).isObject()) {
            *error = QStringLiteral("usages: must map usage codes to key numbers, e.g. {\"1e\": 1}");
            return false;
        }
        const QJsonObject usages = o.value(QStringLiteral("usages")).toObject();
        static const QRegularExpression hexByte(QStringLiteral("^(0[xX])?[0-9a-fA-F]{1,2}$"));
        c.usages.clear();
        for (auto it = usages.begin(); it != usages.end(); ++it) {
            QString code = it.key();
            if (!hexByte.match(code).hasMatch()) {
                *error = QStringLiteral("usages: \"%1\" is not a usage code in hexadecimal (e.g. \"1e\" for '1')").arg(code);
                return false;
            }
            if (code.startsWith(QLatin1String("0x"), Qt::CaseInsensitive))
                code.remove(0, 2);
            const int usage = code.toInt(nullptr, 16);
            // 0 is "no key", 1..3 are the error codes a keyboard reports instead of keys.
            if (usage < 4) {
                *error = QStringLiteral("usages: \"%1\" is a reserved or error code, not a key").arg(it.key());
                return false;
            }
            const int key = it.value().toInt(0);
            if (!it.value().isDouble() || key < 1 || key > 16 || it.value().toDouble() != key) {
                *error = QStringLiteral("usages.%1: must be a key number 1..16").arg(it.key());
                return false;
            }
            c.usages[usage] = key;
        }
        if (c.usages.empty()) {
            *error = QStringLiteral("usages: maps no usage to a key");
            return false;
        }
    }

    *out = std::move(c);
    return true;
}

} // namespace hall::keypad
