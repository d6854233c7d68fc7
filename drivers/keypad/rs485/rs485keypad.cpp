#include "drivers/keypad/rs485/rs485keypad.h"

#include "drivers/keypad/rs485/rs485log.h"
#include "drivers/keypad/rs485/rs485worker.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonValue>
#include <QStringList>
#include <QThread>

#include <algorithm>

namespace hall::keypad {

namespace rs485 {

Q_LOGGING_CATEGORY(lcKeypadRs485, "hall.drivers.keypad.rs485", QtInfoMsg)

namespace {

// Bytes of one frame arrive within a few milliseconds of each other, even through a USB adapter
// (FTDI's latency timer is 16 ms). A quiet line longer than this inside a frame means the rest
// is not coming: what looked like a frame start was noise.
constexpr int kQuietMs = 30;
// A keypad found offline is asked only every this many rounds, so a dead address does not cost
// the live ones an answer timeout every round.
constexpr int kOfflineEvery = 5;
// Requests to one keypad per round: poll, ack (+ the next event's ack), prompt, identify.
constexpr int kMaxExchangesPerVisit = 4;
// After a broadcast nobody answers; give the keypads time to act before addressing one.
constexpr int kBroadcastGapMs = 10;
constexpr int kOpenTimeoutMs = 1000;

const QString kOk = QStringLiteral("ok");
const QString kOffline = QStringLiteral("offline");
const QString kFailed = QStringLiteral("failed");

} // namespace

Rs485Worker::Rs485Worker(Rs485KeypadConfig config)
    : m_config(std::move(config))
{
    for (int address : std::as_const(m_config.addresses)) {
        Station s;
        s.address = quint8(address);
        m_stations.push_back(s);
    }
    for (Station &s : m_stations)
        s.detail = QStringLiteral("Keypad %1 has not answered yet.").arg(s.address);
}

Rs485Worker::~Rs485Worker() = default;

QString Rs485Worker::where() const
{
    return m_transport ? m_transport->describe() : QStringLiteral("the keypad bus");
}

bool Rs485Worker::begin(std::unique_ptr<drivers::Transport> transport, QString *error)
{
    m_transport = std::move(transport);
    if (auto e = m_transport->open(kOpenTimeoutMs)) {
        *error = e->message;
        m_transport.reset();
        return false;
    }
    qCInfo(lcKeypadRs485).noquote() << "polling keypads" << m_config.addresses << "on" << where();
    m_linkUp = true;
    m_running = true;
    m_lastCode.clear();
    m_lastDetail.clear();
    if (!m_timer) {
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, &Rs485Worker::cycle);
    }
    schedule(0);
    return true;
}

void Rs485Worker::end()
{
    m_running = false;
    if (m_timer)
        m_timer->stop();
    if (m_transport) {
        m_transport->close();
        m_transport.reset();
    }
    m_linkUp = false;
}

void Rs485Worker::setPrompt(std::optional<int> address, bool on)
{
    bool found = false;
    for (Station &s : m_stations) {
        if (!address || s.address == *address) {
            s.wantPrompt = on;
            found = true;
        }
    }
    if (!found)
        qCWarning(lcKeypadRs485) << "setPrompt for keypad" << *address << "which is not configured on this bus";
    if (!address)
        m_broadcastPrompt = on;
}

void Rs485Worker::schedule(int ms)
{
    if (m_running && m_timer)
        m_timer->start(qMax(0, ms));
}

void Rs485Worker::cycle()
{
    if (!m_running)
        return;
    QElapsedTimer round;
    round.start();
    if (!m_linkUp) {
        tryReopen();
        if (!m_linkUp) {
            report();
            schedule(m_config.reopenIntervalMs);
            return;
        }
    }
    if (m_broadcastPrompt) {
        broadcast(setPromptFrame(kBroadcast, m_seq++, *m_broadcastPrompt));
        m_broadcastPrompt.reset();
    }
    for (Station &s : m_stations) {
        if (!m_linkUp)
            break;
        if (s.failures >= m_config.missesBeforeOffline) {
            if (++s.skipped < kOfflineEvery)
                continue;
            s.skipped = 0;
        }
        visit(s);
    }
    report();
    schedule(m_linkUp ? m_config.pollIntervalMs - int(round.elapsed()) : m_config.reopenIntervalMs);
}

void Rs485Worker::visit(Station &s)
{
    std::optional<quint16> toAck;
    for (int i = 0; i < kMaxExchangesPerVisit && m_linkUp; ++i) {
        Frame request;
        if (toAck)
            request = ackFrame(s.address, m_seq++, *toAck);
        else if (s.promptLit && *s.promptLit != s.wantPrompt)
            request = setPromptFrame(s.address, m_seq++, s.wantPrompt);
        else if (!s.identified && s.code == kOk)
            request = identifyFrame(s.address, m_seq++);
        else if (i == 0)
            request = pollFrame(s.address, m_seq++);
        else
            return;
        toAck.reset();

        const Exchange x = transact(request);
        if (x.kind == Exchange::Kind::LinkDown) {
            linkDown(x.why);
            return;
        }
        if (x.kind != Exchange::Kind::Answer) {
            // No retry here: the next round's poll is the retry, and a keypad repeats its event
            // until the ack arrives, so nothing is lost by moving on.
            failed(s, x);
            return;
        }
        const Frame &a = x.answer;
        if (request.command == cmd::Identify && a.command == cmd::Nak) {
            s.identified = true; // a keypad that cannot say who it is still rates
            answered(s);
            continue;
        }
        if (const auto id = identityAnswer(a); id && request.command == cmd::Identify) {
            qCInfo(lcKeypadRs485).noquote()
                << QStringLiteral("keypad %1: protocol %2, %3 keys, firmware \"%4\"")
                       .arg(s.address)
                       .arg(id->protocol)
                       .arg(id->keys)
                       .arg(QString::fromLatin1(id->firmware));
            if (id->protocol != kProtocolVersion)
                qCWarning(lcKeypadRs485) << "keypad" << s.address << "speaks protocol version" << id->protocol
                                         << "; this host speaks" << kProtocolVersion;
            s.identified = true;
            s.promptLit = (id->flags & flag::PromptLit) != 0;
            answered(s);
            continue;
        }
        if (a.command == cmd::NoEvent && a.payload.size() == 1) {
            // Nothing held: every press reported so far has been acknowledged, so the next
            // event is new whatever its id (a restarted keypad may count from the same id).
            s.lastReported.reset();
            s.promptLit = (quint8(a.payload.at(0)) & flag::PromptLit) != 0;
            answered(s);
            continue;
        }
        if (const auto e = eventAnswer(a)) {
            s.promptLit = (e->flags & flag::PromptLit) != 0;
            answered(s);
            if (s.lastReported != e->eventId) {
                s.lastReported = e->eventId;
                if (e->key == 0) {
                    qCWarning(lcKeypadRs485) << "keypad" << s.address << "reported key 0 for event" << e->eventId
                                             << "; acknowledged and ignored";
                } else {
                    KeyEvent k;
                    k.keypad = QStringLiteral("rs485:%1").arg(s.address);
                    k.eventId = e->eventId;
                    k.key = e->key;
                    k.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
                    qCInfo(lcKeypadRs485) << "keypad" << s.address << "key" << e->key << "event" << e->eventId
                                          << "pressed" << e->ageTenths / 10.0 << "s ago";
                    Q_EMIT keyPressed(k);
                }
            } else {
                qCDebug(lcKeypadRs485) << "keypad" << s.address << "repeats event" << e->eventId
                                       << "(our ack was lost); acknowledging again";
            }
            toAck = e->eventId;
            continue;
        }
        // A well-formed frame that is no sensible answer to what we asked.
        failed(s, Exchange{Exchange::Kind::Garbled, a,
                           QStringLiteral("answered %1 to %2").arg(describe(a), describe(request))});
        return;
    }
}

Rs485Worker::Exchange Rs485Worker::transact(const Frame &request)
{
    // Whatever is waiting is late or noise: an answer belongs to the request just sent.
    m_transport->discardInput();
    m_parser.reset();
    const QByteArray bytes = encode(request);
    const int writeMs = int(bytes.size() * 1000 / qMax(1, m_transport->bytesPerSecond())) + 200;
    if (auto e = m_transport->write(bytes, writeMs)) {
        if (e->kind == drivers::IoError::Kind::Timeout)
            return Exchange{Exchange::Kind::NoAnswer, {}, e->message};
        return Exchange{Exchange::Kind::LinkDown, {}, e->message};
    }

    const auto statsBefore = m_parser.stats();
    bool sawBytes = false;
    int stale = 0;
    auto take = [&]() -> std::optional<Frame> {
        while (auto f = m_parser.next()) {
            if (!f->isAnswer())
                continue; // our own request, echoed by an adapter that does not suppress it
            if (f->address != request.address || f->seq != request.seq) {
                ++stale;
                continue;
            }
            return f;
        }
        return std::nullopt;
    };

    const QDeadlineTimer deadline(m_config.answerTimeoutMs);
    for (;;) {
        if (auto f = take())
            return Exchange{Exchange::Kind::Answer, *f, {}};
        if (deadline.hasExpired())
            break;
        const int wait = int(std::clamp<qint64>(deadline.remainingTime(), 1, kQuietMs));
        auto r = m_transport->read(256, wait);
        if (const auto *b = std::get_if<QByteArray>(&r)) {
            sawBytes = true;
            m_parser.feed(*b);
            continue;
        }
        const auto &e = std::get<drivers::IoError>(r);
        if (e.kind != drivers::IoError::Kind::Timeout)
            return Exchange{Exchange::Kind::LinkDown, {}, e.message};
        if (m_parser.hasPartial())
            m_parser.lineIdle();
    }
    m_parser.lineIdle();
    if (auto f = take())
        return Exchange{Exchange::Kind::Answer, *f, {}};
    if (!sawBytes)
        return Exchange{Exchange::Kind::NoAnswer, {}, {}};
    const auto &st = m_parser.stats();
    return Exchange{Exchange::Kind::Garbled, {},
                    QStringLiteral("%1 bad CRC, %2 bad header, %3 cut short, %4 stray bytes, %5 answers to something else")
                        .arg(st.badCrc - statsBefore.badCrc)
                        .arg(st.badHeader - statsBefore.badHeader)
                        .arg(st.truncated - statsBefore.truncated)
                        .arg(st.skippedBytes - statsBefore.skippedBytes)
                        .arg(stale)};
}

void Rs485Worker::broadcast(const Frame &request)
{
    m_transport->discardInput();
    const QByteArray bytes = encode(request);
    const int writeMs = int(bytes.size() * 1000 / qMax(1, m_transport->bytesPerSecond())) + 200;
    if (auto e = m_transport->write(bytes, writeMs)) {
        if (e->kind != drivers::IoError::Kind::Timeout)
            linkDown(e->message);
        return;
    }
    QThread::msleep(kBroadcastGapMs);
}

void Rs485Worker::failed(Station &s, const Exchange &x)
{
    ++s.failures;
    if (x.kind == Exchange::Kind::Garbled) {
        ++s.garbled;
        qCDebug(lcKeypadRs485).noquote() << "keypad" << s.address << "bad answer:" << x.why;
    } else {
        qCDebug(lcKeypadRs485) << "keypad" << s.address << "no answer";
    }
    if (s.failures < m_config.missesBeforeOffline)
        return; // one lost frame is line noise, not a fault
    // Mostly bytes that make no sense: something answers, wrongly (another baud rate, two
    // keypads set to the same address, a device of another protocol). Mostly silence: off,
    // unplugged, or set to another address.
    const bool garbage = s.garbled * 2 >= s.failures;
    const QString code = garbage ? kFailed : kOffline;
    const QString detail =
        garbage ? QStringLiteral("Keypad %1 on %2 answers with bytes that are not valid frames: check that the bus "
                                 "runs at the keypad's baud rate, that no two keypads share address %1, and that A "
                                 "and B are not swapped.")
                      .arg(s.address)
                      .arg(where())
                : QStringLiteral("Keypad %1 on %2 does not answer (%3 requests in a row): check its power, its "
                                 "address setting and the bus cable.")
                      .arg(s.address)
                      .arg(where())
                      .arg(m_config.missesBeforeOffline);
    if (code != s.code) {
        qCWarning(lcKeypadRs485).noquote() << "keypad" << s.address << s.code << "->" << code
                                           << detail + (x.why.isEmpty() ? QString() : QStringLiteral(" (last: %1)").arg(x.why));
    }
    s.code = code;
    s.detail = detail;
    s.identified = false; // it may come back as another device
}

void Rs485Worker::answered(Station &s)
{
    if (s.code != kOk)
        qCInfo(lcKeypadRs485).noquote() << "keypad" << s.address << s.code << "-> ok";
    s.failures = 0;
    s.garbled = 0;
    s.skipped = 0;
    s.code = kOk;
    s.detail.clear();
}

void Rs485Worker::linkDown(const QString &why)
{
    qCWarning(lcKeypadRs485).noquote() << "keypad bus" << where() << "lost:" << why;
    if (m_transport)
        m_transport->close();
    m_linkUp = false;
    m_linkDetail = why;
    for (Station &s : m_stations) {
        // lastReported stays: a keypad that held an unacknowledged press still holds it.
        s.failures = m_config.missesBeforeOffline;
        s.skipped = kOfflineEvery; // ask at once when the port is back
        s.code = kOffline;
        s.detail = why;
        s.identified = false;
        s.promptLit.reset();
    }
}

void Rs485Worker::tryReopen()
{
    if (!m_transport)
        return;
    if (auto e = m_transport->open(kOpenTimeoutMs)) {
        if (e->message != m_linkDetail)
            qCInfo(lcKeypadRs485).noquote() << "keypad bus still down:" << e->message;
        m_linkDetail = e->message;
        return;
    }
    qCInfo(lcKeypadRs485).noquote() << "keypad bus" << where() << "reopened";
    m_transport->discardInput();
    m_linkUp = true;
    m_linkDetail.clear();
}

void Rs485Worker::report()
{
    QString code = kOk;
    QStringList details;
    if (!m_linkUp) {
        code = kOffline;
        details << m_linkDetail;
    } else {
        for (const Station &s : m_stations) {
            if (s.code == kOk)
                continue;
            if (s.code == kOffline)
                code = kOffline;
            else if (code == kOk)
                code = kFailed;
            details << s.detail;
        }
    }
    const QString detail = details.isEmpty() ? QStringLiteral("%1 keypad(s) answering on %2.")
                                                   .arg(m_stations.size())
                                                   .arg(where())
                                             : details.join(QLatin1Char(' '));
    if (code == m_lastCode && detail == m_lastDetail)
        return;
    m_lastCode = code;
    m_lastDetail = detail;
    Q_EMIT statusReport(code, detail);
}

} // namespace rs485

