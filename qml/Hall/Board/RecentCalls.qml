import QtQuick
import Hall.Controls

// The latest calls, newest on top: a visitor who looked away a moment too long finds their
// number here with its window. Sized for eight rows (the default recentCalls).
Rectangle {
    id: root
    property alias model: list.model
    radius: Theme.radius * 2
    color: Theme.backgroundDeep

    Text {
        id: title
        anchors.top: parent.top
        anchors.topMargin: 24
        anchors.horizontalCenter: parent.horizontalCenter
        text: "最近叫号  Recent calls"
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.body
        font.bold: true
    }

    ListView {
        id: list
        objectName: "recentList"
        anchors.top: title.bottom
        anchors.topMargin: 16
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 24
        interactive: false
        clip: true
        spacing: 5
        delegate: Rectangle {
            required property int index
            required property string label
            required property int window
            required property bool recall
            width: ListView.view.width
            height: 60
            radius: 10
            color: index === 0 ? Theme.accent : (index % 2 ? "#12345c" : "#0f3052")
            Text {
                anchors.left: parent.left
                anchors.leftMargin: 24
                anchors.verticalCenter: parent.verticalCenter
                text: label
                color: "#ffd54f"
                font.family: Theme.fontFamily
                font.pixelSize: 50
                font.bold: true
            }
            Text {
                anchors.right: parent.right
                anchors.rightMargin: 24
                anchors.verticalCenter: parent.verticalCenter
                text: (recall ? "再呼 " : "") + window + "号窗口"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 42
                font.bold: true
            }
        }
    }

    Text {
        visible: list.count === 0
        anchors.centerIn: parent
        text: "暂无叫号\nNo calls yet"
        horizontalAlignment: Text.AlignHCenter
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.body
    }
}
