#include "requestid.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <mutex>

namespace hall::bus {

namespace {
std::mutex g_mutex;
qint64 g_lastMs = 0;
unsigned g_counter = 0;

bool isLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
} // namespace

QByteArray newRequestId()
{
    return newRequestId(QDateTime::currentMSecsSinceEpoch());
}

QByteArray newRequestId(qint64 nowMs)
{
    qint64 ms;
    unsigned counter;
    {
        std::lock_guard lock(g_mutex);
        ms = nowMs;
        // RFC 9562 method 1: a 12-bit counter within the millisecond. A clock stepping back (NTP)
        // or more than 4096 ids in one millisecond borrow the next millisecond, so ids never
        // go backwards.
        if (ms <= g_lastMs) {
            ms = g_lastMs;
            if (++g_counter > 0xfff) {
                ++ms;
                g_counter = 0;
            }
        } else {
            g_counter = 0;
        }
        g_lastMs = ms;
        counter = g_counter;
    }
    unsigned char b[16];
    for (int i = 0; i < 6; ++i)
        b[i] = static_cast<unsigned char>((ms >> (40 - 8 * i)) & 0xff);
    b[6] = static_cast<unsigned char>(0x70 | ((counter >> 8) & 0x0f));
    b[7] = static_cast<unsigned char>(counter & 0xff);
    const quint64 random = QRandomGenerator::system()->generate64();
    for (int i = 0; i < 8; ++i)
        b[8 + i] = static_cast<unsigned char>((random >> (8 * i)) & 0xff);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);

    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += hex[b[i] >> 4];
        out += hex[b[i] & 0x0f];
    }
    return out;
}

bool isUuid7(const QByteArray &id)
{
    if (id.size() != 36)
        return false;
    for (int i = 0; i < 36; ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !isLowerHex(id[i]))
            return false;
    }
    return id[14] == '7' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

qint64 uuid7Milliseconds(const QByteArray &id)
{
    if (!isUuid7(id))
        return 0;
    bool ok = false;
    const qint64 ms = (id.left(8) + id.mid(9, 4)).toLongLong(&ok, 16);
    return ok ? ms : 0;
}

} // namespace hall::bus
