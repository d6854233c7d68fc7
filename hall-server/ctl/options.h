#pragma once

#include <QStringList>
#include <QTextStream>

// hallctl's option parsing, shared by its command files: "--name value" pairs anywhere on the line.
namespace hall::ctl {

inline QString option(const QStringList &args, const QString &name)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : QString();
}

// Leaves *value alone when the option is absent; false (with the message) when it is not a whole
// number in [min, max].
inline bool intOption(const QStringList &args, const QString &name, qint64 min, qint64 max, qint64 *value, QTextStream &err,
                      const char *command)
{
    if (!args.contains(name))
        return true;
    bool ok = false;
    const qint64 v = option(args, name).toLongLong(&ok);
    if (!ok || v < min || v > max) {
        err << "hallctl " << command << ": " << name << " takes a whole number from " << min << " to " << max << Qt::endl;
        return false;
    }
    *value = v;
    return true;
}

// One line of a device listing, the same offline (from the database) and over the bus.
inline void printDevice(QTextStream &out, const QString &id, const QString &role, int window, const QString &publicKey, bool revoked,
                        const QString &status = {})
{
    out << qSetFieldWidth(16) << Qt::left << id << qSetFieldWidth(9) << role << qSetFieldWidth(0)
        << (window ? QStringLiteral("window %1").arg(window, -3) : QStringLiteral("          ")) << " " << publicKey
        << (revoked ? "  REVOKED" : "") << (status.isEmpty() ? QString() : QStringLiteral("  status ") + status) << Qt::endl;
}

} // namespace hall::ctl
