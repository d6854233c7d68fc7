#include "counter/waitinglistmodel.h"

#include "bus/hallstate.h"

#include <algorithm>
#include <tuple>

namespace hall::counter {

using namespace hall::engine;

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
} // namespace

WaitingListModel::WaitingListModel(const bus::HallState *state, int window, QObject *parent)
    : HallListModel(state, {"ticketId", "label", "service", "serviceZh", "serviceEn", "priority", "issuedAt", "waitedMinutes", "toThisWindow"}, parent)
{
    setProperty("window", window);
}

void WaitingListModel::refresh(qint64 serverNowMs)
{
    const int windowNumber = m_window;
    std::vector<Row> rows;
    const Engine *e = m_state->engine();
    const WindowConfig *cfg = e ? e->config().window(windowNumber) : nullptr;
    if (cfg) {
        auto row = [&](const Ticket &t, bool toThisWindow) {
            const Service *s = e->config().service(t.service);
            const qint64 waited = std::max<qint64>(0, serverNowMs - t.issuedAt) / 60000;
            rows.push_back({qlonglong(t.id), qs(t.label), qs(t.service), s ? qs(s->nameZh) : qs(t.service),
                            s ? qs(s->nameEn.empty() ? s->nameZh : s->nameEn) : qs(t.service), QString::fromLatin1(toString(t.priority)),
                            qlonglong(t.issuedAt), int(waited), toThisWindow});
        };
        // Transferred here: the engine calls these first, in the same key order as its queues.
        std::vector<const Ticket *> sentHere;
        for (const auto &[id, t] : e->tickets())
            if (t.status == TicketStatus::Waiting && t.targetWindow == windowNumber)
                sentHere.push_back(&t);
        std::sort(sentHere.begin(), sentHere.end(), [](const Ticket *a, const Ticket *b) {
            return std::tuple(int(a->priority), a->queuedAt, a->id) < std::tuple(int(b->priority), b->queuedAt, b->id);
        });
        for (const Ticket *t : sentHere)
            row(*t, true);
        for (const std::string &service : cfg->services)
            for (TicketId id : e->waitingFor(service))
                if (const Ticket *t = e->ticket(id))
                    row(*t, false);
    }
    setRows(std::move(rows));
}

} // namespace hall::counter
