#include "bus/terminalbus.h"

#include "bus/curvekeys.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"

namespace hall::bus {

bool connectTerminal(zmq::context_t &ctx, const TerminalSettings &settings, const QString &whose, std::unique_ptr<HallClient> *client,
                     std::unique_ptr<HallState> *state, QString *error, KeyPair *ownKeys, QByteArray *serverKey)
{
    QString why;
    const auto own = readKeyFile(settings.keyFile, &why);
    if (!own) {
        *error = QStringLiteral("%1 key: %2").arg(whose, why);
        return false;
    }
    const auto server = readKeyFile(settings.serverKeyFile, &why);
    if (!server) {
        *error = QStringLiteral("the server's public key: %1").arg(why);
        return false;
    }
    if (ownKeys)
        *ownKeys = *own;
    if (serverKey)
        *serverKey = server->publicKey;
    *client = std::make_unique<HallClient>(ctx);
    (*client)->setServer(settings.requests, *own, server->publicKey);
    (*client)->setRetryPolicy(1500, 3);
    *state = std::make_unique<HallState>(ctx, **client);
    (*state)->setEventEndpoint(settings.events, *own, server->publicKey);
    if (!(*client)->start(&why) || !(*state)->start(&why)) {
        *error = QStringLiteral("the hall bus: %1").arg(why);
        return false;
    }
    return true;
}

} // namespace hall::bus
