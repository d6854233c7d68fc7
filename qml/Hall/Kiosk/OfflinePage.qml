import QtQuick
import Hall.Controls

// The hall server cannot be reached: no number can be promised. The kiosk reconnects by itself.
Item {
    objectName: "offlinePage"
    Column {
        anchors.centerIn: parent
        width: 1400
        spacing: 36
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 140
            height: 140
            radius: 70
            color: Theme.warning
            Text {
                anchors.centerIn: parent
                text: "!"
                color: Theme.warningText
                font.pixelSize: 110
                font.bold: true
            }
        }
        Text {
            objectName: "offlineText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
            text: qsTr("Ticketing is paused for a moment")
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            text: qsTr("This kiosk cannot reach the hall system and is reconnecting. No number is issued meanwhile; please wait or ask the staff.")
        }
    }
}
