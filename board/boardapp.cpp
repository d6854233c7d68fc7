#include "board/boardapp.h"

#include "board/boardcontroller.h"
#include "board/manager/managerboard.h"
#include "board/voice/announcer.h"
#include "board/voice/clipset.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "bus/terminalbus.h"
#include "ui/screen.h"

#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQmlEngineExtensionPlugin>
#include <QQuickWindow>

// The QML modules are static plugins linked into this library's users.
Q_IMPORT_QML_PLUGIN(Hall_ControlsPlugin)
Q_IMPORT_QML_PLUGIN(Hall_BoardPlugin)

Q_LOGGING_CATEGORY(lcBoardApp, "hall.board.app")

namespace hall::board {

BoardApp::BoardApp(BoardConfig config, Mode mode, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_mode(mode)
{
}

BoardApp::~BoardApp()
{
    // The window goes first: its bindings read the controllers.
    m_engine.reset();
    m_announcer.reset();
    m_manager.reset();
    m_controller.reset();
    m_state.reset();
    m_client.reset();
}

bool BoardApp::start(QString *error)
{
    if (!bus::connectTerminal(m_ctx, m_config, QStringLiteral("the board's"), &m_client, &m_state, error))
        return false;
    m_controller = std::make_unique<BoardController>(m_config, *m_state);
    if (m_mode == Mode::Calls && m_config.voice.enabled)
        startVoice();
    if (m_mode == Mode::Manager) {
        m_manager = std::make_unique<ManagerBoard>(*m_state, *m_client);
        ManagerNorms norms;
        norms.waitNormMinutes = m_config.manager.waitNormMinutes;
        norms.waitNormByService = m_config.manager.waitNormByService;
        norms.idleGraceSeconds = m_config.manager.idleGraceSeconds;
        norms.reportRefreshSeconds = m_config.manager.reportRefreshSeconds;
        m_manager->setNorms(norms);
    }
    return true;
}

void BoardApp::startVoice()
{
    auto clips = std::make_unique<voice::ClipSet>();
    QString error;
    if (!voice::ClipSet::loadBuiltin(clips.get(), &error)) {
        // The board still shows every call; a silent board is better than none.
        qCWarning(lcBoardApp).noquote() << "the voice is off: its clips did not load:" << error;
        return;
    }
    m_clips = std::move(clips);
    m_announcer = std::make_unique<voice::Announcer>(*m_clips);
    m_announcer->setVolume(m_config.voice.volume);
    m_announcer->setRepeats(m_config.voice.repeats);
    m_announcer->setEnglish(m_config.voice.english);
    m_announcer->setRenderDirectory(m_voiceRecordDir);
    connect(m_controller.get(), &BoardController::announce, m_announcer.get(), [this](const QString &label, int window, bool recall) {
        QString why;
        if (!m_announcer->announce(label, window, recall, &why))
            qCWarning(lcBoardApp).noquote() << "cannot announce" << label << "at window" << window << ":" << why;
    });
}

bool BoardApp::showWindow(QString *error)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    const QVariantMap properties{{QStringLiteral("board"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))},
                                 {QStringLiteral("managerMode"), m_mode == Mode::Manager},
                                 {QStringLiteral("manager"), QVariant::fromValue(static_cast<QObject *>(m_manager.get()))}};
    return ui::loadScreen(*m_engine, QUrl(QStringLiteral("qrc:/Hall/Board/Main.qml")), properties, QStringLiteral("board"), error);
}

QQuickWindow *BoardApp::window() const
{
    return ui::rootWindow(m_engine.get());
}

bool BoardApp::grab(const QString &path, QString *error) const
{
    return ui::grabScreen(window(), path, error);
}

} // namespace hall::board
