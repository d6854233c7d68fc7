#pragma once

#include "bus/settingsreader.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>

namespace hall::board {

// What the voice does with a call (board/voice does the speaking).
struct VoiceSettings {
    bool enabled = true;
    double volume = 0.8; // 0..1 of the output's level
    int repeats = 2;     // each call is said this many times, a short pause between
    bool english = false; // the Mandarin followed by "Number A023, please go to window 5"
};

// The manager board's thresholds: when a wait or an idle window becomes an alarm.
struct ManagerSettings {
    int waitNormMinutes = 30;       // a visitor waiting longer than this raises an alarm
    std::map<QString, int> waitNormByService; // per service code, instead of waitNormMinutes
    int idleGraceSeconds = 120;     // an open window idle while its queue waits, for this long
    int reportRefreshSeconds = 60;  // this week's satisfaction and star are asked for this often
};

// A board's own settings file (docs/board.md). Strict like every terminal's: an unknown key is an
// error. The call board and the manager board read the same file; `hall-board --manager` picks
// the manager's screen, so one machine can be switched without a second settings file.
struct BoardConfig : bus::TerminalSettings {
    // Scrolled along the bottom, and shown large when nobody has been called for a while: the
    // brigade's campaign (文明交通行动计划 / 春风行动) by default.
    QStringList slogans;
    int recentCalls = 8;       // rows in the recent-calls list
    int idleAfterSeconds = 90; // the big call gives way to the slogans after this long
    VoiceSettings voice;
    ManagerSettings manager;

    static QStringList defaultSlogans();
};

struct BoardConfigResult {
    std::optional<BoardConfig> config;
    QString error; // "FILE: key: reason"
};

BoardConfigResult loadBoardConfig(const QString &path);
BoardConfigResult parseBoardConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir);

} // namespace hall::board
