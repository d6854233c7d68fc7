// HallState, the terminal's mirror of the hall, against a fake server over CURVE on 127.0.0.1:
// the first snapshot equals the server's engine, events keep it equal, duplicates are ignored,
// gaps / a new epoch / a heartbeat ahead of us / a new configuration / silence each lead to
// exactly one fresh snapshot, and the list models follow.
#include "bus/hallclient.h"
#include "bus/hallmodels.h"
#include "bus/hallstate.h"
#include "bus/hallwire.h"
#include "bus/zaphandler.h"
#include "bus/zmqsocket.h"
#include "testhall.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace hall::bus;
using namespace hall::engine;

namespace {

// NOT hall-server: a real engine behind a ROUTER (answering `snapshot` only) and a PUB (its
// events, heartbeats, device_status notices), with failure injection: publications dropped
// (gaps), repeated (duplicates), a new epoch, heartbeats stopped, snapshot requests dropped.
class FakeHallServer : public QObject
{
public:
    FakeHallServer(zmq::context_t &ctx, const KeyPair &keys, HallConfig config)
        : m_keys(keys)
        , m_router(ctx, zmq::socket_type::router)
        , m_pub(ctx, zmq::socket_type::pub)
        , m_engine(std::make_unique<Engine>(std::move(config), clock))
    {
        connect(&m_router, &ZmqSocket::received, this, [this](const QList<QByteArray> &frames) { onRequest(frames); });
        m_heartbeat.setInterval(200);
        connect(&m_heartbeat, &QTimer::timeout, this, &FakeHallServer::heartbeat);
    }

    bool start(QString *error)
    {
        if (!m_router.makeCurveServer(m_keys, error) || !m_pub.makeCurveServer(m_keys, error)
            || !m_router.bind("tcp://127.0.0.1:*", error) || !m_pub.bind("tcp://127.0.0.1:*", error))
            return false;
        m_heartbeat.start();
        return true;
    }
    QByteArray requestEndpoint() const { return m_router.lastEndpoint(); }
    QByteArray eventEndpoint() const { return m_pub.lastEndpoint(); }
    const Engine &engine() const { return *m_engine; }

    // Runs an operation one simulated minute after the last; its events get the next seqs.
    void run(const std::function<Outcome(Engine &)> &op)
    {
        clock.advance(60 * 1000);
        const Outcome out = op(*m_engine);
        QVERIFY2(out.ok(), out.error ? out.error->message.c_str() : "");
        for (const Event &e : out.events) {
            m_last = EventMessage{epoch, ++seq, QString::fromLatin1(toString(e.type)), e.at, wire::eventData(e)};
            if (dropEvents > 0)
                --dropEvents;
            else
                m_pub.send({encodeEvent(m_last)});
        }
    }
    // Sends the snapshot reply held back, with the state as it was when it was asked for.
    void releaseSnapshot() { m_router.send(m_held); }
    bool heldSnapshot() const { return !m_held.isEmpty(); }
    void repeatLastEvent() { m_pub.send({encodeEvent(m_last)}); }
    void notice(const QString &type, const QJsonObject &data) { m_pub.send({encodeEvent(EventMessage{epoch, seq, type, clock.now(), data})}); }
    void heartbeat() { notice(QStringLiteral("heartbeat"), {{"configVersion", wire::configVersion(m_engine->config())}}); }
    void setHeartbeats(bool on)
    {
        if (on) {
            heartbeat();
            m_heartbeat.start();
        } else {
            m_heartbeat.stop();
        }
    }
    // A reloaded configuration: same state, new names.
    void reconfigure(const std::function<void(HallConfig &)> &change)
    {
        HallConfig c = m_engine->config();
        change(c);
        const EngineSnapshot s = m_engine->snapshot();
        m_engine = std::make_unique<Engine>(c, clock);
        m_engine->restore(s);
    }

