#include "board/boardapp.h"
#include "board/boardconfig.h"
#include "board/boardrecorder.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W %{endif}%{if-critical}E %{endif}%{category}: %{message}"));
    QGuiApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("hall-board"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hall call board with voice; with --manager, the manager's live board."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config"), QStringLiteral("The board's settings file (docs/board.md)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("manager"), QStringLiteral("Show the manager's live board instead of the call board.")});
    parser.addOption({QStringLiteral("screenshots"), QStringLiteral("Demo: write PNGs of the board (idle, the first calls; the manager board) there."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("record-voice"), QStringLiteral("Write every announcement there as a WAV file as it starts."), QStringLiteral("dir")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("config"))) {
        std::fprintf(stderr, "hall-board: --config FILE is required (see --help)\n");
        return 2;
    }
    const auto loaded = hall::board::loadBoardConfig(parser.value(QStringLiteral("config")));
    if (!loaded.config) {
        std::fprintf(stderr, "hall-board: %s\n", qPrintable(loaded.error));
        return 2;
    }
    hall::board::BoardApp board(*loaded.config, parser.isSet(QStringLiteral("manager")) ? hall::board::BoardApp::Mode::Manager : hall::board::BoardApp::Mode::Calls);
    board.setVoiceRecordDirectory(parser.value(QStringLiteral("record-voice")));
    QString error;
    if (!board.start(&error) || !board.showWindow(&error)) {
        std::fprintf(stderr, "hall-board: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(QStringLiteral("screenshots"))) {
        hall::board::BoardRecorder::Options options;
        options.dir = parser.value(QStringLiteral("screenshots"));
        new hall::board::BoardRecorder(board, options, &board);
    }
    return app.exec();
}
