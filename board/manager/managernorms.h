#pragma once

#include <QString>

#include <map>

namespace hall::board {

// The manager board's thresholds, filled from the board's settings file (the "manager" section of
// docs/board.md; board/boardconfig.h's ManagerSettings carries the same names). Defaults are
// what a county hall asks for when it has not thought about it yet.
struct ManagerNorms {
    // A visitor waiting longer than this raises the "wait" alarm for their service.
    int waitNormMinutes = 30;
    // Per service code, replacing waitNormMinutes: accident handling (事故处理) takes longer by
    // nature, and a hall that sets one norm for all would live with a permanent alarm.
    std::map<QString, int> waitNormByService;
    // An open, unpaused window with nobody at it while its services have people waiting is normal
    // for a moment (the clerk files the last case); only after this long is it an alarm.
    int idleGraceSeconds = 120;
    // This week's satisfaction and star (report.week) and today's satisfaction (ratings.clerk)
    // are asked for this often; votes also trigger a refresh by themselves.
    int reportRefreshSeconds = 60;
    // The server unreachable this long raises the "offline" alarm; a start-up or a restart of the
    // server shorter than this is not worth a red banner.
    int offlineGraceSeconds = 5;
    // Points of the waiting-people chart.
    int seriesStepMinutes = 5;

    int waitNormFor(const QString &service) const
    {
        const auto it = waitNormByService.find(service);
        return it != waitNormByService.end() ? it->second : waitNormMinutes;
    }
};

} // namespace hall::board
