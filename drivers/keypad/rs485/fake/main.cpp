// hall-fakekeypad: FAKE RS-485 rating keypads for tests and demos (see fakekeypadapp.h).

#include "drivers/keypad/rs485/fake/fakekeypadapp.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    hall::keypad::rs485::FakeKeypadApp fake;
    QObject::connect(&fake, &hall::keypad::rs485::FakeKeypadApp::quitRequested, &app, &QCoreApplication::quit);
    QString error;
    if (!fake.start(app.arguments().mid(1), &error)) {
        std::fprintf(stderr, "hall-fakekeypad: %s\n%s", qPrintable(error),
                     qPrintable(hall::keypad::rs485::FakeKeypadApp::usage()));
        return 2;
    }
    return app.exec();
}
