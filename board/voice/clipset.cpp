#include "clipset.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace hall::board::voice {

bool ClipSet::loadBuiltin(ClipSet *out, QString *error, const TrimOptions &trim)
{
    return load(QStringLiteral(":/hall/voice"), out, error, trim);
}

bool ClipSet::loadDirectory(const QString &dir, ClipSet *out, QString *error, const TrimOptions &trim)
{
    return load(QDir(dir).absolutePath(), out, error, trim);
}

bool ClipSet::load(const QString &base, ClipSet *out, QString *error, const TrimOptions &trim)
{
    const QString tablePath = base + QStringLiteral("/clips.txt");
    QFile table(tablePath);
    if (!table.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("clip set %1: %2").arg(tablePath, table.errorString());
        return false;
    }
    static const QRegularExpression line(QStringLiteral(R"(^([a-z0-9_]+)\s*\|\s*([A-Za-z-]+)\s*\|\s*([^|]*[^|\s])\s*(\|.*)?$)"));
    ClipSet set;
    int lineNo = 0;
    while (!table.atEnd()) {
        ++lineNo;
        const QString text = QString::fromUtf8(table.readLine()).trimmed();
        if (text.isEmpty() || text.startsWith(QLatin1Char('#')))
            continue;
        const QRegularExpressionMatch m = line.match(text);
        if (!m.hasMatch()) {
            *error = QStringLiteral("%1:%2: cannot read \"%3\" (want: id | voice | text | meaning)").arg(tablePath).arg(lineNo).arg(text);
            return false;
        }
        Clip clip;
        clip.id = m.captured(1);
        clip.text = m.captured(3);
        if (set.m_clips.contains(clip.id)) {
            *error = QStringLiteral("%1:%2: the clip id %3 appears twice").arg(tablePath).arg(lineNo).arg(clip.id);
            return false;
        }
        const QString wavPath = base + QLatin1Char('/') + clip.id + QStringLiteral(".wav");
        if (!readWav(wavPath, &clip.raw, error))
            return false;
        // The clips are concatenated byte for byte; one odd clip would play at the wrong speed or
        // as noise, so a mixed set is refused as a whole.
        if (set.m_order.isEmpty()) {
            set.m_format = clip.raw.format;
        } else if (clip.raw.format != set.m_format) {
            *error = QStringLiteral("clip set %1: %2.wav is %3 but %4.wav (the first clip) is %5; all clips must share one format")
                         .arg(base, clip.id, clip.raw.format.toString(), set.m_order.first(), set.m_format.toString());
            return false;
        }
        clip.pcm = trimmed(clip.raw, trim);
        if (clip.pcm.data.isEmpty()) {
            *error = QStringLiteral("clip set %1: %2.wav is silent").arg(base, clip.id);
            return false;
        }
        set.m_order.append(clip.id);
        set.m_clips.insert(clip.id, clip);
    }
    if (set.m_order.isEmpty()) {
        *error = QStringLiteral("clip set %1: the table lists no clips").arg(tablePath);
        return false;
    }
    qCDebug(lcBoardVoice) << "loaded" << set.size() << "clips from" << base << "as" << set.m_format.toString();
    *out = std::move(set);
    return true;
}

const Clip *ClipSet::clip(const QString &id) const
{
    const auto it = m_clips.constFind(id);
    return it == m_clips.constEnd() ? nullptr : &it.value();
}

QStringList ClipSet::missing(const QStringList &wanted) const
{
    QStringList out;
    for (const QString &id : wanted) {
        if (!m_clips.contains(id) && !out.contains(id))
            out.append(id);
    }
    return out;
}

} // namespace hall::board::voice
