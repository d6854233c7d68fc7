import QtQuick
import Hall.Controls

// A large single-line entry for the sign-in page: digits are easy to see and to hit.
Rectangle {
    id: root
    property alias label: caption.text
    property alias text: input.text
    property alias echoMode: input.echoMode
    property alias input: input
    signal accepted()

    implicitWidth: 640
    implicitHeight: 150
    color: "transparent"

    Text {
        id: caption
        anchors.left: parent.left
        anchors.top: parent.top
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: 30
    }
    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: caption.bottom
        anchors.topMargin: 8
        height: 96
        radius: 12
        color: "#f3f6fb"
        border.width: input.activeFocus ? 4 : 2
        border.color: input.activeFocus ? Theme.accent : "#9fb1c9"
        TextInput {
            id: input
            anchors.fill: parent
            anchors.leftMargin: 24
            anchors.rightMargin: 24
            verticalAlignment: TextInput.AlignVCenter
            color: Theme.surfaceText
            font.family: Theme.fontFamily
            font.pixelSize: 56
            font.letterSpacing: 4
            maximumLength: 16
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhNoPredictiveText
            passwordCharacter: "●"
            selectByMouse: true
            onAccepted: root.accepted()
        }
    }
}
