// hall-fakeprinter: a FAKE ESC/POS printer for tests and demos (see fakeprinterapp.h).

#include "drivers/fakedevice/fakemain.h"
#include "drivers/printer/fake/fakeprinterapp.h"

int main(int argc, char *argv[])
{
    return hall::fakedevice::runFakeApp<hall::printer::FakePrinterApp>(argc, argv, "hall-fakeprinter");
}
