// What every screen test's host object offers its QML for screenshots: where a named shot goes
// (build/screenshots/<prefix>-<name>.png) and whether it was really written.
#pragma once

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QString>

class ScreenFiles : public QObject
{
    Q_OBJECT

public:
    explicit ScreenFiles(QString prefix, QObject *parent = nullptr)
        : QObject(parent)
        , m_prefix(std::move(prefix))
    {
    }

    Q_INVOKABLE QString screenshotPath(const QString &name) const
    {
        QDir().mkpath(QStringLiteral(HALL_SCREENSHOT_DIR));
        return QDir(QStringLiteral(HALL_SCREENSHOT_DIR)).filePath(QStringLiteral("%1-%2.png").arg(m_prefix, name));
    }
    Q_INVOKABLE bool exists(const QString &path) const { return QFileInfo(path).size() > 0; }
    Q_INVOKABLE void remove(const QString &path) const { QFile::remove(path); }

private:
    QString m_prefix;
};
