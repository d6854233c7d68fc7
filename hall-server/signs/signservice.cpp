#include "signs/signservice.h"

#include <QDateTime>

#include <set>

Q_LOGGING_CATEGORY(lcSigns, "hall.server.signs", QtInfoMsg)

namespace hall::server {

using namespace hall::engine;

namespace {

constexpr int kReopenMs = 10000;

} // namespace

SignService::SignService(config::SignsConfig config, EngineAccess engine, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_engine(std::move(engine))
{
    for (const config::SignWindowConfig &w : m_config.windows)
        m_windowByAddress[w.address] = w.window;
    connect(&m_clockTimer, &QTimer::timeout, this, &SignService::syncClocks);
    m_retryOpen.setSingleShot(true);
    connect(&m_retryOpen, &QTimer::timeout, this, &SignService::openBus);
}

SignService::~SignService() = default;

QString SignService::expand(const QString &pattern, const QString &ticket, int window, const QString &name)
{
    QString out = pattern;
    out.replace(QLatin1String("{ticket}"), ticket);
    out.replace(QLatin1String("{window}"), QString::number(window));
    out.replace(QLatin1String("{name}"), name);
    return out;
}

void SignService::start()
{
    sign::SignBusConfig c;
    c.transport.kind = drivers::TransportConfig::Kind::Serial;
    c.transport.serialPort = m_config.port;
    c.transport.baud = m_config.baud;
    c.ackTimeoutMs = m_config.ackTimeoutMs;
    c.retries = m_config.retries;
    c.probeIntervalMs = m_config.probeIntervalMs;
    for (const config::SignWindowConfig &w : m_config.windows)
        c.addresses << w.address;
    m_bus = std::make_unique<sign::SignBus>(c);
    connect(m_bus.get(), &sign::SignBus::signStatusChanged, this, [this](int address, const QString &code, const QString &detail) {
        const auto it = m_windowByAddress.find(address);
        if (it != m_windowByAddress.end())
            Q_EMIT statusChanged(it->second, code, detail);
    });
    openBus();
}

void SignService::openBus()
{
    QString error;
    if (!m_bus->start(&error)) {
        qCWarning(lcSigns).noquote() << "cannot open the sign bus; trying again in" << kReopenMs / 1000 << "s:" << error;
        for (const config::SignWindowConfig &w : m_config.windows)
            Q_EMIT statusChanged(w.window, QStringLiteral("offline"), QStringLiteral("The sign bus is not open: %1").arg(error));
        m_retryOpen.start(kReopenMs);
        return;
    }
    // Whatever the signs showed before this server started is stale.
    m_sent.clear();
    syncClocks();
    for (const config::SignWindowConfig &w : m_config.windows) {
        if (m_config.brightness >= 0)
            m_bus->setBrightness(w.address, m_config.brightness);
        refresh(w.window, true);
    }
    if (m_config.clockSyncMinutes > 0)
        m_clockTimer.start(m_config.clockSyncMinutes * 60 * 1000);
}

void SignService::syncClocks()
{
    if (!m_bus || !m_bus->isRunning())
        return;
    // The hall's local time (China has one offset and no DST), whatever the server's zone is.
    const int offset = m_engine().config().utcOffsetMinutes * 60;
    const QDateTime local = QDateTime::currentDateTimeUtc().toOffsetFromUtc(offset);
    const QDateTime wall(local.date(), local.time());
    for (const config::SignWindowConfig &w : m_config.windows)
        m_bus->syncClock(w.address, wall);
}

SignService::Wanted SignService::wanted(int number) const
{
    const Engine &engine = m_engine();
    const WindowConfig *wc = engine.config().window(number);
    const QString name = wc ? QString::fromStdString(wc->name) : QStringLiteral("%1号窗口").arg(number);
    QString idle = m_config.idleText;
    for (const config::SignWindowConfig &w : m_config.windows)
        if (w.window == number && !w.idleText.isEmpty())
            idle = w.idleText;
    const WindowState *ws = engine.window(number);
    if (!ws || ws->clerk.empty() || ws->paused)
        return {expand(m_config.pausedText, {}, number, name), sign::Effect::Static};
    if (ws->current) {
        if (const Ticket *t = engine.ticket(ws->current)) {
            const QString label = QString::fromStdString(t->label);
            if (t->status == TicketStatus::Called)
                return {expand(m_config.callText, label, number, name), sign::Effect::Flash};
            if (t->status == TicketStatus::Serving)
                return {expand(m_config.servingText, label, number, name), sign::Effect::Static};
        }
    }
    return {expand(idle, {}, number, name), sign::Effect::Static};
}

void SignService::refresh(int window, bool force)
{
    if (!m_bus || !m_bus->isRunning())
        return;
    int address = 0;
    for (const config::SignWindowConfig &w : m_config.windows)
        if (w.window == window)
            address = w.address;
    if (!address)
        return;
    const Wanted w = wanted(window);
    const auto it = m_sent.find(window);
    if (!force && it != m_sent.end() && it->second == w)
        return;
    m_sent[window] = w;
    qCDebug(lcSigns).noquote() << "window" << window << "sign:" << sign::toString(w.effect) << w.text;
    m_bus->showText(address, w.text, w.effect);
}

void SignService::onCommitted(const std::vector<Event> &events)
{
    if (!m_bus || !m_bus->isRunning())
        return;
    std::set<int> forced;
    for (const Event &e : events) {
        // A call or recall of the same ticket shows the same text: it is sent again, so the
        // sign starts flashing anew for the visitor who did not come.
        if ((e.type == EventType::TicketCalled || e.type == EventType::TicketRecalled) && e.window)
            forced.insert(e.window);
    }
    // Any event may change a window (a manager cancelling a called ticket names no window), and
    // the comparison with what was sent keeps the bus quiet where nothing changed.
    for (const config::SignWindowConfig &w : m_config.windows)
        refresh(w.window, forced.count(w.window) > 0);
}

} // namespace hall::server
