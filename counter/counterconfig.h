#pragma once

#include "bus/settingsreader.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace hall::counter {

// The rating keypad a counter hosts (docs/counter.md, "Keypad"). The counter reads only its own
// keys here; the rest of the object is the driver's and goes to makeKeypad() as it is.
struct CounterKeypadConfig {
    QString padKeyFile;  // the window's `pad`-role key pair: votes never travel on the clerk's key
    QJsonObject keyMap;  // {"1": "satisfied", ...}; empty: the scale's defaults (keys 1.. best first)
    QJsonObject driver;  // the keypad object without padKey and keyMap
};

// A counter terminal's own settings file (docs/counter.md). Parsing is strict like the kiosk's:
// an unknown key is an error, so a misspelt "keypd" never leaves a window without its keypad.
struct CounterConfig : bus::TerminalSettings {
    QString language = QStringLiteral("zh"); // "zh" or "en"
    // How long a refusal stays on screen unless the clerk acts sooner.
    int messageSeconds = 10;
    std::optional<CounterKeypadConfig> keypad;
};

struct CounterConfigResult {
    std::optional<CounterConfig> config;
    QString error; // "FILE: key: reason"
};

CounterConfigResult loadCounterConfig(const QString &path);
CounterConfigResult parseCounterConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir);

} // namespace hall::counter
