#pragma once

#include "drivers/keypad/keypad.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace hall::counter {

// Builds the keypad driver a counter's settings describe. `settings` is the settings file's
// `keypad` object without the counter's own keys (`padKey`, `keyMap`): the driver's choice and
// its link, e.g. {"driver": "usb", "vendorId": "1a2c", "productId": "2124", "port": "1-2"}.
// Returns null with a sentence in *error when the settings are wrong. The keypad is not started.
//
// Implemented with the keypad drivers (counter/keypadfactory.cpp, built into hall_counter when
// present); the counter only declares the seam.
std::unique_ptr<hall::keypad::Keypad> makeKeypad(const QJsonObject &settings, QString *error);

} // namespace hall::counter
