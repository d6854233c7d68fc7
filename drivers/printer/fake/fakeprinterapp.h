#pragma once

// FAKE printer as a program (hall-fakeprinter): command line, ticket files, and state changes
// read from stdin. Kept in the library so main.cpp stays a few lines and tests can reach it.
//
//   hall-fakeprinter --tcp 127.0.0.1:0 --out DIR [--state paper_end]
//   hall-fakeprinter --serial /tmp/pty-b --out DIR
//
// stdout, one line each: "listening 127.0.0.1:PORT" or "serial PATH"; "job N printed|refused
// STATE BYTES FILE"; "state NAME" after every change. stdin: "state NAME", "jobs", "quit".

#include "drivers/fakedevice/fakedevice.h"
#include "drivers/printer/fake/fakeprinter.h"

#include <QDir>
#include <QObject>
#include <QStringList>

namespace hall::printer {

class FakePrinterApp : public QObject
{
    Q_OBJECT
public:
    explicit FakePrinterApp(QObject *parent = nullptr);
    // Parses the arguments (without argv[0]) and starts; false with *error on bad usage.
    bool start(const QStringList &arguments, QString *error);
    static QString usage();

Q_SIGNALS:
    void quitRequested();

private:
    void onJob(int index, bool printed);
    void command(const QString &line);

    FakePrinter m_printer;
    QDir m_out;
    int m_printed = 0;
};

} // namespace hall::printer
