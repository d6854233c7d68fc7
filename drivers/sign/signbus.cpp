#include "drivers/sign/signbus.h"

#include "drivers/sign/signbusworker.h"
#include "drivers/sign/signframe.h"
#include "drivers/sign/signlog.h"

#include <QDeadlineTimer>
#include <QJsonValue>
#include <QThread>

#include <algorithm>

namespace hall::sign {

Q_LOGGING_CATEGORY(lcSign, "hall.drivers.sign", QtInfoMsg)

namespace {

// Bytes of one frame arrive within a few milliseconds of each other, even through a USB adapter
// (FTDI's latency timer is 16 ms): a longer quiet gap inside a frame means the rest is not coming.
constexpr int kQuietMs = 30;
constexpr int kOpenTimeoutMs = 1000;

const QString kOk = QStringLiteral("ok");
const QString kOffline = QStringLiteral("offline");
const QString kError = QStringLiteral("error");

} // namespace

// ---- worker (the bus's thread) ----

SignBusWorker::SignBusWorker(std::unique_ptr<drivers::Transport> transport, std::unique_ptr<SignReplyParser> parser)
    : m_transport(std::move(transport)), m_parser(std::move(parser))
{
}

SignBusWorker::~SignBusWorker() = default;

bool SignBusWorker::open(QString *error)
{
    if (auto e = m_transport->open(kOpenTimeoutMs)) {
        *error = e->message;
        return false;
    }
    return true;
}

void SignBusWorker::close()
{
    m_transport->close();
}

void SignBusWorker::reopen()
{
    if (auto e = m_transport->open(kOpenTimeoutMs)) {
        Q_EMIT reopened(false, e->message);
        return;
    }
    m_transport->discardInput();
    Q_EMIT reopened(true, {});
}

void SignBusWorker::exchange(quint64 token, const QByteArray &bytes, int address, quint8 seq, int timeoutMs)
{
    auto done = [&](Outcome o, const QString &text, bool ack = false, bool fault = false, int reason = 0) {
        Q_EMIT exchanged(token, int(o), ack, fault, reason, text);
    };
    if (!m_transport->isOpen())
        return done(LinkDown, QStringLiteral("the sign bus %1 is not open").arg(m_transport->describe()));
    // Whatever is waiting is late or noise: an answer belongs to the request just sent.
    m_transport->discardInput();
    m_parser->reset();
    const int writeMs = int(bytes.size() * 1000 / qMax(1, m_transport->bytesPerSecond())) + 200;
    if (auto e = m_transport->write(bytes, writeMs)) {
        if (e->kind == drivers::IoError::Kind::Timeout)
            return done(NoAnswer, e->message);
        return done(LinkDown, e->message);
    }
    bool sawBytes = false;
    int stale = 0;
    auto take = [&]() -> std::optional<SignReply> {
        while (auto r = m_parser->next()) {
            if (r->address == address && r->seq == seq)
                return r;
            ++stale; // a late answer to an earlier request, or another sign's
        }
        return std::nullopt;
    };
    auto answered = [&](const SignReply &r) { done(Answer, r.nakText, r.ack, r.fault, r.nakReason); };

    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (auto r = take())
            return answered(*r);
        if (deadline.hasExpired())
            break;
        const int wait = int(std::clamp<qint64>(deadline.remainingTime(), 1, kQuietMs));
        auto got = m_transport->read(256, wait);
        if (const auto *b = std::get_if<QByteArray>(&got)) {
            sawBytes = true;
            m_parser->feed(*b);
            continue;
        }
        const auto &e = std::get<drivers::IoError>(got);
        if (e.kind != drivers::IoError::Kind::Timeout)
            return done(LinkDown, e.message);
        if (m_parser->hasPartial())
            m_parser->lineIdle();
    }
    m_parser->lineIdle();
    if (auto r = take())
        return answered(*r);
    if (!sawBytes)
        return done(NoAnswer, QStringLiteral("no answer within %1 ms").arg(timeoutMs));
    QString why = m_parser->garbageSummary();
    if (stale)
        why += QStringLiteral("%1%2 answers to something else").arg(why.isEmpty() ? QString() : QStringLiteral(", ")).arg(stale);
    done(Garbled, why.isEmpty() ? QStringLiteral("bytes that are no answer") : why);
}

// ---- config ----

