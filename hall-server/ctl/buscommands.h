#pragma once

#include <QStringList>
#include <QTextStream>

namespace hall::ctl {

// The hallctl commands that talk to a running hall-server over the bus as an admin device
// (docs/protocol.md). True when args select one (they carry --server-key); the exit code goes to *rc.
bool runBusCommand(const QStringList &args, QTextStream &out, QTextStream &err, int *rc);

} // namespace hall::ctl
