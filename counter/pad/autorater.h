#pragma once

#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QTimer>

class QQuickItem;

namespace hall::pad {

class PadApp;

// A simulated visitor for the demo (`hall-pad --auto-rate satisfied|unsatisfied|random`): a
// moment after the rating buttons appear it taps one, and after an unsatisfied tap it picks the
// first reason chip and taps 提交. The taps are mouse events on the window at the buttons'
// places, so they take the path a finger takes, QML included; nothing calls the controller.
class AutoRater : public QObject
{
    Q_OBJECT

public:
    struct Options {
        QString mode = QStringLiteral("satisfied"); // "satisfied", "unsatisfied" or "random"
        int delayMs = 1500;                         // a visitor reads the screen first
        QString screenshotDir;                      // when set: pad-rating-N.png, pad-thanks-N.png
    };

    AutoRater(PadApp &app, Options options, QObject *parent = nullptr);
    void start();

    static bool validMode(const QString &mode);
    int votes() const { return m_votes; }

private:
    void step();
    // A press and release at the centre of the item named objectName; false when it is not shown.
    bool tap(const QString &objectName);
    QQuickItem *find(const QString &objectName) const;
    QString pick() const;
    void shoot(const QString &name);

    PadApp &m_app;
    Options m_options;
    QTimer m_poll;
    QString m_lastPage;
    qint64 m_waitUntil = 0; // on m_clock; the next action is due then
    int m_votes = 0;
};

} // namespace hall::pad
