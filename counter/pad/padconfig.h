#pragma once

#include "bus/settingsreader.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace hall::pad {

// A pad's own settings file (docs/pad.md). Strict like the kiosk's: an unknown key is an error,
// so a misspelt "photoDirectory" never leaves every clerk without a photo unnoticed. The window
// is not here: the server's registry says which window a pad key belongs to (`hello`).
struct PadConfig : bus::TerminalSettings {
    QString photoDir;       // clerks' `photo` paths are resolved against it; empty: initials only
    int thanksSeconds = 5;  // the thank-you (or a refusal) stays this long, then idle
    int reasonSeconds = 12; // the reason chips wait this long for Submit / Skip, then send
};

struct PadConfigResult {
    std::optional<PadConfig> config;
    QString error; // "FILE: key: reason"
};

PadConfigResult loadPadConfig(const QString &path);
PadConfigResult parsePadConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir);

} // namespace hall::pad
