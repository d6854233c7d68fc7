#pragma once

#include "engine/types.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcConfig)

namespace hall::config {

// The hall configuration file: services, windows and clerks (docs/configuration.md).
// Parsing is strict: an unknown key is an error, because a misspelt key silently ignored is a
// hall that opens with the wrong windows.
struct LoadResult {
    std::optional<engine::HallConfig> config;
    QString error; // "FILE: key.path: reason", one line
};

LoadResult loadFile(const QString &path);
LoadResult parse(const QByteArray &json, const QString &sourceName);

// PINs are stored only as argon2id strings (libsodium crypto_pwhash_str).
QString hashPin(const QString &pin);
bool verifyPin(const std::string &hash, const QString &pin);
bool isArgon2idHash(const std::string &hash);

} // namespace hall::config
