#pragma once

#include <QStringList>
#include <QTextStream>

namespace hall::ctl {

// The whole hallctl command line; main.cpp only forwards argv. Returns the exit code:
// 0 ok, 1 failure, 2 bad input (usage or configuration).
int run(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace hall::ctl
