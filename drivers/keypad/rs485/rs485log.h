#pragma once

#include <QLoggingCategory>

namespace hall::keypad::rs485 {
Q_DECLARE_LOGGING_CATEGORY(lcKeypadRs485) // "hall.drivers.keypad.rs485"
}
