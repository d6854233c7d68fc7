#pragma once

#include "board/boardconfig.h"

#include <QObject>
#include <QString>

#include <zmq.hpp>

#include <memory>

class QQmlApplicationEngine;
class QQuickWindow;

namespace hall::bus {
class HallClient;
class HallState;
} // namespace hall::bus

namespace hall::board {

namespace voice {
class Announcer;
class ClipSet;
} // namespace voice

class BoardController;
class ManagerBoard;

// Everything a board runs, built from its settings: the bus client, the state mirror, the call
// board's controller, and the window (Hall/Board/Main.qml). hall-board's main() and the tests
// share this wiring.
class BoardApp : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Calls, Manager };

    BoardApp(BoardConfig config, Mode mode, QObject *parent = nullptr);
    ~BoardApp() override;

    // The bus. False, with a sentence, when keys or settings are unusable; an unreachable server
    // is not an error: the screen says so and recovers.
    bool start(QString *error);
    // Every announcement is also written there as a WAV file (the demo keeps the first call's).
    // Before start().
    void setVoiceRecordDirectory(const QString &dir) { m_voiceRecordDir = dir; }
    bool showWindow(QString *error);

    Mode mode() const { return m_mode; }
    BoardController *controller() const { return m_controller.get(); }
    // Null when the voice is off in the settings or its clips did not load (logged).
    voice::Announcer *announcer() const { return m_announcer.get(); }
    // The manager's figures; null on a call board.
    ManagerBoard *manager() const { return m_manager.get(); }
    bus::HallClient *client() const { return m_client.get(); }
    bus::HallState *state() const { return m_state.get(); }
    QQuickWindow *window() const;
    bool grab(const QString &path, QString *error) const;

private:
    void startVoice();

    BoardConfig m_config;
    Mode m_mode;
    zmq::context_t m_ctx{1};
    std::unique_ptr<bus::HallClient> m_client;
    std::unique_ptr<bus::HallState> m_state;
    std::unique_ptr<BoardController> m_controller;
    QString m_voiceRecordDir;
    std::unique_ptr<voice::ClipSet> m_clips; // before m_announcer, which keeps a reference
    std::unique_ptr<voice::Announcer> m_announcer;
    std::unique_ptr<ManagerBoard> m_manager;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

} // namespace hall::board
