#include "board/boardcontroller.h"

#include "bus/hallmodels.h"
#include "bus/hallstate.h"
#include "engine/engine.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcBoard, "hall.board.calls")

namespace hall::board {

using engine::Event;
using engine::EventType;

BoardController::BoardController(const BoardConfig &config, bus::HallState &state, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_state(state)
    , m_recent(std::make_unique<bus::RecentCallsModel>(&state))
    , m_windows(std::make_unique<bus::WindowModel>(&state))
    , m_services(std::make_unique<bus::ServiceQueueModel>(&state))
{
    m_recent->setLimit(config.recentCalls);
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &BoardController::updateIdle);
    connect(&state, &bus::HallState::onlineChanged, this, &BoardController::onlineChanged);
    connect(&state, &bus::HallState::syncedChanged, this, &BoardController::syncedChanged);
    connect(&state, &bus::HallState::resynced, this, [this]() {
        Q_EMIT hallChanged();
        takeLatestCall();
    });
    connect(&state, &bus::HallState::eventApplied, this, [this](const Event &e) { onEvent(e); });
    takeLatestCall();
}

BoardController::~BoardController() = default;

bool BoardController::online() const { return m_state.online(); }
bool BoardController::synced() const { return m_state.synced(); }
QObject *BoardController::recentCalls() const { return m_recent.get(); }
QObject *BoardController::windows() const { return m_windows.get(); }
QObject *BoardController::services() const { return m_services.get(); }

QString BoardController::hallNameZh() const
{
    const auto *e = m_state.engine();
    return e ? QString::fromStdString(e->config().nameZh) : QString();
}

QString BoardController::hallNameEn() const
{
    const auto *e = m_state.engine();
    return e ? QString::fromStdString(e->config().nameEn) : QString();
}

qint64 BoardController::serverNowMs() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_state.serverTimeOffsetMs();
}

double BoardController::clockOffsetMs() const
{
    // QML's Date shows this machine's zone; the hall's zone is the configuration's, and the board
    // PC may be set to UTC (as test machines are) or drift: correct both.
    const auto *e = m_state.engine();
    const int hallOffsetS = e ? e->config().utcOffsetMinutes * 60 : 8 * 3600;
    const int localOffsetS = QDateTime::currentDateTime().offsetFromUtc();
    return double(m_state.serverTimeOffsetMs()) + double(hallOffsetS - localOffsetS) * 1000.0;
}

QString BoardController::currentServiceZh() const
{
    const auto *e = m_state.engine();
    const auto *s = e ? e->config().service(m_service.toStdString()) : nullptr;
    return s ? QString::fromStdString(s->nameZh) : QString();
}

void BoardController::onEvent(const Event &e)
{
    if (e.type == EventType::DayStarted) {
        setCurrent(0, 0, 0, false);
        return;
    }
    if (e.type != EventType::TicketCalled && e.type != EventType::TicketRecalled)
        return;
    const bool recall = e.type == EventType::TicketRecalled;
    ++m_callSerial;
    setCurrent(qint64(e.ticket), e.window, e.at, recall);
    Q_EMIT callSerialChanged();
    const qint64 age = serverNowMs() - e.at;
    if (age > kAnnounceWithinMs) {
        qCInfo(lcBoard).noquote() << "not announcing" << m_label << "at window" << m_window << "- called" << age / 1000 << "s ago";
        return;
    }
    qCInfo(lcBoard).noquote() << (recall ? "recall" : "call") << m_label << "to window" << m_window;
    Q_EMIT announce(m_label, m_window, recall);
}

void BoardController::takeLatestCall()
{
    const auto *engine = m_state.engine();
    const engine::Ticket *latest = nullptr;
    if (engine) {
        for (const auto &[id, t] : engine->tickets())
            if (t.calledAt > 0 && (!latest || t.calledAt > latest->calledAt || (t.calledAt == latest->calledAt && t.id > latest->id)))
                latest = &t;
    }
    if (latest)
        setCurrent(qint64(latest->id), latest->window, latest->calledAt, latest->recalls > 0);
    else
        setCurrent(0, 0, 0, false);
}

void BoardController::setCurrent(qint64 ticket, int window, qint64 at, bool recall)
{
    const auto *engine = m_state.engine();
    const engine::Ticket *t = engine && ticket ? engine->ticket(engine::TicketId(ticket)) : nullptr;
    m_ticket = t ? ticket : 0;
    m_label = t ? QString::fromStdString(t->label) : QString();
    m_service = t ? QString::fromStdString(t->service) : QString();
    m_window = t ? window : 0;
    m_calledAt = t ? at : 0;
    m_recall = t && recall;
    Q_EMIT currentChanged();
    updateIdle();
}

void BoardController::updateIdle()
{
    const qint64 quietFor = m_ticket ? serverNowMs() - m_calledAt : std::numeric_limits<qint64>::max();
    const qint64 idleAfter = qint64(m_config.idleAfterSeconds) * 1000;
    const bool idle = quietFor >= idleAfter;
    if (!idle)
        m_idleTimer.start(int(std::max<qint64>(1, idleAfter - quietFor)));
    else
        m_idleTimer.stop();
    if (idle != m_idle) {
        m_idle = idle;
        Q_EMIT idleChanged();
    }
}

} // namespace hall::board
