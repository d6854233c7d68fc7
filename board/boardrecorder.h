#pragma once

#include <QObject>
#include <QString>

namespace hall::board {

class BoardApp;

// The demo's eyes (`hall-board --screenshots DIR`): PNGs of the board as the hall sees it. The
// call board is taken once it has synchronised (board-idle.png, or board-start.png when it opened
// on a recent call) and
// after each of the first calls, once the flash is over (board-call-N.png); the manager board a
// few seconds after it has synchronised, when the week's report has had time to arrive
// (board-manager.png), and again every half minute while it runs.
class BoardRecorder : public QObject
{
    Q_OBJECT

public:
    struct Options {
        QString dir;
        int maxCalls = 3;
        int settleMs = 2500;        // a call's flash lasts under two seconds
        int managerFirstMs = 5000;  // the week's report is asked for at start
        int managerEveryMs = 30000;
    };

    BoardRecorder(BoardApp &app, Options options, QObject *parent = nullptr);
    int taken() const { return m_taken; }

private:
    void shoot(const QString &name);

    BoardApp &m_app;
    Options m_options;
    int m_calls = 0;
    int m_taken = 0;
    bool m_started = false;
};

} // namespace hall::board
