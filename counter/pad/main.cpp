#include "counter/pad/autorater.h"
#include "counter/pad/padapp.h"
#include "counter/pad/padconfig.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W %{endif}%{if-critical}E %{endif}%{category}: %{message}"));
    QGuiApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("hall-pad"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hall evaluation pad: the visitor rates the service at the window."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config"), QStringLiteral("The pad's settings file (docs/pad.md)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("auto-rate"), QStringLiteral("Demo: tap a rating button a moment after the buttons appear: satisfied, unsatisfied or random."),
                      QStringLiteral("mode")});
    parser.addOption({QStringLiteral("auto-rate-delay"), QStringLiteral("With --auto-rate: milliseconds before each tap."), QStringLiteral("ms"), QStringLiteral("1500")});
    parser.addOption({QStringLiteral("screenshots"), QStringLiteral("With --auto-rate: where to write the rating and thanks screens (PNG)."), QStringLiteral("dir")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config"))) {
        std::fprintf(stderr, "hall-pad: --config FILE is required (see --help)\n");
        return 2;
    }
    const QString mode = parser.value(QStringLiteral("auto-rate"));
    bool delayOk = false;
    const int delay = parser.value(QStringLiteral("auto-rate-delay")).toInt(&delayOk);
    if (parser.isSet(QStringLiteral("auto-rate")) && (!hall::pad::AutoRater::validMode(mode) || !delayOk || delay < 0)) {
        std::fprintf(stderr, "hall-pad: --auto-rate takes satisfied, unsatisfied or random, --auto-rate-delay a number of ms\n");
        return 2;
    }
    const auto loaded = hall::pad::loadPadConfig(parser.value(QStringLiteral("config")));
    if (!loaded.config) {
        std::fprintf(stderr, "hall-pad: %s\n", qPrintable(loaded.error));
        return 2;
    }
    hall::pad::PadApp pad(*loaded.config);
    QString error;
    if (!pad.start(&error) || !pad.showWindow(&error)) {
        std::fprintf(stderr, "hall-pad: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(QStringLiteral("auto-rate"))) {
        hall::pad::AutoRater::Options options;
        options.mode = mode;
        options.delayMs = delay;
        options.screenshotDir = parser.value(QStringLiteral("screenshots"));
        auto *rater = new hall::pad::AutoRater(pad, options, &pad);
        rater->start();
    }
    return app.exec();
}
