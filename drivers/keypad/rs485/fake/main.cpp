// hall-fakekeypad: FAKE RS-485 rating keypads for tests and demos (see fakekeypadapp.h).

#include "drivers/fakedevice/fakemain.h"
#include "drivers/keypad/rs485/fake/fakekeypadapp.h"

int main(int argc, char *argv[])
{
    return hall::fakedevice::runFakeApp<hall::keypad::rs485::FakeKeypadApp>(argc, argv, "hall-fakekeypad");
}
