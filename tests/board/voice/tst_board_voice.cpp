// The call board's voice (board/voice): the built-in clip set, the wording of calls, the render to
// one PCM stream checked through the WAV file it writes, refusals of what it cannot say, repeats,
// and the announcer's queue in silent mode.
#include "board/voice/announcement.h"
#include "board/voice/announcer.h"
#include "board/voice/clipset.h"
#include "board/voice/pcm.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace hall::board::voice;

namespace {

// A WAV file read back by hand, independently of the library's parser: the canonical 44-byte
// header the renderer promises, every size field checked against the file's real size.
struct WavFile {
    int sampleRate = 0;
    int channels = 0;
    int bits = 0;
    QByteArray data;
};

bool readCanonicalWav(const QString &path, WavFile *out, QString *why)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = f.errorString();
        return false;
    }
    const QByteArray b = f.readAll();
    auto u16 = [&](int at) { return qFromLittleEndian<quint16>(b.constData() + at); };
    auto u32 = [&](int at) { return qFromLittleEndian<quint32>(b.constData() + at); };
    if (b.size() < 44 || b.left(4) != "RIFF" || b.mid(8, 8) != "WAVEfmt " || b.mid(36, 4) != "data") {
        *why = QStringLiteral("not a canonical WAV header");
        return false;
    }
    if (u32(4) != quint32(b.size() - 8) || u32(16) != 16 || u16(20) != 1 || u32(40) != quint32(b.size() - 44)) {
        *why = QStringLiteral("wrong sizes or format tag: riff %1 fmt %2 tag %3 data %4, file %5").arg(u32(4)).arg(u32(16)).arg(u16(20)).arg(u32(40)).arg(b.size());
        return false;
    }
    out->channels = u16(22);
    out->sampleRate = int(u32(24));
    out->bits = u16(34);
    if (u32(28) != quint32(out->sampleRate * out->channels * out->bits / 8) || u16(32) != out->channels * out->bits / 8) {
        *why = QStringLiteral("byte rate or block align do not match the format");
        return false;
    }
    out->data = b.mid(44);
    return true;
}

ClipSet builtin()
{
    ClipSet set;
    QString error;
    if (!ClipSet::loadBuiltin(&set, &error))
        qFatal("cannot load the built-in clip set: %s", qPrintable(error));
    return set;
}

QStringList ids(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out.append(QString::fromLatin1(s));
    return out;
}

// The window-number part of a Mandarin call: between 到 and the second 号.
QStringList windowPart(const QStringList &clips)
{
    const qsizetype from = clips.indexOf(QStringLiteral("zh_dao")) + 1;
    const qsizetype to = clips.indexOf(QStringLiteral("zh_hao"), from);
    return clips.mid(from, to - from);
}

Script compose(const QString &label, int window, const CallOptions &o = {})
{
    Script s;
    QString error;
    if (!composeCall(label, window, o, &s, &error))
        qFatal("cannot compose %s at %d: %s", qPrintable(label), window, qPrintable(error));
    return s;
}

Rendered renderOrDie(const ClipSet &clips, const Script &s)
{
    Rendered r;
    QString error;
    if (!render(clips, s, &r, &error))
        qFatal("cannot render: %s", qPrintable(error));
    return r;
}

} // namespace

class TestBoardVoice : public QObject
{
    Q_OBJECT

private:
    ClipSet m_clips;

private Q_SLOTS:
    void initTestCase() { m_clips = builtin(); }