QString SignBusConfig::check() const
{
    if (const QString problem =
            hall::rs485::checkAddresses(addresses, frame::kMinAddress, frame::kMaxAddress,
                                        QStringLiteral("The sign bus has no sign addresses configured."),
                                        QStringLiteral("Sign"));
        !problem.isEmpty())
        return problem;
    if (ackTimeoutMs < 10 || ackTimeoutMs > 10000)
        return QStringLiteral("The sign answer timeout (%1 ms) must be 10..10000 ms.").arg(ackTimeoutMs);
    if (retries < 0 || retries > 5)
        return QStringLiteral("Sign retries (%1) must be 0..5.").arg(retries);
    if (probeIntervalMs < 100 || reopenIntervalMs < 10)
        return QStringLiteral("probeIntervalMs must be at least 100 ms and reopenIntervalMs at least 10 ms.");
    return {};
}

bool signBusFromJson(const QJsonObject &o, SignBusConfig *out, QString *error)
{
    SignBusConfig c = *out;
    c.transport.kind = drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = o.value(QLatin1String("port")).toString();
    if (c.transport.serialPort.isEmpty()) {
        *error = QStringLiteral("port: the serial port of the RS-485 adapter is required, e.g. \"/dev/ttyUSB1\"");
        return false;
    }
    auto integer = [&](const char *key, int *value) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return true;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != double(qint64(d)) || d < 0 || d > 1e7) {
            *error = QStringLiteral("%1: must be a whole number").arg(QLatin1String(key));
            return false;
        }
        *value = int(d);
        return true;
    };
    if (!integer("baud", &c.transport.baud) || !integer("ackTimeoutMs", &c.ackTimeoutMs)
        || !integer("retries", &c.retries) || !integer("probeIntervalMs", &c.probeIntervalMs))
        return false;
    *out = std::move(c);
    return true;
}

// ---- facade (owner's thread) ----

