#include "curvekeys.h"

#include <QFile>
#include <QSaveFile>

#include <zmq.h>

namespace hall::bus {

namespace {
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                             | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
} // namespace

bool isZ85Key(const QByteArray &key)
{
    if (key.size() != 40)
        return false;
    quint8 raw[32];
    return zmq_z85_decode(raw, key.constData()) != nullptr;
}

std::optional<KeyPair> generateKeyPair(QString *error)
{
    char pub[41] = {}, sec[41] = {};
    if (zmq_curve_keypair(pub, sec) != 0) {
        *error = QStringLiteral("cannot generate a CURVE key pair: %1 (is libzmq built with CURVE?)").arg(QString::fromLocal8Bit(zmq_strerror(zmq_errno())));
        return std::nullopt;
    }
    return KeyPair{QByteArray(pub, 40), QByteArray(sec, 40)};
}

bool writeKeyFile(const QString &path, const KeyPair &keys, const QString &comment, QString *error)
{
    if (!isZ85Key(keys.publicKey) || (!keys.secretKey.isEmpty() && !isZ85Key(keys.secretKey))) {
        *error = QStringLiteral("%1: not writing a malformed key").arg(path);
        return false;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, f.errorString());
        return false;
    }
    // Before any byte of the secret is written: the temporary file must never be readable by others.
    if (!keys.secretKey.isEmpty() && !f.setPermissions(kOwnerOnly)) {
        *error = QStringLiteral("%1: cannot restrict the file to its owner").arg(path);
        f.cancelWriting();
        return false;
    }
    QByteArray text;
    for (const QString &line : comment.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        text += "# " + line.toUtf8() + '\n';
    text += "public " + keys.publicKey + '\n';
    if (!keys.secretKey.isEmpty())
        text += "secret " + keys.secretKey + '\n';
    f.write(text);
    if (!f.commit()) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

std::optional<KeyPair> readKeyFile(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    KeyPair keys;
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.indexOf(' ');
        const QByteArray key = line.left(space), value = space < 0 ? QByteArray() : line.mid(space + 1).trimmed();
        QByteArray *slot = key == "public" ? &keys.publicKey : key == "secret" ? &keys.secretKey : nullptr;
        if (!slot || !slot->isEmpty() || !isZ85Key(value)) {
            *error = QStringLiteral("%1: line %2: expected \"public <key>\" or \"secret <key>\" once each, keys as 40 Z85 characters")
                         .arg(path)
                         .arg(lineNo);
            return std::nullopt;
        }
        *slot = value;
    }
    if (keys.publicKey.isEmpty()) {
        *error = QStringLiteral("%1: no public key").arg(path);
        return std::nullopt;
    }
    if (!keys.secretKey.isEmpty()) {
        if (f.permissions() & kOthers) {
            *error = QStringLiteral("%1: holds a secret key but others may read it; run: chmod 600 %1").arg(path);
            return std::nullopt;
        }
        char derived[41] = {};
        if (zmq_curve_public(derived, keys.secretKey.constData()) != 0 || QByteArray(derived, 40) != keys.publicKey) {
            *error = QStringLiteral("%1: the public key does not belong to the secret key").arg(path);
            return std::nullopt;
        }
    }
    return keys;
}

} // namespace hall::bus
