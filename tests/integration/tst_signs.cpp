// hall-server drives the LED window signs: the real server with a "signs" section pointing at one
// end of a socat pty pair, the FAKE signs (hall-fakesign) on the other. A call shows on the
// window's sign as the protocol's frame; a sign that does not answer never delays a reply on the
// bus, and its health reaches the terminals as a device_status (docs/protocol.md, "Server-driven
// devices").

#include "../drivers/sign/fakesignprocess.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "drivers/sign/signframe.h"
#include "hallfixture.h"
#include "signs/signservice.h"

#include <QJsonArray>
#include <QTest>

using namespace hallfixture;

namespace {

const QList<DeviceSpec> kDevices{{QStringLiteral("kiosk-1"), QStringLiteral("kiosk"), 0},
                                 {QStringLiteral("counter-1"), QStringLiteral("counter"), 1},
                                 {QStringLiteral("counter-2"), QStringLiteral("counter"), 2},
                                 {QStringLiteral("manager-1"), QStringLiteral("manager"), 0}};

} // namespace

class TestSigns : public QObject
{
    Q_OBJECT

    zmq::context_t m_ctx;
    QTemporaryDir m_dir;

    std::unique_ptr<Client> client(Hall &hall, const QString &id)
    {
        return std::make_unique<Client>(m_ctx, hall.keys(id), hall.serverPublicKey(), hall.requests());
    }

    // The example hall with signs on windows 1 and 2 at addresses 1 and 2 on the pty.
    static std::function<void(QJsonObject &)> withSigns(const QString &port, int ackTimeoutMs)
    {
        return [port, ackTimeoutMs](QJsonObject &cfg) {
            cfg.insert(QLatin1String("signs"),
                       QJsonObject{{QLatin1String("port"), port},
                                   {QLatin1String("ackTimeoutMs"), ackTimeoutMs},
                                   {QLatin1String("retries"), 1},
                                   {QLatin1String("probeIntervalMs"), 1000},
                                   {QLatin1String("windows"),
                                    QJsonArray{QJsonObject{{QLatin1String("window"), 1}, {QLatin1String("address"), 1}},
                                               QJsonObject{{QLatin1String("window"), 2}, {QLatin1String("address"), 2}}}}});
        };
    }

    static void signIn(Client &c, const QString &badge)
    {
        const QJsonObject r = c.call(QStringLiteral("clerk.signIn"), args({{QStringLiteral("badge"), badge}, {QStringLiteral("pin"), kPin}}));
        QVERIFY2(r.value(QLatin1String("ok")).toBool(), QJsonDocument(r).toJson().constData());
    }

    static QJsonObject deviceIn(const QJsonObject &snapshot, const QString &id)
    {
        for (const QJsonValue v : snapshot.value(QLatin1String("devices")).toArray())
            if (v.toObject().value(QLatin1String("id")).toString() == id)
                return v.toObject();
        return {};
    }

    static QJsonObject example()
    {
        QFile in(QStringLiteral(HALL_EXAMPLE_CONFIG));
        return in.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(in.readAll()).object() : QJsonObject();
    }

    static hall::config::LoadResult parseWithSigns(const QJsonValue &signs)
    {
        QJsonObject cfg = example();
        if (signs.isUndefined())
            cfg.remove(QLatin1String("signs"));
        else
            cfg.insert(QLatin1String("signs"), signs);
        return hall::config::parse(QJsonDocument(cfg).toJson(), QStringLiteral("hall.json"));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

private:
    // The signs' RS-485 bus for one test: a socat pty pair in its own folder, and the FAKE signs
    // at addresses 1 and 2 on its far end (the server gets socat.a()).
    bool startSignBus(const QString &name, SocatPair &socat, FakeSignProcess &fake, QString *error)
    {
        const QString dir = m_dir.filePath(name);
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("cannot make %1").arg(dir);
            return false;
        }
        return socat.start(dir, error)
            && fake.start({QStringLiteral("--serial"), socat.b(), QStringLiteral("--address"), QStringLiteral("1"), QStringLiteral("--address"),
                           QStringLiteral("2")},
                          error);
    }

private Q_SLOTS:

