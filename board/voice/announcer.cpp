#include "announcer.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QDir>
#include <QMediaDevices>
#include <QAudio>

#include <algorithm>
#include <cmath>

namespace hall::board::voice {

namespace {
// A sink that reports neither Idle nor an error must not hold the queue forever.
constexpr int kWatchdogSlackMs = 3000;
} // namespace

Announcer::Announcer(const ClipSet &clips, QObject *parent)
    : QObject(parent)
    , m_clips(clips)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_sink && !m_draining)
            qCWarning(lcBoardVoice) << "the audio output did not finish" << m_current.label << "in time; going on";
        finishCurrent();
    });
}

Announcer::~Announcer()
{
    stopAudio();
}

void Announcer::setVolume(double volume)
{
    if (std::isnan(volume))
        return;
    volume = std::clamp(volume, 0.0, 1.0);
    if (volume == m_volume)
        return;
    m_volume = volume;
    if (m_sink)
        m_sink->setVolume(QAudio::convertVolume(float(m_volume), QAudio::LogarithmicVolumeScale, QAudio::LinearVolumeScale));
    Q_EMIT volumeChanged();
}

void Announcer::setRepeats(int repeats)
{
    repeats = std::clamp(repeats, kMinRepeats, kMaxRepeats);
    if (repeats == m_repeats)
        return;
    m_repeats = repeats;
    Q_EMIT repeatsChanged();
}

void Announcer::setEnglish(bool on)
{
    if (on == m_english)
        return;
    m_english = on;
    Q_EMIT englishChanged();
}

CallOptions Announcer::callOptions(bool recall) const
{
    CallOptions o;
    o.recall = recall;
    o.repeats = m_repeats;
    o.english = m_english;
    o.pauses = m_pauses;
    return o;
}

bool Announcer::announce(const QString &label, int window, bool recall, QString *error)
{
    QString why;
    Call call{label, window, recall, {}};
    bool ok = composeCall(label, window, callOptions(recall), &call.script, &why);
    if (ok) {
        const QStringList missing = m_clips.missing(clipIds(call.script));
        ok = missing.isEmpty();
        if (!ok)
            why = QStringLiteral("the clip set has no %1").arg(missing.join(QStringLiteral(", ")));
    }
    if (!ok) {
        qCWarning(lcBoardVoice) << "cannot announce" << label << "at window" << window << ":" << why;
        if (error)
            *error = why;
        return false;
    }
    m_queue.enqueue(call);
    Q_EMIT pendingChanged();
    // Started from the event loop, not from here: the caller may queue several calls in a row
    // and connect to the signals after the first announce().
    if (!m_playing && !m_startScheduled) {
        m_startScheduled = true;
        QMetaObject::invokeMethod(this, &Announcer::startNext, Qt::QueuedConnection);
    }
    return true;
}

bool Announcer::renderCall(const QString &label, int window, bool recall, Rendered *out, QString *error) const
{
    QString why;
    Script script;
    if (!composeCall(label, window, callOptions(recall), &script, &why) || !render(m_clips, script, out, &why)) {
        if (error)
            *error = why;
        return false;
    }
    return true;
}

bool Announcer::renderToFile(const QString &label, int window, bool recall, const QString &path, QString *error) const
{
    Rendered r;
    QString why;
    if (!renderCall(label, window, recall, &r, &why) || !writeWav(path, r.pcm, &why)) {
        if (error)
            *error = why;
        return false;
    }
    return true;
}

void Announcer::clearPending()
{
    if (m_queue.isEmpty())
        return;
    m_queue.clear();
    Q_EMIT pendingChanged();
}

