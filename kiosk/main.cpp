#include "kiosk/kioskapp.h"
#include "kiosk/kioskconfig.h"
#include "kiosk/visitorscript.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W %{endif}%{if-critical}E %{endif}%{category}: %{message}"));
    QGuiApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("hall-kiosk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hall kiosk: visitors take a number and get a printed ticket."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config"), QStringLiteral("The kiosk's settings file (docs/kiosk.md)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("visit"), QStringLiteral("Simulated visitors: take one ticket per listed service code, then quit (demo)."), QStringLiteral("codes")});
    parser.addOption({QStringLiteral("screenshots"), QStringLiteral("With --visit: where to write the screens (PNG)."), QStringLiteral("dir"), QStringLiteral(".")});
    parser.addOption({QStringLiteral("screenshot-prefix"), QStringLiteral("With --visit: file name prefix."), QStringLiteral("text"), QStringLiteral("kiosk")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config"))) {
        std::fprintf(stderr, "hall-kiosk: --config FILE is required (see --help)\n");
        return 2;
    }
    const auto loaded = hall::kiosk::loadKioskConfig(parser.value(QStringLiteral("config")));
    if (!loaded.config) {
        std::fprintf(stderr, "hall-kiosk: %s\n", qPrintable(loaded.error));
        return 2;
    }
    hall::kiosk::KioskApp kiosk(*loaded.config);
    QString error;
    if (!kiosk.start(&error) || !kiosk.showWindow(&error)) {
        std::fprintf(stderr, "hall-kiosk: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(QStringLiteral("visit"))) {
        hall::kiosk::VisitorScript::Options options;
        options.services = parser.value(QStringLiteral("visit")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        options.screenshotDir = parser.value(QStringLiteral("screenshots"));
        options.prefix = parser.value(QStringLiteral("screenshot-prefix"));
        auto *script = new hall::kiosk::VisitorScript(kiosk, options, &kiosk);
        QObject::connect(script, &hall::kiosk::VisitorScript::finished, &app, [](int rc) { QCoreApplication::exit(rc); });
        script->start();
    }
    return app.exec();
}
