#include "keypad.h"

#include <QJsonObject>
#include <QJsonValue>

Q_LOGGING_CATEGORY(lcKeypad, "hall.drivers.keypad")

namespace hall::keypad {

namespace {
const QStringList &valuesOf(const QString &scale)
{
    static const QStringList two{QStringLiteral("satisfied"), QStringLiteral("unsatisfied")};
    static const QStringList five{QStringLiteral("very_satisfied"), QStringLiteral("satisfied"), QStringLiteral("basically_satisfied"),
                                  QStringLiteral("unsatisfied"), QStringLiteral("very_unsatisfied")};
    return scale == QLatin1String("five") ? five : two;
}
} // namespace

KeyMap KeyMap::defaults(const QString &scale)
{
    KeyMap m;
    const QStringList &values = valuesOf(scale);
    for (int i = 0; i < values.size(); ++i)
        m.m_keys[i + 1] = values.at(i);
    return m;
}

bool KeyMap::fromJson(const QJsonObject &o, const QString &scale, KeyMap *out, QString *error)
{
    KeyMap m;
    const QStringList &values = valuesOf(scale);
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool ok = false;
        const int key = it.key().toInt(&ok);
        if (!ok || key < 1 || key > 16) {
            *error = QStringLiteral("keyMap: key \"%1\" must be a key number 1..16").arg(it.key());
            return false;
        }
        const QString value = it.value().toString();
        if (!values.contains(value)) {
            *error = QStringLiteral("keyMap.%1: \"%2\" is not a rating of the %3-level scale (%4)")
                         .arg(it.key(), value, scale == QLatin1String("five") ? QStringLiteral("five") : QStringLiteral("two"),
                              values.join(QStringLiteral(", ")));
            return false;
        }
        m.m_keys[key] = value;
    }
    if (m.m_keys.empty()) {
        *error = QStringLiteral("keyMap: maps no key");
        return false;
    }
    *out = std::move(m);
    return true;
}

QString KeyMap::ratingFor(int key) const
{
    const auto it = m_keys.find(key);
    return it == m_keys.end() ? QString() : it->second;
}

} // namespace hall::keypad
