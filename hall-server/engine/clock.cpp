#include "clock.h"

#include <chrono>

namespace hall::engine {

Millis SystemClock::now() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace hall::engine
