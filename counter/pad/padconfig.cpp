#include "counter/pad/padconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

namespace hall::pad {

PadConfigResult parsePadConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir)
{
    bus::SettingsReader r(json, sourceName);
    const QJsonObject &o = r.root();
    PadConfig c;
    const QDir base(baseDir);
    bus::readTerminalSettings(r, base, {QStringLiteral("photoDir"), QStringLiteral("thanksSeconds"), QStringLiteral("reasonSeconds")}, c);
    const QString photoDir = r.text(o, QStringLiteral("photoDir"), QStringLiteral("photoDir"), false);
    if (!photoDir.isEmpty())
        c.photoDir = QDir::cleanPath(base.filePath(photoDir));
    c.thanksSeconds = r.integer(o, QStringLiteral("thanksSeconds"), QStringLiteral("thanksSeconds"), c.thanksSeconds, 2, 60);
    c.reasonSeconds = r.integer(o, QStringLiteral("reasonSeconds"), QStringLiteral("reasonSeconds"), c.reasonSeconds, 3, 60);
    if (r.failed())
        return {std::nullopt, r.error()};
    return {std::move(c), {}};
}

PadConfigResult loadPadConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: cannot read: %2").arg(path, f.errorString())};
    return parsePadConfig(f.readAll(), path, QFileInfo(path).absolutePath());
}

} // namespace hall::pad
