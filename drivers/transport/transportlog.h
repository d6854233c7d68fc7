#pragma once

#include <QLoggingCategory>

namespace hall::drivers {

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

} // namespace hall::drivers
