#include "server/daemon.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W %{endif}%{if-critical}E %{endif}%{category}: %{message}"));
    QCoreApplication app(argc, argv);
    // Debug chatter is for developers; QT_LOGGING_RULES in the environment still overrides this.
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("hall-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hall server: the single writer of the hall's queue state."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config"), QStringLiteral("Hall configuration file (JSON)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("db"), QStringLiteral("SQLite database file (created if missing)."), QStringLiteral("file")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config")) || !parser.isSet(QStringLiteral("db"))) {
        fprintf(stderr, "hall-server: --config FILE and --db FILE are required (see --help)\n");
        return 2;
    }

    hall::server::installShutdownHandler();
    hall::server::Daemon daemon;
    if (const int rc = daemon.start(parser.value(QStringLiteral("config")), parser.value(QStringLiteral("db"))); rc != 0)
        return rc;
    return app.exec();
}
