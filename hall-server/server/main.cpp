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
    parser.addOption({QStringLiteral("server-key"), QStringLiteral("The server's CURVE key pair (hallctl keygen --server)."), QStringLiteral("file")});
    const hall::server::DaemonOptions defaults;
    const QString requests = QString::fromLatin1(defaults.requestEndpoint), events = QString::fromLatin1(defaults.eventEndpoint);
    parser.addOption({QStringLiteral("requests"), QStringLiteral("ZeroMQ endpoint for requests (default %1).").arg(requests), QStringLiteral("endpoint"), requests});
    parser.addOption({QStringLiteral("events"), QStringLiteral("ZeroMQ endpoint for events (default %1).").arg(events), QStringLiteral("endpoint"), events});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config")) || !parser.isSet(QStringLiteral("db")) || !parser.isSet(QStringLiteral("server-key"))) {
        fprintf(stderr, "hall-server: --config FILE, --db FILE and --server-key FILE are required (see --help)\n");
        return 2;
    }

    hall::server::installShutdownHandler();
    hall::server::Daemon daemon;
    hall::server::DaemonOptions options;
    options.configPath = parser.value(QStringLiteral("config"));
    options.dbPath = parser.value(QStringLiteral("db"));
    options.serverKeyPath = parser.value(QStringLiteral("server-key"));
    options.requestEndpoint = parser.value(QStringLiteral("requests")).toUtf8();
    options.eventEndpoint = parser.value(QStringLiteral("events")).toUtf8();
    if (const int rc = daemon.start(options); rc != 0)
        return rc;
    return app.exec();
}
