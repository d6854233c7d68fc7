#pragma once

#include "types.h"

namespace hall::engine {

// The engine never reads the system time itself, so the simulator and the tests can drive a day
// in microseconds and replay it exactly.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual Millis now() const = 0;
};

class SystemClock final : public Clock
{
public:
    Millis now() const override;
};

class ManualClock final : public Clock
{
public:
    explicit ManualClock(Millis start = 0) : m_now(start) {}
    Millis now() const override { return m_now; }
    void set(Millis t) { m_now = t; }
    void advance(Millis ms) { m_now += ms; }

private:
    Millis m_now;
};

} // namespace hall::engine
