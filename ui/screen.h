#pragma once

#include <QString>
#include <QVariantMap>

class QQmlApplicationEngine;
class QQuickWindow;
class QUrl;

namespace hall::ui {

// Loads a terminal's screen (its Main.qml, a Window) with the C++ objects it binds to. Returns the
// window, or null with "the <what> screen did not load: <QML warnings>" in *error: a screen that
// fails to load says why in one line a technician can act on, instead of an empty window.
QQuickWindow *loadScreen(QQmlApplicationEngine &engine, const QUrl &url, const QVariantMap &initialProperties, const QString &what,
                         QString *error);

// The engine's window, or null before a screen loaded.
QQuickWindow *rootWindow(const QQmlApplicationEngine *engine);

// A PNG of the window as it is now, written whole or not at all: whoever waits for the file (the
// demo, a test) may read it the moment it appears.
bool grabScreen(QQuickWindow *window, const QString &path, QString *error);

} // namespace hall::ui
