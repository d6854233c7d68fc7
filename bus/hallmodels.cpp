#include "hallmodels.h"

#include "hallstate.h"

#include <algorithm>

namespace hall::bus {

using namespace hall::engine;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QStringList textList(const std::vector<std::string> &list)
{
    QStringList out;
    for (const auto &s : list)
        out.append(qs(s));
    return out;
}

} // namespace

// ---- HallListModel --------------------------------------------------------------------------

HallListModel::HallListModel(const HallState *state, QByteArrayList roles, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state)
    , m_roles(std::move(roles))
{
}

int HallListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant HallListModel::data(const QModelIndex &index, int role) const
{
    const int column = role - (Qt::UserRole + 1);
    if (!index.isValid() || index.row() >= int(m_rows.size()) || column < 0 || column >= m_roles.size())
        return {};
    return m_rows[std::size_t(index.row())].value(column);
}

QHash<int, QByteArray> HallListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + 1 + i, m_roles[i]);
    return names;
}

QVariantMap HallListModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= int(m_rows.size()))
        return map;
    for (int i = 0; i < m_roles.size(); ++i)
        map.insert(QString::fromLatin1(m_roles[i]), m_rows[std::size_t(row)].value(i));
    return map;
}

QVariant HallListModel::value(int row, const QByteArray &roleName) const
{
    const int column = int(m_roles.indexOf(roleName));
    if (row < 0 || row >= int(m_rows.size()) || column < 0)
        return {};
    return m_rows[std::size_t(row)].value(column);
}

void HallListModel::setRows(std::vector<Row> rows)
{
    const bool sameKeys = rows.size() == m_rows.size()
                          && std::equal(rows.begin(), rows.end(), m_rows.begin(),
                                        [](const Row &a, const Row &b) { return a.value(0) == b.value(0); });
    if (!sameKeys) {
        const bool countChanges = rows.size() != m_rows.size();
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        if (countChanges)
            Q_EMIT countChanged();
        return;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i] == m_rows[i])
            continue;
        m_rows[i] = std::move(rows[i]);
        Q_EMIT dataChanged(index(int(i)), index(int(i)));
    }
}

void HallListModel::insertRowAt(int row, Row values)
{
    beginInsertRows(QModelIndex(), row, row);
    m_rows.insert(m_rows.begin() + row, std::move(values));
    endInsertRows();
    Q_EMIT countChanged();
}

void HallListModel::removeRowAt(int row)
{
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    Q_EMIT countChanged();
}

// ---- ServiceQueueModel ----------------------------------------------------------------------

ServiceQueueModel::ServiceQueueModel(const HallState *state, QObject *parent)
    : HallListModel(state,
                    {"code", "prefix", "nameZh", "nameEn", "waiting", "estimatedWaitSeconds", "openWindows", "lastNumber",
                     "lastLabel", "nextLabels"},
                    parent)
{
    connect(state, &HallState::changed, this, &ServiceQueueModel::refresh);
    refresh();
}

void ServiceQueueModel::refresh()
{
    std::vector<Row> rows;
    if (const Engine *e = m_state->engine()) {
        for (const Service &s : e->config().services) {
            const int last = e->lastNumber(s.code);
            QStringList next;
            for (TicketId id : e->waitingFor(s.code)) {
                if (next.size() == kNextLabels)
                    break;
                if (const Ticket *t = e->ticket(id))
                    next.append(qs(t->label));
            }
            rows.push_back({qs(s.code), QString(QLatin1Char(s.prefix)), qs(s.nameZh), qs(s.nameEn), e->waitingCount(s.code),
                            e->estimatedWaitSeconds(s.code), e->openWindowsFor(s.code), last,
                            last > 0 ? qs(Engine::label(s.prefix, last)) : QString(), next});
        }
    }
    setRows(std::move(rows));
}

// ---- WindowModel ----------------------------------------------------------------------------

