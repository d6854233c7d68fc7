// SignBus over a real serial path: the driver's SerialTransport on one end of a socat pty pair,
// the FAKE signs (hall-fakesign) on the other, told on stdin to go silent, answer garbage, put
// noise before their answers or refuse requests. Deadlines on things that must happen are
// generous; the bounds that are the point of a test (how long another sign is held up by a
// dead one) are asserted with the configured timeouts and a stated margin.

#include "drivers/sign/signbus.h"
#include "drivers/sign/signframe.h"
#include "fakesignprocess.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hall::sign;

namespace {

constexpr int kWaitMs = 15000;
constexpr int kTimeoutMs = 400; // the driver's answer timeout in these tests
constexpr int kMarginMs = 250;  // scheduling slack on a loaded 2-core machine

const QString kCall = QStringLiteral("请 A023 号");

struct Finished {
    int address;
    SignRequest request;
    QString outcome;
    QString detail;
};

} // namespace

class TestSignBus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init();
    void cleanup();

    void goldenFramesOnTheWire();
    void newerTextSupersedesQueued();
    void noAnswerGoesOfflineWithoutHoldingUpOthers();
    void garbageIsReportedAndSurvived();
    void noiseBeforeAnAnswerIsSkipped();
    void nakIsReported();
    void recoversAndRestoresTheStandingText();

private:
    bool startFake(const QStringList &extra);
    std::unique_ptr<SignBus> bus(const QList<int> &addresses, int probeMs = 5000);
    bool waitFinished(int address, const QString &outcome, int n = 1, int timeoutMs = kWaitMs);
    int finishedCount(int address, const QString &outcome) const;
    bool waitStatus(int address, const QString &code, int timeoutMs = kWaitMs);

    QTemporaryDir m_dir;
    std::unique_ptr<SocatPair> m_socat;
    std::unique_ptr<FakeSignProcess> m_fake;
    std::unique_ptr<SignBus> m_bus;
    std::vector<Finished> m_finished;
    QElapsedTimer m_since;
    std::map<std::pair<int, QString>, qint64> m_firstAt; // (address, outcome) -> ms since m_since
};

void TestSignBus::init()
{
    const QString dir = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
    QVERIFY(QDir().mkpath(dir));
    QString error;
    m_socat = std::make_unique<SocatPair>();
    QVERIFY2(m_socat->start(dir, &error), qPrintable(error));
    m_finished.clear();
    m_firstAt.clear();
}

void TestSignBus::cleanup()
{
    m_bus.reset();
    m_fake.reset();
    m_socat.reset();
}

bool TestSignBus::startFake(const QStringList &extra)
{
    m_fake = std::make_unique<FakeSignProcess>();
    QString error;
    if (!m_fake->start(QStringList{QStringLiteral("--serial"), m_socat->b()} + extra, &error)) {
        qWarning("hall-fakesign: %s", qPrintable(error));
        return false;
    }
    return true;
}

std::unique_ptr<SignBus> TestSignBus::bus(const QList<int> &addresses, int probeMs)
{
    SignBusConfig c;
    c.transport.kind = hall::drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = m_socat->a();
    c.addresses = addresses;
    c.ackTimeoutMs = kTimeoutMs;
    c.retries = 1;
    c.probeIntervalMs = probeMs;
    auto b = std::make_unique<SignBus>(c);
    connect(b.get(), &SignBus::requestFinished, this,
            [this](int address, const SignRequest &r, const QString &outcome, const QString &detail) {
                m_finished.push_back({address, r, outcome, detail});
                m_firstAt.try_emplace({address, outcome}, m_since.elapsed());
            });
    connect(b.get(), &SignBus::signStatusChanged, this, [this](int address, const QString &code, const QString &) {
        m_firstAt.try_emplace({address, QStringLiteral("status:") + code}, m_since.elapsed());
    });
    QString error;
    if (!b->start(&error)) {
        qWarning("SignBus::start: %s", qPrintable(error));
        return nullptr;
    }
    m_since.start();
    return b;
}

