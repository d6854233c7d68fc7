import QtQuick
import Hall.Controls

// A full-width notice strip: warning (amber) or danger (red).
Rectangle {
    id: root
    property alias text: label.text
    property bool danger: false
    implicitHeight: label.implicitHeight + 28
    color: danger ? Theme.danger : Theme.warning
    Text {
        id: label
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        color: root.danger ? "white" : Theme.warningText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
    }
}
