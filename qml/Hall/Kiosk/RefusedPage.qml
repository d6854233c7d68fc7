import QtQuick
import Hall.Controls

// The server did not issue a number: say why in the visitor's words, and that none was issued.
Item {
    id: root
    objectName: "refusedPage"
    required property QtObject kiosk

    Column {
        anchors.centerIn: parent
        width: 1400
        spacing: 40
        Text {
            objectName: "refusalText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
            text: root.kiosk.refusal === "daily_limit_reached" ? qsTr("All of today's numbers for this service have been given out.")
                : root.kiosk.refusal === "unreachable" ? qsTr("The hall system did not answer. No number was issued.")
                : qsTr("No number could be issued for this service.")
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            text: qsTr("Please ask the staff at the information desk.")
        }
        BigButton {
            objectName: "backButton"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Back") + "  (" + root.kiosk.secondsLeft + ")"
            onClicked: root.kiosk.goHome()
        }
    }
}
