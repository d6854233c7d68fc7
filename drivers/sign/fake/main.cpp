// hall-fakesign: FAKE RS-485 window signs for tests and demos (see fakesignapp.h).

#include "drivers/fakedevice/fakemain.h"
#include "drivers/sign/fake/fakesignapp.h"

int main(int argc, char *argv[])
{
    return hall::fakedevice::runFakeApp<hall::sign::frame::FakeSignApp>(argc, argv, "hall-fakesign");
}
