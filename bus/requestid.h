#pragma once

#include <QByteArray>

namespace hall::bus {

// A request id as docs/protocol.md requires: a UUID version 7 (RFC 9562) in canonical lower-case
// form. Ids from one process are strictly increasing, so a terminal's idempotency records always
// land at the end of the server's B-tree; the random tail keeps terminals from colliding.
QByteArray newRequestId();
// The same with the wall clock given: tests use it to replay a stepped-back clock or a burst of
// more ids than one millisecond's counter holds.
QByteArray newRequestId(qint64 nowMs);

// True for a canonical lower-case UUIDv7 string. The server accepts other ids too (they are only
// slower to store); terminals built on this library always send these.
bool isUuid7(const QByteArray &id);

// The Unix milliseconds a UUIDv7 carries; 0 if it is not one.
qint64 uuid7Milliseconds(const QByteArray &id);

} // namespace hall::bus