    void configExampleAndDefaults()
    {
        // The example documents every setting but leaves the bus off.
        const auto ex = parseWithSigns(example().value(QLatin1String("signs")));
        QVERIFY2(ex.config, qPrintable(ex.error));
        QVERIFY(!ex.signs.enabled);
        QCOMPARE(ex.signs.port, QStringLiteral("/dev/ttyUSB1"));
        QCOMPARE(int(ex.signs.windows.size()), 12);
        QCOMPARE(ex.signs.windows.at(4).address, 5);
        QCOMPARE(ex.signs.brightness, 80);
        QCOMPARE(ex.signs.servingText, QStringLiteral("{ticket} 办理中"));
        // No section: no signs.
        const auto none = parseWithSigns(QJsonValue::Undefined);
        QVERIFY(none.config && !none.signs.enabled);
        // A minimal section: on, with the defaults.
        const auto min = parseWithSigns(QJsonObject{{QLatin1String("port"), QLatin1String("/dev/ttyUSB1")},
                                                    {QLatin1String("windows"), QJsonArray{QJsonObject{{QLatin1String("window"), 3},
                                                                                                      {QLatin1String("address"), 9},
                                                                                                      {QLatin1String("idleText"), QStringLiteral("三号窗口")}}}}});
        QVERIFY2(min.config, qPrintable(min.error));
        QVERIFY(min.signs.enabled);
        QCOMPARE(min.signs.baud, 9600);
        QCOMPARE(min.signs.ackTimeoutMs, 300);
        QCOMPARE(min.signs.callText, QStringLiteral("请 {ticket} 号"));
        QCOMPARE(min.signs.pausedText, QStringLiteral("暂停服务"));
        QCOMPARE(min.signs.windows.at(0).idleText, QStringLiteral("三号窗口"));
        QCOMPARE(hall::server::SignService::expand(min.signs.callText, QStringLiteral("A023"), 5, QStringLiteral("5号窗口")),
                 QStringLiteral("请 A023 号"));
        QCOMPARE(hall::server::SignService::expand(min.signs.idleText, {}, 5, QStringLiteral("5号窗口")), QStringLiteral("5号窗口 欢迎"));
    }

    void configErrors_data()
    {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown key") << R"({"prot": 1})" << "signs.prot: unknown key";
        QTest::newRow("no such window") << R"({"windows": [{"window": 99, "address": 1}]})" << "signs.windows[0].window: there is no window 99";
        QTest::newRow("address twice") << R"({"windows": [{"window": 1, "address": 4}, {"window": 2, "address": 4}]})"
                                       << "signs.windows[1].address: address 4 is used by another window's sign";
        QTest::newRow("window twice") << R"({"windows": [{"window": 1, "address": 4}, {"window": 1, "address": 5}]})"
                                      << "signs.windows[1].window: window 1 has a sign already";
        QTest::newRow("address range") << R"({"windows": [{"window": 1, "address": 248}]})" << "signs.windows[0].address: must be between 1 and 247";
        QTest::newRow("placeholder") << R"({"texts": {"call": "请 {number} 号"}})" << "signs.texts.call: unknown placeholder {number}";
        QTest::newRow("enabled type") << R"({"enabled": "yes"})" << "signs.enabled: must be true or false";
        QTest::newRow("no port") << R"({"port": ""})" << "signs.port: must name";
    }
    void configErrors()
    {
        QFETCH(QString, patch);
        QFETCH(QString, error);
        QJsonObject signs{{QLatin1String("port"), QLatin1String("/dev/ttyUSB1")},
                          {QLatin1String("windows"), QJsonArray{QJsonObject{{QLatin1String("window"), 1}, {QLatin1String("address"), 1}}}}};
        const QJsonObject p = QJsonDocument::fromJson(patch.toUtf8()).object();
        for (auto it = p.begin(); it != p.end(); ++it)
            signs.insert(it.key(), it.value());
        const auto r = parseWithSigns(signs);
        QVERIFY(!r.config);
        QVERIFY2(r.error.contains(error), qPrintable(r.error));
    }