int TestSignBus::finishedCount(int address, const QString &outcome) const
{
    int n = 0;
    for (const Finished &f : m_finished)
        n += f.address == address && f.outcome == outcome ? 1 : 0;
    return n;
}

bool TestSignBus::waitFinished(int address, const QString &outcome, int n, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (finishedCount(address, outcome) < n) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

bool TestSignBus::waitStatus(int address, const QString &code, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_bus->statusCode(address) != code) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

void TestSignBus::goldenFramesOnTheWire()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3")}));
    m_bus = bus({3});
    QVERIFY(m_bus);
    QCOMPARE(m_bus->statusCode(3), QString()); // not heard from yet
    // One request at a time, so the seqs are 0, 1, 2, ... in this order.
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 1));
    QVERIFY(m_bus->setBrightness(3, 60));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 2));
    QVERIFY(m_bus->clear(3));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 3));
    QVERIFY(m_bus->syncClock(3, QDateTime(QDate(2026, 11, 29), QTime(8, 30, 5))));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 4));
    QVERIFY(m_bus->showText(3, QStringLiteral("5号窗口 欢迎"), Effect::Scroll));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 5));
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash, 10));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 6));

    // Byte for byte as docs/hardware.md shows them (computed independently, see tst_signframe).
    const QStringList expected{
        QStringLiteral("rx A6 03 00 10 0E 02 01 00 00 C7 EB 20 41 30 32 33 20 BA C5 A0 FD"),
        QStringLiteral("rx A6 03 01 11 01 3C 0C A5"),
        QStringLiteral("rx A6 03 02 12 00 81 3D"),
        QStringLiteral("rx A6 03 03 13 07 EA 07 0B 1D 08 1E 05 29 E3"),
        QStringLiteral("rx A6 03 04 10 10 01 01 00 00 35 BA C5 B4 B0 BF DA 20 BB B6 D3 AD DE F4"),
        QStringLiteral("rx A6 03 05 10 0E 02 01 0A 00 C7 EB 20 41 30 32 33 20 BA C5 AB B4"),
    };
    QCOMPARE(m_fake->withPrefix(QStringLiteral("rx ")), expected);
    QCOMPARE(m_fake->count(QStringLiteral("shown 3 flash 0 请 A023 号")), 1);
    QCOMPARE(m_fake->count(QStringLiteral("clock 3 2026-11-29T08:30:05")), 1);
    QCOMPARE(m_fake->count(QStringLiteral("shown 3 scroll 0 5号窗口 欢迎")), 1);
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("ok"));
    QCOMPARE(m_fake->ask(QStringLiteral("state 3"), QStringLiteral("state ")).value_or(QString()),
             QStringLiteral("state 3 shown flash 10 \"请 A023 号\" brightness 60 clock 2026-11-29T08:30:05 requests 6"));
}

void TestSignBus::newerTextSupersedesQueued()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3")}));
    m_bus = bus({3});
    QVERIFY(m_bus);
    // Three texts in one go (one event, say): only the newest reaches the sign.
    QVERIFY(m_bus->showText(3, QStringLiteral("请 A021 号"), Effect::Flash));
    QVERIFY(m_bus->showText(3, QStringLiteral("请 A022 号"), Effect::Flash));
    QVERIFY(m_bus->clear(3));
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QCOMPARE(m_bus->queued(), 1);
    QVERIFY(waitFinished(3, QStringLiteral("ack")));
    QCOMPARE(finishedCount(3, QStringLiteral("superseded")), 3);
    QCOMPARE(m_fake->countPrefix(QStringLiteral("rx ")), 1);
    QCOMPARE(m_fake->count(QStringLiteral("shown 3 flash 0 请 A023 号")), 1);
    // Other slots are not display texts: a brightness does not replace the text.
    QVERIFY(m_bus->showText(3, QStringLiteral("请 A024 号"), Effect::Flash));
    QVERIFY(m_bus->setBrightness(3, 40));
    QCOMPARE(m_bus->queued(), 2);
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 3));
    QCOMPARE(m_fake->count(QStringLiteral("brightness 3 40")), 1);
}