    void clipSet()
    {
        QCOMPARE(m_clips.format(), (PcmFormat{22050, 1, 16}));
        QStringList wanted = ids({"zh_qing", "zh_hao", "zh_dao", "zh_chuangkou", "zh_banli", "zh_zaici_hujiao", "zh_10", "en_number", "en_please_go_to_window",
                                  "en_again", "en_20", "en_90"});
        for (int d = 0; d <= 19; ++d)
            wanted << QStringLiteral("en_%1").arg(d);
        for (int d = 0; d <= 9; ++d)
            wanted << QStringLiteral("zh_%1").arg(d);
        for (char c = 'a'; c <= 'z'; ++c)
            wanted << QStringLiteral("letter_") + QLatin1Char(c);
        QCOMPARE(m_clips.missing(wanted), QStringList());
        QCOMPARE(m_clips.clip(QStringLiteral("zh_chuangkou"))->text, QStringLiteral("chuang1 kou3"));

        const TrimOptions trim;
        for (const QString &id : m_clips.ids()) {
            const Clip *c = m_clips.clip(id);
            QVERIFY2(c->pcm.format == m_clips.format(), qPrintable(id));
            // espeak-ng pads every word with a few hundred ms of silence; trimming must remove most of it.
            QVERIFY2(c->pcm.data.size() < c->raw.data.size() - 4000, qPrintable(id));
            QVERIFY2(c->pcm.durationMs() > 100 && c->pcm.durationMs() < 1600, qPrintable(QStringLiteral("%1: %2 ms").arg(id).arg(c->pcm.durationMs())));
            // Faded to exact silence at both ends: no click where a clip meets a pause.
            const qint64 n = c->pcm.frames();
            QCOMPARE(qFromLittleEndian<qint16>(c->pcm.data.constData()), qint16(0));
            QCOMPARE(qFromLittleEndian<qint16>(c->pcm.data.constData() + (n - 1) * 2), qint16(0));
            // Between the fades the trimmed clip is the raw clip, untouched.
            const qint64 fade = qint64(trim.fadeMs) * 22050 / 1000 * 2;
            const QByteArray middle = c->pcm.data.mid(fade, c->pcm.data.size() - 2 * fade);
            const qsizetype at = c->raw.data.indexOf(middle);
            QVERIFY2(at > 0 && at % 2 == 0, qPrintable(id));
            // The fades are linear ramps from and to zero over the raw samples at either edge.
            const qint64 frames = fade / 2;
            for (qint64 k = 0; k < frames; ++k) {
                auto raw = [&](qint64 byte) { return qint64(qFromLittleEndian<qint16>(c->raw.data.constData() + byte)); };
                auto cut = [&](qint64 byte) { return qint64(qFromLittleEndian<qint16>(c->pcm.data.constData() + byte)); };
                QCOMPARE(cut(k * 2), raw(at - fade + k * 2) * k / frames);
                QCOMPARE(cut(c->pcm.data.size() - 2 - k * 2), raw(at + middle.size() + fade - 2 - k * 2) * k / frames);
            }
            // Only near-silence was cut: nothing before or after the kept part exceeds the threshold.
            for (qsizetype i = 0; i < at - fade; i += 2)
                QVERIFY2(std::abs(qFromLittleEndian<qint16>(c->raw.data.constData() + i)) <= trim.threshold, qPrintable(id));
            for (qsizetype i = at + middle.size() + fade; i < c->raw.data.size(); i += 2)
                QVERIFY2(std::abs(qFromLittleEndian<qint16>(c->raw.data.constData() + i)) <= trim.threshold, qPrintable(id));
        }
    }

