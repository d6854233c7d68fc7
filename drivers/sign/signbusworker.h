#pragma once

// Private to SignBus: the worker that owns the transport on the sign bus's thread. It knows no
// queue and no retry; it sends one request's bytes and waits (on its own thread) for the
// answer with that address and seq, or for the timeout.

#include "drivers/sign/signprotocol.h"
#include "drivers/transport/transport.h"

#include <QObject>

#include <memory>

namespace hall::sign {

class SignBusWorker : public QObject
{
    Q_OBJECT
public:
    enum Outcome { Answer = 0, NoAnswer = 1, Garbled = 2, LinkDown = 3 };

    SignBusWorker(std::unique_ptr<drivers::Transport> transport, std::unique_ptr<SignReplyParser> parser);
    ~SignBusWorker() override;

    // Worker thread only.
    bool open(QString *error);
    void close();
    void exchange(quint64 token, const QByteArray &bytes, int address, quint8 seq, int timeoutMs);
    void reopen();

Q_SIGNALS:
    // For Answer: fault and nakReason describe a NAK, text its reason (empty for an ACK: nakReason 0
    // and text empty). For the others text says what happened.
    void exchanged(quint64 token, int outcome, bool ack, bool fault, int nakReason, const QString &text);
    void reopened(bool ok, const QString &why);

private:
    std::unique_ptr<drivers::Transport> m_transport;
    std::unique_ptr<SignReplyParser> m_parser;
};

} // namespace hall::sign
