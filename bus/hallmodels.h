#pragma once

#include <QAbstractListModel>
#include <QByteArrayList>
#include <QVariantList>
#include <QVariantMap>

#include <vector>

namespace hall::engine {
struct Event;
}

namespace hall::bus {

class HallState;

// What the models share: rows are kept as values (one QVariant per role, in roles() order), so
// views never read the mirror engine directly; a snapshot may replace the engine at any time.
class HallListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    // The row as {role name: value}, for QML outside a view and for tests.
    Q_INVOKABLE QVariantMap get(int row) const;
    QVariant value(int row, const QByteArray &roleName) const;

Q_SIGNALS:
    void countChanged();

protected:
    using Row = QVariantList;

    HallListModel(const HallState *state, QByteArrayList roles, QObject *parent);

    // Replaces every row, telling views as little as needed: when the rows' keys (first column)
    // are the same in the same order, only rows that differ are reported changed, so a board's
    // delegates do not flicker on every event; otherwise the model is reset.
    void setRows(std::vector<Row> rows);
    void insertRowAt(int row, Row values);
    void removeRowAt(int row);

    const HallState *m_state;
    std::vector<Row> m_rows;

private:
    QByteArrayList m_roles;
};

// One row per configured service, in configuration order: the kiosk's buttons and the board's
// queue column.
class ServiceQueueModel : public HallListModel
{
    Q_OBJECT

public:
    enum Role {
        CodeRole = Qt::UserRole + 1,
        PrefixRole,
        NameZhRole,
        NameEnRole,
        WaitingRole,
        EstimatedWaitSecondsRole,
        OpenWindowsRole,
        LastNumberRole, // number of the last ticket issued today, 0 if none
        LastLabelRole,  // "A012", empty if none
        NextLabelsRole, // the first kNextLabels waiting, in calling order
    };
    static constexpr int kNextLabels = 5;

    explicit ServiceQueueModel(const HallState *state, QObject *parent = nullptr);

private:
    void refresh();
};

// One row per configured window, in configuration order.
class WindowModel : public HallListModel
{
    Q_OBJECT

public:
    enum Role {
        NumberRole = Qt::UserRole + 1,
        NameRole,
        ServicesRole, // service codes, in the window's order of preference
        ClerkIdRole,
        ClerkNameRole,
        ClerkBadgeRole,
        OpenRole, // a clerk is signed in
        PausedRole,
        CurrentTicketIdRole, // 0 when none
        CurrentLabelRole,
        CurrentStatusRole, // "called", "serving" or empty
        CurrentServiceRole,
    };

    explicit WindowModel(const HallState *state, QObject *parent = nullptr);

private:
    void refresh();
};

// The latest calls, newest first, one row per ticket: a recall moves the ticket back to the top
// rather than adding a second row, so a board never shows the same visitor twice.
class RecentCallsModel : public HallListModel
{
    Q_OBJECT
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)

public:
    enum Role {
        TicketIdRole = Qt::UserRole + 1,
        LabelRole,
        WindowRole,
        ServiceRole,
        AtRole, // Unix ms of the call
        RecallRole,
    };

    explicit RecentCallsModel(const HallState *state, QObject *parent = nullptr);

    int limit() const { return m_limit; }
    void setLimit(int limit);

Q_SIGNALS:
    void limitChanged();

private:
    // From the mirror's tickets; after a snapshot, a new day, or a new limit.
    void rebuild();
    void onEvent(const hall::engine::Event &e);

    int m_limit = 8;
};

} // namespace hall::bus
