#pragma once

#include <QByteArray>
#include <QDir>
#include <QJsonObject>
#include <QSet>
#include <QString>

namespace hall::bus {

// Strict reading of a terminal's JSON settings file. Only the first problem is kept, as
// "FILE: key: reason": later complaints are usually knock-on effects of it, and one precise line
// is what an installer at a kiosk can act on.
class SettingsReader
{
public:
    // The kiosk lets an operator blank an optional string ("footer": "") to mean "none"; the other
    // terminals have no such use for "" and treat it as a slip.
    enum class EmptyOptionalText { Reject, Accept };

    // A document that is not a JSON object becomes the first error ("FILE: not a JSON object
    // (...)") and leaves root() empty, so a parser reads on as usual and reports just that.
    SettingsReader(const QByteArray &json, QString source, EmptyOptionalText emptyOptional = EmptyOptionalText::Reject);

    const QJsonObject &root() const { return m_root; }
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const QString &key, const QString &why);

    // A misspelt key is an error rather than ignored, so it never silently leaves a default in force.
    void onlyKeys(const QJsonObject &o, const QString &where, const QSet<QString> &allowed);

    QString text(const QJsonObject &o, const QString &key, const QString &path, bool required, const QString &fallback = {});
    int integer(const QJsonObject &o, const QString &key, const QString &path, int fallback, int min, int max);

private:
    QString m_source;
    QJsonObject m_root;
    QString m_error;
    EmptyOptionalText m_emptyOptional;
};

// Who a terminal is and how it reaches the server: the part every terminal's settings share.
struct TerminalSettings {
    QString deviceId;      // as registered on the server, e.g. "kiosk-1"
    QString keyFile;       // this terminal's key pair (hallctl keygen), relative to the file
    QString serverKeyFile; // the server's public key, relative to the file
    QByteArray requests;   // "tcp://10.0.0.2:5570"
    QByteArray events;     // "tcp://10.0.0.2:5571"
};

// The top-level key check is made here, since only the common keys plus the caller's ownKeys
// make up a file's whole set. Key files resolve against base, the settings file's directory, so
// a terminal's files can move together without editing paths.
void readTerminalSettings(SettingsReader &r, const QDir &base, const QSet<QString> &ownKeys, TerminalSettings &into);

} // namespace hall::bus
