#include "announcement.h"

namespace hall::board::voice {

namespace {
QString zh(int digit)
{
    return QStringLiteral("zh_%1").arg(digit);
}
QString en(int n)
{
    return QStringLiteral("en_%1").arg(n);
}
QString letter(QChar c)
{
    return QStringLiteral("letter_") + c.toLower();
}

// Appends ids with `gap` between them (none before the first).
void say(Script *s, const QStringList &ids, int gap)
{
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i > 0 && gap > 0)
            s->append(Step{QString(), gap});
        s->append(Step{ids.at(i), 0});
    }
}
void pause(Script *s, int ms)
{
    if (ms > 0)
        s->append(Step{QString(), ms});
}

QStringList ticketClips(const QString &label, bool english)
{
    QStringList ids{letter(label.at(0))};
    for (qsizetype i = 1; i < label.size(); ++i)
        ids.append(english ? en(label.at(i).digitValue()) : zh(label.at(i).digitValue()));
    return ids;
}

Script mandarin(const QString &label, int window, const CallOptions &o)
{
    const Pauses &p = o.pauses;
    Script s;
    if (o.recall) {
        say(&s, {QStringLiteral("zh_zaici_hujiao")}, 0);
        pause(&s, p.phrase);
    }
    say(&s, {QStringLiteral("zh_qing")}, 0);
    pause(&s, p.word);
    say(&s, ticketClips(label, false), p.digit);
    pause(&s, p.word);
    say(&s, {QStringLiteral("zh_hao")}, 0);
    pause(&s, p.phrase);
    say(&s, {QStringLiteral("zh_dao")}, 0);
    pause(&s, p.word);
    say(&s, mandarinNumber(window), p.number);
    pause(&s, p.word);
    say(&s, {QStringLiteral("zh_hao"), QStringLiteral("zh_chuangkou"), QStringLiteral("zh_banli")}, p.word);
    return s;
}

Script english(const QString &label, int window, const CallOptions &o)
{
    const Pauses &p = o.pauses;
    Script s;
    if (o.recall) {
        say(&s, {QStringLiteral("en_again")}, 0);
        pause(&s, p.phrase);
    }
    say(&s, {QStringLiteral("en_number")}, 0);
    pause(&s, p.word);
    say(&s, ticketClips(label, true), p.digit);
    pause(&s, p.phrase);
    say(&s, {QStringLiteral("en_please_go_to_window")}, 0);
    pause(&s, p.word);
    say(&s, englishNumber(window), p.number);
    return s;
}
} // namespace

bool checkLabel(const QString &label, QString *error)
{
    bool ok = label.size() >= 2 && label.size() <= 1 + kMaxLabelDigits && label.at(0) >= QLatin1Char('A') && label.at(0) <= QLatin1Char('Z');
    for (qsizetype i = 1; ok && i < label.size(); ++i)
        ok = label.at(i) >= QLatin1Char('0') && label.at(i) <= QLatin1Char('9');
    if (!ok) {
        *error = label.isEmpty() ? QStringLiteral("empty ticket label")
                                 : QStringLiteral("ticket label \"%1\": can say one letter A-Z followed by 1 to %2 digits").arg(label).arg(kMaxLabelDigits);
    }
    return ok;
}

bool checkWindow(int window, QString *error)
{
    if (window < kMinWindow || window > kMaxWindow) {
        *error = QStringLiteral("window %1: can say windows %2 to %3").arg(window).arg(kMinWindow).arg(kMaxWindow);
        return false;
    }
    return true;
}

QStringList mandarinNumber(int n)
{
    if (n < 10)
        return {zh(n)};
    QStringList ids;
    // 十二, not 一十二: the tens digit 1 is silent in everyday Mandarin.
    if (n >= 20)
        ids.append(zh(n / 10));
    ids.append(zh(10));
    if (n % 10)
        ids.append(zh(n % 10));
    return ids;
}

QStringList englishNumber(int n)
{
    if (n < 20)
        return {en(n)};
    QStringList ids{en(n / 10 * 10)};
    if (n % 10)
        ids.append(en(n % 10));
    return ids;
}

bool composeCall(const QString &label, int window, const CallOptions &options, Script *out, QString *error)
{
    if (!checkLabel(label, error) || !checkWindow(window, error))
        return false;
    if (options.repeats < kMinRepeats || options.repeats > kMaxRepeats) {
        *error = QStringLiteral("repeats %1: must be %2 to %3").arg(options.repeats).arg(kMinRepeats).arg(kMaxRepeats);
        return false;
    }
    Script once = mandarin(label, window, options);
    if (options.english) {
        pause(&once, options.pauses.language);
        once.append(english(label, window, options));
    }
    Script s;
    pause(&s, options.pauses.leadIn);
    for (int r = 0; r < options.repeats; ++r) {
        if (r > 0)
            pause(&s, options.pauses.repeat);
        s.append(once);
    }
    pause(&s, options.pauses.tail);
    *out = s;
    return true;
}

QStringList clipIds(const Script &script)
{
    QStringList ids;
    for (const Step &step : script) {
        if (!step.isPause())
            ids.append(step.clip);
    }
    return ids;
}

bool render(const ClipSet &clips, const Script &script, Rendered *out, QString *error)
{
    const QStringList missing = clips.missing(clipIds(script));
    if (!missing.isEmpty()) {
        *error = QStringLiteral("the clip set has no %1").arg(missing.join(QStringLiteral(", ")));
        return false;
    }
    const PcmFormat format = clips.format();
    qint64 total = 0;
    for (const Step &step : script)
        total += step.isPause() ? format.bytesForMs(step.pauseMs) : clips.clip(step.clip)->pcm.data.size();

    Rendered r;
    r.pcm.format = format;
    r.pcm.data.reserve(total);
    for (const Step &step : script) {
        if (step.isPause()) {
            r.pcm.data.append(format.bytesForMs(step.pauseMs), '\0');
            continue;
        }
        const QByteArray &pcm = clips.clip(step.clip)->pcm.data;
        r.segments.append(Segment{step.clip, r.pcm.data.size(), pcm.size()});
        r.pcm.data.append(pcm);
    }
    *out = std::move(r);
    return true;
}

} // namespace hall::board::voice
