#include "counter/keypadfactory.h"

#include "drivers/keypad/rs485/rs485keypad.h"
#include "drivers/keypad/usb/usbhidkeypad.h"
#include "drivers/keypad/usb/usbhidkeypadconfig.h"

namespace hall::counter {

std::unique_ptr<keypad::Keypad> makeKeypad(const QJsonObject &settings, QString *error)
{
    const QString driver = settings.value(QLatin1String("driver")).toString();
    if (driver == QLatin1String("rs485")) {
        keypad::Rs485KeypadConfig config;
        if (!keypad::Rs485KeypadConfig::fromJson(settings, &config, error)) {
            *error = QStringLiteral("keypad: ") + *error;
            return nullptr;
        }
        return std::make_unique<keypad::Rs485Keypad>(std::move(config));
    }
    if (driver == QLatin1String("usb")) {
        // The USB settings reader knows only its own keys; the driver's name is ours.
        QJsonObject own = settings;
        own.remove(QLatin1String("driver"));
        keypad::UsbHidKeypadConfig config;
        if (!keypad::UsbHidKeypadConfig::fromJson(own, &config, error)) {
            *error = QStringLiteral("keypad: ") + *error;
            return nullptr;
        }
        return std::make_unique<keypad::UsbHidKeypad>(std::move(config));
    }
    *error = QStringLiteral("keypad.driver: must be \"rs485\" or \"usb\", got \"%1\"").arg(driver);
    return nullptr;
}

} // namespace hall::counter
