#pragma once

#include "engine/types.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

#include <optional>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcConfig)

namespace hall::config {

// The hall configuration file: services, windows and clerks (docs/configuration.md).
// Parsing is strict: an unknown key is an error, because a misspelt key silently ignored is a
// hall that opens with the wrong windows.
// The hall's LED window signs (docs/configuration.md, "signs"). hall-server drives them; the
// engine never sees this, so it is kept beside the engine's configuration, not in it.
struct SignWindowConfig {
    int window = 0;
    int address = 0;  // on the sign bus, 1..247
    QString idleText; // overrides SignsConfig::idleText for this window when not empty
    bool operator==(const SignWindowConfig &) const = default;
};

struct SignsConfig {
    bool enabled = false; // no "signs" section, or "enabled": false: no sign bus at all
    QString port;         // "/dev/ttyUSB1"
    int baud = 9600;
    int ackTimeoutMs = 300;
    int retries = 1;
    int probeIntervalMs = 5000;
    int clockSyncMinutes = 60;
    int brightness = -1; // percent 0..100; -1 leaves the signs' own setting
    // Texts; {ticket} is the ticket ("A023"), {window} the window's number, {name} its name.
    QString callText = QStringLiteral("请 {ticket} 号");
    QString servingText = QStringLiteral("{ticket}");
    QString idleText = QStringLiteral("{name} 欢迎");
    QString pausedText = QStringLiteral("暂停服务");
    std::vector<SignWindowConfig> windows;
    bool operator==(const SignsConfig &) const = default;
};

struct LoadResult {
    std::optional<engine::HallConfig> config;
    SignsConfig signs;
    QString error; // "FILE: key.path: reason", one line
};

LoadResult loadFile(const QString &path);
LoadResult parse(const QByteArray &json, const QString &sourceName);

// PINs are stored only as argon2id strings (libsodium crypto_pwhash_str).
QString hashPin(const QString &pin);
bool verifyPin(const std::string &hash, const QString &pin);
bool isArgon2idHash(const std::string &hash);

} // namespace hall::config
