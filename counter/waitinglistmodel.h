#pragma once

#include "bus/hallmodels.h"

namespace hall::counter {

// The visitors one window would call, in the order it would call them (docs/counter.md):
// first those transferred to this window, then each of its services in its order of
// preference, each in the queue engine's own order (priority class, then place in line).
class WaitingListModel : public bus::HallListModel
{
    Q_OBJECT

public:
    enum Role {
        TicketIdRole = Qt::UserRole + 1,
        LabelRole,
        ServiceRole,
        ServiceZhRole,
        ServiceEnRole,
        PriorityRole,     // "appointment", "elderly", "normal"
        IssuedAtRole,     // Unix ms
        WaitedMinutesRole,
        ToThisWindowRole, // transferred to this window by another
    };

    WaitingListModel(const bus::HallState *state, int window, QObject *parent = nullptr);

    void setWindow(int window) { m_window = window; }
    // From the mirror, with "now" on the server's clock for the waited minutes.
    void refresh(qint64 serverNowMs);

private:
    int m_window;
};

} // namespace hall::counter
