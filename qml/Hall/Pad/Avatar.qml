import QtQuick
import Hall.Controls

// The clerk's photo, or, when there is none or it does not load, their given name on a plain
// tile: never a stock face that could be taken for the person at the window.
Rectangle {
    id: root
    property string photo: ""
    property string initials: ""
    readonly property bool showingPhoto: photo !== "" && image.status === Image.Ready

    radius: 16
    color: "#2f6db5"
    border.color: "white"
    border.width: 6
    clip: true

    Text {
        objectName: "avatarInitials"
        anchors.centerIn: parent
        visible: !root.showingPhoto
        text: root.initials
        color: "white"
        font.family: Theme.fontFamily
        font.pixelSize: Math.min(root.width / Math.max(1, root.initials.length) * 0.8, root.height * 0.4)
        font.bold: true
    }
    Image {
        id: image
        objectName: "avatarPhoto"
        anchors.fill: parent
        anchors.margins: root.border.width
        visible: root.showingPhoto
        source: root.photo
        fillMode: Image.PreserveAspectCrop
        asynchronous: false
        sourceSize.width: 2 * width
    }
}
