#include "counter/keypadbridge.h"

#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "bus/requestid.h"

#include <QDateTime>

Q_LOGGING_CATEGORY(lcCounterKeypad, "hall.counter.keypad")

namespace hall::counter {

namespace {
// A press is remembered this long: far longer than any link retries a report or any rating
// slot stays open, so a late duplicate is still recognised.
constexpr qint64 kRememberMs = 10 * 60 * 1000;
// A vote the server never answered is sent again (same id) this often, this many times at
// most: the visitor has walked away by then, and the slot would be closed anyway.
constexpr int kResendMs = 2000;
constexpr int kMaxSends = 4;
constexpr int kReportBackoffMaxMs = 60000;
} // namespace

KeypadBridge::KeypadBridge(keypad::Keypad &keypad, bus::HallClient &padClient, const bus::HallState &state, QString counterDevice,
                           QJsonObject keyMap, QObject *parent)
    : QObject(parent)
    , m_keypad(keypad)
    , m_client(padClient)
    , m_state(state)
    , m_counterDevice(std::move(counterDevice))
    , m_keyMapJson(std::move(keyMap))
{
    m_reportRetry.setSingleShot(true);
    connect(&m_reportRetry, &QTimer::timeout, this, &KeypadBridge::reportStatus);
    m_promptTimer.setSingleShot(true);
    connect(&m_promptTimer, &QTimer::timeout, this, &KeypadBridge::updatePrompt);
    m_resend.setInterval(kResendMs);
    connect(&m_resend, &QTimer::timeout, this, [this] {
        bool more = false;
        for (auto &[id, vote] : m_votes) {
            if (vote.state != VoteState::Failed || vote.sends >= kMaxSends)
                continue;
            send(id);
            more = true;
        }
        if (!more)
            m_resend.stop();
    });
    connect(&m_keypad, &keypad::Keypad::keyPressed, this, &KeypadBridge::onKey);
    connect(&m_keypad, &keypad::Keypad::statusChanged, this, &KeypadBridge::onKeypadStatus);
    connect(&m_state, &bus::HallState::changed, this, [this] {
        updateKeyMap();
        updatePrompt();
        checkPadKey();
    });
    connect(&m_state, &bus::HallState::resynced, this, [this] {
        // A replaced database knows nothing of our report.
        m_reported = QJsonObject();
        reportStatus();
    });
    connect(&m_client, &bus::HallClient::onlineChanged, this, [this](bool online) {
        if (online)
            reportStatus();
    });
}

KeypadBridge::~KeypadBridge()
{
    m_keypad.setPrompt(false);
}

bool KeypadBridge::start(QString *error)
{
    if (!m_keypad.start(error))
        return false;
    m_keypadStatus = m_keypad.statusCode();
    updateKeyMap();
    setStatus(m_keypadStatus, {});
    updatePrompt();
    askWhoWeAre();
    return true;
}

int KeypadBridge::window() const
{
    const bus::DeviceInfo *counter = m_state.device(m_counterDevice);
    return counter ? counter->window : 0;
}

bool KeypadBridge::ready() const
{
    return m_padRole == QLatin1String("pad") && m_padWindow > 0 && m_padWindow == window();
}

void KeypadBridge::askWhoWeAre()
{
    m_client.request(QStringLiteral("hello"), {}, this, [this](const bus::Reply &reply) {
        if (!reply.ok) {
            qCWarning(lcCounterKeypad).noquote() << "hello with the keypad's pad key:" << reply.error.code << reply.error.message;
            if (reply.error.code == QLatin1String(bus::clientcodes::unreachable)) {
                QTimer::singleShot(kResendMs, this, &KeypadBridge::askWhoWeAre); // not there yet, or the key is not admitted
            } else {
                m_padKeyError = QStringLiteral("pad key: %1").arg(reply.error.code);
                setStatus(m_keypadStatus, m_keypadDetail);
            }
            return;
        }
        m_padRole = reply.result.value(QLatin1String("role")).toString();
        m_padWindow = reply.result.value(QLatin1String("window")).toInt();
        qCInfo(lcCounterKeypad).noquote() << "keypad votes go out as" << reply.result.value(QLatin1String("device")).toString() << "(" << m_padRole
                                          << "of window" << m_padWindow << ")";
        checkPadKey();
    });
}

void KeypadBridge::checkPadKey()
{
    // A pad key of another window would put this window's votes on someone else's clerk, and
    // the server would take them: the counter checks before it sends any.
    if (m_padRole.isEmpty() || window() == 0)
        return;
    if (ready()) {
        if (m_padKeyError.isEmpty())
            return;
        m_padKeyError.clear();
    } else {
        const QString why = QStringLiteral("padKey is a %1 key of window %2, not a pad of window %3").arg(m_padRole).arg(m_padWindow).arg(window());
        if (why == m_padKeyError)
            return;
        m_padKeyError = why;
        qCCritical(lcCounterKeypad).noquote() << why << "- votes are not sent";
    }
    setStatus(m_keypadStatus, m_keypadDetail);
}

QString KeypadBridge::identity(const keypad::KeyEvent &event)
{
    // Without an id of its own, a press is told apart by when it arrived: the same struct
    // handed over twice is the same press, two presses are never stamped alike with their key.
    if (event.eventId == 0)
        return QStringLiteral("%1@%2#%3").arg(event.keypad).arg(event.receivedAtMs).arg(event.key);
    return QStringLiteral("%1#%2").arg(event.keypad).arg(event.eventId);
}

QByteArray KeypadBridge::requestIdOf(const keypad::KeyEvent &event) const
{
    const auto it = m_votes.find(identity(event));
    return it == m_votes.end() ? QByteArray() : it->second.requestId;
}

void KeypadBridge::onKey(const keypad::KeyEvent &event)
{
    forgetOld();
    const QString id = identity(event);
    if (const auto it = m_votes.find(id); it != m_votes.end()) {
        if (it->second.state == VoteState::Failed) {
            qCInfo(lcCounterKeypad).noquote() << "press" << id << "again; resending its vote under the same id";
            it->second.sends = 0;
            send(id);
        } else {
            qCDebug(lcCounterKeypad).noquote() << "press" << id << "seen before; not sent again";
        }
        return;
    }
    const QString rating = m_keyMap.ratingFor(event.key);
    if (rating.isEmpty()) {
        qCInfo(lcCounterKeypad).noquote() << "key" << event.key << "of" << event.keypad << "means nothing here; ignored";
        return;
    }
    if (!ready()) {
        qCWarning(lcCounterKeypad).noquote() << "key" << event.key << "pressed before the pad key was confirmed; vote dropped";
        return;
    }
    Vote vote;
    vote.requestId = bus::newRequestId();
    vote.rating = rating;
    // The visitor the keypad invites now: should the slot move on (the clerk finished the next
    // visitor) before the vote arrives, the server refuses it instead of crediting the wrong one.
    if (const auto *engine = m_state.engine()) {
        if (const auto *w = engine->window(window()); w && w->rating.ticket != 0 && !w->rating.rated)
            vote.ticket = w->rating.ticket;
    }
    vote.forgetAt = QDeadlineTimer(kRememberMs);
    m_votes.emplace(id, vote);
    send(id);
}

void KeypadBridge::send(const QString &id)
{
    Vote &vote = m_votes.at(id);
    vote.state = VoteState::Pending;
    ++vote.sends;
    ++m_submitsSent;
    QJsonObject args{{QStringLiteral("rating"), vote.rating}};
    if (vote.ticket != 0)
        args.insert(QStringLiteral("ticket"), vote.ticket);
    qCInfo(lcCounterKeypad).noquote() << "vote" << vote.rating << "for ticket" << vote.ticket << "(press" << id << ", attempt" << vote.sends << ")";
    m_client.request(vote.requestId, QStringLiteral("rating.submit"), args, this, [this, id](const bus::Reply &reply) { onAnswer(id, reply); });
}

void KeypadBridge::onAnswer(const QString &id, const bus::Reply &reply)
{
    const auto it = m_votes.find(id);
    if (it == m_votes.end())
        return;
    Vote &vote = it->second;
    const QString code = reply.ok ? QStringLiteral("ok") : reply.error.code;
    m_lastOutcome = code;
    if (reply.ok || code != QLatin1String(bus::clientcodes::unreachable)) {
        // An answer, yes or no: the server decided, and a resend would get the same.
        vote.state = VoteState::Done;
        if (reply.ok)
            qCInfo(lcCounterKeypad).noquote() << "vote" << vote.rating << "recorded";
        else
            qCWarning(lcCounterKeypad).noquote() << "vote" << vote.rating << "refused:" << code << reply.error.message;
    } else {
        vote.state = VoteState::Failed;
        qCWarning(lcCounterKeypad).noquote() << "vote" << vote.rating << "got no answer; will resend under the same id";
        if (vote.sends < kMaxSends && !m_resend.isActive())
            m_resend.start();
    }
    Q_EMIT voteAnswered(vote.rating, code);
}

void KeypadBridge::forgetOld()
{
    for (auto it = m_votes.begin(); it != m_votes.end();) {
        if (it->second.state != VoteState::Pending && it->second.forgetAt.hasExpired())
            it = m_votes.erase(it);
        else
            ++it;
    }
}

void KeypadBridge::onKeypadStatus(const QString &code, const QString &detail)
{
    m_keypadStatus = code;
    m_keypadDetail = detail;
    setStatus(code, detail);
}

void KeypadBridge::setStatus(const QString &code, const QString &detail)
{
    QString c = code;
    QString d = detail;
    // What the bridge itself found wrong outranks the keypad's own "ok".
    if (!m_keyMapError.isEmpty() || !m_padKeyError.isEmpty()) {
        c = QStringLiteral("failed");
        d = m_keyMapError.isEmpty() ? m_padKeyError : m_keyMapError;
    }
    if (c == m_status && d == m_detail)
        return;
    qCInfo(lcCounterKeypad).noquote() << "keypad" << m_status << "->" << c << (d.isEmpty() ? QString() : QStringLiteral("(%1)").arg(d));
    m_status = c;
    m_detail = d;
    Q_EMIT statusChanged();
    reportStatus();
}

void KeypadBridge::reportStatus()
{
    if (m_reporting || m_reportRetry.isActive() || m_status == QLatin1String("unknown"))
        return;
    const QJsonObject status{{QStringLiteral("keypad"), m_status}, {QStringLiteral("detail"), m_detail.left(400)}};
    if (status == m_reported)
        return;
    m_reporting = true;
    m_client.request(QStringLiteral("device.status"), {{QStringLiteral("status"), status}}, this, [this, status](const bus::Reply &reply) {
        m_reporting = false;
        const QString code = reply.error.code;
        if (reply.ok) {
            m_reported = status;
            m_reportBackoffMs = 2000;
            Q_EMIT statusChanged();
        } else if (code == QLatin1String(bus::codes::badRequest) || code == QLatin1String("forbidden") || code == QLatin1String("device_revoked")) {
            // Refused for what it is or who sends it: the same report would only loop.
            qCWarning(lcCounterKeypad).noquote() << "keypad status report refused:" << code << reply.error.message;
            m_reported = status;
        } else {
            qCWarning(lcCounterKeypad).noquote() << "keypad status report not taken:" << code << "; again in" << m_reportBackoffMs << "ms";
            m_reportRetry.start(m_reportBackoffMs);
            m_reportBackoffMs = std::min(2 * m_reportBackoffMs, kReportBackoffMaxMs);
            return;
        }
        reportStatus(); // the keypad may have changed again meanwhile
    });
}

void KeypadBridge::updateKeyMap()
{
    const auto *engine = m_state.engine();
    if (!engine)
        return;
    const QString scale = QString::fromStdString(engine->config().ratings.scale);
    if (scale == m_scale)
        return;
    m_scale = scale;
    QString error;
    if (m_keyMapJson.isEmpty()) {
        m_keyMap = keypad::KeyMap::defaults(scale);
        m_keyMapError.clear();
    } else if (keypad::KeyMap::fromJson(m_keyMapJson, scale, &m_keyMap, &error)) {
        m_keyMapError.clear();
    } else {
        // Keys that mean the wrong thing are worse than a dead keypad: none of them count.
        m_keyMap = keypad::KeyMap();
        m_keyMapError = QStringLiteral("key map: %1").arg(error);
        qCCritical(lcCounterKeypad).noquote() << "the keypad's" << m_keyMapError << "- presses are ignored";
    }
    if (m_status != QLatin1String("unknown"))
        setStatus(m_keypadStatus, m_keypadDetail);
}

void KeypadBridge::updatePrompt()
{
    bool on = false;
    qint64 msLeft = 0;
    if (const auto *engine = m_state.engine()) {
        if (const auto *w = engine->window(window()); w && w->rating.ticket != 0 && !w->rating.rated) {
            const qint64 serverNow = QDateTime::currentMSecsSinceEpoch() + m_state.serverTimeOffsetMs();
            msLeft = engine->ratingUntil(w->rating.openedAt) - serverNow;
            on = msLeft > 0;
        }
    }
    if (on)
        m_promptTimer.start(int(std::min<qint64>(msLeft + 50, 24 * 3600 * 1000)));
    else
        m_promptTimer.stop();
    if (on == m_prompt)
        return;
    m_prompt = on;
    m_keypad.setPrompt(on);
    Q_EMIT promptChanged(on);
}

} // namespace hall::counter
