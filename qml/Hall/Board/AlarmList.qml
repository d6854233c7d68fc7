import QtQuick
import Hall.Controls

// The alarms in force, faults (red) before warnings (amber), each with how long it has lasted.
// With none, a quiet green line: the manager sees at once that nothing needs them.
Rectangle {
    id: root
    property alias model: list.model
    property double now: 0
    property var minutes
    radius: Theme.radius
    color: Theme.backgroundDeep
    clip: true

    Text {
        id: title
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 16
        text: "告警 Alarms" + (list.count ? "  " + list.count : "")
        color: list.count ? "white" : Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 32
        font.bold: true
    }

    ListView {
        id: list
        objectName: "alarmRows"
        anchors.top: title.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 16
        interactive: false
        spacing: 10
        delegate: Rectangle {
            required property string key
            required property string severity
            required property string textZh
            required property string textEn
            required property double since
            objectName: "alarm-" + key
            width: ListView.view.width
            height: texts.implicitHeight + 20
            radius: 10
            color: severity === "fault" ? Theme.danger : Theme.warning
            Column {
                id: texts
                anchors.left: parent.left
                anchors.leftMargin: 20
                anchors.right: age.left
                anchors.rightMargin: 12
                anchors.verticalCenter: parent.verticalCenter
                Text {
                    width: parent.width
                    text: textZh
                    wrapMode: Text.Wrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                    color: severity === "fault" ? "white" : Theme.warningText
                    font.family: Theme.fontFamily
                    font.pixelSize: 32
                    font.bold: true
                }
                Text {
                    width: parent.width
                    text: textEn
                    elide: Text.ElideRight
                    color: severity === "fault" ? "#ffe0e0" : Theme.warningText
                    font.family: Theme.fontFamily
                    font.pixelSize: 24
                }
            }
            Text {
                id: age
                anchors.right: parent.right
                anchors.rightMargin: 20
                anchors.verticalCenter: parent.verticalCenter
                text: since > 0 && root.now >= since ? root.minutes(Math.floor((root.now - since) / 1000)) : ""
                color: severity === "fault" ? "white" : Theme.warningText
                font.family: Theme.fontFamily
                font.pixelSize: 34
                font.bold: true
            }
        }
    }

    Text {
        objectName: "noAlarms"
        visible: list.count === 0
        anchors.centerIn: parent
        text: "✓ 一切正常\nAll clear"
        horizontalAlignment: Text.AlignHCenter
        color: "#7ee2a8"
        font.family: Theme.fontFamily
        font.pixelSize: 44
        font.bold: true
    }
}