void TestSignBus::noAnswerGoesOfflineWithoutHoldingUpOthers()
{
    // Sign 3 is configured on the bus but nothing answers for it; sign 5 answers.
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("5")}));
    m_bus = bus({3, 5});
    QVERIFY(m_bus);
    QSignalSpy status(m_bus.get(), &SignBus::signStatusChanged);
    QElapsedTimer call;
    call.start();
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(m_bus->showText(5, QStringLiteral("请 B007 号"), Effect::Flash));
    // Queuing never waits for a sign.
    QVERIFY2(call.elapsed() < 50, qPrintable(QString::number(call.elapsed())));

    QVERIFY(waitFinished(5, QStringLiteral("ack")));
    QVERIFY(waitStatus(3, QStringLiteral("offline")));
    const qint64 fiveAcked = m_firstAt.at({5, QStringLiteral("ack")});
    const qint64 threeOffline = m_firstAt.at({3, QStringLiteral("status:offline")});
    qInfo("sign 5 acknowledged after %lld ms; sign 3 offline after %lld ms (timeout %d ms, 1 retry)", fiveAcked,
          threeOffline, kTimeoutMs);
    // Sign 3 went first (turns start at the lowest address), so sign 5 waited for exactly one
    // of its timeouts, not for its retry as well (that came in 3's next turn, after 5).
    QVERIFY2(fiveAcked < kTimeoutMs + kMarginMs, qPrintable(QString::number(fiveAcked)));
    // Offline only after the timeout and its retry, and not much later.
    QVERIFY2(threeOffline >= 2 * kTimeoutMs, qPrintable(QString::number(threeOffline)));
    QVERIFY2(threeOffline < 2 * kTimeoutMs + kMarginMs, qPrintable(QString::number(threeOffline)));
    QVERIFY(m_bus->statusDetail(3).contains(QStringLiteral("does not answer")));
    QCOMPARE(m_bus->statusCode(5), QStringLiteral("ok"));
    // The request and its retry, the same bytes (same seq) both times.
    const QStringList toThree = m_fake->withPrefix(QStringLiteral("rx A6 03 "));
    QCOMPARE(toThree.size(), 2);
    QCOMPARE(toThree.at(0), toThree.at(1));
    QVERIFY(waitFinished(3, QStringLiteral("unanswered")));

    // While sign 3 is offline (probed only every 5 s here) other signs go at once.
    call.restart();
    QVERIFY(m_bus->showText(5, QStringLiteral("请 B008 号"), Effect::Flash));
    QVERIFY(waitFinished(5, QStringLiteral("ack"), 2));
    QVERIFY2(call.elapsed() < kMarginMs, qPrintable(QString::number(call.elapsed())));
    bool sawOffline = false;
    for (const auto &args : status)
        sawOffline |= args.at(0).toInt() == 3 && args.at(1).toString() == QLatin1String("offline");
    QVERIFY(sawOffline);
}

void TestSignBus::garbageIsReportedAndSurvived()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3"), QStringLiteral("--garbage")}));
    m_bus = bus({3}, 300);
    QVERIFY(m_bus);
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(waitStatus(3, QStringLiteral("error")));
    QVERIFY2(m_bus->statusDetail(3).contains(QStringLiteral("not valid frames")), qPrintable(m_bus->statusDetail(3)));
    QVERIFY(m_fake->countPrefix(QStringLiteral("garbage 3 ")) >= 2);
    // The sign comes to its senses: the next probe (its queued text) gets through.
    QVERIFY(m_fake->ask(QStringLiteral("garbage off"), QStringLiteral("garbage off")));
    QVERIFY(waitStatus(3, QStringLiteral("ok")));
    QVERIFY(waitFinished(3, QStringLiteral("ack")));
    QVERIFY(m_fake->count(QStringLiteral("shown 3 flash 0 请 A023 号")) >= 1);
}

