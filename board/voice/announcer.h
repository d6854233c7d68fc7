#pragma once

#include "announcement.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QObject>
#include <QQueue>
#include <QTimer>

class QAudioSink;

namespace hall::board::voice {

// The call board's voice: announces calls one after another, never two at once, each as one PCM
// stream played through the default audio output. Without an audio output (CI, a board without
// speakers) it keeps the same timing silently, so the queue behaves the same everywhere.
class Announcer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY volumeChanged)
    Q_PROPERTY(int repeats READ repeats WRITE setRepeats NOTIFY repeatsChanged)
    Q_PROPERTY(bool english READ english WRITE setEnglish NOTIFY englishChanged)
    Q_PROPERTY(int pending READ pending NOTIFY pendingChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    enum class Output {
        Auto,   // the default audio output when there is one, silent timing otherwise
        Silent, // never opens audio: tests, and boards whose voice is switched off
    };
    Q_ENUM(Output)

    explicit Announcer(const ClipSet &clips, QObject *parent = nullptr);
    ~Announcer() override;

    // 0 (mute) .. 1 (full scale) on a perceptual scale, as a volume slider means it; values outside
    // are clamped, NaN is ignored. Applies to the announcement playing now too.
    void setVolume(double volume);
    double volume() const { return m_volume; }
    // How many times each call is said, 1..3 (clamped), in one stream with a pause in between.
    void setRepeats(int repeats);
    int repeats() const { return m_repeats; }
    void setEnglish(bool on);
    bool english() const { return m_english; }
    void setPauses(const Pauses &pauses) { m_pauses = pauses; }
    const Pauses &pauses() const { return m_pauses; }
    void setOutput(Output output) { m_output = output; }
    Output output() const { return m_output; }
    // When set, every announcement as it starts is also written there as NNNN-<label>-w<window>.wav
    // (with -recall for a recall): a record of what the hall heard. Empty (the default) writes none.
    void setRenderDirectory(const QString &dir) { m_renderDirectory = dir; }
    QString renderDirectory() const { return m_renderDirectory; }

    const ClipSet &clips() const { return m_clips; }
    // The options announce() would use now.
    CallOptions callOptions(bool recall) const;

    // Queues a call. A label or window the voice cannot say is refused at once (false, reason in
    // *error) and nothing is queued; the caller shows the call anyway.
    bool announce(const QString &label, int window, bool recall = false, QString *error = nullptr);
    // The stream announce() would play, written as a WAV file now (not queued, not played).
    bool renderToFile(const QString &label, int window, bool recall, const QString &path, QString *error = nullptr) const;
    bool renderCall(const QString &label, int window, bool recall, Rendered *out, QString *error = nullptr) const;

    int pending() const { return int(m_queue.size()); } // queued, not counting the one playing
    bool isBusy() const { return m_playing; }
    // Drops the queued calls; the one playing finishes.
    Q_INVOKABLE void clearPending();

Q_SIGNALS:
    void announcementStarted(const QString &label, int window, bool recall);
    void announcementFinished(const QString &label, int window, bool recall);
    void volumeChanged();
    void repeatsChanged();
    void englishChanged();
    void pendingChanged();
    void busyChanged();

private:
    struct Call {
        QString label;
        int window = 0;
        bool recall = false;
        Script script;
    };

    void startNext();
    bool playAudio(const Rendered &rendered);
    void finishCurrent();
    void stopAudio();
    void noAudio(const QString &why);
    void onSinkStateChanged();

    ClipSet m_clips;
    double m_volume = 1.0;
    int m_repeats = 1;
    bool m_english = false;
    Pauses m_pauses;
    Output m_output = Output::Auto;
    QString m_renderDirectory;
    int m_rendered = 0;

    QQueue<Call> m_queue;
    Call m_current;
    bool m_playing = false;
    bool m_startScheduled = false;
    quint64 m_serial = 0; // which announcement a queued sink event belongs to
    QTimer m_timer; // the stream's duration when silent; a watchdog, then the drain, when playing
    QElapsedTimer m_clock; // since the current announcement started
    qint64 m_durationMs = 0;
    bool m_draining = false; // the sink went idle; waiting for the device to play the rest
    QAudioSink *m_sink = nullptr;
    QBuffer m_buffer;
    bool m_noAudioLogged = false;
};

} // namespace hall::board::voice
