#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace hall::bus {

// A CURVE key pair in Z85 text (40 characters each), as ZeroMQ's socket options take them.
struct KeyPair {
    QByteArray publicKey;
    QByteArray secretKey; // empty when only the public key is known
};

std::optional<KeyPair> generateKeyPair(QString *error);

// True for 40 Z85 characters that decode to a 32-byte key.
bool isZ85Key(const QByteArray &key);

// Key files are text: "public <z85>" and, for a device's own file, "secret <z85>", one per line;
// '#' starts a comment. A file holding a secret is written with mode 0600 and refused when it is
// readable by anyone else, as ssh does: a leaked secret key is a terminal anyone can impersonate.
bool writeKeyFile(const QString &path, const KeyPair &keys, const QString &comment, QString *error);
std::optional<KeyPair> readKeyFile(const QString &path, QString *error);

} // namespace hall::bus
