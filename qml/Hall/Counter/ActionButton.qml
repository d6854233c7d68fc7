import QtQuick
import Hall.Controls

// One clerk action: its key cap ("F1") and what it does. `available` only changes the look:
// a press while not available still goes through, so the clerk hears why it cannot be done.
Rectangle {
    id: root
    property string keyText
    property alias text: label.text
    property bool available: true
    property color baseColor: Theme.accent
    signal clicked()

    implicitWidth: 360
    implicitHeight: 104
    radius: Theme.radius
    color: !available ? "#2b4466" : area.pressed ? Qt.darker(baseColor, 1.25) : baseColor
    border.color: available ? Qt.lighter(baseColor, 1.4) : "#3d5a80"
    border.width: 2

    Rectangle {
        id: cap
        anchors.left: parent.left
        anchors.leftMargin: 16
        anchors.verticalCenter: parent.verticalCenter
        width: Math.max(84, capText.implicitWidth + 20)
        height: 64
        radius: 10
        color: root.available ? "white" : "#8ea3bf"
        Text {
            id: capText
            anchors.centerIn: parent
            text: root.keyText
            color: root.available ? Theme.surfaceText : "#2b4466"
            font.family: Theme.fontFamily
            font.pixelSize: 30
            font.bold: true
        }
    }
    Text {
        id: label
        anchors.left: cap.right
        anchors.leftMargin: 16
        anchors.right: parent.right
        anchors.rightMargin: 12
        anchors.verticalCenter: parent.verticalCenter
        color: root.available ? "white" : "#b9c9de"
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: 22
        elide: Text.ElideRight
    }
    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: root.clicked()
    }
}
