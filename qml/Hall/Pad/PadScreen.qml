import QtQuick
import Hall.Controls
import Hall.Pad

// The whole pad, 1280x800 landscape: a header with the window and the clock, and one page at a
// time from pad.page. Everything is in Chinese with English beneath: the pad has no language
// button, a visitor only ever taps a rating.
Rectangle {
    id: root
    required property QtObject pad

    width: 1280
    height: 800
    color: Theme.background

    Rectangle {
        id: header
        objectName: "header"
        anchors.left: parent.left
        anchors.right: parent.right
        height: 104
        color: Theme.backgroundDeep

        Row {
            anchors.left: parent.left
            anchors.leftMargin: 36
            anchors.verticalCenter: parent.verticalCenter
            spacing: 20
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: 72
                height: 72
                radius: 12
                color: Theme.accent
                Text {
                    objectName: "windowNumber"
                    anchors.centerIn: parent
                    text: root.pad.windowNumber > 0 ? root.pad.windowNumber : "–"
                    color: "white"
                    font.family: Theme.fontFamily
                    font.pixelSize: 48
                    font.bold: true
                }
            }
            Column {
                anchors.verticalCenter: parent.verticalCenter
                Text {
                    objectName: "windowName"
                    text: root.pad.windowName
                    color: Theme.textOnDark
                    font.family: Theme.fontFamily
                    font.pixelSize: 40
                    font.bold: true
                }
                Text {
                    text: root.pad.windowNumber > 0 ? "Window " + root.pad.windowNumber + " · 服务评价 Service rating" : "服务评价 Service rating"
                    color: Theme.textOnDarkMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: 24
                }
            }
        }
        HallClock {
            anchors.right: parent.right
            anchors.rightMargin: 36
            anchors.verticalCenter: parent.verticalCenter
            offsetMs: root.pad.clockOffsetMs
        }
    }

    Item {
        id: body
        anchors.top: header.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom

        IdlePage {
            anchors.fill: parent
            visible: root.pad.page === "idle"
            pad: root.pad
        }
        RatingPage {
            anchors.fill: parent
            visible: root.pad.page === "rating"
            pad: root.pad
        }
        ReasonsPage {
            anchors.fill: parent
            visible: root.pad.page === "reasons"
            pad: root.pad
        }
        ThanksPage {
            anchors.fill: parent
            visible: root.pad.page === "thanks"
            pad: root.pad
        }
        NoticePage {
            anchors.fill: parent
            visible: root.pad.page === "notice"
            pad: root.pad
        }
        PausedPage {
            anchors.fill: parent
            visible: root.pad.page === "paused"
            pad: root.pad
        }
        OfflinePage {
            anchors.fill: parent
            visible: root.pad.page === "offline"
        }
    }
}
