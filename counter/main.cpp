#include "counter/counterapp.h"
#include "counter/counterconfig.h"
#include "counter/keypadfactory.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W %{endif}%{if-critical}E %{endif}%{category}: %{message}"));
    QGuiApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("hall-counter"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hall counter: the clerk's terminal at a service window."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config"), QStringLiteral("The counter's settings file (docs/counter.md)."), QStringLiteral("file")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config"))) {
        std::fprintf(stderr, "hall-counter: --config FILE is required (see --help)\n");
        return 2;
    }
    const auto loaded = hall::counter::loadCounterConfig(parser.value(QStringLiteral("config")));
    if (!loaded.config) {
        std::fprintf(stderr, "hall-counter: %s\n", qPrintable(loaded.error));
        return 2;
    }
    hall::counter::CounterApp counter(*loaded.config, &hall::counter::makeKeypad);
    QString error;
    if (!counter.start(&error) || !counter.showWindow(&error)) {
        std::fprintf(stderr, "hall-counter: %s\n", qPrintable(error));
        return 2;
    }
    return app.exec();
}
