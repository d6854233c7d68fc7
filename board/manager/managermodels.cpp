#include "board/manager/managermodels.h"

#include <algorithm>

namespace hall::board {

using namespace figures;

ServiceStatsModel::ServiceStatsModel(const bus::HallState *state, QObject *parent)
    : HallListModel(state,
                    {"code", "prefix", "nameZh", "nameEn", "waiting", "longestWaitSeconds", "averageWaitSeconds", "calledToday",
                     "issuedToday", "servedToday", "noShowsToday", "openWindows", "normMinutes", "aboveNorm"},
                    parent)
{
}

void ServiceStatsModel::update(const std::vector<ServiceFigures> &services)
{
    std::vector<Row> rows;
    rows.reserve(services.size());
    for (const ServiceFigures &s : services)
        rows.push_back({s.code, s.prefix, s.nameZh, s.nameEn, s.waiting, s.longestWaitSeconds, s.averageWaitSeconds, s.calledToday,
                        s.issuedToday, s.servedToday, s.noShowsToday, s.openWindows, s.normMinutes, s.aboveNorm});
    setRows(std::move(rows));
}

WindowStatusModel::WindowStatusModel(const bus::HallState *state, QObject *parent)
    : HallListModel(state,
                    {"number", "name", "state", "activity", "clerkId", "clerkName", "clerkBadge", "label", "service", "activitySince",
                     "queueWaiting", "idleWithQueue", "idleWithQueueSince", "servedToday"},
                    parent)
{
}

void WindowStatusModel::update(const std::vector<WindowFigures> &windows)
{
    std::vector<Row> rows;
    rows.reserve(windows.size());
    for (const WindowFigures &w : windows)
        rows.push_back({w.number, w.name, w.state, w.activity, w.clerkId, w.clerkName, w.clerkBadge, w.label, w.service,
                        qlonglong(w.activitySince), w.queueWaiting, w.idleWithQueue, qlonglong(w.idleWithQueueSince), w.servedToday});
    setRows(std::move(rows));
}

AlarmModel::AlarmModel(const bus::HallState *state, QObject *parent)
    : HallListModel(state, {"key", "kind", "severity", "textZh", "textEn", "window", "device", "service", "code", "detail", "since"}, parent)
{
}

void AlarmModel::update(const std::vector<Alarm> &alarms)
{
    std::vector<Row> rows;
    rows.reserve(alarms.size());
    for (const Alarm &a : alarms)
        rows.push_back({a.key, a.kind, a.severity, a.textZh, a.textEn, a.window, a.device, a.service, a.code, a.detail, qlonglong(a.since)});
    // Rows appear and go one by one rather than by a reset, so a view keeps its place and can
    // animate a new alarm: remove the gone, then insert the new where they belong.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const QVariant key = m_rows[std::size_t(i)].value(0);
        const bool kept = std::any_of(rows.begin(), rows.end(), [&](const Row &r) { return r.value(0) == key; });
        if (!kept)
            removeRowAt(i);
    }
    for (int i = 0; i < int(rows.size()); ++i) {
        const QVariant key = rows[std::size_t(i)].value(0);
        int at = -1;
        for (int j = i; j < int(m_rows.size()); ++j) {
            if (m_rows[std::size_t(j)].value(0) == key) {
                at = j;
                break;
            }
        }
        if (at == i) {
            if (m_rows[std::size_t(i)] != rows[std::size_t(i)]) {
                m_rows[std::size_t(i)] = rows[std::size_t(i)];
                Q_EMIT dataChanged(index(i), index(i));
            }
            continue;
        }
        if (at > i) {
            // Moved (its order changed): take it out and put it back where it belongs now.
            removeRowAt(at);
        }
        insertRowAt(i, rows[std::size_t(i)]);
    }
}

WaitingSeriesModel::WaitingSeriesModel(const bus::HallState *state, QObject *parent)
    : HallListModel(state, {"at", "time", "waiting"}, parent)
{
}

void WaitingSeriesModel::update(const std::vector<SeriesPoint> &points, const engine::Engine *engine)
{
    std::vector<Row> rows;
    rows.reserve(points.size());
    int max = 0;
    for (const SeriesPoint &p : points) {
        rows.push_back({qlonglong(p.at), engine ? hallClock(*engine, p.at) : QString(), p.waiting});
        max = std::max(max, p.waiting);
    }
    // The common case, once a step: the same points plus one at the end.
    const bool extends = !m_rows.empty() && rows.size() > m_rows.size()
                         && std::equal(m_rows.begin(), m_rows.end(), rows.begin(),
                                       [](const Row &a, const Row &b) { return a.value(0) == b.value(0); });
    if (extends) {
        const std::size_t old = m_rows.size();
        for (std::size_t i = 0; i < old; ++i) {
            if (m_rows[i] != rows[i]) {
                m_rows[i] = rows[i];
                Q_EMIT dataChanged(index(int(i)), index(int(i)));
            }
        }
        for (std::size_t i = old; i < rows.size(); ++i)
            insertRowAt(int(i), rows[i]);
    } else {
        setRows(std::move(rows));
    }
    if (max != m_max) {
        m_max = max;
        Q_EMIT maxWaitingChanged();
    }
}

} // namespace hall::board
