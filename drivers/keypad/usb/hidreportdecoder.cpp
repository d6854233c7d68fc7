#include "drivers/keypad/usb/hidreportdecoder.h"

#include <algorithm>

namespace hall::keypad {

namespace {
constexpr int kBootReportSize = 8;
constexpr int kErrorRollOver = 0x01;
constexpr int kLastErrorUsage = 0x03; // 0x02 POSTFail, 0x03 ErrorUndefined
} // namespace

HidReportDecoder::HidReportDecoder(const UsbHidKeypadConfig &config) : m_config(config) {}

HidReportDecoder::Result HidReportDecoder::feed(const QByteArray &report)
{
    return m_config.format == UsbReportFormat::KeyNumber ? feedKeyNumber(report) : feedKeyboard(report);
}

HidReportDecoder::Result HidReportDecoder::feedKeyboard(const QByteArray &report)
{
    Result r;
    // A longer report is not a boot report either (report protocol with a report id, or NKRO):
    // reading its bytes at boot positions would invent keys.
    if (report.size() != kBootReportSize) {
        r.ignored = QStringLiteral("a %1-byte report where a boot keyboard sends 8 bytes").arg(report.size());
        r.malformed = true;
        return r;
    }
    std::vector<int> held;
    for (int i = 2; i < kBootReportSize; ++i) {
        const int usage = quint8(report.at(i));
        // Too many keys at once: the keyboard cannot tell which are down, so this report says
        // nothing, and what was held before is still the best knowledge (the keys that survive
        // the jam are not pressed anew).
        if (usage == kErrorRollOver) {
            r.ignored = QStringLiteral("a rollover error (too many keys held at once)");
            return r;
        }
        if (usage > kLastErrorUsage && std::find(held.begin(), held.end(), usage) == held.end())
            held.push_back(usage);
    }
    return pressesOf(held, true);
}

HidReportDecoder::Result HidReportDecoder::feedKeyNumber(const QByteArray &report)
{
    Result r;
    if (report.size() <= m_config.keyNumberOffset) {
        r.ignored = QStringLiteral("a %1-byte report without the key number at byte %2")
                        .arg(report.size())
                        .arg(m_config.keyNumberOffset);
        r.malformed = true;
        return r;
    }
    const int key = quint8(report.at(m_config.keyNumberOffset));
    return pressesOf(key ? std::vector<int>{key} : std::vector<int>{}, false);
}

HidReportDecoder::Result HidReportDecoder::pressesOf(const std::vector<int> &heldNow, bool usages)
{
    Result r;
    for (int code : heldNow) {
        if (std::find(m_held.begin(), m_held.end(), code) != m_held.end())
            continue; // still held: repeated or reordered, not a new press
        int key = 0;
        if (usages) {
            const auto it = m_config.usages.find(code);
            key = it == m_config.usages.end() ? 0 : it->second;
        } else {
            key = code >= 1 && code <= 16 ? code : 0;
        }
        if (key)
            r.keys.push_back(key);
        else
            r.unmapped.push_back(code);
    }
    m_held = heldNow;
    return r;
}

} // namespace hall::keypad