SignBus::SignBus(SignBusConfig config, std::unique_ptr<SignProtocol> protocol, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_protocol(std::move(protocol))
{
    static const bool registered = [] {
        qRegisterMetaType<hall::sign::SignRequest>("hall::sign::SignRequest");
        return true;
    }();
    Q_UNUSED(registered);
    if (!m_protocol)
        m_protocol = std::make_unique<HallSignProtocol>();
    for (int a : std::as_const(m_config.addresses)) {
        Sign s;
        s.address = a;
        m_signs.emplace(a, std::move(s));
    }
    m_clock.start();
    m_pumpTimer.setSingleShot(true);
    connect(&m_pumpTimer, &QTimer::timeout, this, &SignBus::pump);
    m_reopenTimer.setSingleShot(true);
    connect(&m_reopenTimer, &QTimer::timeout, this, [this] {
        if (m_running && m_worker)
            QMetaObject::invokeMethod(m_worker, &SignBusWorker::reopen, Qt::QueuedConnection);
    });
}

SignBus::~SignBus()
{
    stop();
}

QString SignBus::where() const
{
    return m_where.isEmpty() ? QStringLiteral("the sign bus") : m_where;
}

bool SignBus::start(QString *error)
{
    if (m_running)
        return true;
    const QString problem = m_config.check();
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
    m_where = transport->describe();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("sign-bus"));
    m_worker = new SignBusWorker(std::move(transport), m_protocol->newParser());
    m_worker->moveToThread(m_thread);
    connect(m_worker, &SignBusWorker::exchanged, this, &SignBus::onExchanged, Qt::QueuedConnection);
    connect(m_worker, &SignBusWorker::reopened, this, &SignBus::onReopened, Qt::QueuedConnection);
    m_thread->start();
    bool ok = false;
    QString why;
    // The transport is opened, used and closed on the worker thread (serial ports are thread-affine).
    QMetaObject::invokeMethod(m_worker, [&] { ok = m_worker->open(&why); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = why;
        m_thread->quit();
        m_thread->wait();
        delete m_worker;
        m_worker = nullptr;
        delete m_thread;
        m_thread = nullptr;
        return false;
    }
    qCInfo(lcSign).noquote() << "driving signs" << m_config.addresses << "on" << where() << "with the"
                             << m_protocol->name() << "protocol";
    m_running = true;
    m_linkUp = true;
    pump();
    return true;
}

void SignBus::stop()
{
    if (!m_thread)
        return;
    m_running = false;
    m_pumpTimer.stop();
    m_reopenTimer.stop();
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->close(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
    m_inFlight.reset();
    m_linkUp = false;
}

SignBus::Sign *SignBus::sign(int address)
{
    const auto it = m_signs.find(address);
    return it == m_signs.end() ? nullptr : &it->second;
}

const SignBus::Sign *SignBus::sign(int address) const
{
    const auto it = m_signs.find(address);
    return it == m_signs.end() ? nullptr : &it->second;
}

SignBus::Slot SignBus::slotOf(SignRequest::Kind kind)
{
    switch (kind) {
    case SignRequest::Kind::ShowText:
    case SignRequest::Kind::Clear:
        return Display;
    case SignRequest::Kind::Brightness:
        return Brightness;
    case SignRequest::Kind::ClockSync:
        return Clock;
    case SignRequest::Kind::Ping:
        break;
    }
    return Probe;
}

bool SignBus::showText(int address, const QString &text, Effect effect, int durationS)
{
    return request(address, SignRequest::showText(text, effect, durationS));
}

bool SignBus::clear(int address) { return request(address, SignRequest::clear()); }

bool SignBus::setBrightness(int address, int percent) { return request(address, SignRequest::setBrightness(percent)); }

bool SignBus::syncClock(int address, const QDateTime &local) { return request(address, SignRequest::syncClock(local)); }

bool SignBus::request(int address, const SignRequest &r)
{
    Sign *s = sign(address);
    if (!s) {
        qCWarning(lcSign) << "no sign" << address << "on" << where() << "; dropped" << describe(r);
        return false;
    }
    const Slot slot = slotOf(r.kind);
    if (slot == Probe)
        return true; // the bus pings by itself when it needs to
    if (slot == Display && r.durationS == 0)
        s->standing = r;
    if (slot == Brightness)
        s->brightness = r;
    if (s->retry && s->retry->slot == slot) {
        // Its retry has not gone out yet: the newer request goes in its place.
        const SignRequest dropped = s->retry->request;
        s->retry.reset();
        Q_EMIT requestFinished(address, dropped, QStringLiteral("superseded"), {});
    }
    if (auto &old = s->slots[slot]) {
        qCDebug(lcSign).noquote() << "sign" << address << ":" << describe(r) << "supersedes queued" << describe(*old);
        const SignRequest dropped = *old;
        old = r;
        Q_EMIT requestFinished(address, dropped, QStringLiteral("superseded"), {});
    } else {
        s->slots[slot] = r;
    }
    // Deferred, so a burst of calls from one event (call, then a brightness) queues first. The
    // timer may be waiting for an offline sign's probe: this request must not wait for that.
    if (m_running && !m_inFlight && (!m_pumpTimer.isActive() || m_pumpTimer.remainingTime() > 0))
        m_pumpTimer.start(0);
    return true;
}

QString SignBus::statusCode(int address) const
{
    const Sign *s = sign(address);
    return s ? s->code : QString();
}

QString SignBus::statusDetail(int address) const
{
    const Sign *s = sign(address);
    return s ? s->detail : QString();
}

int SignBus::queued() const
{
    int n = 0;
    for (const auto &[a, s] : m_signs)
        for (const auto &slot : s.slots)
            n += slot ? 1 : 0;
    return n;
}

bool SignBus::hasWork(const Sign &s) const
{
    if (s.down)
        return m_clock.elapsed() >= s.probeAt; // its queued request, or a ping
    return s.retry || s.slots[Display] || s.slots[Brightness] || s.slots[Clock];
}

void SignBus::pump()
{
    if (!m_running || !m_linkUp || m_inFlight)
        return;
    // Turns go round from the sign after the last one served, so one slow or dead sign cannot
    // keep the others waiting for more than one of its timeouts at a time.
    std::vector<int> order;
    for (const auto &[a, s] : m_signs)
        if (a > m_lastServed)
            order.push_back(a);
    for (const auto &[a, s] : m_signs)
        if (a <= m_lastServed)
            order.push_back(a);
    for (int a : order) {
        Sign &s = m_signs.at(a);
        if (hasWork(s)) {
            m_lastServed = a;
            send(s);
            if (m_inFlight)
                return;
        }
    }
    // Nothing to send now: wake for the earliest probe of an offline sign.
    qint64 next = -1;
    for (const auto &[a, s] : m_signs) {
        if (s.down && (next < 0 || s.probeAt < next))
            next = s.probeAt;
    }
    if (next >= 0)
        m_pumpTimer.start(int(std::clamp<qint64>(next - m_clock.elapsed(), 0, 60000)));
}

void SignBus::send(Sign &s)
{
    if (s.retry) {
        m_inFlight = std::move(*s.retry);
        s.retry.reset();
        m_inFlight->token = m_nextToken++;
        transmit();
        return;
    }
    for (;;) {
        InFlight f;
        f.address = s.address;
        if (s.slots[Display])
            f.slot = Display;
        else if (s.slots[Brightness])
            f.slot = Brightness;
        else if (s.slots[Clock])
            f.slot = Clock;
        else
            f.slot = Probe;
        f.request = f.slot == Probe ? SignRequest::ping() : *s.slots[f.slot];
        if (f.slot != Probe)
            s.slots[f.slot].reset();
        f.seq = m_seq++;
        auto bytes = m_protocol->encode(f.request, s.address, f.seq);
        if (const auto *why = std::get_if<QString>(&bytes)) {
            qCWarning(lcSign).noquote() << "sign" << s.address << ": cannot send" << describe(f.request) << ":" << *why;
            Q_EMIT requestFinished(s.address, f.request, QStringLiteral("refused"), *why);
            if (f.slot == Probe)
                return;
            continue;
        }
        f.bytes = std::get<QByteArray>(bytes);
        f.token = m_nextToken++;
        m_inFlight = std::move(f);
        transmit();
        return;
    }
}

void SignBus::transmit()
{
    const InFlight &f = *m_inFlight;
    qCDebug(lcSign).noquote() << "sign" << f.address << "<-" << describe(f.request) << "seq" << f.seq << "try"
                              << f.attempt << ":" << frame::toHex(f.bytes);
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, token = f.token, bytes = f.bytes, address = f.address, seq = f.seq,
         timeout = m_config.ackTimeoutMs] { w->exchange(token, bytes, address, seq, timeout); },
        Qt::QueuedConnection);
}

