#pragma once

// What every transport test shares.

#include "drivers/transport/transport.h"

#include <QElapsedTimer>
#include <QTest>

#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include <sys/fsuid.h>
#include <unistd.h>

// QCOMPARE cannot take an IoError::Kind: inside QTest, argument-dependent lookup finds
// hall::drivers::toString(Kind), which returns a QString where QTest wants a char*. Comparing the
// names also prints them when the check fails.
#define QCOMPARE_KIND(actual, expected) QCOMPARE(hall::drivers::toString(actual), hall::drivers::toString(expected))

// The same for a whole IoError, printing its message when the kind is not the expected one.
#define QCOMPARE_ERROR(error, expected)                                                                    \
    QVERIFY2((error).kind == (expected),                                                                   \
             qPrintable(hall::drivers::toString((error).kind) + QStringLiteral(": ") + (error).message))

// An open() or write() that should have succeeded, printing the error's message when it did not.
#define QVERIFY_NO_ERROR(error) QVERIFY2(!(error), qPrintable((error) ? (error)->message : QString()))

// A read() that should have ended in an error of this kind rather than in bytes. The result is
// evaluated once, so it may be the read() call itself.
#define QCOMPARE_READ_ERROR(result, expected)                                                              \
    do {                                                                                                   \
        const auto &readResult_ = (result);                                                                \
        QVERIFY(std::holds_alternative<hall::drivers::IoError>(readResult_));                              \
        QCOMPARE_ERROR(std::get<hall::drivers::IoError>(readResult_), expected);                           \
    } while (false)

// The result of call and the milliseconds it took: the timeout tests check both that a call gave
// up and that it did so when it should have.
template<typename Call>
auto timed(Call &&call)
{
    QElapsedTimer clock;
    clock.start();
    auto result = std::forward<Call>(call)();
    return std::pair{std::move(result), clock.elapsed()};
}

// Job-sized test data in which every byte value occurs and no short period repeats, so a lost,
// doubled or reordered chunk shows in a comparison.
inline QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 13 + i / 509) & 0xff);
    return bytes;
}

// transport.open() as the kiosk's service user meets it. Root ignores file modes, so a root test
// run opens as "nobody" on a thread of its own: the file-system uid and gid are per thread, and
// the rest of the test keeps its rights. False when root cannot drop to "nobody"; the test then
// has nothing to check.
inline bool openAsServiceUser(hall::drivers::Transport &transport, int timeoutMs,
                              std::optional<hall::drivers::IoError> *error)
{
    if (::geteuid() != 0) {
        *error = transport.open(timeoutMs);
        return true;
    }
    bool switched = false;
    std::thread thread([&] {
        constexpr uid_t nobody = 65534;
        // The group too: with root's group the file's group bits would apply.
        ::setfsgid(nobody);
        ::setfsuid(nobody);
        // Each call reports the id in force before it.
        switched = ::setfsuid(uid_t(-1)) == nobody && ::setfsgid(gid_t(-1)) == nobody;
        if (switched)
            *error = transport.open(timeoutMs);
        ::setfsuid(::geteuid());
        ::setfsgid(::getegid());
    });
    thread.join();
    return switched;
}
