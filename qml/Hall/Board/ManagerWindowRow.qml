import QtQuick
import Hall.Controls

// Every window as the manager needs it: serving (green, with the number), paused (amber), closed
// (grey), free (blue), or free while its queue waits (red, with how long): the one that needs a
// word with the clerk.
Item {
    id: root
    property alias model: repeater.model
    property double now: 0
    property var minutes
    readonly property int columns: Math.max(1, Math.min(12, repeater.count))

    Grid {
        id: grid
        anchors.fill: parent
        columns: root.columns
        spacing: 12
        Repeater {
            id: repeater
            delegate: Rectangle {
                id: tile
                required property int number
                required property string state
                required property string activity
                required property string label
                required property bool idleWithQueue
                required property double idleWithQueueSince
                objectName: "mwindow-" + number
                width: (grid.width - grid.spacing * (root.columns - 1)) / root.columns
                height: grid.height
                radius: 12
                color: idleWithQueue ? Theme.danger : state === "paused" ? Theme.warning : state === "closed" ? "#3b4a5c"
                       : activity === "idle" ? Theme.accent : Theme.good
                Column {
                    anchors.centerIn: parent
                    spacing: 0
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: tile.number + "号窗口"
                        color: tile.state === "paused" ? Theme.warningText : "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: 26
                    }
                    Text {
                        objectName: "mwindowState"
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: tile.idleWithQueue ? "空闲" : tile.state === "paused" ? "暂停" : tile.state === "closed" ? "未开放"
                              : tile.activity === "idle" ? "空闲" : tile.label
                        color: tile.state === "paused" ? Theme.warningText : "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: 40
                        font.bold: true
                    }
                    Text {
                        visible: tile.idleWithQueue
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: "有人等 " + root.minutes(Math.floor((root.now - tile.idleWithQueueSince) / 1000))
                        color: "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: 24
                        font.bold: true
                    }
                }
            }
        }
    }
}
