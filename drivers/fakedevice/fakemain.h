#pragma once

// main() of a FAKE device program: App has start(arguments without argv[0], &error), a static
// usage() and a quitRequested() signal. Bad usage exits 2 with the error and the usage on stderr.

#include <QCoreApplication>
#include <QString>

#include <cstdio>

namespace hall::fakedevice {

template<class App>
int runFakeApp(int argc, char *argv[], const char *program)
{
    QCoreApplication app(argc, argv);
    App fake;
    QObject::connect(&fake, &App::quitRequested, &app, &QCoreApplication::quit);
    QString error;
    if (!fake.start(app.arguments().mid(1), &error)) {
        std::fprintf(stderr, "%s: %s\n%s", program, qPrintable(error), qPrintable(App::usage()));
        return 2;
    }
    return app.exec();
}

} // namespace hall::fakedevice
