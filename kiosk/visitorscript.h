#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace hall::kiosk {

class KioskApp;

// Simulated visitors for the demo (`hall-kiosk --visit NEW,REPLACE --screenshots DIR`): waits for
// the hall, photographs the home screen in both languages, then takes one ticket per listed
// service like a visitor tapping the screen, photographs each ticket page once its print job
// has ended, and quits. Everything it does goes through the same controller the touch screen
// uses; it only replaces the finger.
class VisitorScript : public QObject
{
    Q_OBJECT

public:
    struct Options {
        QStringList services;
        QString screenshotDir;
        QString prefix = QStringLiteral("kiosk");
        int onlineTimeoutMs = 20000;
    };

    VisitorScript(KioskApp &app, Options options, QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    // 0 when every step ran; the text says what happened, one line per visitor.
    void finished(int rc);

private:
    void step();
    void shoot(const QString &name);
    void fail(const QString &why);

    KioskApp &m_app;
    Options m_options;
    int m_next = 0;
    int m_stage = 0;
    QTimer m_deadline;
    QTimer m_poll;
    bool m_done = false;
    QElapsedTimer m_homeSeen;
};

} // namespace hall::kiosk
