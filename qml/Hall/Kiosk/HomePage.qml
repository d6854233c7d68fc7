import QtQuick
import QtQuick.Layouts
import Hall.Controls

// The services as large tiles, live from the hall's state: people waiting and the estimated wait.
Item {
    id: root
    objectName: "homePage"
    required property QtObject kiosk
    property bool english: false

    Text {
        id: prompt
        anchors.top: parent.top
        anchors.topMargin: 28
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Tap the service you need")
        color: Theme.textOnDark
        font.family: Theme.fontFamily
        font.pixelSize: Theme.title
        font.bold: true
    }

    GridView {
        id: grid
        objectName: "serviceGrid"
        anchors.top: prompt.bottom
        anchors.topMargin: 28
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: banner.visible ? banner.top : parent.bottom
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin / 2
        anchors.bottomMargin: Theme.margin / 2
        interactive: contentHeight > height
        readonly property int columns: count > 6 ? 4 : 3
        cellWidth: Math.floor(width / columns)
        cellHeight: Math.min(420, Math.floor(height / Math.max(1, Math.ceil(count / columns))))
        model: root.kiosk.services

        delegate: Item {
            id: tile
            required property string code
            required property string prefix
            required property string nameZh
            required property string nameEn
            required property int waiting
            required property int estimatedWaitSeconds
            required property int openWindows
            objectName: "service_" + code
            width: grid.cellWidth
            height: grid.cellHeight

            Rectangle {
                anchors.fill: parent
                anchors.rightMargin: Theme.margin / 2
                anchors.bottomMargin: Theme.margin / 2
                radius: Theme.radius
                color: area.pressed ? "#dce8f8" : Theme.surface

                Rectangle {
                    id: badge
                    anchors.left: parent.left
                    anchors.top: parent.top
                    anchors.margins: 22
                    width: 84
                    height: 84
                    radius: 42
                    color: Theme.accent
                    Text {
                        anchors.centerIn: parent
                        text: tile.prefix
                        color: "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: 52
                        font.bold: true
                    }
                }
                Column {
                    anchors.left: badge.right
                    anchors.leftMargin: 20
                    anchors.right: parent.right
                    anchors.rightMargin: 18
                    anchors.top: parent.top
                    anchors.topMargin: 22
                    spacing: 6
                    Text {
                        width: parent.width
                        text: root.english ? tile.nameEn : tile.nameZh
                        color: Theme.surfaceText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.heading
                        font.bold: true
                        wrapMode: Text.WordWrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        lineHeight: 0.95
                    }
                    Text {
                        width: parent.width
                        text: root.english ? tile.nameZh : tile.nameEn
                        color: Theme.mutedText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small - 2
                        wrapMode: Text.WordWrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                }
                Rectangle {
                    // The queue, on a band of its own so it reads at a glance.
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    height: 86
                    radius: Theme.radius
                    color: tile.waiting === 0 ? "#e3f3ea" : "#e8eef8"
                    Rectangle { // squares the band's top corners
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.top: parent.top
                        height: Theme.radius
                        color: parent.color
                    }
                    Text {
                        objectName: "waiting"
                        anchors.verticalCenter: parent.verticalCenter
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.leftMargin: 24
                        anchors.rightMargin: 16
                        text: tile.waiting === 0 ? qsTr("No one waiting")
                                                 : qsTr("%n waiting", "", tile.waiting) + "  ·  " + qsTr("about %n min", "", Math.max(1, Math.ceil(tile.estimatedWaitSeconds / 60)))
                        color: tile.waiting === 0 ? Theme.good : Theme.surfaceText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        font.bold: true
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: Theme.small - 4
                    }
                }
                MouseArea {
                    id: area
                    anchors.fill: parent
                    onClicked: root.kiosk.takeTicket(tile.code)
                }
            }
        }
    }

    Banner {
        id: banner
        objectName: "printerBanner"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        visible: root.kiosk.printerFault
        text: qsTr("The ticket printer is out of order: your number will be shown on the screen. Please note it down.")
    }
}
