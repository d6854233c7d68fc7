#include "drivers/printer/printerstatus.h"

#include <QStringList>

namespace hall::printer {

namespace {

bool bit(quint8 byte, int n) { return byte & (1u << n); }

// Every DLE EOT answer is 0xx1xx10: bit 1 and bit 4 set, bits 0 and 7 clear. The same pattern
// is how a host tells these answers from ASB blocks (whose first byte is 0xx1xx00).
constexpr quint8 kRtMask = 0x93;
constexpr quint8 kRtFixed = 0x12;

QString hex(quint8 b) { return QStringLiteral("0x%1").arg(int(b), 2, 16, QLatin1Char('0')); }

} // namespace

bool PrinterStatus::ready() const
{
    return online && !coverOpen && !paperEnd && !stoppedByPaperEnd && !errorOccurred
        && !recoverableError && !cutterError && !unrecoverableError && !autoRecoverableError
        && !waitingForRecovery;
}

QString PrinterStatus::code() const
{
    // The cause a person can act on wins: a broken cutter needs a technician whatever else is
    // wrong; an open cover usually means someone is changing the roll right now (and the paper
    // sensor reads "no paper" meanwhile), so it comes before paper out.
    if (cutterError || unrecoverableError || recoverableError)
        return QStringLiteral("failed");
    if (coverOpen)
        return QStringLiteral("cover_open");
    if (paperEnd || stoppedByPaperEnd)
        return QStringLiteral("paper_out");
    if (!ready())
        return errorOccurred && !autoRecoverableError ? QStringLiteral("failed")
                                                      : QStringLiteral("offline");
    if (paperNearEnd)
        return QStringLiteral("paper_near_end");
    return QStringLiteral("ok");
}

QString PrinterStatus::describe() const
{
    const QString c = code();
    if (c == QLatin1String("ok"))
        return QStringLiteral("The printer is ready.");
    if (c == QLatin1String("paper_near_end"))
        return QStringLiteral("The printer is ready, but the paper roll is nearly used up.");
    if (c == QLatin1String("cover_open"))
        return QStringLiteral("The printer cover is open; close it to print.");
    if (c == QLatin1String("paper_out"))
        return QStringLiteral("The printer is out of paper; load a new roll.");
    if (c == QLatin1String("failed")) {
        QStringList what;
        if (cutterError)
            what << QStringLiteral("the autocutter failed (check for a paper jam)");
        if (recoverableError)
            what << QStringLiteral("a mechanical error occurred (check for a paper jam)");
        if (unrecoverableError)
            what << QStringLiteral("an unrecoverable error occurred (power-cycle it or call a technician)");
        if (what.isEmpty())
            what << QStringLiteral("it reports an error");
        return QStringLiteral("The printer cannot print: %1.").arg(what.join(QStringLiteral("; ")));
    }
    if (autoRecoverableError)
        return QStringLiteral("The printer paused itself (print head too hot); it resumes on its own.");
    return QStringLiteral("The printer is offline.");
}

QString PrinterStatus::describeZh() const
{
    const QString c = code();
    if (c == QLatin1String("ok"))
        return QStringLiteral("打印机正常。");
    if (c == QLatin1String("paper_near_end"))
        return QStringLiteral("打印机纸将用尽，请准备更换纸卷。");
    if (c == QLatin1String("cover_open"))
        return QStringLiteral("打印机上盖未关闭，请合上盖子。");
    if (c == QLatin1String("paper_out"))
        return QStringLiteral("打印机缺纸，请更换纸卷。");
    if (c == QLatin1String("failed")) {
        if (cutterError)
            return QStringLiteral("打印机切刀故障，请检查是否卡纸。");
        if (recoverableError)
            return QStringLiteral("打印机机械故障，请检查是否卡纸。");
        if (unrecoverableError)
            return QStringLiteral("打印机发生不可恢复的故障，请重启打印机或联系维修人员。");
        return QStringLiteral("打印机故障。");
    }
    if (autoRecoverableError)
        return QStringLiteral("打印头过热，打印机暂停，稍后自动恢复。");
    return QStringLiteral("打印机离线。");
}

QByteArray statusQuery(int n)
{
    if (n < 1 || n > 4)
        return {};
    return QByteArray("\x10\x04", 2) + char(n);
}

QByteArray fullStatusQuery()
{
    return statusQuery(1) + statusQuery(2) + statusQuery(3) + statusQuery(4);
}

bool applyStatusByte(int n, quint8 b, PrinterStatus *status, QString *error)
{
    if (n < 1 || n > 4) {
        if (error)
            *error = QStringLiteral("DLE EOT %1 is not a status query this driver knows").arg(n);
        return false;
    }
    if ((b & kRtMask) != kRtFixed) {
        if (error)
            *error = QStringLiteral("byte %1 is not an answer to DLE EOT %2: its fixed bits are "
                                    "wrong")
                         .arg(hex(b))
                         .arg(n);
        return false;
    }
    switch (n) {
    case 1:
        status->drawerPin3High = bit(b, 2);
        status->online = !bit(b, 3);
        status->waitingForRecovery = bit(b, 5);
        status->feedButton = bit(b, 6);
        status->hasPrinter = true;
        break;
    case 2:
        status->coverOpen = bit(b, 2);
        status->feedingByButton = bit(b, 3);
        status->stoppedByPaperEnd = bit(b, 5);
        status->errorOccurred = bit(b, 6);
        status->hasOffline = true;
        break;
    case 3:
        status->recoverableError = bit(b, 2);
        status->cutterError = bit(b, 3);
        status->unrecoverableError = bit(b, 5);
        status->autoRecoverableError = bit(b, 6);
        status->hasError = true;
        break;
    case 4:
        // Two bits per sensor, both set by the spec; either one counts, because trusting a
        // half-set pair as "paper present" would print onto nothing.
        status->paperNearEnd = bit(b, 2) || bit(b, 3);
        status->paperEnd = bit(b, 5) || bit(b, 6);
        status->hasPaper = true;
        break;
    }
    return true;
}

std::optional<PrinterStatus> parseFullStatus(const QByteArray &bytes, QString *error)
{
    if (bytes.size() != 4) {
        if (error)
            *error = QStringLiteral("expected 4 status bytes, got %1").arg(bytes.size());
        return std::nullopt;
    }
    PrinterStatus status;
    for (int i = 0; i < 4; ++i) {
        if (!applyStatusByte(i + 1, quint8(bytes.at(i)), &status, error))
            return std::nullopt;
    }
    return status;
}

quint8 statusByte(int n, const PrinterStatus &s)
{
    quint8 b = kRtFixed;
    auto set = [&b](int bitNo, bool on) {
        if (on)
            b |= quint8(1u << bitNo);
    };
    switch (n) {
    case 1:
        set(2, s.drawerPin3High);
        set(3, !s.online);
        set(5, s.waitingForRecovery);
        set(6, s.feedButton);
        break;
    case 2:
        set(2, s.coverOpen);
        set(3, s.feedingByButton);
        set(5, s.stoppedByPaperEnd);
        set(6, s.errorOccurred);
        break;
    case 3:
        set(2, s.recoverableError);
        set(3, s.cutterError);
        set(5, s.unrecoverableError);
        set(6, s.autoRecoverableError);
        break;
    case 4:
        set(2, s.paperNearEnd);
        set(3, s.paperNearEnd);
        set(5, s.paperEnd);
        set(6, s.paperEnd);
        break;
    default:
        return 0;
    }
    return b;
}

// ASB: first byte 0xx1xx00, then three bytes 0xx0xxxx.
bool isAsbBlock(const char *data, qsizetype size)
{
    if (size < 4)
        return false;
    if ((quint8(data[0]) & 0x93) != 0x10)
        return false;
    for (int i = 1; i < 4; ++i) {
        if ((quint8(data[i]) & 0x90) != 0x00)
            return false;
    }
    return true;
}

std::optional<PrinterStatus> parseAsb(const QByteArray &block, QString *error)
{
    if (block.size() != 4 || !isAsbBlock(block.constData(), block.size())) {
        if (error)
            *error = QStringLiteral("%1 is not an automatic status back block")
                         .arg(QString::fromLatin1(block.toHex(' ')));
        return std::nullopt;
    }
    const auto b1 = quint8(block.at(0)), b2 = quint8(block.at(1)), b3 = quint8(block.at(2));
    PrinterStatus s;
    s.drawerPin3High = bit(b1, 2);
    s.online = !bit(b1, 3);
    s.coverOpen = bit(b1, 5);
    s.feedingByButton = bit(b1, 6);
    s.waitingForRecovery = bit(b2, 0);
    s.recoverableError = bit(b2, 2);
    s.cutterError = bit(b2, 3);
    s.unrecoverableError = bit(b2, 5);
    s.autoRecoverableError = bit(b2, 6);
    s.paperNearEnd = bit(b3, 0) || bit(b3, 1);
    s.paperEnd = bit(b3, 2) || bit(b3, 3);
    s.hasPrinter = s.hasOffline = s.hasError = s.hasPaper = true;
    return s;
}

QByteArray asbBlock(const PrinterStatus &s)
{
    quint8 b1 = 0x10, b2 = 0, b3 = 0;
    if (s.drawerPin3High)
        b1 |= 0x04;
    if (!s.online)
        b1 |= 0x08;
    if (s.coverOpen)
        b1 |= 0x20;
    if (s.feedingByButton)
        b1 |= 0x40;
    if (s.waitingForRecovery)
        b2 |= 0x01;
    if (s.recoverableError)
        b2 |= 0x04;
    if (s.cutterError)
        b2 |= 0x08;
    if (s.unrecoverableError)
        b2 |= 0x20;
    if (s.autoRecoverableError)
        b2 |= 0x40;
    if (s.paperNearEnd)
        b3 |= 0x03;
    if (s.paperEnd)
        b3 |= 0x0c;
    QByteArray out;
    out.append(char(b1)).append(char(b2)).append(char(b3)).append('\0');
    return out;
}

QByteArray enableAsb(quint8 n)
{
    return QByteArray("\x1d\x61", 2) + char(n);
}

QList<AsbBlock> scanAsb(const QByteArray &stream, QByteArray *rest)
{
    QList<AsbBlock> blocks;
    QByteArray leftover;
    qsizetype i = 0;
    while (i < stream.size()) {
        if (isAsbBlock(stream.constData() + i, stream.size() - i)) {
            if (auto s = parseAsb(stream.mid(i, 4)))
                blocks.append(AsbBlock{*s, i});
            i += 4;
            continue;
        }
        // A partial block at the end may complete with the next read: keep it whole.
        const qsizetype remaining = stream.size() - i;
        if (remaining < 4 && (quint8(stream.at(i)) & 0x93) == 0x10) {
            bool couldBe = true;
            for (qsizetype j = i + 1; j < stream.size(); ++j)
                couldBe = couldBe && (quint8(stream.at(j)) & 0x90) == 0;
            if (couldBe) {
                leftover.append(stream.mid(i));
                break;
            }
        }
        leftover.append(stream.at(i));
        ++i;
    }
    if (rest)
        *rest = leftover;
    return blocks;
}

} // namespace hall::printer
