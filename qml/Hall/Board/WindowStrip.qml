import QtQuick
import Hall.Controls

// Every window at a glance: the number it serves now (green), paused (amber), closed (grey) or
// open and free (blue). Up to twelve windows share one row; a bigger hall gets a second row.
Item {
    id: root
    property alias model: repeater.model
    readonly property int columns: Math.max(1, Math.min(12, repeater.count))
    readonly property int rows: Math.max(1, Math.ceil(repeater.count / columns))

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
                required property bool open
                required property bool paused
                required property string currentLabel
                required property string currentStatus
                readonly property string state: !open ? "closed" : paused ? "paused" : currentLabel.length ? "busy" : "free"
                objectName: "window-" + number
                width: (grid.width - grid.spacing * (root.columns - 1)) / root.columns
                height: (grid.height - grid.spacing * (root.rows - 1)) / root.rows
                radius: 12
                color: state === "busy" ? Theme.good : state === "paused" ? Theme.warning : state === "closed" ? "#3b4a5c" : Theme.accent
                Column {
                    anchors.centerIn: parent
                    spacing: 2
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: tile.number + "号"
                        color: tile.state === "paused" ? Theme.warningText : Theme.textOnDark
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                    }
                    Text {
                        objectName: "windowState"
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: tile.state === "busy" ? tile.currentLabel : tile.state === "paused" ? "暂停" : tile.state === "closed" ? "未开放" : "空闲"
                        color: tile.state === "paused" ? Theme.warningText : tile.state === "closed" ? "#c9d3df" : "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: tile.state === "busy" ? 48 : 40
                        font.bold: true
                    }
                }
            }
        }
    }
}
