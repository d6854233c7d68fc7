#pragma once

// Test helper: the hall-fakesign program (FAKE window signs) driven over stdin/stdout, with the
// event loop running while it waits. Also used by the hall-server integration test.

#include "../fakeprocess.h" // FakeBusProcess, SocatPair

class FakeSignProcess : public FakeBusProcess
{
public:
    FakeSignProcess()
        : FakeBusProcess(QStringLiteral(HALL_FAKESIGN_BIN))
    {
    }
};
