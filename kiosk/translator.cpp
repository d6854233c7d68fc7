#include "kiosk/translator.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QQmlEngine>

Q_LOGGING_CATEGORY(lcTranslator, "hall.kiosk.i18n")

namespace hall::kiosk {

ScreenTranslator::ScreenTranslator(QQmlEngine &engine, QString catalogue, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_catalogue(std::move(catalogue))
{
}

ScreenTranslator::~ScreenTranslator()
{
    if (m_installed)
        QCoreApplication::removeTranslator(&m_translator);
}

bool ScreenTranslator::setLanguage(const QString &language)
{
    if (language == m_language)
        return true;
    if (m_installed) {
        QCoreApplication::removeTranslator(&m_translator);
        m_installed = false;
    }
    bool ok = true;
    if (language == QLatin1String("zh")) {
        const QString file = QStringLiteral(":/i18n/%1_zh_CN.qm").arg(m_catalogue);
        ok = m_translator.load(file) && QCoreApplication::installTranslator(&m_translator);
        m_installed = ok;
        if (!ok)
            qCCritical(lcTranslator).noquote() << "cannot load the Chinese catalogue" << file << "; the screen stays in English";
    }
    m_language = ok ? language : QStringLiteral("en");
    m_engine.retranslate();
    return ok;
}

} // namespace hall::kiosk
