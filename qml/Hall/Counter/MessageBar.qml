import QtQuick
import Hall.Controls

// The answer to the clerk's last action: a refusal (amber, with the reason) or a notice (green).
// Esc or the next action clears it; it also goes by itself after a while.
Rectangle {
    id: root
    property alias text: label.text
    property string kind: "refusal"
    implicitHeight: Math.max(76, label.implicitHeight + 24)
    // A lighter amber than the paused notice it may sit under.
    color: kind === "info" ? Theme.good : "#ffd45c"

    Text {
        id: icon
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: root.kind === "info" ? "✓" : "!"
        color: root.kind === "info" ? "white" : Theme.warningText
        font.family: Theme.fontFamily
        font.pixelSize: 44
        font.bold: true
    }
    Text {
        id: label
        objectName: "messageText"
        anchors.left: icon.right
        anchors.leftMargin: 24
        anchors.right: hint.left
        anchors.rightMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        wrapMode: Text.WordWrap
        color: root.kind === "info" ? "white" : Theme.warningText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
    }
    Text {
        id: hint
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: qsTr("Esc: dismiss")
        color: root.kind === "info" ? "#d7f0e1" : "#6b5200"
        font.family: Theme.fontFamily
        font.pixelSize: 24
    }
}