// ---- config ----

QString Rs485KeypadConfig::check() const
{
    if (const QString problem = hall::rs485::checkAddresses(
            addresses, rs485::kMinAddress, rs485::kMaxAddress,
            QStringLiteral("The RS-485 keypad bus has no keypad addresses configured."), QStringLiteral("Keypad"));
        !problem.isEmpty())
        return problem;
    if (pollIntervalMs < 10 || answerTimeoutMs < 10)
        return QStringLiteral("The keypad poll interval (%1 ms) and answer timeout (%2 ms) must be at least 10 ms.")
            .arg(pollIntervalMs)
            .arg(answerTimeoutMs);
    if (missesBeforeOffline < 1 || reopenIntervalMs < 10)
        return QStringLiteral("missesBeforeOffline must be at least 1 and reopenIntervalMs at least 10 ms.");
    return {};
}

bool Rs485KeypadConfig::fromJson(const QJsonObject &o, Rs485KeypadConfig *out, QString *error)
{
    static const QStringList known{QStringLiteral("driver"),          QStringLiteral("port"),
                                   QStringLiteral("baud"),            QStringLiteral("address"),
                                   QStringLiteral("addresses"),       QStringLiteral("pollIntervalMs"),
                                   QStringLiteral("answerTimeoutMs"), QStringLiteral("missesBeforeOffline")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("keypad.%1: not a setting of the rs485 keypad (%2)")
                         .arg(it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }
    if (o.contains(QLatin1String("driver")) && o.value(QLatin1String("driver")).toString() != QLatin1String("rs485")) {
        *error = QStringLiteral("keypad.driver: \"%1\" is not \"rs485\"").arg(o.value(QLatin1String("driver")).toString());
        return false;
    }
    Rs485KeypadConfig c;
    c.transport.kind = drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = o.value(QLatin1String("port")).toString();
    if (c.transport.serialPort.isEmpty()) {
        *error = QStringLiteral("keypad.port: the serial port of the RS-485 adapter is required, e.g. \"/dev/ttyUSB0\"");
        return false;
    }
    // Whole numbers only: 9600.5 baud or address 1.5 is a typo, not a setting.
    auto integer = [&](const QString &key, int fallback, int *value) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            *value = fallback;
            return true;
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != double(qint64(d)) || d < 0 || d > 1e7) {
            *error = QStringLiteral("keypad.%1: must be a whole number").arg(key);
            return false;
        }
        *value = int(d);
        return true;
    };
    if (!integer(QStringLiteral("baud"), 9600, &c.transport.baud)
        || !integer(QStringLiteral("pollIntervalMs"), c.pollIntervalMs, &c.pollIntervalMs)
        || !integer(QStringLiteral("answerTimeoutMs"), c.answerTimeoutMs, &c.answerTimeoutMs)
        || !integer(QStringLiteral("missesBeforeOffline"), c.missesBeforeOffline, &c.missesBeforeOffline))
        return false;
    if (o.contains(QLatin1String("address")) == o.contains(QLatin1String("addresses"))) {
        *error = QStringLiteral("keypad: give exactly one of \"address\" (1..247) and \"addresses\" (a list)");
        return false;
    }
    c.addresses.clear();
    if (o.contains(QLatin1String("address"))) {
        int a = 0;
        if (!integer(QStringLiteral("address"), 0, &a))
            return false;
        c.addresses << a;
    } else {
        if (!o.value(QLatin1String("addresses")).isArray()) {
            *error = QStringLiteral("keypad.addresses: must be a list of addresses 1..247");
            return false;
        }
        for (const QJsonValue &v : o.value(QLatin1String("addresses")).toArray()) {
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d != double(int(d))) {
                *error = QStringLiteral("keypad.addresses: must be a list of addresses 1..247");
                return false;
            }
            c.addresses << int(d);
        }
    }
    if (const QString problem = c.check(); !problem.isEmpty()) {
        *error = QStringLiteral("keypad: %1").arg(problem);
        return false;
    }
    *out = std::move(c);
    return true;
}

