import QtQuick
import Hall.Controls

// A touch button no smaller than Theme.minTouch in either direction.
Rectangle {
    id: root
    property alias text: label.text
    property color baseColor: Theme.accent
    property color textColor: "white"
    property int fontSize: Theme.body
    signal clicked()

    implicitWidth: Math.max(Theme.minTouch * 3, label.implicitWidth + 2 * Theme.margin)
    implicitHeight: Math.max(Theme.minTouch + 20, label.implicitHeight + Theme.margin)
    radius: Theme.radius
    color: area.pressed ? Qt.darker(baseColor, 1.25) : baseColor
    border.color: Qt.lighter(baseColor, 1.4)
    border.width: 2

    Text {
        id: label
        anchors.centerIn: parent
        color: root.textColor
        font.family: Theme.fontFamily
        font.pixelSize: root.fontSize
        font.bold: true
    }
    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: root.clicked()
    }
}