    void callShowsOnTheWindowSign()
    {
        SocatPair socat;
        FakeSignProcess fake;
        QString error;
        QVERIFY2(startSignBus(QStringLiteral("call"), socat, fake, &error), qPrintable(error));
        Hall hall(withSigns(socat.a(), 300));
        QVERIFY(hall.ok() && hall.addDevices(kDevices) && hall.start());

        // At start: the time, and "paused" while nobody is signed in at the window.
        QVERIFY(fake.waitPrefix(QStringLiteral("clock 1 ")));
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 static 0 暂停服务")));
        QVERIFY(fake.waitLine(QStringLiteral("shown 2 static 0 暂停服务")));

        auto counter = client(hall, QStringLiteral("counter-1"));
        auto kiosk = client(hall, QStringLiteral("kiosk-1"));
        auto manager = client(hall, QStringLiteral("manager-1"));
        signIn(*counter, QStringLiteral("371726"));
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 static 0 1号窗口 欢迎")));
        QVERIFY(kiosk->call(QStringLiteral("ticket.issue"), args({{QStringLiteral("service"), QStringLiteral("NEW")}}))
                    .value(QLatin1String("ok")).toBool());
        const QJsonObject called = counter->call(QStringLiteral("window.callNext"));
        QVERIFY2(called.value(QLatin1String("ok")).toBool(), QJsonDocument(called).toJson().constData());
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 flash 0 请 A001 号")));

        // The frame on the wire: SHOW_TEXT, flash, GB2312 bytes of "请 A001 号", valid CRC.
        QString frameLine;
        for (const QString &l : fake.withPrefix(QStringLiteral("rx A6 01 ")))
            if (l.contains(QStringLiteral(" 10 0E 02 01 00 00 C7 EB 20 41 30 30 31 20 BA C5 ")))
                frameLine = l;
        QVERIFY2(!frameLine.isEmpty(), qPrintable(fake.withPrefix(QStringLiteral("rx ")).join(QLatin1Char('\n'))));
        hall::sign::frame::FrameParser parser;
        parser.feed(QByteArray::fromHex(frameLine.mid(3).remove(QLatin1Char(' ')).toLatin1()));
        const auto frame = parser.next();
        QVERIFY(frame);
        QCOMPARE(frame->address, quint8(1));
        QCOMPARE(frame->command, hall::sign::frame::cmd::ShowText);

        // A recall flashes again; service start shows the ticket; finish the idle text; pause.
        QVERIFY(counter->call(QStringLiteral("window.recall")).value(QLatin1String("ok")).toBool());
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 flash 0 请 A001 号"), 2));
        QVERIFY(counter->call(QStringLiteral("window.start")).value(QLatin1String("ok")).toBool());
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 static 0 A001")));
        QVERIFY(counter->call(QStringLiteral("window.finish")).value(QLatin1String("ok")).toBool());
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 static 0 1号窗口 欢迎"), 2));
        QVERIFY(counter->call(QStringLiteral("window.pause")).value(QLatin1String("ok")).toBool());
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 static 0 暂停服务"), 2));
        // Window 2's sign was told nothing after its first text: nothing changed there.
        QCOMPARE(fake.countPrefix(QStringLiteral("shown 2 ")), 1);

        // Both signs answered: listed as devices in the snapshot, status "ok".
        const QJsonObject snap = result(manager->call(QStringLiteral("snapshot")));
        const QJsonObject sign1 = deviceIn(snap, QStringLiteral("sign-1"));
        QCOMPARE(sign1.value(QLatin1String("role")).toString(), QStringLiteral("sign"));
        QCOMPARE(sign1.value(QLatin1String("window")).toInt(), 1);
        QCOMPARE(sign1.value(QLatin1String("status")).toObject(),
                 (QJsonObject{{QLatin1String("sign"), QLatin1String("ok")}, {QLatin1String("detail"), QString()}}));
        QVERIFY(sign1.value(QLatin1String("statusAt")).toDouble() > 0);
    }

