import QtQuick
import QtQuick.Window
import Hall.Kiosk

Window {
    id: window
    required property QtObject kiosk
    width: 1920
    height: 1080
    visible: true
    title: "hall-kiosk"
    color: "black"

    KioskScreen {
        anchors.centerIn: parent
        // A panel of another size shows the same screen scaled, not a different layout.
        scale: Math.min(window.width / width, window.height / height)
        kiosk: window.kiosk
    }
}
