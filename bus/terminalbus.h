#pragma once

#include "bus/curvekeys.h"
#include "bus/settingsreader.h"

#include <QString>

#include <zmq.hpp>

#include <memory>

namespace hall::bus {

class HallClient;
class HallState;

// A terminal's two ends of the hall bus from its settings: its key pair and the server's public
// key read from the files, a HallClient for requests and a HallState mirror on the events, both
// started. A person at a terminal waits at most about 4.5 s (three tries of 1.5 s) before being
// told that the server did not answer. whose names the terminal in errors ("the pad's key: ...").
// ownKeys and serverKey, when given, receive the keys read, for a terminal that opens more
// connections (a counter hosting a keypad).
bool connectTerminal(zmq::context_t &ctx, const TerminalSettings &settings, const QString &whose, std::unique_ptr<HallClient> *client,
                     std::unique_ptr<HallState> *state, QString *error, KeyPair *ownKeys = nullptr, QByteArray *serverKey = nullptr);

} // namespace hall::bus