void TestSignBus::noiseBeforeAnAnswerIsSkipped()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3")}));
    QVERIFY(m_fake->ask(QStringLiteral("noise on"), QStringLiteral("noise on")));
    m_bus = bus({3});
    QVERIFY(m_bus);
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(waitFinished(3, QStringLiteral("ack")));
    QCOMPARE(m_fake->countPrefix(QStringLiteral("noisy 3 ")), 1);
    // First try: the noise was skipped, not taken for a failure.
    QCOMPARE(m_fake->countPrefix(QStringLiteral("rx ")), 1);
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("ok"));
}

void TestSignBus::nakIsReported()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3"), QStringLiteral("--gb2312")}));
    m_bus = bus({3});
    QVERIFY(m_bus);
    // A character outside GB2312 on a sign with a GB2312 font.
    QVERIFY(m_bus->showText(3, QStringLiteral("请 㐀023 号"), Effect::Flash));
    QVERIFY(waitFinished(3, QStringLiteral("nak")));
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("error"));
    QVERIFY2(m_bus->statusDetail(3).contains(QStringLiteral("GB2312")), qPrintable(m_bus->statusDetail(3)));
    // Not retried: the same request would be refused again.
    QCOMPARE(m_fake->countPrefix(QStringLiteral("rx ")), 1);
    // A clock sync that is acknowledged does not hide the refused text...
    QVERIFY(m_bus->syncClock(3, QDateTime::currentDateTime()));
    QVERIFY(waitFinished(3, QStringLiteral("ack")));
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("error"));
    // ...a text it can show does.
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 2));
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("ok"));

    // A display fault: "error", and the detail says so.
    QVERIFY(m_fake->ask(QStringLiteral("nak 5 1"), QStringLiteral("nak armed")));
    QVERIFY(m_bus->showText(3, QStringLiteral("暂停服务"), Effect::Static));
    QVERIFY(waitFinished(3, QStringLiteral("nak"), 2));
    QCOMPARE(m_bus->statusCode(3), QStringLiteral("error"));
    QVERIFY2(m_bus->statusDetail(3).contains(QStringLiteral("display fault")), qPrintable(m_bus->statusDetail(3)));
}

void TestSignBus::recoversAndRestoresTheStandingText()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("3")}));
    m_bus = bus({3}, 300);
    QVERIFY(m_bus);
    QVERIFY(m_bus->showText(3, QStringLiteral("5号窗口 欢迎"), Effect::Static));
    QVERIFY(m_bus->setBrightness(3, 70));
    QVERIFY(waitFinished(3, QStringLiteral("ack"), 2));

    QVERIFY(m_fake->ask(QStringLiteral("silent on"), QStringLiteral("silent on")));
    QVERIFY(m_bus->showText(3, kCall, Effect::Flash));
    QVERIFY(waitStatus(3, QStringLiteral("offline")));
    const int probesBefore = m_fake->countPrefix(QStringLiteral("rx "));
    // Offline: asked again about every 300 ms, not continuously.
    QTest::qWait(1000);
    const int probes = m_fake->countPrefix(QStringLiteral("rx ")) - probesBefore;
    QVERIFY2(probes >= 1 && probes <= 5, qPrintable(QString::number(probes)));
    // A newer text while offline replaces the one that was waiting.
    QVERIFY(m_bus->showText(3, QStringLiteral("请 A024 号"), Effect::Flash));

    QVERIFY(m_fake->ask(QStringLiteral("silent off"), QStringLiteral("silent off")));
    QVERIFY(waitStatus(3, QStringLiteral("ok")));
    QVERIFY(m_fake->waitLine(QStringLiteral("shown 3 flash 0 请 A024 号")));
    QCOMPARE(m_fake->count(QStringLiteral("shown 3 flash 0 请 A023 号")), 0);
    // The brightness is sent again (the sign may have restarted with its default).
    QVERIFY(m_fake->waitLine(QStringLiteral("brightness 3 70"), 2));
}

QTEST_GUILESS_MAIN(TestSignBus)
#include "tst_signbus.moc"