    ManualClock clock{testhall::localTime(8, 30)};
    QString epoch = QStringLiteral("0a1b2c3d4e5f6071");
    qint64 seq = 0;
    int dropEvents = 0;    // publish nothing for the next N events; their seqs are used all the same
    int dropSnapshots = 0; // ignore the next N snapshot requests
    bool holdNextSnapshot = false; // answer it only when the test says so
    QByteArrayList snapshotIds; // every snapshot request received, dropped or not
    QJsonArray devices;

private:
    void onRequest(const QList<QByteArray> &frames)
    {
        QVERIFY(frames.size() == 2);
        const DecodedRequest d = decodeRequest(frames[1]);
        QVERIFY2(d.request, qPrintable(d.error.message));
        const Request &r = *d.request;
        Reply reply{r.id, true, {}, {}};
        if (r.op == QLatin1String("snapshot")) {
            snapshotIds += r.id;
            if (dropSnapshots > 0) {
                --dropSnapshots;
                return;
            }
            reply.result = {{"epoch", epoch},
                            {"seq", seq},
                            {"configVersion", wire::configVersion(m_engine->config())},
                            {"config", wire::publicConfigJson(m_engine->config())},
                            {"state", wire::stateJson(m_engine->snapshot())},
                            {"devices", devices},
                            {"serverTime", qint64(clock.now())}};
        } else {
            reply.ok = false;
            reply.error = {QStringLiteral("bad_request"), QStringLiteral("the fake knows only snapshot")};
        }
        if (holdNextSnapshot && r.op == QLatin1String("snapshot")) {
            holdNextSnapshot = false;
            m_held = {frames[0], encodeReply(reply)};
            return;
        }
        m_router.send({frames[0], encodeReply(reply)});
    }

    KeyPair m_keys;
    ZmqSocket m_router;
    ZmqSocket m_pub;
    std::unique_ptr<Engine> m_engine;
    EventMessage m_last;
    QTimer m_heartbeat;
    QList<QByteArray> m_held;
};

QByteArray stateText(const Engine &e)
{
    return QJsonDocument(wire::stateJson(e.snapshot())).toJson(QJsonDocument::Compact);
}

} // namespace

// The mirror holds exactly the server's state, and answers every query the same way.
#define QVERIFY_MIRRORS(fake, state)                                                                  \
    do {                                                                                              \
        QVERIFY((state).engine());                                                                    \
        QVERIFY_SAME_SNAPSHOT((fake).engine().snapshot(), (state).engine()->snapshot());              \
        QCOMPARE(stateText(*(state).engine()), stateText((fake).engine()));                           \
        QVERIFY_SAME_QUERIES((fake).engine(), *(state).engine());                                     \
        QCOMPARE((state).seq(), (fake).seq);                                                          \
        QCOMPARE((state).epoch(), (fake).epoch);                                                      \
    } while (false)