void SignBus::onExchanged(quint64 token, int outcome, bool ack, bool fault, int nakReason, const QString &text)
{
    Q_UNUSED(nakReason);
    if (!m_inFlight || m_inFlight->token != token || !m_running)
        return; // from before a stop
    InFlight f = std::move(*m_inFlight);
    m_inFlight.reset();
    Sign &s = m_signs.at(f.address);
    switch (SignBusWorker::Outcome(outcome)) {
    case SignBusWorker::Answer:
        answered(s, f, ack, fault, text);
        break;
    case SignBusWorker::NoAnswer:
    case SignBusWorker::Garbled:
        unanswered(s, std::move(f), outcome == SignBusWorker::Garbled, text);
        break;
    case SignBusWorker::LinkDown:
        if (f.slot != Probe && !s.slots[f.slot])
            s.slots[f.slot] = f.request;
        linkDown(text);
        return;
    }
    pump();
}

void SignBus::answered(Sign &s, const InFlight &f, bool ack, bool fault, const QString &nakText)
{
    const bool wasOffline = s.down || s.code.isEmpty();
    s.down = false;
    s.failures = 0;
    s.garbled = 0;
    if (ack) {
        qCDebug(lcSign).noquote() << "sign" << s.address << "acknowledged" << describe(f.request);
        if (!s.errorSlot || s.errorSlot == f.slot)
            setStatus(s, kOk, {});
        if (s.errorSlot == f.slot)
            s.errorSlot.reset();
        Q_EMIT requestFinished(s.address, f.request, QStringLiteral("ack"), {});
    } else {
        // Asking again would get the same answer: the request is dropped, the sign reported.
        const QString detail = QStringLiteral("Sign %1 on %2 refused %3: %4.")
                                   .arg(s.address)
                                   .arg(where(), describe(f.request), nakText);
        qCWarning(lcSign).noquote() << detail;
        s.errorSlot = f.slot == Probe ? Display : f.slot;
        setStatus(s, kError, fault ? QStringLiteral("Sign %1 reports a %2: it needs a technician.").arg(s.address).arg(nakText)
                                   : detail);
        Q_EMIT requestFinished(s.address, f.request, QStringLiteral("nak"), nakText);
    }
    if (wasOffline) {
        // Back (or heard for the first time after a probe): it may have restarted blank.
        if (!s.slots[Display] && s.standing && f.slot != Display)
            s.slots[Display] = s.standing;
        if (!s.slots[Brightness] && s.brightness && f.slot != Brightness)
            s.slots[Brightness] = s.brightness;
    }
}

