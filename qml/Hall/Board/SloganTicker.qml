import QtQuick
import Hall.Controls

// The brigade's safety slogans, scrolling right to left at a reading pace (about 120 px, three
// characters, a second), one after another, for as long as the board runs.
Rectangle {
    id: root
    property var slogans: []
    readonly property string line: slogans.join("　　★　　")
    color: "#b71c1c"
    clip: true

    Text {
        id: moving
        objectName: "tickerText"
        anchors.verticalCenter: parent.verticalCenter
        x: Theme.margin
        text: root.line
        color: "white"
        font.family: Theme.fontFamily
        font.pixelSize: 48
        font.bold: true

        // The first pass starts on screen, so a board just switched on is never blank; later
        // passes slide in from the right.
        SequentialAnimation on x {
            running: root.slogans.length > 0
            NumberAnimation {
                from: Theme.margin
                to: -moving.implicitWidth
                duration: Math.max(1, (moving.implicitWidth + Theme.margin) / 120 * 1000)
            }
            NumberAnimation {
                from: root.width
                to: -moving.implicitWidth
                duration: Math.max(1, (root.width + moving.implicitWidth) / 120 * 1000)
                loops: Animation.Infinite
            }
        }
    }
}
