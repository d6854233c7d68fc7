#pragma once

#include "pcm.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace hall::board::voice {

struct Clip {
    QString id;   // "zh_qing", "letter_a", "zh_5", ...
    QString text; // what the synthesiser was given ("qing3"), for logs and the docs
    Pcm raw;      // as generated or recorded
    Pcm pcm;      // trimmed and faded: what an announcement is made of
};

// The clips announcements are assembled from, all in one format. The set is described by a table
// ("id | voice | text | meaning" per line, board/voice/clips.txt) next to one <id>.wav per clip.
class ClipSet
{
public:
    // The set built into hall_voice (espeak-ng at build time), from the resources :/hall/voice/.
    static bool loadBuiltin(ClipSet *out, QString *error, const TrimOptions &trim = {});
    // A set on disk (for example recorded by a speaker): <dir>/clips.txt and <dir>/<id>.wav.
    static bool loadDirectory(const QString &dir, ClipSet *out, QString *error, const TrimOptions &trim = {});

    bool isEmpty() const { return m_clips.isEmpty(); }
    int size() const { return int(m_clips.size()); }
    const PcmFormat &format() const { return m_format; }
    bool contains(const QString &id) const { return m_clips.contains(id); }
    const Clip *clip(const QString &id) const; // nullptr when absent
    QStringList ids() const { return m_order; }
    // The ids in `wanted` that the set does not have, in order, without duplicates.
    QStringList missing(const QStringList &wanted) const;

private:
    static bool load(const QString &base, ClipSet *out, QString *error, const TrimOptions &trim);

    PcmFormat m_format;
    QHash<QString, Clip> m_clips;
    QStringList m_order;
};

} // namespace hall::board::voice