// ---- facade (owner's thread) ----

Rs485Keypad::Rs485Keypad(Rs485KeypadConfig config, QObject *parent)
    : Keypad(parent), m_config(std::move(config))
{
    static const bool registered = [] {
        qRegisterMetaType<hall::keypad::KeyEvent>("hall::keypad::KeyEvent");
        return true;
    }();
    Q_UNUSED(registered);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("keypad-rs485"));
    m_worker = new rs485::Rs485Worker(m_config);
    m_worker->moveToThread(m_thread);
    connect(m_worker, &rs485::Rs485Worker::keyPressed, this, [this](const KeyEvent &e) { Q_EMIT keyPressed(e); });
    connect(m_worker, &rs485::Rs485Worker::statusReport, this,
            [this](const QString &code, const QString &detail) { onStatus(code, detail); });
    m_thread->start();
}

Rs485Keypad::~Rs485Keypad()
{
    stop();
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    m_worker = nullptr;
}

bool Rs485Keypad::start(QString *error)
{
    if (m_running)
        return true;
    QString problem = m_config.check();
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    drivers::IoError e;
    std::unique_ptr<drivers::Transport> transport = drivers::makeTransport(m_config.transport, &e);
    if (!transport) {
        if (error)
            *error = e.message;
        return false;
    }
    bool ok = false;
    // The transport is opened, used and closed on the worker thread (serial ports are
    // thread-affine); start() waits so a port that cannot be opened is reported here.
    QMetaObject::invokeMethod(
        m_worker, [&] { ok = m_worker->begin(std::move(transport), &problem); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = problem;
        onStatus(QStringLiteral("offline"), problem);
        return false;
    }
    m_running = true;
    return true;
}

void Rs485Keypad::stop()
{
    if (!m_running)
        return;
    m_running = false;
    QMetaObject::invokeMethod(m_worker, [this] { m_worker->end(); }, Qt::BlockingQueuedConnection);
    // Presses already acknowledged to a keypad are on their way here; deliver them now, since
    // the keypad will not send them again.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    onStatus(QStringLiteral("offline"), QStringLiteral("Stopped."));
}

void Rs485Keypad::setPrompt(bool on)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, on] { w->setPrompt(std::nullopt, on); }, Qt::QueuedConnection);
}

void Rs485Keypad::setPrompt(int address, bool on)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, address, on] { w->setPrompt(address, on); }, Qt::QueuedConnection);
}

void Rs485Keypad::onStatus(const QString &code, const QString &detail)
{
    if (code == m_code && detail == m_detail)
        return;
    if (code != m_code)
        qCInfo(lcKeypad).noquote() << "rs485 keypad status" << m_code << "->" << code << detail;
    m_code = code;
    m_detail = detail;
    Q_EMIT statusChanged(code, detail);
}

} // namespace hall::keypad
