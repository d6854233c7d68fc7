// Rs485Keypad over a real serial path: the driver's SerialTransport on one end of a socat pty
// pair, the FAKE keypads (hall-fakekeypad) on the other, told on stdin to press keys, lose
// acknowledgements, corrupt answers, send noise or go silent. Nothing here passes or fails on
// time: waits have generous deadlines, and "nothing more was reported" is checked after the
// fake has seen a number of further requests, not after a pause.

#include "drivers/keypad/rs485/rs485keypad.h"
#include "fakekeypadprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using hall::keypad::KeyEvent;
using hall::keypad::Rs485Keypad;
using hall::keypad::Rs485KeypadConfig;

namespace {

constexpr int kWaitMs = 15000; // for things that must happen; never reached when they do

KeyEvent eventAt(const QSignalSpy &spy, qsizetype i) { return spy.at(i).at(0).value<KeyEvent>(); }
QString statusAt(const QSignalSpy &spy, qsizetype i) { return spy.at(i).at(0).toString(); }

} // namespace

class TestRs485Keypad : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void pressReportedOnce();
    void crcErrorsAndGarbage();
    void lostAcksRepeatedNotReported();
    void restartedKeypadReusesId();
    void silentOfflineThenOk();
    void persistentGarbageFailed();
    void twoAddresses();
    void missingAddressOffline();
    void setPromptReachesKeypad();
    void portGoneAndBack();
    void startFails();
    void configFromJson();

private:
    bool startFake(const QStringList &extra);
    std::unique_ptr<Rs485Keypad> keypad(const QList<int> &addresses);
    bool waitStatus(const QString &code, int timeoutMs = kWaitMs);

    QTemporaryDir m_dir;
    QString m_caseDir;
    std::unique_ptr<SocatPair> m_socat;
    std::unique_ptr<FakeKeypadProcess> m_fake;
    std::unique_ptr<Rs485Keypad> m_keypad;
    std::unique_ptr<QSignalSpy> m_keys;
    std::unique_ptr<QSignalSpy> m_status;
};

void TestRs485Keypad::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestRs485Keypad::init()
{
    // A fresh pair and a fresh fake per test: no bytes or state leak between tests.
    m_caseDir = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
    QVERIFY(QDir().mkpath(m_caseDir));
    QString error;
    m_socat = std::make_unique<SocatPair>();
    QVERIFY2(m_socat->start(m_caseDir, &error), qPrintable(error));
}

void TestRs485Keypad::cleanup()
{
    // The driver goes first, so it does not watch its port vanish.
    m_keys.reset();
    m_status.reset();
    m_keypad.reset();
    m_fake.reset();
    m_socat.reset();
}

bool TestRs485Keypad::startFake(const QStringList &extra)
{
    m_fake = std::make_unique<FakeKeypadProcess>();
    QString error;
    if (!m_fake->start(QStringList{QStringLiteral("--serial"), m_socat->b()} + extra, &error)) {
        qWarning("hall-fakekeypad: %s", qPrintable(error));
        return false;
    }
    return true;
}

std::unique_ptr<Rs485Keypad> TestRs485Keypad::keypad(const QList<int> &addresses)
{
    Rs485KeypadConfig c;
    c.transport.kind = hall::drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = m_socat->a();
    c.transport.baud = 9600;
    c.addresses = addresses;
    // Above the default so a loaded test machine does not turn a slow answer into a miss (the
    // noise test counts on fewer than missesBeforeOffline failures in a row).
    c.answerTimeoutMs = 400;
    auto k = std::make_unique<Rs485Keypad>(c);
    m_keys = std::make_unique<QSignalSpy>(k.get(), &Rs485Keypad::keyPressed);
    m_status = std::make_unique<QSignalSpy>(k.get(), &Rs485Keypad::statusChanged);
    return k;
}

bool TestRs485Keypad::waitStatus(const QString &code, int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_keypad->statusCode() == code; }, timeoutMs);
}

