// Child process of tst_crash: applies hall operations through the real engine and durable store
// and prints "ACK ..." for each one only after its commit returned, so the parent knows exactly
// what was acknowledged when it SIGKILLs this process.
#include "engine/engine.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>
#include <random>

using namespace hall::engine;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: crashchild DB SEED\n");
        return 2;
    }
    HallConfig config;
    config.hallId = "crash";
    config.nameZh = "crash";
    const char *codes[] = {"NEW", "REPLACE", "INSPECT"};
    for (int i = 0; i < 3; ++i)
        config.services.push_back(Service{codes[i], char('A' + i), codes[i], codes[i], 300, 999});
    for (int w = 1; w <= 4; ++w) {
        config.windows.push_back(WindowConfig{w, "w", {codes[w % 3], codes[(w + 1) % 3]}});
        config.clerks.push_back(Clerk{"c" + std::to_string(w), "clerk", "100" + std::to_string(w), "", "clerk", ""});
    }
    QString error;
    auto store = hall::store::Store::open(QString::fromLocal8Bit(argv[1]), {}, &error);
    if (!store || !store->syncConfig(config, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    SystemClock clock;
    Engine engine(config, clock);
    engine.restore(store->loadSnapshot(config));
    std::mt19937_64 rng(std::stoull(argv[2]));
    const std::string device = "crash-" + std::to_string(QCoreApplication::applicationPid());
    for (int n = 0; n < 100000; ++n) {
        const int w = int(rng() % 4) + 1;
        Outcome out;
        switch (rng() % 6) {
        case 0: case 1: case 2: out = engine.issue(codes[rng() % 3]); break;
        case 3: out = engine.window(w) && !engine.window(w)->clerk.empty() ? engine.callNext(w) : engine.signIn(w, "c" + std::to_string(w)); break;
        case 4: out = engine.finish(w); break;
        default: out = engine.callNext(w); break;
        }
        const std::string requestId = "r" + std::to_string(n);
        const QByteArray reply = out.ok() ? QByteArray("{\"ok\":true}") : QByteArray("{\"ok\":false}");
        std::vector<std::vector<qint64>> seqs;
        if (!store->commit({hall::store::CommitEntry{out.events, device, requestId, reply}}, &seqs, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        for (std::size_t i = 0; i < out.events.size(); ++i) {
            const Event &e = out.events[i];
            std::printf("ACK %lld %s %lld %s %d %d\n", static_cast<long long>(seqs[0][i]), toString(e.type),
                        static_cast<long long>(e.ticket), e.service.empty() ? "-" : e.service.c_str(), e.number, e.day);
        }
        std::printf("REQ %s %s\n", device.c_str(), requestId.c_str());
        std::fflush(stdout);
    }
    return 0;
}
