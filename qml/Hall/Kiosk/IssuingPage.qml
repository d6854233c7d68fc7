import QtQuick
import Hall.Controls

Item {
    objectName: "issuingPage"
    Column {
        anchors.centerIn: parent
        spacing: 40
        Item {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 120
            height: 120
            Rectangle {
                id: spinner
                anchors.fill: parent
                radius: 60
                color: "transparent"
                border.width: 14
                border.color: Theme.textOnDarkMuted
                Rectangle {
                    width: 28
                    height: 28
                    radius: 14
                    color: Theme.textOnDark
                    x: parent.width / 2 - 14
                    y: -7
                }
                RotationAnimation on rotation {
                    from: 0
                    to: 360
                    duration: 1200
                    loops: Animation.Infinite
                    running: parent.visible
                }
            }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Getting your number…")
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
        }
    }
}
