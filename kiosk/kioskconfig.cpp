#include "kiosk/kioskconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QSet>

namespace hall::kiosk {

namespace {

constexpr int kMaxFooterChars = 40;

quint16 usbId(bus::SettingsReader &r, const QJsonObject &o, const QString &key, const QString &path)
{
    const QString s = r.text(o, key, path, true);
    bool ok = false;
    const uint v = s.toUInt(&ok, 16);
    if (!r.failed() && (!ok || s.size() != 4 || v > 0xffff))
        r.fail(path, QStringLiteral("must be four hexadecimal digits, as lsusb shows it (\"0416\")"));
    return quint16(v);
}

drivers::TransportConfig printerConfig(bus::SettingsReader &r, const QJsonObject &p)
{
    drivers::TransportConfig t;
    const QString link = r.text(p, QStringLiteral("link"), QStringLiteral("printer.link"), true);
    if (link == QLatin1String("serial")) {
        r.onlyKeys(p, QStringLiteral("printer"), {QStringLiteral("link"), QStringLiteral("port"), QStringLiteral("baud"), QStringLiteral("hardwareFlow"), QStringLiteral("paperWidthMm"), QStringLiteral("logo")});
        t.kind = drivers::TransportConfig::Kind::Serial;
        t.serialPort = r.text(p, QStringLiteral("port"), QStringLiteral("printer.port"), true);
        t.baud = r.integer(p, QStringLiteral("baud"), QStringLiteral("printer.baud"), 9600, 1200, 921600);
        const QJsonValue flow = p.value(QLatin1String("hardwareFlow"));
        if (!flow.isUndefined() && !flow.isBool())
            r.fail(QStringLiteral("printer.hardwareFlow"), QStringLiteral("must be true or false"));
        t.hardwareFlow = flow.toBool(false);
    } else if (link == QLatin1String("tcp")) {
        r.onlyKeys(p, QStringLiteral("printer"), {QStringLiteral("link"), QStringLiteral("host"), QStringLiteral("port"), QStringLiteral("paperWidthMm"), QStringLiteral("logo")});
        t.kind = drivers::TransportConfig::Kind::Tcp;
        t.host = r.text(p, QStringLiteral("host"), QStringLiteral("printer.host"), true);
        t.tcpPort = quint16(r.integer(p, QStringLiteral("port"), QStringLiteral("printer.port"), 9100, 1, 65535));
    } else if (link == QLatin1String("usb")) {
        r.onlyKeys(p, QStringLiteral("printer"), {QStringLiteral("link"), QStringLiteral("vendorId"), QStringLiteral("productId"), QStringLiteral("serial"), QStringLiteral("paperWidthMm"), QStringLiteral("logo")});
        t.kind = drivers::TransportConfig::Kind::Usb;
        t.vendorId = usbId(r, p, QStringLiteral("vendorId"), QStringLiteral("printer.vendorId"));
        t.productId = usbId(r, p, QStringLiteral("productId"), QStringLiteral("printer.productId"));
        t.usbSerial = r.text(p, QStringLiteral("serial"), QStringLiteral("printer.serial"), false);
    } else if (link == QLatin1String("file")) {
        r.onlyKeys(p, QStringLiteral("printer"), {QStringLiteral("link"), QStringLiteral("path"), QStringLiteral("paperWidthMm"), QStringLiteral("logo")});
        t.kind = drivers::TransportConfig::Kind::File;
        t.path = r.text(p, QStringLiteral("path"), QStringLiteral("printer.path"), true);
    } else if (!r.failed()) {
        r.fail(QStringLiteral("printer.link"), QStringLiteral("must be \"serial\", \"tcp\", \"usb\" or \"file\""));
    }
    return t;
}

} // namespace

KioskConfigResult parseKioskConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir)
{
    bus::SettingsReader r(json, sourceName, bus::SettingsReader::EmptyOptionalText::Accept);
    const QJsonObject &o = r.root();
    KioskConfig c;
    const QDir base(baseDir);
    bus::readTerminalSettings(r, base, {QStringLiteral("printer"), QStringLiteral("language"), QStringLiteral("idleSeconds"), QStringLiteral("ticketSeconds"), QStringLiteral("footer")}, c);
    const QJsonValue printer = o.value(QLatin1String("printer"));
    if (printer.isObject()) {
        c.printer = printerConfig(r, printer.toObject());
        c.paperWidthMm = r.integer(printer.toObject(), QStringLiteral("paperWidthMm"), QStringLiteral("printer.paperWidthMm"), 80, 58, 80);
        if (c.paperWidthMm != 58 && c.paperWidthMm != 80)
            r.fail(QStringLiteral("printer.paperWidthMm"), QStringLiteral("must be 58 or 80"));
        const QString logo = r.text(printer.toObject(), QStringLiteral("logo"), QStringLiteral("printer.logo"), false);
        if (!logo.isEmpty())
            c.logoFile = base.filePath(logo);
    } else if (!printer.isUndefined() && !printer.isNull()) {
        r.fail(QStringLiteral("printer"), QStringLiteral("must be an object (or null for a kiosk without a printer)"));
    }
    c.language = r.text(o, QStringLiteral("language"), QStringLiteral("language"), false, c.language);
    if (c.language != QLatin1String("zh") && c.language != QLatin1String("en"))
        r.fail(QStringLiteral("language"), QStringLiteral("must be \"zh\" or \"en\""));
    c.idleSeconds = r.integer(o, QStringLiteral("idleSeconds"), QStringLiteral("idleSeconds"), c.idleSeconds, 5, 3600);
    c.ticketSeconds = r.integer(o, QStringLiteral("ticketSeconds"), QStringLiteral("ticketSeconds"), c.ticketSeconds, 3, 300);
    c.footer = r.text(o, QStringLiteral("footer"), QStringLiteral("footer"), false);
    // Two bytes a Chinese character on the wire: a longer footer would push every ticket on a
    // 9,600-baud printer over its 600-byte budget (docs/hardware.md).
    if (c.footer.size() > kMaxFooterChars)
        r.fail(QStringLiteral("footer"), QStringLiteral("at most %1 characters").arg(kMaxFooterChars));
    if (r.failed())
        return {std::nullopt, r.error()};
    return {std::move(c), {}};
}

KioskConfigResult loadKioskConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: cannot read: %2").arg(path, f.errorString())};
    return parseKioskConfig(f.readAll(), path, QFileInfo(path).absolutePath());
}

} // namespace hall::kiosk
