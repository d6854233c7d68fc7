import QtQuick
import Hall.Controls

// The hall's name and the clock, and a red strip when the server is out of reach: the numbers
// below may then be stale, and the staff should know before the visitors complain.
Rectangle {
    id: root
    required property QtObject board
    property string subtitle: ""
    height: 130
    color: Theme.backgroundDeep

    Column {
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        spacing: 4
        Text {
            objectName: "hallName"
            text: root.board.hallNameZh + (root.subtitle.length ? "  ·  " + root.subtitle : "")
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: Theme.heading
            font.bold: true
        }
        Text {
            text: root.board.hallNameEn
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small - 6
        }
    }

    Rectangle {
        objectName: "offlineBadge"
        visible: !root.board.online
        anchors.right: clock.left
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        width: offlineText.implicitWidth + 48
        height: 76
        radius: Theme.radius
        color: Theme.danger
        Text {
            id: offlineText
            anchors.centerIn: parent
            text: "连接中断 · Offline"
            color: "white"
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            font.bold: true
        }
    }

    HallClock {
        id: clock
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        offsetMs: root.board.clockOffsetMs
    }
}