class TestHallState : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<zmq::context_t> m_ctx;
    std::unique_ptr<ZapHandler> m_zap;
    std::unique_ptr<FakeHallServer> m_fake;
    std::unique_ptr<HallClient> m_client;
    std::unique_ptr<HallState> m_state;
    KeyPair m_terminalKeys, m_serverKeys;

    // Starts the terminal side and waits until it is synchronised and hearing heartbeats (so its
    // subscription has reached the PUB socket and no event of the test can be lost to it).
    bool connectTerminal(int timeoutMs = 500, int attempts = 3)
    {
        m_client = std::make_unique<HallClient>(*m_ctx);
        m_client->setServer(m_fake->requestEndpoint(), m_terminalKeys, m_serverKeys.publicKey);
        m_client->setRetryPolicy(timeoutMs, attempts);
        m_state = std::make_unique<HallState>(*m_ctx, *m_client);
        m_state->setEventEndpoint(m_fake->eventEndpoint(), m_terminalKeys, m_serverKeys.publicKey);
        QString error;
        if (!m_client->start(&error) || !m_state->start(&error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return true;
    }

private Q_SLOTS:
    void init()
    {
        m_ctx = std::make_unique<zmq::context_t>();
        QString error;
        const auto server = generateKeyPair(&error);
        const auto terminal = generateKeyPair(&error);
        QVERIFY(server && terminal);
        m_serverKeys = *server;
        m_terminalKeys = *terminal;
        const QByteArray terminalKey = terminal->publicKey;
        m_zap = std::make_unique<ZapHandler>(*m_ctx, [terminalKey](const QByteArray &key) -> std::optional<QByteArray> {
            return key == terminalKey ? std::optional<QByteArray>("board-1") : std::nullopt;
        });
        QVERIFY2(m_zap->start(&error), qPrintable(error));

        // A morning in progress before the terminal starts: 9 journal events nobody heard.
        m_fake = std::make_unique<FakeHallServer>(*m_ctx, *server, testhall::fourWindowHall());
        m_fake->run([](Engine &e) { return e.signIn(1, "c1"); }); // day_started, clerk_signed_in
        m_fake->run([](Engine &e) { return e.signIn(2, "c2"); });
        for (const char *service : {"NEW", "NEW", "NEW", "RENEW", "RENEW"})
            m_fake->run([service](Engine &e) { return e.issue(service); });
        m_fake->run([](Engine &e) { return e.callNext(1); }); // A001 to window 1
        QCOMPARE(m_fake->seq, 9);
        m_fake->devices = QJsonArray{QJsonObject{{"id", "kiosk-1"}, {"role", "kiosk"}, {"status", QJsonObject{{"paper", "ok"}}}, {"statusAt", 1000}},
                                     QJsonObject{{"id", "counter-2"}, {"role", "counter"}, {"window", 2}}};
        QVERIFY2(m_fake->start(&error), qPrintable(error));
    }

    void cleanup()
    {
        m_state.reset();
        m_client.reset();
        m_fake.reset();
        m_zap.reset();
        m_ctx.reset();
    }

    void initialSyncEqualsTheServer()
    {
        QVERIFY(connectTerminal());
        QSignalSpy synced(m_state.get(), &HallState::syncedChanged);
        ServiceQueueModel services(m_state.get());
        WindowModel windows(m_state.get());
        RecentCallsModel calls(m_state.get());
        QCOMPARE(services.count(), 0); // nothing known yet
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        QCOMPARE(synced.size(), 1);

        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->seq(), 9);
        QCOMPARE(m_state->configVersion(), wire::configVersion(m_fake->engine().config()));
        QCOMPARE(m_state->snapshotsTaken(), 1);
        QCOMPARE(m_state->eventsApplied(), 0);
        QCOMPARE(m_fake->snapshotIds.size(), 1);

        QCOMPARE(m_state->deviceIds(), (QStringList{"counter-2", "kiosk-1"}));
        QCOMPARE(m_state->deviceStatus("kiosk-1").value("status").toObject().value("paper").toString(), QStringLiteral("ok"));
        QCOMPARE(m_state->deviceStatus("kiosk-1").value("at").toInteger(), 1000);
        QCOMPARE(m_state->deviceStatus("counter-2").value("window").toInt(), 2);
        QVERIFY(m_state->deviceStatus("nobody").isEmpty());

        QCOMPARE(services.count(), 3);
        QCOMPARE(services.value(0, "code").toString(), QStringLiteral("NEW"));
        QCOMPARE(services.value(0, "prefix").toString(), QStringLiteral("A"));
        QCOMPARE(services.value(0, "nameEn").toString(), QStringLiteral("New"));
        QCOMPARE(services.value(0, "waiting").toInt(), 2);
        QCOMPARE(services.value(0, "lastNumber").toInt(), 3);
        QCOMPARE(services.value(0, "lastLabel").toString(), QStringLiteral("A003"));
        QCOMPARE(services.value(0, "nextLabels").toStringList(), (QStringList{"A002", "A003"}));
        QCOMPARE(services.value(0, "openWindows").toInt(), 2);
        QCOMPARE(services.value(0, "estimatedWaitSeconds").toInt(), m_fake->engine().estimatedWaitSeconds("NEW"));
        QCOMPARE(services.value(1, "waiting").toInt(), 2);
        QCOMPARE(services.value(2, "lastLabel").toString(), QString());
        QCOMPARE(services.value(2, "nextLabels").toStringList(), QStringList());
        // Through the model interface QML uses.
        const QHash<int, QByteArray> roles = services.roleNames();
        QCOMPARE(roles.value(ServiceQueueModel::EstimatedWaitSecondsRole), QByteArray("estimatedWaitSeconds"));
        QCOMPARE(services.data(services.index(1), ServiceQueueModel::LastLabelRole).toString(), QStringLiteral("B002"));

        QCOMPARE(windows.count(), 4);
        QCOMPARE(windows.value(0, "currentLabel").toString(), QStringLiteral("A001"));
        QCOMPARE(windows.value(0, "currentStatus").toString(), QStringLiteral("called"));
        QCOMPARE(windows.value(0, "currentService").toString(), QStringLiteral("NEW"));
        QCOMPARE(windows.value(0, "clerkName").toString(), QStringLiteral("Clerk 1"));
        QCOMPARE(windows.value(0, "open").toBool(), true);
        QCOMPARE(windows.value(1, "services").toStringList(), (QStringList{"RENEW", "NEW"}));
        QCOMPARE(windows.value(1, "currentLabel").toString(), QString());
        QCOMPARE(windows.value(2, "open").toBool(), false);

        QCOMPARE(calls.count(), 1);
        QCOMPARE(calls.value(0, "label").toString(), QStringLiteral("A001"));
        QCOMPARE(calls.value(0, "window").toInt(), 1);
        QCOMPARE(calls.value(0, "recall").toBool(), false);
    }

    void eventsAreAppliedInOrder()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        ServiceQueueModel services(m_state.get());
        WindowModel windows(m_state.get());
        RecentCallsModel calls(m_state.get());
        QSignalSpy applied(m_state.get(), &HallState::eventApplied);
        QSignalSpy windowsReset(&windows, &QAbstractItemModel::modelReset);
        QSignalSpy windowsChanged(&windows, &QAbstractItemModel::dataChanged);
        QSignalSpy callsInserted(&calls, &QAbstractItemModel::rowsInserted);

        m_fake->run([](Engine &e) { return e.issue("RENEW"); });  // 10 B003
        m_fake->run([](Engine &e) { return e.issue("NEW"); });    // 11 A004
        m_fake->run([](Engine &e) { return e.callNext(2); });     // 12 B001 to window 2
        m_fake->run([](Engine &e) { return e.recall(1); });       // 13 A001 again
        m_fake->run([](Engine &e) { return e.startService(2); }); // 14
        m_fake->run([](Engine &e) { return e.finish(1); });       // 15
        QTRY_COMPARE_WITH_TIMEOUT(m_state->seq(), 15, 5000);

        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->eventsApplied(), 6);
        QCOMPARE(m_state->snapshotsTaken(), 1);
        QCOMPARE(m_state->duplicatesIgnored(), 0);
        QCOMPARE(m_state->gapsDetected(), 0);
        QCOMPARE(applied.size(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(applied[i][1].toLongLong(), 10 + i);
        QCOMPARE(applied[2][0].value<Event>().type, EventType::TicketCalled);

        QCOMPARE(services.value(0, "waiting").toInt(), 3);
        QCOMPARE(services.value(0, "lastLabel").toString(), QStringLiteral("A004"));
        QCOMPARE(services.value(0, "nextLabels").toStringList(), (QStringList{"A002", "A003", "A004"}));
        QCOMPARE(services.value(0, "estimatedWaitSeconds").toInt(), m_fake->engine().estimatedWaitSeconds("NEW"));
        QCOMPARE(services.value(1, "waiting").toInt(), 2);
        QCOMPARE(services.value(1, "nextLabels").toStringList(), (QStringList{"B002", "B003"}));
        QCOMPARE(services.value(1, "openWindows").toInt(), 1);

        QCOMPARE(windows.value(0, "currentLabel").toString(), QString());
        QCOMPARE(windows.value(0, "currentStatus").toString(), QString());
        QCOMPARE(windows.value(0, "currentTicketId").toLongLong(), 0);
        QCOMPARE(windows.value(1, "currentLabel").toString(), QStringLiteral("B001"));
        QCOMPARE(windows.value(1, "currentStatus").toString(), QStringLiteral("serving"));
        QCOMPARE(windows.value(1, "currentService").toString(), QStringLiteral("RENEW"));
        QCOMPARE(windows.value(1, "clerkId").toString(), QStringLiteral("c2"));
        // Events change rows in place; only a snapshot resets the model.
        QCOMPARE(windowsReset.size(), 0);
        QVERIFY(windowsChanged.size() >= 3);

        // The recall moved A001 back to the top instead of adding a row.
        QCOMPARE(calls.count(), 2);
        QCOMPARE(calls.value(0, "label").toString(), QStringLiteral("A001"));
        QCOMPARE(calls.value(0, "recall").toBool(), true);
        QCOMPARE(calls.value(0, "window").toInt(), 1);
        QCOMPARE(calls.value(1, "label").toString(), QStringLiteral("B001"));
        QCOMPARE(calls.value(1, "recall").toBool(), false);
        QCOMPARE(calls.value(1, "service").toString(), QStringLiteral("RENEW"));
        QCOMPARE(callsInserted.size(), 2);

        // A later snapshot rebuilds the same list (the recall flag from the ticket's recalls).
        RecentCallsModel rebuilt(m_state.get());
        QCOMPARE(rebuilt.get(0), calls.get(0));
        QCOMPARE(rebuilt.get(1), calls.get(1));
    }

    void eventsDuringTheSnapshotAreKept()
    {
        m_fake->holdNextSnapshot = true;
        QVERIFY(connectTerminal(5000, 2));
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->heldSnapshot() && m_state->online(), 5000);
        // Published after the server took the snapshot, before the terminal has it.
        m_fake->run([](Engine &e) { return e.issue("PICKUP"); }); // 10
        m_fake->run([](Engine &e) { return e.callNext(2); });     // 11
        QTest::qWait(300);
        QVERIFY(!m_state->synced());
        QVERIFY(!m_state->engine());
        m_fake->releaseSnapshot();
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QCOMPARE(m_state->seq(), 11);
        QCOMPARE(m_state->eventsApplied(), 2);
        QCOMPARE(m_state->snapshotsTaken(), 1);
        QCOMPARE(m_state->duplicatesIgnored(), 0); // the heartbeats held alongside are no duplicates
        QVERIFY_MIRRORS(*m_fake, *m_state);
    }

    void duplicateIsIgnored()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        m_fake->run([](Engine &e) { return e.finish(1); }); // 10
        QTRY_COMPARE_WITH_TIMEOUT(m_state->seq(), 10, 5000);
        // Applied twice, a finish would record a second service time: the mirror would differ.
        m_fake->repeatLastEvent();
        QTRY_COMPARE_WITH_TIMEOUT(m_state->duplicatesIgnored(), 1, 5000);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->eventsApplied(), 1);
        QCOMPARE(m_state->snapshotsTaken(), 1);
        QVERIFY(m_state->synced());
    }

    void gapLeadsToOneSnapshot()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        QSignalSpy resynced(m_state.get(), &HallState::resynced);
        ServiceQueueModel services(m_state.get());

        m_fake->dropEvents = 1;
        m_fake->run([](Engine &e) { return e.issue("PICKUP"); }); // 10, lost
        m_fake->run([](Engine &e) { return e.issue("PICKUP"); }); // 11: shows the gap
        QTRY_COMPARE_WITH_TIMEOUT(m_state->snapshotsTaken(), 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->gapsDetected(), 1);
        QCOMPARE(m_state->eventsApplied(), 0);
        QCOMPARE(resynced.size(), 1);
        QCOMPARE(services.value(2, "nextLabels").toStringList(), (QStringList{"C001", "C002"}));

        // Heartbeats keep coming: nothing else to fetch, and events flow again.
        QTest::qWait(500);
        QCOMPARE(m_state->snapshotsTaken(), 2);
        QCOMPARE(m_fake->snapshotIds.size(), 2);
        m_fake->run([](Engine &e) { return e.issue("PICKUP"); }); // 12
        QTRY_COMPARE_WITH_TIMEOUT(m_state->seq(), 12, 5000);
        QCOMPARE(m_state->eventsApplied(), 1);
        QVERIFY_MIRRORS(*m_fake, *m_state);
    }

    void newEpochLeadsToSnapshot()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);

        // Another database whose journal is shorter than what we have seen: seqs alone would
        // make its events look like old ones.
        m_fake->epoch = QStringLiteral("ffee000000000002");
        m_fake->seq = 3;
        m_fake->run([](Engine &e) { return e.issue("NEW"); }); // 4 of the new epoch
        QTRY_COMPARE_WITH_TIMEOUT(m_state->epoch(), m_fake->epoch, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->seq(), 4);
        QCOMPARE(m_state->snapshotsTaken(), 2);
        QCOMPARE(m_state->duplicatesIgnored(), 0);

        m_fake->run([](Engine &e) { return e.issue("NEW"); }); // 5
        QTRY_COMPARE_WITH_TIMEOUT(m_state->seq(), 5, 5000);
        QCOMPARE(m_state->eventsApplied(), 1);
        QCOMPARE(m_state->snapshotsTaken(), 2);
        QVERIFY_MIRRORS(*m_fake, *m_state);
    }

    void heartbeatAheadLeadsToSnapshot()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        // The last event of a burst is lost; only the next heartbeat can tell.
        m_fake->dropEvents = 1;
        m_fake->run([](Engine &e) { return e.callNext(2); }); // 10
        QTRY_COMPARE_WITH_TIMEOUT(m_state->snapshotsTaken(), 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_state->gapsDetected(), 1);
        QCOMPARE(m_state->eventsApplied(), 0);
    }

    void noticesDoNotConsumeSeqs()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        QSignalSpy statusChanged(m_state.get(), &HallState::deviceStatusChanged);

        m_fake->notice("weather", {{"sky", "grey"}}); // a notice this terminal does not know
        m_fake->notice("device_status", {{"device", "kiosk-1"},
                                         {"role", "kiosk"},
                                         {"status", QJsonObject{{"paper", "low"}}},
                                         {"at", 5000}});
        QTRY_COMPARE_WITH_TIMEOUT(statusChanged.size(), 1, 5000);
        QCOMPARE(statusChanged[0][0].toString(), QStringLiteral("kiosk-1"));
        QCOMPARE(m_state->deviceStatus("kiosk-1").value("status").toObject().value("paper").toString(), QStringLiteral("low"));
        // An older report does not overwrite a newer one.
        m_fake->notice("device_status", {{"device", "kiosk-1"}, {"role", "kiosk"}, {"status", QJsonObject{{"paper", "ok"}}}, {"at", 4000}});
        m_fake->run([](Engine &e) { return e.issue("NEW"); }); // 10: right after the notices
        QTRY_COMPARE_WITH_TIMEOUT(m_state->seq(), 10, 5000);
        QCOMPARE(m_state->deviceStatus("kiosk-1").value("status").toObject().value("paper").toString(), QStringLiteral("low"));
        QCOMPARE(m_state->eventsApplied(), 1);
        QCOMPARE(m_state->snapshotsTaken(), 1);
        QCOMPARE(m_state->gapsDetected(), 0);
    }

    void newConfigurationLeadsToSnapshot()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        ServiceQueueModel services(m_state.get());
        const QString before = m_state->configVersion();
        m_fake->reconfigure([](HallConfig &c) { c.services[0].nameEn = "First application"; });
        QTRY_COMPARE_WITH_TIMEOUT(services.value(0, "nameEn").toString(), QStringLiteral("First application"), 5000);
        QCOMPARE(m_state->snapshotsTaken(), 2);
        QVERIFY(m_state->configVersion() != before);
        QCOMPARE(m_state->configVersion(), wire::configVersion(m_fake->engine().config()));
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QTest::qWait(500); // heartbeats agree now
        QCOMPARE(m_state->snapshotsTaken(), 2);
    }

    void failedSnapshotIsAskedAgain()
    {
        m_fake->dropSnapshots = 3; // the first try's two copies and the second try's first
        QVERIFY(connectTerminal(200, 2));
        m_state->setSnapshotRetryMs(300);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QCOMPARE(m_fake->snapshotIds.size(), 4);
        QCOMPARE(m_fake->snapshotIds[0], m_fake->snapshotIds[1]); // a retry of one request
        QCOMPARE(m_fake->snapshotIds[2], m_fake->snapshotIds[3]);
        QVERIFY(m_fake->snapshotIds[1] != m_fake->snapshotIds[2]); // a new request
        QCOMPARE(m_state->snapshotsTaken(), 1);
    }

    void silenceMeansOfflineThenResync()
    {
        QVERIFY(connectTerminal());
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced() && m_state->online(), 5000);
        QSignalSpy online(m_state.get(), &HallState::onlineChanged);
        QSignalSpy resynced(m_state.get(), &HallState::resynced);

        m_fake->setHeartbeats(false);
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(!m_state->online(), 3500);
        QVERIFY2(clock.elapsed() >= 2500, "offline long before the default 3 s of silence");
        QCOMPARE(online.size(), 1);
        QCOMPARE(online[0][0].toBool(), false);
        QCOMPARE(m_state->snapshotsTaken(), 1);

        // Same epoch, same seq: only the silence says the server may have restarted.
        m_fake->setHeartbeats(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->online(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(resynced.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_state->synced(), 5000);
        QCOMPARE(online.size(), 2);
        QCOMPARE(m_state->snapshotsTaken(), 2);
        QVERIFY_MIRRORS(*m_fake, *m_state);
        QTest::qWait(400);
        QCOMPARE(m_state->snapshotsTaken(), 2);
    }
};

QTEST_GUILESS_MAIN(TestHallState)
#include "tst_hallstate.moc"
