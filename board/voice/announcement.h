#pragma once

#include "clipset.h"

#include <QList>
#include <QString>
#include <QStringList>

// A call announcement as a script of clips and pauses, and its rendering into one PCM stream.
// Pure functions: the Announcer (announcer.h) queues and plays what these produce.
namespace hall::board::voice {

// One step of a script: a clip, or (clip empty) a silence of pauseMs.
struct Step {
    QString clip;
    int pauseMs = 0;

    bool isPause() const { return clip.isEmpty(); }
    friend bool operator==(const Step &, const Step &) = default;
};
using Script = QList<Step>;

// The designed silences, in milliseconds. Trimmed clips joined with no gap at all sound
// breathless and run the ticket digits together, so every join has a deliberate length.
struct Pauses {
    int leadIn = 150;   // before the first word: an amplifier waking from standby swallows the start
    int word = 50;      // between words of a phrase: 请 | A023 | 号 | 到 ...
    int digit = 100;    // between the letter and digits of a ticket, read one by one: A | 零 | 二 | 三
    int number = 0;     // inside a window number: 三十五 is one word
    int phrase = 250;   // between 请 A023 号 and 到 5 号窗口办理, and after 再次呼叫
    int language = 600; // between the Mandarin and the English
    int repeat = 1000;  // between repeats of the whole announcement
    int tail = 300;     // after the last word: keeps consecutive calls apart
};

struct CallOptions {
    bool recall = false;  // starts with 再次呼叫 (and "calling again")
    int repeats = 1;      // 1..3 times the whole announcement, in the one stream
    bool english = false; // the Mandarin followed by "Number A023, please go to window 5"
    Pauses pauses;
};

constexpr int kMinWindow = 1;
constexpr int kMaxWindow = 99;
constexpr int kMaxLabelDigits = 4;
constexpr int kMinRepeats = 1;
constexpr int kMaxRepeats = 3;

// Whether the voice can say a ticket label: one letter A-Z and 1..kMaxLabelDigits digits ("A023").
bool checkLabel(const QString &label, QString *error);
// Whether it can say a window number: kMinWindow..kMaxWindow.
bool checkWindow(int window, QString *error);

// The clip ids that say a window number in Mandarin: 5 五, 10 十, 12 十二, 20 二十, 35 三十五.
QStringList mandarinNumber(int n);
// And in English: 5 five, 12 twelve, 20 twenty, 35 thirty five.
QStringList englishNumber(int n);

// 请 A 零 二 三 号 到 五 号 窗口 办理 with its pauses (and the English, repeats, recall prefix). A label
// or window the voice cannot say, or repeats outside 1..3, give false with the reason and an
// untouched *out.
bool composeCall(const QString &label, int window, const CallOptions &options, Script *out, QString *error);
// The clip ids of a script in order, pauses left out.
QStringList clipIds(const Script &script);

// Where a clip sits in a rendered stream.
struct Segment {
    QString clip;
    qint64 offset = 0; // bytes from the start of the PCM data
    qint64 length = 0; // bytes

    friend bool operator==(const Segment &, const Segment &) = default;
};

struct Rendered {
    Pcm pcm;
    QList<Segment> segments; // in playing order; the bytes between them are the pauses (zeros)
    qint64 durationMs() const { return pcm.durationMs(); }
};

// Joins the trimmed clips and the pauses into one stream in the clip set's format. Fails, with
// nothing rendered, when the script names a clip the set does not have.
bool render(const ClipSet &clips, const Script &script, Rendered *out, QString *error);

} // namespace hall::board::voice
