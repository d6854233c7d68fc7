import QtQuick
import Hall.Controls

// The hall server cannot be reached: no vote could be recorded. The pad reconnects by itself.
Item {
    objectName: "offlinePage"
    Column {
        anchors.centerIn: parent
        width: 1100
        spacing: 30
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 150
            height: 150
            radius: 75
            color: Theme.warning
            Text {
                anchors.centerIn: parent
                text: "!"
                color: Theme.warningText
                font.family: Theme.fontFamily
                font.pixelSize: 110
                font.bold: true
            }
        }
        Text {
            objectName: "offlineText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: "评价器正在连接，请稍候"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 64
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: "This rating pad is reconnecting to the hall system. Please wait a moment or tell the staff."
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 36
        }
    }
}
