import QtQuick
import QtQuick.Window
import Hall.Pad

Window {
    id: window
    required property QtObject pad
    width: 1280
    height: 800
    visible: true
    title: "hall-pad"
    color: "black"

    PadScreen {
        anchors.centerIn: parent
        // A panel of another size shows the same screen scaled, not a different layout.
        scale: Math.min(window.width / width, window.height / height)
        pad: window.pad
    }
}
