#include "ctl/hallctl.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Debug chatter is for developers; QT_LOGGING_RULES in the environment still overrides this.
    QLoggingCategory::setFilterRules(QStringLiteral("hall.*.debug=false\nhall.bus.client.info=false\nhall.bus.state.info=false"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    return hall::ctl::run(args, out, err);
}
