// hall-fakeprinter: a FAKE ESC/POS printer for tests and demos (see fakeprinterapp.h).

#include "drivers/printer/fake/fakeprinterapp.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    hall::printer::FakePrinterApp fake;
    QObject::connect(&fake, &hall::printer::FakePrinterApp::quitRequested, &app,
                     &QCoreApplication::quit);
    QString error;
    if (!fake.start(app.arguments().mid(1), &error)) {
        std::fprintf(stderr, "hall-fakeprinter: %s\n%s", qPrintable(error),
                     qPrintable(hall::printer::FakePrinterApp::usage()));
        return 2;
    }
    return app.exec();
}
