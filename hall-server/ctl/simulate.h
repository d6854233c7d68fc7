#pragma once

#include "engine/types.h"
#include "store/store.h"

#include <QTextStream>

namespace hall::ctl {

struct SimulationParams {
    int visitors = 450; // about what twelve windows serve between 08:30 and 17:30
    int windows = 12;
    quint64 seed = 1;
    engine::Millis dayStart = 0; // UTC ms of the simulated date's local midnight
};

// A deterministic simulated day: arrivals, calls, service, no-shows and transfers, every step an
// operation of the real engine committed durably to the store with its idempotency record.
// Prints the day's figures. Same seed, same figures.
int simulate(const engine::HallConfig &config, store::Store &store, const SimulationParams &p, QTextStream &out);

} // namespace hall::ctl
