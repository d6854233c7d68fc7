import QtQuick
import Hall.Controls
import Hall.Pad

// Nobody serves at this window: paused by the clerk, or nobody signed in. Plain and unmistakable
// from across the hall, so nobody queues here.
Item {
    id: root
    objectName: "pausedPage"
    required property QtObject pad
    readonly property bool closed: pad.pausedReason !== "paused"

    Column {
        anchors.centerIn: parent
        spacing: 26
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 170
            height: 170
            radius: 85
            color: "transparent"
            border.color: root.closed ? "#9fb3cc" : Theme.warning
            border.width: 14
            // a pause sign, or a bar across for closed
            Row {
                anchors.centerIn: parent
                spacing: 26
                visible: !root.closed
                Rectangle { width: 24; height: 78; radius: 6; color: Theme.warning }
                Rectangle { width: 24; height: 78; radius: 6; color: Theme.warning }
            }
            Rectangle {
                anchors.centerIn: parent
                visible: root.closed
                width: 100
                height: 24
                radius: 6
                color: "#9fb3cc"
            }
        }
        Text {
            objectName: "pausedText"
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.closed ? "窗口未开放" : "暂停服务"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 120
            font.bold: true
        }
        Text {
            objectName: "pausedTextEn"
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.closed ? "Window closed" : "Window paused"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 60
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            horizontalAlignment: Text.AlignHCenter
            text: root.closed ? "请到其他窗口办理，或留意叫号\nPlease use another window or wait for your number to be called"
                              : "工作人员稍后回来，请稍候\nThe clerk will be back shortly"
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 32
            lineHeight: 1.15
        }
    }
}
