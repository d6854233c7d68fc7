// hall-fakesign: FAKE RS-485 window signs for tests and demos (see fakesignapp.h).

#include "drivers/sign/fake/fakesignapp.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    hall::sign::frame::FakeSignApp fake;
    QObject::connect(&fake, &hall::sign::frame::FakeSignApp::quitRequested, &app, &QCoreApplication::quit);
    QString error;
    if (!fake.start(app.arguments().mid(1), &error)) {
        std::fprintf(stderr, "hall-fakesign: %s\n%s", qPrintable(error),
                     qPrintable(hall::sign::frame::FakeSignApp::usage()));
        return 2;
    }
    return app.exec();
}