    void silentSignNeverDelaysACall()
    {
        SocatPair socat;
        FakeSignProcess fake;
        QString error;
        QVERIFY2(startSignBus(QStringLiteral("silent"), socat, fake, &error), qPrintable(error));
        QVERIFY(fake.ask(QStringLiteral("silent on 1"), QStringLiteral("silent on")));
        constexpr int kSignTimeoutMs = 1000;
        Hall hall(withSigns(socat.a(), kSignTimeoutMs));
        QVERIFY(hall.ok() && hall.addDevices(kDevices) && hall.start());

        Subscriber sub(m_ctx, hall.keys(QStringLiteral("manager-1")), hall.serverPublicKey(), hall.events());
        hall::bus::HallClient hc(m_ctx);
        hc.setServer(hall.requests(), hall.keys(QStringLiteral("manager-1")), hall.serverPublicKey());
        hall::bus::HallState state(m_ctx, hc);
        state.setEventEndpoint(hall.events(), hall.keys(QStringLiteral("manager-1")), hall.serverPublicKey());
        QVERIFY(hc.start(&error) && state.start(&error));

        auto counter = client(hall, QStringLiteral("counter-1"));
        auto kiosk = client(hall, QStringLiteral("kiosk-1"));
        signIn(*counter, QStringLiteral("371726"));
        for (int i = 0; i < 3; ++i)
            QVERIFY(kiosk->call(QStringLiteral("ticket.issue"), args({{QStringLiteral("service"), QStringLiteral("NEW")}}))
                        .value(QLatin1String("ok")).toBool());

        // Calls while the sign bus waits out the silent sign's timeouts: every reply is prompt.
        qint64 worst = 0;
        for (const QString &op : {QStringLiteral("window.callNext"), QStringLiteral("window.recall"),
                                  QStringLiteral("window.noShow"), QStringLiteral("window.callNext")}) {
            QElapsedTimer t;
            t.start();
            const QJsonObject r = counter->call(op);
            worst = std::max(worst, t.elapsed());
            QVERIFY2(r.value(QLatin1String("ok")).toBool(), qPrintable(op + QJsonDocument(r).toJson()));
        }
        qInfo("slowest reply with a silent sign: %lld ms (sign timeout %d ms, 1 retry)", worst, kSignTimeoutMs);
        QVERIFY2(worst < 250, qPrintable(QString::number(worst)));
        QVERIFY(fake.waitPrefix(QStringLiteral("silent 1 SHOW_TEXT")));

        // The silent sign is reported offline to subscribers, in the documented shape.
        const auto offline = [](const hall::bus::EventMessage &m) {
            return m.type == QLatin1String("device_status") && m.data.value(QLatin1String("device")).toString() == QLatin1String("sign-1")
                   && m.data.value(QLatin1String("status")).toObject().value(QLatin1String("sign")).toString() == QLatin1String("offline");
        };
        const auto read = sub.readUntil(offline, 15000);
        QVERIFY(!read.isEmpty() && offline(read.last()));
        const auto notice = &read.last();
        QCOMPARE(notice->data.value(QLatin1String("role")).toString(), QStringLiteral("sign"));
        QCOMPARE(notice->data.value(QLatin1String("window")).toInt(), 1);
        QVERIFY(notice->data.value(QLatin1String("status")).toObject().value(QLatin1String("detail")).toString().contains(QStringLiteral("does not answer")));

        // And a terminal's mirror shows it (the manager board's "sign offline" alarm reads this).
        QTRY_VERIFY_WITH_TIMEOUT(state.device(QStringLiteral("sign-1"))
                                     && state.device(QStringLiteral("sign-1"))->status.value(QLatin1String("sign")).toString() == QLatin1String("offline"),
                                 15000);
        QCOMPARE(state.device(QStringLiteral("sign-1"))->role, QStringLiteral("sign"));
        QTRY_VERIFY_WITH_TIMEOUT(state.device(QStringLiteral("sign-2"))
                                     && state.device(QStringLiteral("sign-2"))->status.value(QLatin1String("sign")).toString() == QLatin1String("ok"),
                                 15000);

        // The sign answers again: back to "ok", and it gets the current call.
        QVERIFY(fake.ask(QStringLiteral("silent off 1"), QStringLiteral("silent off")));
        QTRY_VERIFY_WITH_TIMEOUT(state.device(QStringLiteral("sign-1"))->status.value(QLatin1String("sign")).toString() == QLatin1String("ok"),
                                 15000);
        QVERIFY(fake.waitLine(QStringLiteral("shown 1 flash 0 请 A002 号")));
    }
};

QTEST_GUILESS_MAIN(TestSigns)
#include "tst_signs.moc"
