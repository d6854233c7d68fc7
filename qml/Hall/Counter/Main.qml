import QtQuick
import QtQuick.Window
import Hall.Counter

Window {
    id: window
    required property QtObject counter
    width: 1920
    height: 1080
    visible: true
    title: "hall-counter"
    color: "black"

    CounterScreen {
        anchors.centerIn: parent
        // A 1366x768 panel shows the same screen scaled, not a different layout.
        scale: Math.min(window.width / width, window.height / height)
        counter: window.counter
    }
}