WindowModel::WindowModel(const HallState *state, QObject *parent)
    : HallListModel(state,
                    {"number", "name", "services", "clerkId", "clerkName", "clerkBadge", "open", "paused", "currentTicketId",
                     "currentLabel", "currentStatus", "currentService"},
                    parent)
{
    connect(state, &HallState::changed, this, &WindowModel::refresh);
    refresh();
}

void WindowModel::refresh()
{
    std::vector<Row> rows;
    if (const Engine *e = m_state->engine()) {
        for (const WindowConfig &w : e->config().windows) {
            const WindowState *ws = e->window(w.number);
            const std::string clerkId = ws ? ws->clerk : std::string();
            const Clerk *clerk = clerkId.empty() ? nullptr : e->config().clerk(clerkId);
            const Ticket *t = ws && ws->current ? e->ticket(ws->current) : nullptr;
            QString status;
            if (t && t->status == TicketStatus::Called)
                status = QStringLiteral("called");
            else if (t && t->status == TicketStatus::Serving)
                status = QStringLiteral("serving");
            rows.push_back({w.number, qs(w.name), textList(w.services), qs(clerkId), clerk ? qs(clerk->name) : QString(),
                            clerk ? qs(clerk->badge) : QString(), !clerkId.empty(), ws && ws->paused,
                            qlonglong(t ? t->id : 0), t ? qs(t->label) : QString(), status, t ? qs(t->service) : QString()});
        }
    }
    setRows(std::move(rows));
}

// ---- RecentCallsModel -----------------------------------------------------------------------

namespace {

QVariantList callRow(const Ticket &t, int window, Millis at, bool recall)
{
    return {qlonglong(t.id), qs(t.label), window, qs(t.service), qlonglong(at), recall};
}

} // namespace

RecentCallsModel::RecentCallsModel(const HallState *state, QObject *parent)
    : HallListModel(state, {"ticketId", "label", "window", "service", "at", "recall"}, parent)
{
    connect(state, &HallState::resynced, this, &RecentCallsModel::rebuild);
    connect(state, &HallState::eventApplied, this, [this](const Event &e) { onEvent(e); });
    rebuild();
}

void RecentCallsModel::setLimit(int limit)
{
    limit = std::max(1, limit);
    if (limit == m_limit)
        return;
    m_limit = limit;
    rebuild();
    Q_EMIT limitChanged();
}

void RecentCallsModel::rebuild()
{
    std::vector<const Ticket *> called;
    if (const Engine *e = m_state->engine()) {
        for (const auto &[id, t] : e->tickets())
            if (t.calledAt > 0)
                called.push_back(&t);
    }
    // Newest call first; the id breaks ties so the order does not depend on the map's.
    std::sort(called.begin(), called.end(), [](const Ticket *a, const Ticket *b) {
        return a->calledAt != b->calledAt ? a->calledAt > b->calledAt : a->id > b->id;
    });
    if (int(called.size()) > m_limit)
        called.resize(std::size_t(m_limit));
    std::vector<Row> rows;
    // The snapshot does not say whether the latest call was a recall; a recalled ticket's
    // latest call almost always is one (only a transfer and a new call would make it not).
    for (const Ticket *t : called)
        rows.push_back(callRow(*t, t->window, t->calledAt, t->recalls > 0));
    setRows(std::move(rows));
}

void RecentCallsModel::onEvent(const Event &e)
{
    if (e.type == EventType::DayStarted) {
        rebuild(); // yesterday's calls are gone with yesterday's tickets
        return;
    }
    if (e.type != EventType::TicketCalled && e.type != EventType::TicketRecalled)
        return;
    const Engine *engine = m_state->engine();
    const Ticket *t = engine ? engine->ticket(e.ticket) : nullptr;
    if (!t)
        return;
    for (int i = 0; i < int(m_rows.size()); ++i) {
        if (m_rows[std::size_t(i)].value(0).toLongLong() == t->id) {
            removeRowAt(i);
            break;
        }
    }
    insertRowAt(0, callRow(*t, e.window, e.at, e.type == EventType::TicketRecalled));
    while (int(m_rows.size()) > m_limit)
        removeRowAt(int(m_rows.size()) - 1);
}

} // namespace hall::bus
