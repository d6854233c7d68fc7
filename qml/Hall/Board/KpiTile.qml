import QtQuick
import Hall.Controls

// One figure with its name: large enough to read from the door.
Rectangle {
    id: root
    property string title
    property string value
    property string detail
    property color valueColor: "white"
    radius: Theme.radius
    color: Theme.backgroundDeep

    Text {
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 16
        text: root.title
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 28
    }
    Text {
        objectName: "value"
        anchors.left: parent.left
        anchors.leftMargin: 16
        anchors.bottom: root.detail.length ? detailText.top : parent.bottom
        anchors.bottomMargin: root.detail.length ? 0 : 8
        text: root.value
        color: root.valueColor
        font.family: Theme.fontFamily
        font.pixelSize: root.detail.length ? 64 : 56
        font.bold: true
    }
    Text {
        id: detailText
        visible: root.detail.length > 0
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: 16
        text: root.detail
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 28
    }
}