    void a023AtWindow5()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("a023-w5.wav"));
        Announcer announcer(m_clips);
        QString error;
        QVERIFY2(announcer.renderToFile(QStringLiteral("A023"), 5, false, path, &error), qPrintable(error));

        WavFile wav;
        QVERIFY2(readCanonicalWav(path, &wav, &error), qPrintable(error));
        QCOMPARE(wav.sampleRate, 22050);
        QCOMPARE(wav.channels, 1);
        QCOMPARE(wav.bits, 16);

        // 请 A 零 二 三 号 | 到 五 号 窗口 办理, each clip preceded by the pause designed for its place.
        const Pauses p;
        const QList<std::pair<QString, int>> expected{
            {QStringLiteral("zh_qing"), p.leadIn}, {QStringLiteral("letter_a"), p.word}, {QStringLiteral("zh_0"), p.digit},
            {QStringLiteral("zh_2"), p.digit},     {QStringLiteral("zh_3"), p.digit},    {QStringLiteral("zh_hao"), p.word},
            {QStringLiteral("zh_dao"), p.phrase},  {QStringLiteral("zh_5"), p.word},     {QStringLiteral("zh_hao"), p.word},
            {QStringLiteral("zh_chuangkou"), p.word}, {QStringLiteral("zh_banli"), p.word},
        };
        Rendered r;
        QVERIFY(announcer.renderCall(QStringLiteral("A023"), 5, false, &r, &error));
        QCOMPARE(r.pcm.data, wav.data);
        QCOMPARE(r.segments.size(), expected.size());

        const qint64 bytesPerSecond = 22050 * 2;
        auto pauseBytes = [&](int ms) { return qint64(ms) * 22050 / 1000 * 2; };
        qint64 at = 0;
        qint64 clipBytes = 0;
        qint64 pauseTotal = 0;
        for (int i = 0; i < expected.size(); ++i) {
            const Segment &s = r.segments.at(i);
            QCOMPARE(s.clip, expected.at(i).first);
            // The pause before this clip: exactly its designed length, and silent.
            const qint64 gap = pauseBytes(expected.at(i).second);
            QCOMPARE(s.offset, at + gap);
            QCOMPARE(wav.data.mid(at, gap), QByteArray(gap, '\0'));
            // The clip's samples in the file are the trimmed clip, byte for byte.
            const QByteArray &clip = m_clips.clip(s.clip)->pcm.data;
            QCOMPARE(s.length, qint64(clip.size()));
            QVERIFY2(wav.data.mid(s.offset, s.length) == clip, qPrintable(s.clip));
            at = s.offset + s.length;
            clipBytes += s.length;
            pauseTotal += gap;
        }
        const qint64 tail = pauseBytes(p.tail);
        QCOMPARE(wav.data.size() - at, tail);
        QCOMPARE(wav.data.mid(at), QByteArray(tail, '\0'));
        pauseTotal += tail;
        QCOMPARE(qint64(wav.data.size()), clipBytes + pauseTotal);
        // And in time: the clips' durations plus 150 + 6*50 + 3*100 + 250 + 300 ms of pauses.
        QCOMPARE(p.leadIn + 6 * p.word + 3 * p.digit + p.phrase + p.tail, 1300);
        const double seconds = double(wav.data.size()) / bytesPerSecond;
        const double expectedSeconds = double(clipBytes) / bytesPerSecond + 1.300;
        QVERIFY2(std::abs(seconds - expectedSeconds) < 0.001, qPrintable(QStringLiteral("%1 s vs %2 s").arg(seconds).arg(expectedSeconds)));
        QVERIFY(r.durationMs() > 2500 && r.durationMs() < 8000);
        qInfo("A023 at window 5: %lld ms, %lld bytes of clips, %lld bytes of pauses", r.durationMs(), clipBytes, pauseTotal);

        // The library's own parser reads what it wrote.
        Pcm back;
        QVERIFY2(readWav(path, &back, &error), qPrintable(error));
        QCOMPARE(back.format, m_clips.format());
        QCOMPARE(back.data, wav.data);
    }

    void windowWording_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<QStringList>("mandarin");
        QTest::addColumn<QStringList>("english");
        QTest::newRow("1") << 1 << ids({"zh_1"}) << ids({"en_1"});
        QTest::newRow("5") << 5 << ids({"zh_5"}) << ids({"en_5"});
        QTest::newRow("10") << 10 << ids({"zh_10"}) << ids({"en_10"});
        QTest::newRow("12") << 12 << ids({"zh_10", "zh_2"}) << ids({"en_12"});
        QTest::newRow("19") << 19 << ids({"zh_10", "zh_9"}) << ids({"en_19"});
        QTest::newRow("20") << 20 << ids({"zh_2", "zh_10"}) << ids({"en_20"});
        QTest::newRow("35") << 35 << ids({"zh_3", "zh_10", "zh_5"}) << ids({"en_30", "en_5"});
        QTest::newRow("99") << 99 << ids({"zh_9", "zh_10", "zh_9"}) << ids({"en_90", "en_9"});
    }
    void windowWording()
    {
        QFETCH(int, window);
        QFETCH(QStringList, mandarin);
        QFETCH(QStringList, english);
        QCOMPARE(mandarinNumber(window), mandarin);
        QCOMPARE(englishNumber(window), english);
        const QStringList call = clipIds(compose(QStringLiteral("B101"), window));
        QCOMPARE(windowPart(call), mandarin);
        QCOMPARE(call.mid(0, 6), ids({"zh_qing", "letter_b", "zh_1", "zh_0", "zh_1", "zh_hao"}));
        QCOMPARE(call.mid(call.size() - 3), ids({"zh_hao", "zh_chuangkou", "zh_banli"}));
        // Every call the board can make can also be rendered with the built-in set.
        CallOptions both;
        both.english = true;
        both.recall = true;
        const Script s = compose(QStringLiteral("Z999"), window, both);
        QCOMPARE(m_clips.missing(clipIds(s)), QStringList());
        const QStringList all = clipIds(s);
        QCOMPARE(all.mid(all.indexOf(QStringLiteral("en_please_go_to_window")) + 1), english);
    }

    void recallAndEnglish()
    {
        CallOptions o;
        o.recall = true;
        o.english = true;
        QCOMPARE(clipIds(compose(QStringLiteral("C7"), 3, o)),
                 ids({"zh_zaici_hujiao", "zh_qing", "letter_c", "zh_7", "zh_hao", "zh_dao", "zh_3", "zh_hao", "zh_chuangkou", "zh_banli", "en_again", "en_number",
                      "letter_c", "en_7", "en_please_go_to_window", "en_3"}));
        Rendered zh;
        Rendered both;
        QString error;
        QVERIFY(render(m_clips, compose(QStringLiteral("C7"), 3), &zh, &error));
        QVERIFY(render(m_clips, compose(QStringLiteral("C7"), 3, o), &both, &error));
        QVERIFY(both.pcm.data.size() > zh.pcm.data.size());
        // The recall prefix follows the lead-in directly.
        QCOMPARE(both.segments.first().offset, m_clips.format().bytesForMs(Pauses().leadIn));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<int>("window");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QString() << 5 << "empty ticket label";
        QTest::newRow("lower case") << "a023" << 5 << "ticket label \"a023\"";
        QTest::newRow("letter in digits") << "A02X" << 5 << "ticket label \"A02X\"";
        QTest::newRow("too long") << "A02345" << 5 << "1 to 4 digits";
        QTest::newRow("no digits") << "A" << 5 << "ticket label \"A\"";
        QTest::newRow("two letters") << "AB12" << 5 << "ticket label \"AB12\"";
        QTest::newRow("full-width digit") << QStringLiteral("A０23") << 5 << "ticket label";
        QTest::newRow("space") << "A 23" << 5 << "ticket label";
        QTest::newRow("window 0") << "A023" << 0 << "window 0: can say windows 1 to 99";
        QTest::newRow("window 100") << "A023" << 100 << "window 100: can say windows 1 to 99";
        QTest::newRow("window -1") << "A023" << -1 << "window -1";
    }
    void refusals()
    {
        QFETCH(QString, label);
        QFETCH(int, window);
        QFETCH(QString, message);
        Script s{Step{QStringLiteral("untouched"), 0}};
        QString error;
        QVERIFY(!composeCall(label, window, {}, &s, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(s.size(), 1);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.wav"));
        Announcer announcer(m_clips);
        announcer.setOutput(Announcer::Output::Silent);
        QSignalSpy started(&announcer, &Announcer::announcementStarted);
        error.clear();
        QVERIFY(!announcer.renderToFile(label, window, false, path, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(!QFile::exists(path));
        QVERIFY(QDir(dir.path()).isEmpty());
        error.clear();
        QVERIFY(!announcer.announce(label, window, false, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(announcer.pending(), 0);
        QTest::qWait(20);
        QCOMPARE(started.size(), 0);
    }

    void missingClip()
    {
        Script s = compose(QStringLiteral("A023"), 5);
        s.insert(3, Step{QStringLiteral("zh_nonexistent"), 0});
        Rendered r;
        r.segments.append(Segment{QStringLiteral("untouched"), 0, 0});
        QString error;
        QVERIFY(!render(m_clips, s, &r, &error));
        QVERIFY2(error.contains(QStringLiteral("zh_nonexistent")), qPrintable(error));
        QCOMPARE(r.segments.size(), 1);
    }

    void repeats()
    {
        const Pauses p;
        auto bytes = [&](int n) {
            CallOptions o;
            o.repeats = n;
            return qint64(renderOrDie(m_clips, compose(QStringLiteral("A023"), 5, o)).pcm.data.size());
        };
        const qint64 one = bytes(1);
        const PcmFormat f = m_clips.format();
        // The spoken part, without the lead-in and tail that the stream has once however many repeats.
        const qint64 body = one - f.bytesForMs(p.leadIn) - f.bytesForMs(p.tail);
        QCOMPARE(bytes(2), one + f.bytesForMs(p.repeat) + body);
        QCOMPARE(bytes(3), one + 2 * (f.bytesForMs(p.repeat) + body));
        CallOptions three;
        three.repeats = 3;
        const QStringList clips = clipIds(compose(QStringLiteral("A023"), 5, three));
        const QStringList once = clipIds(compose(QStringLiteral("A023"), 5));
        QCOMPARE(clips, once + once + once);

        QString error;
        Script s;
        for (int bad : {0, 4, -1}) {
            CallOptions o;
            o.repeats = bad;
            QVERIFY(!composeCall(QStringLiteral("A023"), 5, o, &s, &error));
            QVERIFY2(error.contains(QStringLiteral("repeats")), qPrintable(error));
        }
        // The announcer clamps its setting and uses it.
        Announcer announcer(m_clips);
        announcer.setRepeats(5);
        QCOMPARE(announcer.repeats(), 3);
        announcer.setRepeats(0);
        QCOMPARE(announcer.repeats(), 1);
        announcer.setRepeats(2);
        QCOMPARE(announcer.repeats(), 2);
        Rendered r;
        QVERIFY(announcer.renderCall(QStringLiteral("A023"), 5, false, &r, &error));
        QCOMPARE(qint64(r.pcm.data.size()), bytes(2));
    }

    void volumeClamp()
    {
        Announcer announcer(m_clips);
        QSignalSpy changed(&announcer, &Announcer::volumeChanged);
        QCOMPARE(announcer.volume(), 1.0);
        announcer.setVolume(0.3);
        QCOMPARE(announcer.volume(), 0.3);
        announcer.setVolume(1.5);
        QCOMPARE(announcer.volume(), 1.0);
        announcer.setVolume(-0.2);
        QCOMPARE(announcer.volume(), 0.0);
        announcer.setVolume(std::numeric_limits<double>::quiet_NaN());
        QCOMPARE(announcer.volume(), 0.0);
        announcer.setVolume(std::numeric_limits<double>::infinity());
        QCOMPARE(announcer.volume(), 1.0);
        QCOMPARE(changed.size(), 4);
        // The rendered stream does not depend on the volume: the sink applies it.
        Rendered loud;
        Rendered quiet;
        QVERIFY(announcer.renderCall(QStringLiteral("A023"), 5, false, &loud, nullptr));
        announcer.setVolume(0.1);
        QVERIFY(announcer.renderCall(QStringLiteral("A023"), 5, false, &quiet, nullptr));
        QCOMPARE(quiet.pcm.data, loud.pcm.data);
    }

    void queueNeverOverlaps()
    {
        QTemporaryDir dir;
        Announcer announcer(m_clips);
        announcer.setOutput(Announcer::Output::Silent);
        announcer.setRenderDirectory(dir.filePath(QStringLiteral("calls")));
        struct Call {
            QString label;
            int window;
            bool recall;
        };
        const QList<Call> calls{{QStringLiteral("A023"), 5, false}, {QStringLiteral("B101"), 12, true}, {QStringLiteral("C7"), 3, false}};
        QList<Rendered> streams;
        for (const Call &c : calls) {
            Rendered r;
            QVERIFY(announcer.renderCall(c.label, c.window, c.recall, &r, nullptr));
            streams.append(r);
        }

        struct Event {
            bool start;
            QString label;
            int window;
            bool recall;
            qint64 atMs;
        };
        QList<Event> events;
        int playing = 0;
        int mostAtOnce = 0;
        QElapsedTimer clock;
        clock.start();
        connect(&announcer, &Announcer::announcementStarted, this, [&](const QString &l, int w, bool r) {
            mostAtOnce = std::max(mostAtOnce, ++playing);
            events.append({true, l, w, r, clock.elapsed()});
        });
        connect(&announcer, &Announcer::announcementFinished, this, [&](const QString &l, int w, bool r) {
            --playing;
            QVERIFY(!announcer.isBusy());
            events.append({false, l, w, r, clock.elapsed()});
        });

        // Two calls in a row, then a third while the first is being said.
        QVERIFY(announcer.announce(calls.at(0).label, calls.at(0).window, calls.at(0).recall));
        QVERIFY(announcer.announce(calls.at(1).label, calls.at(1).window, calls.at(1).recall));
        QCOMPARE(announcer.pending(), 2);
        QVERIFY(!announcer.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 2000);
        QVERIFY(announcer.isBusy());
        QCOMPARE(announcer.pending(), 1);
        QTest::qWait(500);
        QVERIFY(announcer.announce(calls.at(2).label, calls.at(2).window, calls.at(2).recall));
        QCOMPARE(announcer.pending(), 2);
        qint64 total = 0;
        for (const Rendered &r : streams)
            total += r.durationMs();
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 6, int(total) + 5000);
        QCOMPARE(mostAtOnce, 1);

        for (int i = 0; i < calls.size(); ++i) {
            const Event &start = events.at(2 * i);
            const Event &finish = events.at(2 * i + 1);
            QVERIFY(start.start);
            QVERIFY(!finish.start);
            for (const Event &e : {start, finish}) {
                QCOMPARE(e.label, calls.at(i).label);
                QCOMPARE(e.window, calls.at(i).window);
                QCOMPARE(e.recall, calls.at(i).recall);
            }
            // Each call lasts as long as its stream, and the next starts only after it ended.
            const qint64 lasted = finish.atMs - start.atMs;
            const qint64 stream = streams.at(i).durationMs();
            qInfo("%s: %lld ms (stream %lld ms)", qPrintable(start.label), lasted, stream);
            QVERIFY2(lasted >= stream - 5 && lasted < stream + 500, qPrintable(QString::number(lasted)));
            if (i > 0)
                QVERIFY(start.atMs >= events.at(2 * i - 1).atMs);
        }
        QVERIFY(!announcer.isBusy());
        QCOMPARE(announcer.pending(), 0);

        // What the hall heard, kept as files.
        QDir kept(dir.filePath(QStringLiteral("calls")));
        QCOMPARE(kept.entryList(QDir::Files),
                 QStringList({QStringLiteral("0001-A023-w5.wav"), QStringLiteral("0002-B101-w12-recall.wav"), QStringLiteral("0003-C7-w3.wav")}));
        Pcm second;
        QString error;
        QVERIFY2(readWav(kept.filePath(QStringLiteral("0002-B101-w12-recall.wav")), &second, &error), qPrintable(error));
        QCOMPARE(second.data, streams.at(1).pcm.data);
    }

    void trimSynthetic()
    {
        // A tone of 8000 between silences, so that the fades act on sound (espeak-ng's own edges
        // are exact zeros and would hide a missing fade).
        Pcm tone;
        tone.format = PcmFormat{22050, 1, 16};
        auto frames = [](int n, qint16 v) {
            QByteArray b;
            for (int i = 0; i < n; ++i) {
                char raw[2];
                qToLittleEndian(v, raw);
                b.append(raw, 2);
            }
            return b;
        };
        tone.data = frames(300, 0) + frames(1000, 8000) + frames(300, 0);
        auto at = [](const Pcm &p, qint64 frame) { return qFromLittleEndian<qint16>(p.data.constData() + frame * 2); };

        TrimOptions tight;
        tight.keepBeforeMs = 0;
        tight.keepAfterMs = 0;
        const Pcm t = trimmed(tone, tight);
        QCOMPARE(t.frames(), qint64(1000));
        const qint64 fade = 4 * 22050 / 1000; // 88 frames
        QCOMPARE(at(t, 0), qint16(0));
        QCOMPARE(at(t, fade / 2), qint16(4000));
        QCOMPARE(at(t, fade), qint16(8000));
        QCOMPARE(at(t, 500), qint16(8000));
        QCOMPARE(at(t, 999 - fade), qint16(8000));
        QCOMPARE(at(t, 999 - fade / 2), qint16(4000));
        QCOMPARE(at(t, 999), qint16(0));

        // The default keeps 5 ms before and 10 ms after the sound.
        const Pcm d = trimmed(tone);
        QCOMPARE(d.frames(), qint64(1000 + 110 + 220));
        QCOMPARE(at(d, 110), qint16(8000));
        QCOMPARE(at(d, 110 + 999), qint16(8000));

        // Below the threshold is silence: nothing left.
        Pcm hum;
        hum.format = tone.format;
        hum.data = frames(1000, 64) + frames(1000, -64);
        QVERIFY(trimmed(hum).data.isEmpty());
        hum.data += frames(1, 65);
        QCOMPARE(trimmed(hum).frames(), qint64(1 + 110));
    }

    void clearPending()
    {
        Announcer announcer(m_clips);
        announcer.setOutput(Announcer::Output::Silent);
        QSignalSpy started(&announcer, &Announcer::announcementStarted);
        QSignalSpy finished(&announcer, &Announcer::announcementFinished);
        QVERIFY(announcer.announce(QStringLiteral("A001"), 1));
        QVERIFY(announcer.announce(QStringLiteral("A002"), 2));
        QVERIFY(announcer.announce(QStringLiteral("A003"), 3));
        QTRY_COMPARE(started.size(), 1);
        announcer.clearPending();
        QCOMPARE(announcer.pending(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QTest::qWait(200);
        QCOMPARE(started.size(), 1);
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("A001"));
    }

    void autoOutputKeepsTiming()
    {
        // Auto: plays through the default output when there is one; here (CI, offscreen) there is
        // usually none and the announcer falls back to timing the stream. Either way it finishes.
        Announcer announcer(m_clips);
        Rendered r;
        QVERIFY(announcer.renderCall(QStringLiteral("A023"), 5, false, &r, nullptr));
        QSignalSpy finished(&announcer, &Announcer::announcementFinished);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(announcer.announce(QStringLiteral("A023"), 5));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, int(r.durationMs()) + 6000);
        QVERIFY2(clock.elapsed() >= r.durationMs() * 8 / 10, qPrintable(QString::number(clock.elapsed())));
    }

    void mixedFormatsRefused()
    {
        QTemporaryDir dir;
        const Clip *qing = m_clips.clip(QStringLiteral("zh_qing"));
        QString error;
        QFile table(dir.filePath(QStringLiteral("clips.txt")));
        QVERIFY(table.open(QIODevice::WriteOnly));
        table.write("# two clips\nzh_qing | cmn-latn-pinyin | qing3 | x\nzh_hao | cmn-latn-pinyin | hao4 |\n");
        table.close();
        QVERIFY(writeWav(dir.filePath(QStringLiteral("zh_qing.wav")), qing->raw, &error));
        Pcm other = m_clips.clip(QStringLiteral("zh_hao"))->raw;
        QVERIFY(writeWav(dir.filePath(QStringLiteral("zh_hao.wav")), other, &error));
        ClipSet set;
        QVERIFY2(ClipSet::loadDirectory(dir.path(), &set, &error), qPrintable(error));
        QCOMPARE(set.ids(), ids({"zh_qing", "zh_hao"}));
        QCOMPARE(set.clip(QStringLiteral("zh_qing"))->pcm.data, qing->pcm.data);

        other.format.sampleRate = 16000;
        QVERIFY(writeWav(dir.filePath(QStringLiteral("zh_hao.wav")), other, &error));
        error.clear();
        QVERIFY(!ClipSet::loadDirectory(dir.path(), &set, &error));
        QVERIFY2(error.contains(QStringLiteral("zh_hao.wav is 16000 Hz, 1 channel, 16 bit but zh_qing.wav (the first clip) is 22050 Hz")), qPrintable(error));

        // 8-bit audio cannot be trimmed or joined with the rest: refused, not converted.
        QByteArray eightBit = wavBytes(other);
        qToLittleEndian<quint16>(8, eightBit.data() + 34);
        QFile f(dir.filePath(QStringLiteral("zh_hao.wav")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(eightBit);
        f.close();
        error.clear();
        QVERIFY(!ClipSet::loadDirectory(dir.path(), &set, &error));
        QVERIFY2(error.contains(QStringLiteral("only uncompressed 16-bit PCM")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestBoardVoice)
#include "tst_board_voice.moc"
