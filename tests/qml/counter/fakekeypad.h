// A FAKE rating keypad for tests: no hardware, no link. The test presses its keys, changes its
// condition and reads back what the counter told it (the prompt lamp).
#pragma once

#include "drivers/keypad/keypad.h"

#include <QDateTime>

class FakeKeypad : public hall::keypad::Keypad
{
    Q_OBJECT

public:
    using Keypad::Keypad;

    bool start(QString *error) override
    {
        if (!m_startError.isEmpty()) {
            *error = m_startError;
            return false;
        }
        m_started = true;
        return true;
    }
    void stop() override { m_started = false; }
    QString statusCode() const override { return m_status; }
    void setPrompt(bool on) override
    {
        m_prompt = on;
        ++m_promptChanges;
    }

    // A press as a driver reports it; hand the same event in again to play a link that repeats.
    hall::keypad::KeyEvent press(int key, quint32 eventId)
    {
        hall::keypad::KeyEvent e;
        e.keypad = QStringLiteral("fake:1");
        e.eventId = eventId;
        e.key = key;
        e.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT keyPressed(e);
        return e;
    }
    void deliver(const hall::keypad::KeyEvent &e) { Q_EMIT keyPressed(e); }

    void setStatus(const QString &code, const QString &detail)
    {
        m_status = code;
        Q_EMIT statusChanged(code, detail);
    }
    void failStartWith(const QString &error) { m_startError = error; }

    bool started() const { return m_started; }
    bool prompt() const { return m_prompt; }
    int promptChanges() const { return m_promptChanges; }

private:
    QString m_status = QStringLiteral("ok");
    QString m_startError;
    bool m_started = false;
    bool m_prompt = false;
    int m_promptChanges = 0;
};
