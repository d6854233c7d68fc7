#pragma once

#include <QStringList>
#include <QTextStream>

namespace hall::ctl {

// hallctl load: a compressed hall day played against a running hall-server by the terminals a
// hall has (two kiosks, twelve counters, a board and a manager), each with its own key and
// connection, all in this one process on one event loop and through the bus library only. At the
// end the board's and the manager's mirrors must equal a fresh snapshot. Prints a report; returns
// 0 when every mirror converged and nothing failed, 1 otherwise, 2 for bad input.
int runLoad(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace hall::ctl
