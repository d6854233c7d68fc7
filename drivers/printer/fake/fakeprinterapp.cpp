#include "drivers/printer/fake/fakeprinterapp.h"

#include <QFile>

namespace hall::printer {

using fakedevice::say;

FakePrinterApp::FakePrinterApp(QObject *parent)
    : QObject(parent)
{
    connect(&m_printer, &FakePrinter::jobFinished, this, &FakePrinterApp::onJob);
    connect(&m_printer, &FakePrinter::jobAbandoned, this, [this](qsizetype bytes) {
        say(QStringLiteral("job abandoned %1").arg(bytes));
    });
    connect(&m_printer, &FakePrinter::stateChanged, this,
            [this](const QString &name) { say(QStringLiteral("state %1").arg(name)); });
}

QString FakePrinterApp::usage()
{
    return QStringLiteral(
               "usage: hall-fakeprinter (--tcp HOST:PORT | --serial PATH) --out DIR [--state NAME]\n"
               "A FAKE ESC/POS printer for tests and demos. States: %1.\n"
               "stdin commands: state NAME | jobs | quit\n")
        .arg(FakePrinter::stateNames().join(QStringLiteral(", ")));
}

bool FakePrinterApp::start(const QStringList &args, QString *error)
{
    QString tcp, serial, out, state = QStringLiteral("normal");
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto value = [&]() -> QString {
            if (i + 1 >= args.size())
                return {};
            return args.at(++i);
        };
        if (a == QLatin1String("--tcp"))
            tcp = value();
        else if (a == QLatin1String("--serial"))
            serial = value();
        else if (a == QLatin1String("--out"))
            out = value();
        else if (a == QLatin1String("--state"))
            state = value();
        else {
            *error = QStringLiteral("unknown argument %1").arg(a);
            return false;
        }
    }
    if (tcp.isEmpty() == serial.isEmpty()) {
        *error = QStringLiteral("give exactly one of --tcp and --serial");
        return false;
    }
    if (out.isEmpty()) {
        *error = QStringLiteral("--out DIR is required");
        return false;
    }
    const auto initial = FakePrinter::stateFromName(state);
    if (!initial) {
        *error = QStringLiteral("unknown state %1").arg(state);
        return false;
    }
    if (!QDir().mkpath(out)) {
        *error = QStringLiteral("cannot create %1").arg(out);
        return false;
    }
    m_out = QDir(out);
    m_printer.setState(*initial);

    if (!tcp.isEmpty()) {
        const qsizetype colon = tcp.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const uint port = colon > 0 ? tcp.mid(colon + 1).toUInt(&ok) : 0;
        if (colon <= 0 || !ok || port > 65535) {
            *error = QStringLiteral("--tcp wants HOST:PORT, got %1").arg(tcp);
            return false;
        }
        const QHostAddress address(tcp.left(colon));
        if (address.isNull()) {
            *error = QStringLiteral("--tcp wants a numeric address, got %1").arg(tcp.left(colon));
            return false;
        }
        if (!m_printer.listenTcp(address, quint16(port), error))
            return false;
        say(QStringLiteral("listening %1:%2").arg(address.toString()).arg(m_printer.tcpPort()));
    } else {
        if (!m_printer.openSerial(serial, error))
            return false;
        say(QStringLiteral("serial %1").arg(serial));
    }

    new fakedevice::StdinCommands([this](const QString &line) { command(line); }, this);
    return true;
}

void FakePrinterApp::onJob(int index, bool printed)
{
    const auto jobs = m_printer.jobs();
    if (index < 0 || index >= jobs.size())
        return;
    const auto &job = jobs.at(index);
    QString file = QStringLiteral("-");
    if (printed) {
        ++m_printed;
        const QString base = QStringLiteral("ticket-%1").arg(m_printed, 3, 10, QLatin1Char('0'));
        // Raw first, text last: a watcher that sees the .txt can read both.
        QFile raw(m_out.filePath(base + QStringLiteral(".bin")));
        if (raw.open(QIODevice::WriteOnly))
            raw.write(job.raw);
        raw.close();
        QFile txt(m_out.filePath(base + QStringLiteral(".txt.part")));
        if (txt.open(QIODevice::WriteOnly)) {
            txt.write(job.text.toUtf8());
            txt.write("\n");
            txt.close();
            QFile::remove(m_out.filePath(base + QStringLiteral(".txt")));
            txt.rename(m_out.filePath(base + QStringLiteral(".txt")));
        }
        file = m_out.filePath(base + QStringLiteral(".txt"));
    }
    say(QStringLiteral("job %1 %2 %3 %4 %5")
            .arg(index + 1)
            .arg(printed ? QStringLiteral("printed") : QStringLiteral("refused"), job.state)
            .arg(job.raw.size())
            .arg(file));
}

void FakePrinterApp::command(const QString &line)
{
    const QStringList words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.value(0) == QLatin1String("state") && words.size() == 2) {
        if (const auto s = FakePrinter::stateFromName(words.at(1))) {
            m_printer.setState(*s); // says "state NAME"
            return;
        }
        say(QStringLiteral("error unknown state %1").arg(words.at(1)));
        return;
    }
    if (words.value(0) == QLatin1String("jobs")) {
        say(QStringLiteral("jobs %1 printed %2 queries %3")
                .arg(m_printer.jobs().size())
                .arg(m_printed)
                .arg(m_printer.statusQueries()));
        return;
    }
    if (words.value(0) == QLatin1String("quit")) {
        Q_EMIT quitRequested();
        return;
    }
    say(QStringLiteral("error unknown command %1").arg(line));
}

} // namespace hall::printer
