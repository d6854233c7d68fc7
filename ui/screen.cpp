#include "ui/screen.h"

#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSaveFile>
#include <QUrl>

namespace hall::ui {

QQuickWindow *loadScreen(QQmlApplicationEngine &engine, const QUrl &url, const QVariantMap &initialProperties, const QString &what,
                         QString *error)
{
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties(initialProperties);
    QStringList warnings;
    // Only while loading: the list lives on this stack frame.
    const auto collect = QObject::connect(&engine, &QQmlEngine::warnings, [&warnings](const QList<QQmlError> &list) {
        for (const auto &w : list)
            warnings << w.toString();
    });
    engine.load(url);
    QObject::disconnect(collect);
    QQuickWindow *window = rootWindow(&engine);
    if (!window)
        *error = QStringLiteral("the %1 screen did not load: %2").arg(what, warnings.join(QStringLiteral("; ")));
    return window;
}

QQuickWindow *rootWindow(const QQmlApplicationEngine *engine)
{
    if (!engine || engine->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(engine->rootObjects().constFirst());
}

bool grabScreen(QQuickWindow *window, const QString &path, QString *error)
{
    if (!window) {
        *error = QStringLiteral("no window to grab");
        return false;
    }
    const QImage image = window->grabWindow();
    QSaveFile file(path);
    if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        *error = QStringLiteral("cannot write the screenshot %1").arg(path);
        return false;
    }
    return true;
}

} // namespace hall::ui
