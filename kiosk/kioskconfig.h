#pragma once

#include "bus/settingsreader.h"
#include "drivers/printer/ticketlayout.h"
#include "drivers/transport/transport.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace hall::kiosk {

// A kiosk's own settings file (docs/kiosk.md). Parsing is strict like the hall's: an unknown key
// is an error, so a misspelt "printr" never leaves a kiosk quietly without its printer.
struct KioskConfig : bus::TerminalSettings {
    std::optional<drivers::TransportConfig> printer; // absent: the kiosk shows tickets on screen only
    int paperWidthMm = 80;    // 58 or 80
    printer::TicketLayout::Paper paper() const { return paperWidthMm == 58 ? printer::TicketLayout::Paper::Mm58 : printer::TicketLayout::Paper::Mm80; }
    QString logoFile;         // an image printed above the hall name on fast links; empty: none
    QString language = QStringLiteral("zh"); // "zh" or "en": the screen a visitor first sees
    int idleSeconds = 60;     // an untouched screen other than home returns home after this
    int ticketSeconds = 15;   // how long the issued ticket stays on screen
    QString footer;           // printed under the QR code, e.g. the hall's phone number
};

struct KioskConfigResult {
    std::optional<KioskConfig> config;
    QString error; // "FILE: key: reason"
};

KioskConfigResult loadKioskConfig(const QString &path);
KioskConfigResult parseKioskConfig(const QByteArray &json, const QString &sourceName, const QString &baseDir);

} // namespace hall::kiosk
