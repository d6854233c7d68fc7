import QtQuick
import Hall.Controls

// The wall clock of a hall screen; the date line follows the screen's language.
Column {
    id: root
    property bool english: false
    // Milliseconds to add to this machine's clock (another zone, or the server's time).
    property double offsetMs: 0
    property date now: new Date(Date.now() + offsetMs)
    spacing: 2
    Timer {
        interval: 1000
        running: true
        repeat: true
        onTriggered: root.now = new Date(Date.now() + root.offsetMs)
    }
    Text {
        anchors.right: parent.right
        text: Qt.formatTime(root.now, "HH:mm")
        color: Theme.textOnDark
        font.family: Theme.fontFamily
        font.pixelSize: Theme.heading
        font.bold: true
    }
    Text {
        anchors.right: parent.right
        text: root.english ? Qt.formatDate(root.now, "ddd d MMM yyyy")
                           : Qt.formatDate(root.now, "yyyy年M月d日") + " " + ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"][root.now.getDay()]
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small - 6
    }
}
