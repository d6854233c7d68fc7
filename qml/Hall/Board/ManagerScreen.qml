import QtQuick
import Hall.Controls
import Hall.Board

// The manager's live board, 1920x1080, read from the office door: where the hall is stuck now
// (alarms, each service's queue and waits, every window) and how it is doing (satisfaction today
// and this week, the week's service star, the day's waiting curve).
Rectangle {
    id: root
    required property QtObject board   // the header's hall name, clock and online state
    required property QtObject manager // the figures (board/manager/managerboard.h)
    width: 1920
    height: 1080
    color: Theme.background

    function minutes(seconds) {
        if (seconds < 0)
            return "—"
        var m = Math.floor(seconds / 60)
        return m < 60 ? m + "分" : Math.floor(m / 60) + "时" + (m % 60 < 10 ? "0" : "") + (m % 60) + "分"
    }

    BoardHeader {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        board: root.board
        subtitle: "管理看板"
    }

    Column {
        id: leftColumn
        anchors.left: parent.left
        anchors.top: header.bottom
        anchors.margins: 32
        width: 1140
        spacing: 16

        Row {
            spacing: 12
            Repeater {
                model: [
                    { key: "waiting", zh: "等候", en: "Waiting" },
                    { key: "issuedToday", zh: "取号", en: "Issued" },
                    { key: "servedToday", zh: "办结", en: "Served" },
                    { key: "noShowsToday", zh: "未到", en: "No-show" },
                    { key: "openWindows", zh: "开放窗口", en: "Open" }
                ]
                delegate: KpiTile {
                    required property var modelData
                    objectName: "summary-" + modelData.key
                    width: (leftColumn.width - 4 * 12) / 5
                    height: 110
                    title: modelData.zh + " " + modelData.en
                    value: root.manager.summary[modelData.key] === undefined ? "—" : String(root.manager.summary[modelData.key])
                }
            }
        }

        ServiceTable {
            objectName: "serviceTable"
            width: leftColumn.width
            height: 56 + 7 * 52
            model: root.manager.services
            minutes: root.minutes
        }

        WaitingChart {
            objectName: "waitingChart"
            width: leftColumn.width
            height: 1080 - header.height - 32 - 110 - 16 - (56 + 7 * 52) - 16 - 16 - windowsRow.height - 24
            model: root.manager.waitingSeries
        }
    }

    Column {
        id: rightColumn
        anchors.left: leftColumn.right
        anchors.leftMargin: 32
        anchors.right: parent.right
        anchors.rightMargin: 32
        anchors.top: header.bottom
        anchors.topMargin: 32
        spacing: 16

        Row {
            spacing: 16
            KpiTile {
                objectName: "satisfactionToday"
                width: (rightColumn.width - 16) / 2
                height: 176
                title: "今日满意率 Today"
                value: root.manager.satisfactionToday.percent >= 0 ? root.manager.satisfactionToday.percent + "%" : "—"
                detail: (root.manager.satisfactionToday.rated || 0) + " 票 votes" + (root.manager.satisfactionToday.stale ? " · 未更新" : "")
                valueColor: root.manager.satisfactionToday.percent >= 0 && root.manager.satisfactionToday.percent < 90 ? Theme.warning : "#7ee2a8"
            }
            KpiTile {
                objectName: "satisfactionWeek"
                width: (rightColumn.width - 16) / 2
                height: 176
                title: "本周满意率 This week"
                value: root.manager.satisfactionWeek.percent >= 0 ? root.manager.satisfactionWeek.percent + "%" : "—"
                detail: (root.manager.satisfactionWeek.rated || 0) + " 票 votes" + (root.manager.satisfactionWeek.stale ? " · 未更新" : "")
                valueColor: root.manager.satisfactionWeek.percent >= 0 && root.manager.satisfactionWeek.percent < 90 ? Theme.warning : "#7ee2a8"
            }
        }

        StarTile {
            objectName: "starTile"
            width: rightColumn.width
            height: 170
            star: root.manager.star
            minVotes: root.manager.satisfactionWeek.minVotes || 0
        }

        AlarmList {
            objectName: "alarmList"
            width: rightColumn.width
            height: leftColumn.height - 176 - 170 - 32
            model: root.manager.alarms
            now: root.manager.now
            minutes: root.minutes
        }
    }

    ManagerWindowRow {
        id: windowsRow
        objectName: "managerWindows"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 32
        height: 130
        model: root.manager.windows
        now: root.manager.now
        minutes: root.minutes
    }
}