void TestRs485Keypad::pressReportedOnce()
{
    QVERIFY(startFake({QStringLiteral("--first-id"), QStringLiteral("100")}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    QCOMPARE(statusAt(*m_status, m_status->size() - 1), QStringLiteral("ok"));

    QCOMPARE(m_fake->ask(QStringLiteral("press 2"), QStringLiteral("pressed")), QStringLiteral("pressed 1 2 100"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 100")));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 1, kWaitMs);
    const KeyEvent e = eventAt(*m_keys, 0);
    QCOMPARE(e.keypad, QStringLiteral("rs485:1"));
    QCOMPARE(e.eventId, 100u);
    QCOMPARE(e.key, 2);
    QVERIFY(e.receivedAtMs > 0);

    // Polling goes on; the acknowledged press is not reported again.
    QVERIFY(m_fake->waitRequests(10));
    QCOMPARE(m_keys->size(), 1);

    // Three presses before the next poll: all three, in order, each once.
    m_fake->command(QStringLiteral("press 1"));
    m_fake->command(QStringLiteral("press 3"));
    m_fake->command(QStringLiteral("press 5"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 103")));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 4, kWaitMs);
    QVERIFY(m_fake->waitRequests(10));
    QCOMPARE(m_keys->size(), 4);
    QCOMPARE(eventAt(*m_keys, 1).key, 1);
    QCOMPARE(eventAt(*m_keys, 2).key, 3);
    QCOMPARE(eventAt(*m_keys, 3).key, 5);
    QCOMPARE(eventAt(*m_keys, 3).eventId, 103u);
    const auto c = m_fake->events();
    QCOMPARE(c.pressed, 4);
    QCOMPARE(c.acked, 4);
    QCOMPARE(c.pending, 0);
}

void TestRs485Keypad::crcErrorsAndGarbage()
{
    QVERIFY(startFake({QStringLiteral("--first-id"), QStringLiteral("7")}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    const qsizetype statusBefore = m_status->size();

    // Noise in front of an answer that starts with a forged EVENT (right address and sequence,
    // wrong CRC): accepted, it would be a press of key 1 that nobody made.
    QVERIFY(m_fake->ask(QStringLiteral("garbage"), QStringLiteral("garbage armed")));
    QVERIFY(m_fake->waitPrefix(QStringLiteral("garbage sent")));
    m_fake->command(QStringLiteral("garbage"));
    m_fake->command(QStringLiteral("press 3"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 7")));
    QVERIFY(m_fake->waitPrefix(QStringLiteral("garbage sent"), 2));
    QVERIFY(m_fake->waitRequests(5));
    QCOMPARE(m_keys->size(), 1);
    QCOMPARE(eventAt(*m_keys, 0).key, 3);

    // Three answers in a row with a bad CRC, the press among them.
    QVERIFY(m_fake->ask(QStringLiteral("corrupt 3"), QStringLiteral("corrupt 3")));
    m_fake->command(QStringLiteral("press 4"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 8")));
    QCOMPARE(m_fake->count(QStringLiteral("corrupted 1")), 3);

    QVERIFY(m_fake->waitRequests(10));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 2, kWaitMs);
    QCOMPARE(m_keys->size(), 2);
    QCOMPARE(eventAt(*m_keys, 0).key, 3);
    QCOMPARE(eventAt(*m_keys, 1).key, 4);
    // Fewer bad answers in a row than missesBeforeOffline: line noise, no status change.
    QCOMPARE(m_status->size(), statusBefore);
    QCOMPARE(m_keypad->statusCode(), QStringLiteral("ok"));
}

void TestRs485Keypad::lostAcksRepeatedNotReported()
{
    QVERIFY(startFake({QStringLiteral("--first-id"), QStringLiteral("500")}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));

    QVERIFY(m_fake->ask(QStringLiteral("drop-acks 3"), QStringLiteral("drop-acks 3")));
    m_fake->command(QStringLiteral("press 5"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 500")));
    QCOMPARE(m_fake->count(QStringLiteral("ack dropped 1 500")), 3);
    // The keypad said EVENT 500 at least four times (once per ack that did not arrive, and once
    // more): the host reported it once.
    QVERIFY(m_fake->events().sent >= 4);
    QVERIFY(m_fake->waitRequests(5));
    QCOMPARE(m_keys->size(), 1);
    QCOMPARE(eventAt(*m_keys, 0).eventId, 500u);

    // A lost ack, then the keypad drops off the bus still holding the event: when it comes
    // back it repeats the event, which is still not new.
    QVERIFY(m_fake->ask(QStringLiteral("drop-acks 1000"), QStringLiteral("drop-acks")));
    m_fake->command(QStringLiteral("press 1"));
    QVERIFY(m_fake->waitLine(QStringLiteral("ack dropped 1 501")));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 2, kWaitMs);
    m_fake->command(QStringLiteral("silent on"));
    QVERIFY2(waitStatus(QStringLiteral("offline")), qPrintable(m_keypad->statusDetail()));
    m_fake->command(QStringLiteral("drop-acks 0"));
    m_fake->command(QStringLiteral("silent off"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 501")));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    QVERIFY(m_fake->waitRequests(5));
    QCOMPARE(m_keys->size(), 2);
    QCOMPARE(eventAt(*m_keys, 1).eventId, 501u);
}

void TestRs485Keypad::restartedKeypadReusesId()
{
    // A keypad that restarts may count its event ids from where it did before. Once it has
    // said it holds nothing (NO_EVENT), a press with an id seen before is a new press.
    QVERIFY(startFake({QStringLiteral("--first-id"), QStringLiteral("9")}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    QCOMPARE(m_fake->ask(QStringLiteral("press 1"), QStringLiteral("pressed")), QStringLiteral("pressed 1 1 9"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 9")));
    QVERIFY(m_fake->waitRequests(3));
    QVERIFY(m_fake->ask(QStringLiteral("reset 1"), QStringLiteral("reset 1")));
    QCOMPARE(m_fake->ask(QStringLiteral("press 2"), QStringLiteral("pressed")), QStringLiteral("pressed 1 2 9"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 9"), 2));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 2, kWaitMs);
    QCOMPARE(eventAt(*m_keys, 0).key, 1);
    QCOMPARE(eventAt(*m_keys, 1).key, 2);
    QCOMPARE(eventAt(*m_keys, 1).eventId, 9u);
}

void TestRs485Keypad::silentOfflineThenOk()
{
    QVERIFY(startFake({}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    m_status->clear();

    m_fake->command(QStringLiteral("silent on"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_status->isEmpty(), kWaitMs);
    QCOMPARE(statusAt(*m_status, 0), QStringLiteral("offline"));
    QVERIFY2(m_status->at(0).at(1).toString().contains(QStringLiteral("Keypad 1 on serial ")),
             qPrintable(m_status->at(0).at(1).toString()));
    QVERIFY(m_status->at(0).at(1).toString().contains(QStringLiteral("does not answer")));

    // A press while it cannot be heard is held, and arrives once it can.
    QVERIFY(m_fake->ask(QStringLiteral("press 2"), QStringLiteral("pressed")));
    m_fake->command(QStringLiteral("silent off"));
    QTRY_COMPARE_WITH_TIMEOUT(m_status->size(), 2, kWaitMs);
    QCOMPARE(statusAt(*m_status, 1), QStringLiteral("ok"));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 1, kWaitMs);
    QCOMPARE(eventAt(*m_keys, 0).key, 2);
    QVERIFY(m_fake->waitPrefix(QStringLiteral("acked 1 ")));
}

void TestRs485Keypad::persistentGarbageFailed()
{
    QVERIFY(startFake({}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    m_status->clear();

    m_fake->command(QStringLiteral("corrupt 1000000"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_status->isEmpty(), kWaitMs);
    QCOMPARE(statusAt(*m_status, 0), QStringLiteral("failed"));
    QVERIFY2(m_keypad->statusDetail().contains(QStringLiteral("not valid frames")), qPrintable(m_keypad->statusDetail()));
    // Presses meanwhile are held by the keypad, not invented or lost.
    m_fake->command(QStringLiteral("press 1"));
    QVERIFY(m_fake->waitRequests(3));
    QCOMPARE(m_keys->size(), 0);

    m_fake->command(QStringLiteral("corrupt 0"));
    QTRY_COMPARE_WITH_TIMEOUT(m_status->size(), 2, kWaitMs);
    QCOMPARE(statusAt(*m_status, 1), QStringLiteral("ok"));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 1, kWaitMs);
}

void TestRs485Keypad::twoAddresses()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("1"), QStringLiteral("--address"),
                       QStringLiteral("2"), QStringLiteral("--first-id"), QStringLiteral("40")}));
    m_keypad = keypad({1, 2});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    // Both answer: otherwise the bus status would not be ok.
    QVERIFY(m_fake->events(QStringLiteral("1")).requests > 0);
    QVERIFY(m_fake->events(QStringLiteral("2")).requests > 0);

    // The same event id on both keypads: two presses, told apart by address.
    QCOMPARE(m_fake->ask(QStringLiteral("press 3 1"), QStringLiteral("pressed")), QStringLiteral("pressed 1 3 40"));
    QCOMPARE(m_fake->ask(QStringLiteral("press 4 2"), QStringLiteral("pressed")), QStringLiteral("pressed 2 4 40"));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 1 40")));
    QVERIFY(m_fake->waitLine(QStringLiteral("acked 2 40")));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 2, kWaitMs);
    QVERIFY(m_fake->waitRequests(10));
    QCOMPARE(m_keys->size(), 2);
    QMap<QString, int> keyOf;
    for (qsizetype i = 0; i < m_keys->size(); ++i)
        keyOf[eventAt(*m_keys, i).keypad] = eventAt(*m_keys, i).key;
    QCOMPARE(keyOf.value(QStringLiteral("rs485:1")), 3);
    QCOMPARE(keyOf.value(QStringLiteral("rs485:2")), 4);
}

void TestRs485Keypad::missingAddressOffline()
{
    QVERIFY(startFake({}));
    m_keypad = keypad({1, 9});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(m_keypad->statusDetail().contains(QStringLiteral("does not answer")), kWaitMs);
    QCOMPARE(m_keypad->statusCode(), QStringLiteral("offline"));
    QVERIFY2(m_keypad->statusDetail().contains(QStringLiteral("Keypad 9 ")), qPrintable(m_keypad->statusDetail()));
    QVERIFY(!m_keypad->statusDetail().contains(QStringLiteral("Keypad 1 ")));
    // The keypad that is there still works.
    m_fake->command(QStringLiteral("press 2"));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 1, kWaitMs);
    QCOMPARE(eventAt(*m_keys, 0).keypad, QStringLiteral("rs485:1"));
}

void TestRs485Keypad::setPromptReachesKeypad()
{
    QVERIFY(startFake({QStringLiteral("--address"), QStringLiteral("1"), QStringLiteral("--address"),
                       QStringLiteral("2")}));
    m_keypad = keypad({1, 2});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    QCOMPARE(m_fake->ask(QStringLiteral("prompt? 1"), QStringLiteral("prompt? 1 ")), QStringLiteral("prompt? 1 off"));

    m_keypad->setPrompt(true);
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 1 on")));
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 2 on")));
    QCOMPARE(m_fake->ask(QStringLiteral("prompt? 2"), QStringLiteral("prompt? 2 ")), QStringLiteral("prompt? 2 on"));

    // Keypad 1 restarts and forgets: its answers say the prompt is off, so the host tells it
    // again, by address (no broadcast is sent for this).
    QVERIFY(m_fake->ask(QStringLiteral("reset 1"), QStringLiteral("reset 1")));
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 1 on"), 2));

    // One keypad only.
    m_keypad->setPrompt(2, false);
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 2 off")));
    QVERIFY(m_fake->waitRequests(4));
    QCOMPARE(m_fake->ask(QStringLiteral("prompt? 1"), QStringLiteral("prompt? 1 ")), QStringLiteral("prompt? 1 on"));
    QCOMPARE(m_fake->ask(QStringLiteral("prompt? 2"), QStringLiteral("prompt? 2 ")), QStringLiteral("prompt? 2 off"));

    m_keypad->setPrompt(false);
    QVERIFY(m_fake->waitLine(QStringLiteral("prompt 1 off")));
    QCOMPARE(m_fake->count(QStringLiteral("prompt 2 on")), 1);
}

void TestRs485Keypad::portGoneAndBack()
{
    QVERIFY(startFake({}));
    m_keypad = keypad({1});
    QString error;
    QVERIFY2(m_keypad->start(&error), qPrintable(error));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));

    // The adapter is unplugged: the pty pair goes away under the open port.
    m_fake.reset();
    m_socat.reset();
    QFile::remove(m_caseDir + QStringLiteral("/a"));
    QFile::remove(m_caseDir + QStringLiteral("/b"));
    QVERIFY2(waitStatus(QStringLiteral("offline")), qPrintable(m_keypad->statusDetail()));

    // Plugged in again under the same name: the driver reopens it by itself.
    m_socat = std::make_unique<SocatPair>();
    QVERIFY2(m_socat->start(m_caseDir, &error), qPrintable(error));
    QVERIFY(startFake({}));
    QVERIFY2(waitStatus(QStringLiteral("ok")), qPrintable(m_keypad->statusDetail()));
    m_fake->command(QStringLiteral("press 2"));
    QTRY_COMPARE_WITH_TIMEOUT(m_keys->size(), 1, kWaitMs);
}

void TestRs485Keypad::startFails()
{
    Rs485KeypadConfig c;
    c.transport.serialPort = m_caseDir + QStringLiteral("/no-such-port");
    Rs485Keypad missing(c);
    QString error;
    QVERIFY(!missing.start(&error));
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
    QCOMPARE(missing.statusCode(), QStringLiteral("offline"));

    c.transport.serialPort = m_socat->a();
    c.addresses = {1, 248};
    Rs485Keypad badAddress(c);
    QVERIFY(!badAddress.start(&error));
    QVERIFY2(error.contains(QStringLiteral("248")), qPrintable(error));
    c.addresses = {3, 3};
    QVERIFY(!c.check().isEmpty());
}

void TestRs485Keypad::configFromJson()
{
    auto parse = [](const char *json, Rs485KeypadConfig *c, QString *error) {
        return Rs485KeypadConfig::fromJson(QJsonDocument::fromJson(json).object(), c, error);
    };
    Rs485KeypadConfig c;
    QString error;
    QVERIFY2(parse(R"({"driver": "rs485", "port": "/dev/ttyUSB0", "address": 3})", &c, &error), qPrintable(error));
    QCOMPARE(c.transport.kind, hall::drivers::TransportConfig::Kind::Serial);
    QCOMPARE(c.transport.serialPort, QStringLiteral("/dev/ttyUSB0"));
    QCOMPARE(c.transport.baud, 9600);
    QCOMPARE(c.addresses, QList<int>{3});
    QCOMPARE(c.pollIntervalMs, 100);

    QVERIFY2(parse(R"({"port": "/dev/ttyUSB1", "baud": 19200, "addresses": [1, 2], "answerTimeoutMs": 150})", &c, &error),
             qPrintable(error));
    QCOMPARE(c.transport.baud, 19200);
    QCOMPARE(c.addresses, (QList<int>{1, 2}));
    QCOMPARE(c.answerTimeoutMs, 150);

    const char *bad[] = {
        R"({"driver": "usb", "port": "/dev/ttyUSB0", "address": 1})",
        R"({"address": 1})",
        R"({"port": "/dev/ttyUSB0"})",
        R"({"port": "/dev/ttyUSB0", "address": 1, "addresses": [2]})",
        R"({"port": "/dev/ttyUSB0", "address": 0})",
        R"({"port": "/dev/ttyUSB0", "address": 1.5})",
        R"({"port": "/dev/ttyUSB0", "addresses": [1, 1]})",
        R"({"port": "/dev/ttyUSB0", "address": 1, "baud": "9600"})",
        R"({"port": "/dev/ttyUSB0", "address": 1, "pollInterval": 100})",
    };
    for (const char *json : bad) {
        error.clear();
        QVERIFY2(!parse(json, &c, &error), json);
        QVERIFY2(error.startsWith(QStringLiteral("keypad")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestRs485Keypad)
#include "tst_rs485keypad.moc"
