#include "board/boardrecorder.h"

#include "board/boardapp.h"
#include "board/boardcontroller.h"
#include "bus/hallstate.h"

#include <QDir>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcBoardRecorder, "hall.board.recorder")

namespace hall::board {

BoardRecorder::BoardRecorder(BoardApp &app, Options options, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_options(std::move(options))
{
    QDir().mkpath(m_options.dir);
    auto onSynced = [this]() {
        if (m_started || !m_app.state()->synced())
            return;
        m_started = true;
        if (m_app.mode() == BoardApp::Mode::Manager) {
            QTimer::singleShot(m_options.managerFirstMs, this, [this]() { shoot(QStringLiteral("board-manager.png")); });
            auto *every = new QTimer(this);
            connect(every, &QTimer::timeout, this, [this]() { shoot(QStringLiteral("board-manager.png")); });
            every->start(m_options.managerEveryMs);
        } else {
            // Named after what it shows: the latest call comes with the snapshot, a moment after.
            QTimer::singleShot(1000, this, [this]() {
                const BoardController *board = m_app.controller();
                shoot(board->hasCall() && !board->idle() ? QStringLiteral("board-start.png") : QStringLiteral("board-idle.png"));
            });
        }
    };
    connect(app.state(), &bus::HallState::syncedChanged, this, onSynced);
    onSynced();
    if (app.mode() == BoardApp::Mode::Calls) {
        connect(app.controller(), &BoardController::announce, this, [this]() {
            if (m_calls >= m_options.maxCalls)
                return;
            const int n = ++m_calls;
            QTimer::singleShot(m_options.settleMs, this, [this, n]() { shoot(QStringLiteral("board-call-%1.png").arg(n)); });
        });
    }
}

void BoardRecorder::shoot(const QString &name)
{
    QString error;
    const QString path = QDir(m_options.dir).filePath(name);
    if (!m_app.grab(path, &error)) {
        qCWarning(lcBoardRecorder).noquote() << error;
        return;
    }
    ++m_taken;
    qCInfo(lcBoardRecorder).noquote() << "wrote" << path;
}

} // namespace hall::board
