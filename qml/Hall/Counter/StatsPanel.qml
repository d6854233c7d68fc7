import QtQuick
import Hall.Controls

// The clerk's own day and week: visitors finished today (from the hall's state) and the share of
// satisfied votes today and this week with the week's rank (from the server's ratings).
Rectangle {
    id: root
    objectName: "statsPanel"
    required property QtObject counter
    readonly property var sat: counter.satisfaction
    readonly property bool available: sat.available === true

    implicitHeight: grid.y + grid.height + 24
    radius: Theme.radius
    color: "#133a66"

    function share(pct) {
        if (!root.available)
            return "—"
        return pct < 0 ? qsTr("no votes") : pct + "%"
    }

    Text {
        id: title
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 24
        text: qsTr("My figures")
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 30
    }
    Text {
        objectName: "starText"
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 24
        visible: root.available && root.sat.lastWeekStar === true
        text: "★ " + qsTr("Last week's service star")
        color: Theme.warning
        font.family: Theme.fontFamily
        font.pixelSize: 28
        font.bold: true
    }

    Grid {
        id: grid
        anchors.top: title.bottom
        anchors.topMargin: 16
        anchors.left: parent.left
        anchors.leftMargin: 24
        anchors.right: parent.right
        anchors.rightMargin: 24
        columns: 2
        rowSpacing: 16
        columnSpacing: 16
        readonly property int cellWidth: (width - columnSpacing) / 2

        Repeater {
            model: [
                { name: "servedToday", caption: qsTr("Finished today"), value: "" + root.counter.servedToday,
                  note: "" },
                { name: "todayPercent", caption: qsTr("Satisfied today"), value: root.share(root.sat.todayPercent),
                  note: root.available ? qsTr("%n vote(s)", "", root.sat.todayRatings) : qsTr("not available") },
                { name: "weekPercent", caption: qsTr("Satisfied this week"), value: root.share(root.sat.weekPercent),
                  note: root.available ? qsTr("%n vote(s)", "", root.sat.weekRatings) : qsTr("not available") },
                { name: "rankText", caption: qsTr("Rank this week"),
                  value: !root.available ? "—" : root.sat.rank > 0 ? root.sat.rank + " / " + root.sat.ranked : qsTr("unranked"),
                  note: root.available && root.sat.rank > 0 ? "" : root.available ? qsTr("needs more votes") : "" }
            ]
            delegate: Rectangle {
                required property var modelData
                width: parent.cellWidth
                height: 116
                radius: 12
                color: "#0d2b4e"
                Text {
                    anchors.left: parent.left
                    anchors.top: parent.top
                    anchors.leftMargin: 18
                    anchors.topMargin: 10
                    text: modelData.caption
                    color: Theme.textOnDarkMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: 24
                }
                Text {
                    objectName: modelData.name
                    anchors.left: parent.left
                    anchors.bottom: parent.bottom
                    anchors.leftMargin: 18
                    anchors.bottomMargin: 8
                    text: modelData.value
                    color: Theme.textOnDark
                    font.family: Theme.fontFamily
                    font.pixelSize: 54
                    font.bold: true
                }
                Text {
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    anchors.rightMargin: 16
                    anchors.bottomMargin: 16
                    text: modelData.note
                    color: Theme.textOnDarkMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: 22
                }
            }
        }
    }
}
