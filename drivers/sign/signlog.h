#pragma once

#include <QLoggingCategory>

namespace hall::sign {
Q_DECLARE_LOGGING_CATEGORY(lcSign) // "hall.drivers.sign"
}
