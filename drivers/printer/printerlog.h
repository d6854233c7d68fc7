#pragma once

#include <QLoggingCategory>

namespace hall::printer {
Q_DECLARE_LOGGING_CATEGORY(lcPrinter) // "hall.drivers.printer"
}
