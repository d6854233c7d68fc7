#pragma once

#include <QObject>
#include <QString>
#include <QTranslator>

class QQmlEngine;

namespace hall::kiosk {

// Switches a screen's language at run time. Source strings are English; Chinese comes from the
// Qt Linguist catalogue compiled into the QML module (":/i18n/<catalogue>_zh_CN.qm").
class ScreenTranslator : public QObject
{
    Q_OBJECT

public:
    ScreenTranslator(QQmlEngine &engine, QString catalogue, QObject *parent = nullptr);
    ~ScreenTranslator() override;

    // "zh" or "en"; false when the catalogue is missing (the screen then stays in English).
    bool setLanguage(const QString &language);
    QString language() const { return m_language; }

private:
    QQmlEngine &m_engine;
    QString m_catalogue;
    QTranslator m_translator;
    bool m_installed = false;
    QString m_language = QStringLiteral("en");
};

} // namespace hall::kiosk
