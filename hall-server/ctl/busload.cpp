#include "busload.h"

#include "ctl/options.h"

#include "bus/curvekeys.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "bus/hallwire.h"

#include <QDir>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>
#include <QTimer>

#include <zmq.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <vector>

Q_LOGGING_CATEGORY(lcLoad, "hall.ctl.load")

namespace hall::ctl {

namespace {

using Done = std::function<void(const bus::Reply &)>;

// One hall minute lasts this long on the wall clock: the default 480-minute day's arrivals then
// take about 17 s, and with signing in and serving the last visitors the run about 20 s.
constexpr double kWallMsPerHallMinute = 35.0;
// Past the planned arrivals, the run stops and reports whatever state it reached.
constexpr qint64 kDeadlineSlackMs = 100000;
// After the deadline the final snapshot may still wait out the client's attempts (10 s).
constexpr qint64 kLastResortMs = 30000;
constexpr int kSyncTimeoutMs = 10000;
constexpr int kConvergeTimeoutMs = 2000;
constexpr int kCounters = 12;

// How visitors and clerks behave, in shares of calls and visits.
constexpr double kNoShowShare = 0.04;   // nobody comes to the call, nor to the recall
constexpr double kRecallShare = 0.06;   // comes only after being called again
constexpr double kTransferShare = 0.05; // sent on to another service or window after service
constexpr double kVoteShare = 0.85;     // visitors who press a key on the pad, where there is one
constexpr double kGiveUpShare = 0.03;   // leaves while waiting; the manager cancels the ticket
constexpr double kElderlyShare = 0.08;
constexpr double kAppointmentShare = 0.05;

const QString kIssue = QStringLiteral("ticket.issue");
const QString kCancel = QStringLiteral("ticket.cancel");
const QString kCallNext = QStringLiteral("window.callNext");
const QString kRecall = QStringLiteral("window.recall");
const QString kStart = QStringLiteral("window.start");
const QString kNoShow = QStringLiteral("window.noShow");
const QString kTransfer = QStringLiteral("window.transfer");
const QString kFinish = QStringLiteral("window.finish");
const QString kSignIn = QStringLiteral("clerk.signIn");
const QString kSignOut = QStringLiteral("clerk.signOut");
const QString kSnapshot = QStringLiteral("snapshot");

// std distributions differ between standard libraries; raw mt19937_64 output does not.
struct Rng {
    explicit Rng(quint64 seed) : m_g(seed) {}
    double uniform() { return double(m_g() >> 11) * (1.0 / 9007199254740992.0); }
    double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    std::size_t index(std::size_t n) { return std::min(n - 1, std::size_t(uniform() * double(n))); }
    std::mt19937_64 m_g;
};

struct Params {
    QByteArray requestEndpoint = "tcp://127.0.0.1:5570";
    QByteArray eventEndpoint = "tcp://127.0.0.1:5571";
    QString serverKeyFile;
    QString keysDir;
    qint64 visitors = 300;
    qint64 minutes = 480;
    qint64 seed = 1;
};

struct Arrival {
    double minute = 0; // hall minutes after the doors open
    std::size_t kiosk = 0;
    std::string service;
    engine::Priority priority = engine::Priority::Normal;
    double givesUpAfter = -1; // hall minutes after issue; negative: waits to the end
};

struct OpStats {
    qint64 sent = 0;
    qint64 ok = 0;
    std::map<QString, qint64> refused;
    std::vector<double> latencyMs;
};

struct Terminal {
    QString id;
    bus::KeyPair keys;
    std::unique_ptr<bus::HallClient> client;
};

struct Counter {
    int window = 0;
    Terminal *terminal = nullptr;
    Rng rng{0};
    // The window's evaluation pad, when the key directory has one (pad-N.key): visitors vote on
    // it after their finish, mostly satisfied, some clerks more than others.
    Terminal *pad = nullptr;
    Rng voteRng{0};
    double satisfaction = 0.9;
    bool signedIn = false;
    qint64 leftover = 0; // a visitor at the window when the load began (an earlier run was cut short)
    bool done = false;
    bool stalled = false;
};

struct Mirror {
    Terminal *terminal = nullptr;
    std::unique_ptr<bus::HallState> state;
    bool converged = false;
    QString verdict;
};



// Refusals the load provokes on purpose or by honest races; any other refusal is a fault.
const QString kRate = QStringLiteral("rating.submit");

bool expectedRefusal(const QString &op, const QString &code)
{
    return (op == kCallNext && code == QLatin1String("nobody_waiting"))
        // The clerk finished the next visitor before this one pressed, or the time ran out.
        || (op == kRate && (code == QLatin1String("ticket_not_at_window") || code == QLatin1String("rating_closed")))
        || (op == kCancel && code == QLatin1String("ticket_not_waiting")) // called while the manager looked
        || (op == kIssue && code == QLatin1String("daily_limit_reached"));
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = std::size_t(std::ceil(p * double(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

QString compact(const QJsonValue &v)
{
    QJsonArray wrapper{v};
    QByteArray text = QJsonDocument(wrapper).toJson(QJsonDocument::Compact);
    text = text.mid(1, text.size() - 2);
    return QString::fromUtf8(text.size() > 120 ? text.left(117) + "..." : text);
}

// Where two JSON values first differ, for a report that says why a mirror did not converge.
QString firstDifference(const QJsonValue &a, const QJsonValue &b, const QString &path)
{
    if (a == b)
        return {};
    if (a.isObject() && b.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        QStringList keys = x.keys() + y.keys();
        keys.removeDuplicates();
        keys.sort();
        for (const QString &k : keys)
            if (QString d = firstDifference(x.value(k), y.value(k), path + QLatin1Char('.') + k); !d.isEmpty())
                return d;
    }
    if (a.isArray() && b.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        for (qsizetype i = 0; i < std::min(x.size(), y.size()); ++i)
            if (QString d = firstDifference(x.at(i), y.at(i), QStringLiteral("%1[%2]").arg(path).arg(i)); !d.isEmpty())
                return d;
        return QStringLiteral("%1: %2 entries, the snapshot has %3").arg(path).arg(x.size()).arg(y.size());
    }
    return QStringLiteral("%1: %2, the snapshot has %3").arg(path, compact(a), compact(b));
}

class LoadRun
{
public:
    LoadRun(const Params &p, QTextStream &out, QTextStream &err) : m_p(p), m_out(out), m_err(err), m_rng(quint64(p.seed)) {}

    int exec()
    {
        QString error;
        if (!setUp(&error)) {
            m_err << "hallctl load: " << error << Qt::endl;
            return 2;
        }
        m_wall.start();
        const qint64 deadline = qint64(double(m_p.minutes) * kWallMsPerHallMinute) + kDeadlineSlackMs;
        QTimer::singleShot(std::chrono::milliseconds(deadline), &m_guard, [this] {
            if (m_final)
                return;
            m_deadlineHit = true;
            qCWarning(lcLoad) << "deadline reached; stopping the load and reporting";
            finalPhase();
        });
        // However the final snapshot fares (the client gives up after its attempts), the run ends.
        QTimer::singleShot(std::chrono::milliseconds(deadline + kLastResortMs), &m_guard, [this] {
            m_failures << QStringLiteral("the run did not end; stopped %1 s after the deadline").arg(kLastResortMs / 1000);
            m_loop.quit();
        });
        QTimer::singleShot(0, &m_guard, [this] { waitForMirrors(); });
        m_loop.exec();
        return report();
    }

private:
    bool setUp(QString *error)
    {
        const auto server = bus::readKeyFile(m_p.serverKeyFile, error);
        if (!server)
            return false;
        auto add = [&](const QString &id) -> Terminal * {
            const QString file = QDir(m_p.keysDir).filePath(id + QStringLiteral(".key"));
            const auto keys = bus::readKeyFile(file, error);
            if (!keys)
                return nullptr;
            if (keys->secretKey.isEmpty()) {
                *error = QStringLiteral("%1: holds no secret key; the load needs each device's own key pair").arg(file);
                return nullptr;
            }
            auto t = std::make_unique<Terminal>();
            t->id = id;
            t->keys = *keys;
            t->client = std::make_unique<bus::HallClient>(m_ctx);
            t->client->setServer(m_p.requestEndpoint, *keys, server->publicKey);
            if (!t->client->start(error))
                return nullptr;
            m_terminals.push_back(std::move(t));
            return m_terminals.back().get();
        };
        for (const char *id : {"kiosk-1", "kiosk-2"}) {
            Terminal *t = add(QString::fromLatin1(id));
            if (!t)
                return false;
            m_kiosks.push_back(t);
        }
        for (int w = 1; w <= kCounters; ++w) {
            auto c = std::make_unique<Counter>();
            c->window = w;
            c->terminal = add(QStringLiteral("counter-%1").arg(w));
            if (!c->terminal)
                return false;
            // Each clerk's own habits, so one window's choices do not depend on the others' pace.
            c->rng = Rng(quint64(m_p.seed) * 1000003ULL + quint64(w));
            const QString padId = QStringLiteral("pad-%1").arg(w);
            if (QFileInfo::exists(QDir(m_p.keysDir).filePath(padId + QStringLiteral(".key")))) {
                c->pad = add(padId);
                if (!c->pad)
                    return false;
                c->voteRng = Rng(quint64(m_p.seed) * 7919ULL + quint64(w));
                c->satisfaction = c->voteRng.between(0.80, 0.99);
            }
            m_counters.push_back(std::move(c));
        }
        for (const char *id : {"board-1", "manager-1"}) {
            auto m = std::make_unique<Mirror>();
            m->terminal = add(QString::fromLatin1(id));
            if (!m->terminal)
                return false;
            m->state = std::make_unique<bus::HallState>(m_ctx, *m->terminal->client);
            m->state->setEventEndpoint(m_p.eventEndpoint, m->terminal->keys, server->publicKey);
            if (!m->state->start(error))
                return false;
            m_mirrors.push_back(std::move(m));
        }
        m_manager = m_mirrors.back()->terminal;
        return true;
    }

    const bus::HallState &board() const { return *m_mirrors.front()->state; }
    const bus::HallState &manager() const { return *m_mirrors.back()->state; }

    int wallMs(double hallMinutes) const { return int(std::lround(hallMinutes * kWallMsPerHallMinute)); }

    // Runs fn after some hall minutes, unless the load has stopped meanwhile.
    void later(double hallMinutes, std::function<void()> fn)
    {
        QTimer::singleShot(wallMs(hallMinutes), &m_guard, [this, fn = std::move(fn)] {
            if (!m_stopping)
                fn();
        });
    }

    // Polls until ready() or the timeout; then runs then(ready()).
    void waitUntil(std::function<bool()> ready, int timeoutMs, std::function<void(bool)> then)
    {
        auto *timer = new QTimer(&m_guard);
        QElapsedTimer clock;
        clock.start();
        QObject::connect(timer, &QTimer::timeout, &m_guard, [timer, clock, timeoutMs, ready = std::move(ready), then = std::move(then)] {
            const bool ok = ready();
            if (!ok && clock.elapsed() < timeoutMs)
                return;
            timer->stop();
            timer->deleteLater();
            then(ok);
        });
        timer->start(10);
    }

    // Every request of the load goes through here, so the report counts all of them. done runs
    // with the reply unless the load has stopped; the final snapshot's always runs.
    void send(Terminal &t, const QString &op, const QJsonObject &args, Done done, bool evenWhenStopped = false)
    {
        ++m_outstanding;
        ++m_requests;
        ++m_ops[op].sent;
        QElapsedTimer clock;
        clock.start();
        t.client->request(op, args, &m_guard, [this, &t, op, clock, evenWhenStopped, done = std::move(done)](const bus::Reply &r) {
            --m_outstanding;
            OpStats &s = m_ops[op];
            s.latencyMs.push_back(double(clock.nsecsElapsed()) / 1e6);
            if (r.ok) {
                ++s.ok;
            } else {
                ++s.refused[r.error.code];
                // HallClient already warns of every request it gave up on.
                if (r.error.code == QLatin1String(bus::clientcodes::unreachable)) {
                    ++m_unreachable;
                } else if (!expectedRefusal(op, r.error.code)) {
                    ++m_unexpected;
                    qCWarning(lcLoad).noquote() << t.id << op << "refused:" << r.error.code << r.error.message;
                }
            }
            if (done && (evenWhenStopped || !m_stopping))
                done(r);
            checkFinished();
        });
    }

    // ---- Phases ---------------------------------------------------------------------------------

    void waitForMirrors()
    {
        waitUntil([this] { return std::all_of(m_mirrors.begin(), m_mirrors.end(), [](const auto &m) { return m->state->synced(); }); },
                  kSyncTimeoutMs, [this](bool synced) {
                      if (!synced) {
                          m_failures << QStringLiteral("the mirrors did not synchronise within %1 s: is hall-server running at %2 and %3?")
                                            .arg(kSyncTimeoutMs / 1000)
                                            .arg(QString::fromLatin1(m_p.requestEndpoint), QString::fromLatin1(m_p.eventEndpoint));
                          m_unreachable += 1;
                          m_loop.quit();
                          return;
                      }
                      m_syncedAt = m_wall.elapsed();
                      const engine::Engine &e = *board().engine();
                      m_config = e.config();
                      m_firstTicket = e.lastTicketId() + 1;
                      m_out << "load: mirrors synchronised at seq " << board().seq() << " in " << m_syncedAt << " ms; "
                            << "signing in " << m_counters.size() << " clerks" << Qt::endl;
                      plan();
                      signIn();
                  });
    }

    // The day's visitors, all decided up front from the seed: arrival times of a Poisson process
    // with the given count (sorted uniform times), services in proportion to what the hall can
    // serve, varied by the seed so each seed stresses other queues.
    void plan()
    {
        std::map<std::string, double> capacity;
        for (const engine::WindowConfig &w : m_config.windows)
            for (const std::string &s : w.services)
                capacity[s] += 1.0 / double(w.services.size());
        double total = 0;
        for (const engine::Service &s : m_config.services) {
            const double weight = capacity[s.code] / std::max(1, s.estimatedServiceSeconds) * m_rng.between(0.5, 1.5);
            m_mix.push_back({s.code, weight});
            total += weight;
        }
        for (auto &[code, weight] : m_mix)
            weight /= total;
        for (qint64 i = 0; i < m_p.visitors; ++i) {
            Arrival a;
            a.minute = m_rng.uniform() * double(m_p.minutes);
            a.kiosk = m_rng.index(m_kiosks.size());
            double pick = m_rng.uniform();
            a.service = m_mix.back().first;
            for (const auto &[code, share] : m_mix) {
                if (pick < share) {
                    a.service = code;
                    break;
                }
                pick -= share;
            }
            const double p = m_rng.uniform();
            a.priority = p < kAppointmentShare ? engine::Priority::Appointment
                       : p < kAppointmentShare + kElderlyShare ? engine::Priority::Elderly
                                                                : engine::Priority::Normal;
            if (m_rng.uniform() < kGiveUpShare)
                a.givesUpAfter = m_rng.between(5, 40);
            m_arrivals.push_back(a);
        }
        std::sort(m_arrivals.begin(), m_arrivals.end(), [](const Arrival &x, const Arrival &y) { return x.minute < y.minute; });
    }

    void signIn()
    {
        m_signInsPending = int(m_counters.size());
        for (auto &c : m_counters) {
            // Clerk #n in the configuration works window n, with the demo PIN 1200 + n.
            const std::size_t index = std::size_t(c->window - 1);
            if (index >= m_config.clerks.size()) {
                m_failures << QStringLiteral("the configuration has no clerk #%1 for window %1").arg(c->window);
                c->done = c->stalled = true;
                --m_signInsPending;
                continue;
            }
            // A window still open by its clerk (an earlier run stopped before closing time) is
            // taken over as a restarted counter does, from the hall's state, not signed in again.
            const engine::Clerk &clerk = m_config.clerks[index];
            if (const engine::WindowState *open = board().engine()->window(c->window); open && open->clerk == clerk.id) {
                c->signedIn = true;
                c->leftover = open->current;
                ++m_resumed;
                --m_signInsPending;
                continue;
            }
            const QJsonObject args{{QStringLiteral("badge"), QString::fromStdString(clerk.badge)},
                                   {QStringLiteral("pin"), QString::number(1200 + c->window)}};
            Counter *counter = c.get();
            send(*c->terminal, kSignIn, args, [this, counter](const bus::Reply &r) {
                if (r.ok)
                    counter->signedIn = true;
                else
                    counter->done = counter->stalled = true;
                if (--m_signInsPending == 0)
                    openDoors();
            });
        }
        if (m_signInsPending == 0)
            openDoors();
    }

    void openDoors()
    {
        m_doorsOpenAt = m_wall.elapsed();
        m_out << "load: " << std::count_if(m_counters.begin(), m_counters.end(), [](const auto &c) { return c->signedIn; })
              << " windows open (" << m_resumed << " already were) after " << (m_doorsOpenAt - m_syncedAt) << " ms; " << m_arrivals.size() << " visitors over "
              << m_p.minutes << " hall minutes (" << wallMs(double(m_p.minutes)) / 1000.0 << " s)" << Qt::endl;
        m_doorsOpen = true;
        m_arrivalsLeft = m_arrivals.size();
        for (std::size_t i = 0; i < m_arrivals.size(); ++i)
            later(m_arrivals[i].minute, [this, i] { arrive(i); });
        for (auto &c : m_counters) {
            if (!c->signedIn)
                continue;
            if (c->leftover)
                act(*c, kFinish, c->leftover, {}, [this, counter = c.get()](const bus::Reply &) { call(*counter); });
            else
                call(*c);
        }
        maybeCloseIntake();
        checkFinished();
    }

    void arrive(std::size_t i)
    {
        const Arrival &a = m_arrivals[i];
        --m_arrivalsLeft;
        ++m_issuesInFlight;
        QJsonObject args{{QStringLiteral("service"), QString::fromStdString(a.service)}};
        if (a.priority != engine::Priority::Normal)
            args.insert(QStringLiteral("priority"), QLatin1String(engine::toString(a.priority)));
        send(*m_kiosks[a.kiosk], kIssue, args, [this, i](const bus::Reply &r) {
            --m_issuesInFlight;
            if (r.ok) {
                ++m_issued;
                const Arrival &a = m_arrivals[i];
                if (a.priority == engine::Priority::Elderly)
                    ++m_elderly;
                else if (a.priority == engine::Priority::Appointment)
                    ++m_appointments;
                const qint64 ticket = r.result.value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInteger();
                if (a.givesUpAfter >= 0)
                    later(a.givesUpAfter, [this, ticket] { giveUp(ticket); });
            }
            maybeCloseIntake();
        });
        maybeCloseIntake();
    }

    // A visitor who left: the manager cancels the ticket if their board still shows it waiting.
    void giveUp(qint64 ticket)
    {
        if (m_intakeClosing)
            return; // closing time: the windows serve whoever is still there
        const engine::Engine *e = manager().engine();
        const engine::Ticket *t = e ? e->ticket(ticket) : nullptr;
        if (!t || t->status != engine::TicketStatus::Waiting)
            return;
        send(*m_manager, kCancel, {{QStringLiteral("ticket"), ticket}}, [this](const bus::Reply &r) {
            if (r.ok)
                ++m_cancelled;
        });
    }

    // Transfers feed the queues like kiosks do. Once the last visitor has a ticket no more are
    // started, and once those under way are answered nothing can join a queue: a counter that
    // hears nobody_waiting for a call sent after that can close its window for the day.
    void maybeCloseIntake()
    {
        if (!m_doorsOpen)
            return;
        if (m_arrivalsLeft == 0 && m_issuesInFlight == 0)
            m_intakeClosing = true;
        if (m_intakeClosing && m_transfersInFlight == 0 && !m_intakeClosed) {
            m_intakeClosed = true;
            m_intakeClosedAt = m_wall.elapsed();
        }
    }

    void call(Counter &c)
    {
        const bool closed = m_intakeClosed;
        send(*c.terminal, kCallNext, {}, [this, &c, closed](const bus::Reply &r) {
            if (r.ok)
                return called(c, r.result.value(QLatin1String("ticket")).toObject());
            if (r.error.code != QLatin1String("nobody_waiting"))
                return stall(c);
            if (closed)
                return signOut(c);
            // The clerk looks at the queue again a few minutes later.
            later(c.rng.between(2, 4), [this, &c] { call(c); });
        });
    }

    void called(Counter &c, const QJsonObject &ticket)
    {
        const qint64 id = ticket.value(QLatin1String("id")).toInteger();
        const std::string service = ticket.value(QLatin1String("service")).toString().toStdString();
        const double roll = c.rng.uniform();
        if (roll < kNoShowShare) {
            later(1, [this, &c, id] {
                act(c, kRecall, id, {}, [this, &c, id](const bus::Reply &) {
                    later(1, [this, &c, id] {
                        act(c, kNoShow, id, {}, [this, &c](const bus::Reply &) {
                            ++m_noShows;
                            call(c);
                        });
                    });
                });
            });
        } else if (roll < kNoShowShare + kRecallShare) {
            later(1, [this, &c, id, service] {
                act(c, kRecall, id, {}, [this, &c, id, service](const bus::Reply &) { later(0.5, [this, &c, id, service] { start(c, id, service); }); });
            });
        } else {
            later(0.5, [this, &c, id, service] { start(c, id, service); });
        }
    }

    void start(Counter &c, qint64 id, const std::string &service)
    {
        const engine::Service *s = m_config.service(service);
        const double minutes = (s ? s->estimatedServiceSeconds : 600) / 60.0 * c.rng.between(0.5, 1.5);
        act(c, kStart, id, {}, [this, &c, id, service, minutes](const bus::Reply &) {
            later(minutes, [this, &c, id, service] {
                if (!m_intakeClosing && c.rng.uniform() < kTransferShare)
                    transfer(c, id, service);
                else
                    act(c, kFinish, id, {}, [this, &c, id](const bus::Reply &) {
                        ++m_served;
                        vote(c, id);
                        call(c);
                    });
            });
        });
    }

    // Most visitors press a key on the window's pad a few seconds after the finish; the unsatisfied
    // often say why.
    void vote(Counter &c, qint64 ticket)
    {
        if (!c.pad || c.voteRng.uniform() > kVoteShare)
            return;
        const bool satisfied = c.voteRng.uniform() < c.satisfaction;
        QJsonObject args{{QStringLiteral("ticket"), ticket}, {QStringLiteral("rating"), satisfied ? QStringLiteral("satisfied") : QStringLiteral("unsatisfied")}};
        if (!satisfied && c.voteRng.uniform() < 0.5) {
            static const std::array<const char *, 4> reasons{"wait_long", "attitude", "slow", "unclear"};
            args.insert(QStringLiteral("tags"), QJsonArray{QLatin1String(reasons[c.voteRng.index(reasons.size())])});
        }
        later(c.voteRng.between(0.05, 0.3), [this, &c, args] {
            send(*c.pad, kRate, args, [this, satisfied = args.value(QLatin1String("rating")).toString() == QLatin1String("satisfied")](const bus::Reply &r) {
                if (r.ok) {
                    ++m_votes;
                    m_satisfiedVotes += satisfied ? 1 : 0;
                } else {
                    ++m_lateVotes;
                }
            });
        });
    }

    // Half the transfers go to another service, half to another window of the same service that
    // is open (a closed window would never call its visitor).
    void transfer(Counter &c, qint64 id, const std::string &service)
    {
        std::vector<int> windows;
        for (const auto &other : m_counters) {
            const engine::WindowConfig *w = m_config.window(other->window);
            if (other.get() != &c && other->signedIn && !other->done && w
                && std::find(w->services.begin(), w->services.end(), service) != w->services.end())
                windows.push_back(other->window);
        }
        std::vector<std::string> services;
        for (const engine::Service &s : m_config.services)
            if (s.code != service)
                services.push_back(s.code);
        QJsonObject args;
        if (!windows.empty() && (services.empty() || c.rng.uniform() < 0.5))
            args.insert(QStringLiteral("toWindow"), windows[c.rng.index(windows.size())]);
        else if (!services.empty())
            args.insert(QStringLiteral("service"), QString::fromStdString(services[c.rng.index(services.size())]));
        else
            return act(c, kFinish, id, {}, [this, &c](const bus::Reply &) {
                ++m_served;
                call(c);
            });
        ++m_transfersInFlight;
        act(
            c, kTransfer, id, args,
            [this, &c](const bus::Reply &) {
                ++m_transferred;
                call(c);
            },
            [this] {
                --m_transfersInFlight;
                maybeCloseIntake();
            });
    }

    // An operation on the window's current visitor, naming the ticket the clerk's screen shows.
    // always runs with any reply (before onOk); a refusal stops this counter.
    void act(Counter &c, const QString &op, qint64 ticket, QJsonObject args, Done onOk, std::function<void()> always = {})
    {
        args.insert(QStringLiteral("ticket"), ticket);
        send(*c.terminal, op, args, [this, &c, onOk = std::move(onOk), always = std::move(always)](const bus::Reply &r) {
            if (always)
                always();
            if (r.ok)
                onOk(r);
            else
                stall(c);
        });
    }

    void signOut(Counter &c)
    {
        send(*c.terminal, kSignOut, {}, [this, &c](const bus::Reply &r) {
            if (!r.ok)
                return stall(c);
            c.done = true;
        });
    }

    // A refusal the counter cannot explain: a clerk would call for help, the load just stops
    // this window (the warning names the refusal) and the report fails.
    void stall(Counter &c)
    {
        c.done = c.stalled = true;
        qCWarning(lcLoad).noquote() << c.terminal->id << "stopped";
    }

    void checkFinished()
    {
        if (!m_doorsOpen || m_final || m_outstanding > 0 || m_arrivalsLeft > 0)
            return;
        if (std::all_of(m_counters.begin(), m_counters.end(), [](const auto &c) { return c->done; }))
            finalPhase();
    }

    // The hall is empty (or the deadline passed): a fresh snapshot as the manager, then each
    // mirror must show exactly its state at exactly its seq.
    void finalPhase()
    {
        m_final = true;
        m_stopping = true;
        m_hallEmptyAt = m_wall.elapsed();
        m_out << "load: " << (m_deadlineHit ? "deadline reached" : "every window closed") << " after " << m_hallEmptyAt / 1000.0
              << " s; comparing the mirrors with a fresh snapshot" << Qt::endl;
        send(
            *m_manager, kSnapshot, {},
            [this](const bus::Reply &r) {
                if (!r.ok) {
                    m_failures << QStringLiteral("the final snapshot failed: %1: %2").arg(r.error.code, r.error.message);
                    for (auto &m : m_mirrors)
                        m->verdict = QStringLiteral("no snapshot to compare with");
                    m_loop.quit();
                    return;
                }
                m_snapshot = r.result;
                const qint64 seq = r.result.value(QLatin1String("seq")).toInteger();
                const QJsonObject state = r.result.value(QLatin1String("state")).toObject();
                auto matches = [seq, state](const Mirror &m) {
                    return m.state->synced() && m.state->engine() && m.state->seq() == seq
                        && bus::wire::stateJson(m.state->engine()->snapshot()) == state;
                };
                waitUntil([this, matches] { return std::all_of(m_mirrors.begin(), m_mirrors.end(), [&](const auto &m) { return matches(*m); }); },
                          kConvergeTimeoutMs, [this, matches, seq, state](bool) {
                              m_convergedAt = m_wall.elapsed();
                              for (auto &m : m_mirrors) {
                                  m->converged = matches(*m);
                                  if (m->converged)
                                      m->verdict = QStringLiteral("yes");
                                  else if (!m->state->engine() || m->state->seq() != seq)
                                      m->verdict = QStringLiteral("NO: at seq %1, the snapshot at %2%3")
                                                       .arg(m->state->seq())
                                                       .arg(seq)
                                                       .arg(m->state->synced() ? QString() : QStringLiteral(" (resynchronising)"));
                                  else
                                      m->verdict = QStringLiteral("NO: ")
                                          + firstDifference(bus::wire::stateJson(m->state->engine()->snapshot()), state, QStringLiteral("state"));
                              }
                              m_loop.quit();
                          });
            },
            true);
    }

    // ---- Report ---------------------------------------------------------------------------------

    int report()
    {
        QTextStream &o = m_out;
        o << Qt::endl << "== load report ==" << Qt::endl;
        o << "visitors " << m_p.visitors << " over " << m_p.minutes << " hall minutes, seed " << m_p.seed << "; 1 hall minute = "
          << kWallMsPerHallMinute << " ms" << Qt::endl;
        const auto seconds = [](qint64 ms) { return QString::number(double(ms) / 1000.0, 'f', 1); };
        o << "wall time: mirrors synchronised in " << m_syncedAt << " ms, clerks signed in in " << (m_doorsOpenAt ? m_doorsOpenAt - m_syncedAt : 0)
          << " ms, open " << (m_hallEmptyAt && m_doorsOpenAt ? seconds(m_hallEmptyAt - m_doorsOpenAt) : QStringLiteral("0"))
          << " s (last ticket at " << (m_intakeClosedAt ? seconds(m_intakeClosedAt - m_doorsOpenAt) : QStringLiteral("-")) << " s), mirrors compared in "
          << (m_convergedAt ? m_convergedAt - m_hallEmptyAt : 0) << " ms; total " << seconds(m_wall.elapsed()) << " s" << Qt::endl;
        if (!m_mix.empty()) {
            o << "service mix:";
            for (const auto &[code, share] : m_mix)
                o << ' ' << QString::fromStdString(code) << ' ' << QString::number(share * 100, 'f', 0) << '%';
            o << Qt::endl;
        }

        qint64 attempts = 0, snapshotsByMirrors = 0, ok = 0, refused = 0;
        for (const auto &t : m_terminals)
            attempts += t->client->attemptsSent();
        for (const auto &m : m_mirrors)
            snapshotsByMirrors += m->state->snapshotsTaken();
        std::vector<double> all;
        std::map<std::pair<QString, QString>, qint64> byCode;
        for (const auto &[op, s] : m_ops) {
            ok += s.ok;
            all.insert(all.end(), s.latencyMs.begin(), s.latencyMs.end());
            for (const auto &[code, n] : s.refused) {
                refused += n;
                byCode[{code, op}] += n;
            }
        }
        // The mirrors' own snapshot requests go through the same clients; a request is sent once
        // and every further copy is a Lazy Pirate retry.
        const qint64 retries = attempts - m_requests - snapshotsByMirrors;
        o << "requests: " << m_requests << " sent (+" << snapshotsByMirrors << " snapshots by the mirrors), " << ok << " ok, " << refused
          << " refused, " << m_outstanding << " unanswered; retries " << retries << "; latency p50 "
          << QString::number(percentile(all, 0.5), 'f', 2) << " ms, p99 " << QString::number(percentile(all, 0.99), 'f', 2) << " ms" << Qt::endl;
        o << QStringLiteral("  %1 %2 %3 %4 %5 %6").arg(QStringLiteral("operation"), -18).arg(QStringLiteral("sent"), 6).arg(QStringLiteral("ok"), 6)
                 .arg(QStringLiteral("refused"), 8).arg(QStringLiteral("p50 ms"), 8).arg(QStringLiteral("p99 ms"), 8)
          << Qt::endl;
        for (const auto &[op, s] : m_ops) {
            qint64 r = 0;
            for (const auto &[code, n] : s.refused)
                r += n;
            o << QStringLiteral("  %1 %2 %3 %4 %5 %6")
                     .arg(op, -18)
                     .arg(s.sent, 6)
                     .arg(s.ok, 6)
                     .arg(r, 8)
                     .arg(QString::number(percentile(s.latencyMs, 0.5), 'f', 2), 8)
                     .arg(QString::number(percentile(s.latencyMs, 0.99), 'f', 2), 8)
              << Qt::endl;
        }
        o << "refusals by code:" << (byCode.empty() ? " none" : "") << Qt::endl;
        for (const auto &[key, n] : byCode)
            o << QStringLiteral("  %1 %2 %3 %4")
                     .arg(key.first, -22)
                     .arg(key.second, -18)
                     .arg(n, 6)
                     .arg(expectedRefusal(key.second, key.first) ? QStringLiteral("(expected)") : QStringLiteral("UNEXPECTED"))
              << Qt::endl;

        o << "tickets: issued " << m_issued << " (elderly " << m_elderly << ", appointment " << m_appointments << "), served " << m_served
          << ", no-shows " << m_noShows << ", transferred " << m_transferred << ", cancelled " << m_cancelled << Qt::endl;
        if (m_votes + m_lateVotes)
            o << "ratings on the pads: " << m_votes << " votes (" << m_satisfiedVotes << " satisfied), " << m_lateVotes
              << " pressed too late (the clerk had finished the next visitor)" << Qt::endl;
        const int stalled = int(std::count_if(m_counters.begin(), m_counters.end(), [](const auto &c) { return c->stalled; }));
        if (stalled)
            o << "counters stopped by a refusal: " << stalled << Qt::endl;

        o << QStringLiteral("  %1 %2 %3 %4 %5 %6  %7")
                 .arg(QStringLiteral("mirror"), -10)
                 .arg(QStringLiteral("events"), 7)
                 .arg(QStringLiteral("snapshots"), 9)
                 .arg(QStringLiteral("gaps"), 5)
                 .arg(QStringLiteral("dups"), 5)
                 .arg(QStringLiteral("seq"), 7)
                 .arg(QStringLiteral("converged"))
          << Qt::endl;
        for (const auto &m : m_mirrors)
            o << QStringLiteral("  %1 %2 %3 %4 %5 %6  %7")
                     .arg(m->terminal->id, -10)
                     .arg(m->state->eventsApplied(), 7)
                     .arg(m->state->snapshotsTaken(), 9)
                     .arg(m->state->gapsDetected(), 5)
                     .arg(m->state->duplicatesIgnored(), 5)
                     .arg(m->state->seq(), 7)
                     .arg(m->verdict.isEmpty() ? QStringLiteral("not compared") : m->verdict)
              << Qt::endl;
        if (!m_snapshot.isEmpty())
            o << "final snapshot: seq " << m_snapshot.value(QLatin1String("seq")).toInteger() << ", epoch "
              << m_snapshot.value(QLatin1String("epoch")).toString() << Qt::endl;
        reportWaits(o);

        const bool converged = !m_mirrors.empty() && std::all_of(m_mirrors.begin(), m_mirrors.end(), [](const auto &m) { return m->converged; });
        if (!converged)
            m_failures << QStringLiteral("a mirror did not converge");
        if (m_unreachable)
            m_failures << QStringLiteral("%1 request(s) unreachable").arg(m_unreachable);
        if (m_unexpected)
            m_failures << QStringLiteral("%1 unexpected refusal(s)").arg(m_unexpected);
        if (m_deadlineHit)
            m_failures << QStringLiteral("the hall was not empty by the deadline");
        m_failures.removeDuplicates();
        if (m_failures.isEmpty()) {
            o << "result: ok" << Qt::endl;
            return 0;
        }
        o << "result: FAILED: " << m_failures.join(QStringLiteral("; ")) << Qt::endl;
        return 1;
    }

    // From the manager's mirror, this run's tickets only: what the hall's own figures say.
    void reportWaits(QTextStream &o)
    {
        const engine::Engine *e = manager().engine();
        if (!e)
            return;
        struct Sum {
            qint64 called = 0;
            double waitMs = 0;
        };
        std::map<std::string, Sum> sums;
        std::map<std::string, qint64> statuses;
        for (const auto &[id, t] : e->tickets()) {
            if (id < m_firstTicket)
                continue;
            ++statuses[engine::toString(t.status)];
            if (t.firstCalledAt > 0) {
                Sum &s = sums[t.originalService.empty() ? t.service : t.originalService];
                ++s.called;
                s.waitMs += double(t.firstCalledAt - t.issuedAt);
            }
        }
        o << "the mirror's tickets of this run:";
        for (const auto &[status, n] : statuses)
            o << ' ' << QString::fromStdString(status) << ' ' << n;
        o << Qt::endl << "average wait per service, issue to first call (manager-1's mirror):" << Qt::endl;
        for (const engine::Service &s : m_config.services) {
            const Sum sum = sums[s.code];
            const double ms = sum.called ? sum.waitMs / double(sum.called) : 0;
            o << QStringLiteral("  %1 %2 %3 called %4 ms = %5 hall min")
                     .arg(QChar::fromLatin1(s.prefix))
                     .arg(QString::fromStdString(s.code), -10)
                     .arg(sum.called, 4)
                     .arg(QString::number(ms, 'f', 0), 6)
                     .arg(QString::number(ms / kWallMsPerHallMinute, 'f', 1), 5)
              << Qt::endl;
        }
    }

    Params m_p;
    QTextStream &m_out;
    QTextStream &m_err;
    Rng m_rng;

    // Declared first so it is destroyed last, after every socket.
    zmq::context_t m_ctx;
    std::vector<std::unique_ptr<Terminal>> m_terminals;
    std::vector<Terminal *> m_kiosks;
    std::vector<std::unique_ptr<Counter>> m_counters;
    std::vector<std::unique_ptr<Mirror>> m_mirrors;
    Terminal *m_manager = nullptr;
    // Context of every callback and timer: destroyed before the clients, so nothing runs late.
    QObject m_guard;
    QEventLoop m_loop;

    engine::HallConfig m_config;
    std::vector<std::pair<std::string, double>> m_mix;
    std::vector<Arrival> m_arrivals;
    engine::TicketId m_firstTicket = 0;

    QElapsedTimer m_wall;
    qint64 m_syncedAt = 0, m_doorsOpenAt = 0, m_intakeClosedAt = 0, m_hallEmptyAt = 0, m_convergedAt = 0;
    bool m_doorsOpen = false, m_intakeClosing = false, m_intakeClosed = false;
    bool m_stopping = false, m_final = false, m_deadlineHit = false;
    std::size_t m_arrivalsLeft = 0;
    int m_signInsPending = 0;
    int m_resumed = 0;
    qint64 m_issuesInFlight = 0, m_transfersInFlight = 0, m_outstanding = 0;

    std::map<QString, OpStats> m_ops;
    qint64 m_requests = 0, m_unreachable = 0, m_unexpected = 0;
    qint64 m_votes = 0, m_satisfiedVotes = 0, m_lateVotes = 0;
    qint64 m_issued = 0, m_elderly = 0, m_appointments = 0, m_served = 0, m_noShows = 0, m_transferred = 0, m_cancelled = 0;
    QJsonObject m_snapshot;
    QStringList m_failures;
};

} // namespace

int runLoad(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Params p;
    p.serverKeyFile = option(args, QStringLiteral("--server-key"));
    p.keysDir = option(args, QStringLiteral("--keys"));
    if (p.serverKeyFile.isEmpty() || p.keysDir.isEmpty()) {
        err << "hallctl load: --server-key FILE.pub and --keys DIR are required" << Qt::endl;
        return 2;
    }
    if (const QString e = option(args, QStringLiteral("--connect")); !e.isEmpty())
        p.requestEndpoint = e.toUtf8();
    if (const QString e = option(args, QStringLiteral("--events")); !e.isEmpty())
        p.eventEndpoint = e.toUtf8();
    // A service's numbers end at its daily limit (at most 999), so seven services cap a day.
    if (!intOption(args, QStringLiteral("--visitors"), 0, 5000, &p.visitors, err, "load")
        || !intOption(args, QStringLiteral("--minutes"), 1, 24 * 60, &p.minutes, err, "load")
        || !intOption(args, QStringLiteral("--seed"), 0, std::numeric_limits<qint64>::max(), &p.seed, err, "load"))
        return 2;
    LoadRun run(p, out, err);
    return run.exec();
}

} // namespace hall::ctl