void SignBus::unanswered(Sign &s, InFlight f, bool garbled, const QString &why)
{
    ++s.failures;
    if (garbled)
        ++s.garbled;
    qCDebug(lcSign).noquote() << "sign" << s.address << (garbled ? "bad answer to" : "no answer to")
                              << describe(f.request) << "try" << f.attempt << ":" << why;
    const bool offline = s.down;
    if (!offline && s.failures <= m_config.retries) {
        // Retry, unless something newer for the same slot is waiting: that goes out instead (in
        // its turn), since the old one would be replaced on the display anyway.
        if (f.slot != Probe && s.slots[f.slot]) {
            Q_EMIT requestFinished(s.address, f.request, QStringLiteral("superseded"), {});
            return;
        }
        // In its next turn: the other signs go first, so they wait for one timeout, not all tries.
        ++f.attempt;
        s.retry = std::move(f);
        return;
    }
    s.probeAt = m_clock.elapsed() + m_config.probeIntervalMs;
    bool kept = false;
    if (f.slot != Probe) {
        kept = !s.slots[f.slot];
        if (kept)
            s.slots[f.slot] = f.request; // it goes out (with a new seq) when the sign is back
        else
            Q_EMIT requestFinished(s.address, f.request, QStringLiteral("superseded"), {});
    }
    if (!offline) {
        // Mostly bytes that make no sense: something answers, wrongly (another baud rate, two
        // signs on one address, a device of another protocol). Mostly silence: off or unplugged.
        const bool garbage = s.garbled * 2 >= s.failures;
        const QString detail =
            garbage ? QStringLiteral("Sign %1 on %2 answers with bytes that are not valid frames (%3): check the "
                                     "baud rate, that no two signs share address %1, and that A and B are not swapped.")
                          .arg(s.address)
                          .arg(where(), why)
                    : QStringLiteral("Sign %1 on %2 does not answer (%3 requests in a row): check its power, its "
                                     "address setting and the bus cable.")
                          .arg(s.address)
                          .arg(where())
                          .arg(s.failures);
        s.down = true;
        setStatus(s, garbage ? kError : kOffline, detail);
    }
    if (kept)
        Q_EMIT requestFinished(s.address, f.request, QStringLiteral("unanswered"), why);
}

void SignBus::setStatus(Sign &s, const QString &code, const QString &detail)
{
    if (s.code == code && s.detail == detail)
        return;
    if (s.code != code) {
        if (code == kOk)
            qCInfo(lcSign).noquote() << "sign" << s.address << "on" << where() << (s.code.isEmpty() ? "answers" : s.code + QStringLiteral(" -> ok"));
        else
            qCWarning(lcSign).noquote() << "sign" << s.address << (s.code.isEmpty() ? QStringLiteral("?") : s.code) << "->" << code << ":" << detail;
    }
    s.code = code;
    s.detail = detail;
    Q_EMIT signStatusChanged(s.address, code, detail);
}

void SignBus::linkDown(const QString &why)
{
    qCWarning(lcSign).noquote() << "sign bus" << where() << "lost:" << why;
    m_linkUp = false;
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->close(); }, Qt::QueuedConnection);
    for (auto &[a, s] : m_signs) {
        if (s.retry) {
            if (s.retry->slot != Probe && !s.slots[s.retry->slot])
                s.slots[s.retry->slot] = s.retry->request;
            s.retry.reset();
        }
        s.failures = m_config.retries + 1;
        s.down = true;
        s.probeAt = 0; // ask at once when the port is back
        setStatus(s, kOffline, why);
    }
    m_reopenTimer.start(m_config.reopenIntervalMs);
}

void SignBus::onReopened(bool ok, const QString &why)
{
    if (!m_running)
        return;
    if (!ok) {
        qCDebug(lcSign).noquote() << "sign bus still down:" << why;
        m_reopenTimer.start(m_config.reopenIntervalMs);
        return;
    }
    qCInfo(lcSign).noquote() << "sign bus" << where() << "reopened";
    m_linkUp = true;
    pump();
}

} // namespace hall::sign