void Announcer::startNext()
{
    m_startScheduled = false;
    if (m_playing || m_queue.isEmpty())
        return;
    m_current = m_queue.dequeue();
    Q_EMIT pendingChanged();

    Rendered r;
    QString why;
    // Cannot fail for a call that announce() accepted with this same clip set; guarded anyway.
    if (!render(m_clips, m_current.script, &r, &why)) {
        qCWarning(lcBoardVoice) << "cannot render" << m_current.label << ":" << why;
        m_current = {};
        startNext();
        return;
    }
    if (!m_renderDirectory.isEmpty()) {
        const QString name = QStringLiteral("%1-%2-w%3%4.wav")
                                 .arg(++m_rendered, 4, 10, QLatin1Char('0'))
                                 .arg(m_current.label)
                                 .arg(m_current.window)
                                 .arg(m_current.recall ? QStringLiteral("-recall") : QString());
        if (!QDir().mkpath(m_renderDirectory) || !writeWav(QDir(m_renderDirectory).filePath(name), r.pcm, &why))
            qCWarning(lcBoardVoice) << "cannot keep the announcement's WAV in" << m_renderDirectory << ":" << why;
    }

    m_playing = true;
    ++m_serial;
    Q_EMIT busyChanged();
    Q_EMIT announcementStarted(m_current.label, m_current.window, m_current.recall);
    qCInfo(lcBoardVoice) << "announcing" << m_current.label << "window" << m_current.window << (m_current.recall ? "(recall)" : "")
                         << r.durationMs() << "ms";
    m_durationMs = r.durationMs();
    m_draining = false;
    m_clock.start();
    if (playAudio(r)) {
        m_timer.start(int(r.durationMs()) + kWatchdogSlackMs);
    } else {
        // Same duration as the sound would have had, so the calls still follow each other at the
        // pace the hall hears them (and the board's display, tied to the signals, keeps that pace).
        m_timer.start(int(r.durationMs()));
    }
}

bool Announcer::playAudio(const Rendered &rendered)
{
    if (m_output == Output::Silent)
        return false;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        noAudio(QStringLiteral("there is no audio output"));
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(rendered.pcm.format.sampleRate);
    format.setChannelCount(rendered.pcm.format.channels);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!device.isFormatSupported(format)) {
        noAudio(QStringLiteral("the audio output %1 does not take %2").arg(device.description(), rendered.pcm.format.toString()));
        return false;
    }
    stopAudio();
    m_buffer.setData(rendered.pcm.data);
    m_buffer.open(QIODevice::ReadOnly);
    m_sink = new QAudioSink(device, format, this);
    m_sink->setVolume(QAudio::convertVolume(float(m_volume), QAudio::LogarithmicVolumeScale, QAudio::LinearVolumeScale));
    connect(m_sink, &QAudioSink::stateChanged, this, &Announcer::onSinkStateChanged);
    m_sink->start(&m_buffer);
    if (m_sink->error() != QAudio::NoError) {
        noAudio(QStringLiteral("the audio output %1 failed to start (error %2)").arg(device.description()).arg(int(m_sink->error())));
        stopAudio();
        return false;
    }
    return true;
}

void Announcer::onSinkStateChanged()
{
    if (!m_sink)
        return;
    const QAudio::State state = m_sink->state();
    const bool failed = state == QAudio::StoppedState && m_sink->error() != QAudio::NoError;
    if (failed) {
        qCWarning(lcBoardVoice) << "audio output error" << int(m_sink->error()) << "while announcing" << m_current.label;
    } else if (state == QAudio::IdleState) {
        // Idle: the whole buffer went to the device, whose own buffer may still hold the last
        // words, and stopping the sink could cut them. So the announcement ends when its
        // duration is over (the timer), not at Idle.
        if (m_draining)
            return;
        const qint64 remaining = m_durationMs - m_clock.elapsed();
        if (remaining > 0) {
            m_draining = true;
            m_timer.start(int(remaining));
            return;
        }
    } else {
        return;
    }
    // Leave the sink's signal handler before tearing it down; the serial keeps a late event from
    // finishing the announcement after this one.
    const quint64 serial = m_serial;
    QMetaObject::invokeMethod(
        this,
        [this, serial] {
            if (serial == m_serial)
                finishCurrent();
        },
        Qt::QueuedConnection);
}

void Announcer::noAudio(const QString &why)
{
    if (m_noAudioLogged)
        return;
    m_noAudioLogged = true;
    qCInfo(lcBoardVoice).noquote() << why << "- announcements keep their timing silently";
}

void Announcer::stopAudio()
{
    if (m_sink) {
        m_sink->disconnect(this);
        m_sink->stop();
        m_sink->deleteLater();
        m_sink = nullptr;
    }
    m_buffer.close();
}

void Announcer::finishCurrent()
{
    if (!m_playing)
        return;
    m_timer.stop();
    stopAudio();
    const Call done = m_current;
    m_current = {};
    m_playing = false;
    Q_EMIT busyChanged();
    Q_EMIT announcementFinished(done.label, done.window, done.recall);
    startNext();
}

} // namespace hall::board::voice
