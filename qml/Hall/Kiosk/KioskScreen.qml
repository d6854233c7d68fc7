import QtQuick
import QtQuick.Layouts
import Hall.Controls

// The whole kiosk screen, 1920x1080: a header with the hall's name, the clock and the language
// toggle, and one page at a time from kiosk.page.
Rectangle {
    id: root
    required property QtObject kiosk
    readonly property bool english: kiosk.language === "en"

    width: 1920
    height: 1080
    color: Theme.background

    // Any touch restarts the idle countdown; the pages' own areas still get the press.
    TapHandler {
        onTapped: root.kiosk.touched()
    }

    Rectangle {
        id: header
        objectName: "header"
        anchors.left: parent.left
        anchors.right: parent.right
        height: 150
        color: Theme.backgroundDeep

        Column {
            anchors.left: parent.left
            anchors.leftMargin: Theme.margin
            anchors.verticalCenter: parent.verticalCenter
            spacing: 6
            Text {
                objectName: "hallName"
                text: root.kiosk.hallName
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
                font.bold: true
                width: header.width - 700
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.small
                elide: Text.ElideRight
            }
            Text {
                text: qsTr("Take a number")
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
            }
        }
        Row {
            anchors.right: parent.right
            anchors.rightMargin: Theme.margin
            anchors.verticalCenter: parent.verticalCenter
            spacing: Theme.margin
            HallClock {
                english: root.english
                offsetMs: root.kiosk.clockOffsetMs
                anchors.verticalCenter: parent.verticalCenter
            }
            BigButton {
                objectName: "languageButton"
                anchors.verticalCenter: parent.verticalCenter
                // Each language is named in itself, so a visitor finds their own.
                text: root.english ? "中文" : "English"
                baseColor: "#2a4f7c"
                fontSize: Theme.small
                onClicked: root.kiosk.language = root.english ? "zh" : "en"
            }
        }
    }

    Item {
        id: body
        anchors.top: header.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom

        HomePage {
            anchors.fill: parent
            visible: root.kiosk.page === "home"
            kiosk: root.kiosk
            english: root.english
        }
        IssuingPage {
            anchors.fill: parent
            visible: root.kiosk.page === "issuing"
        }
        TicketPage {
            anchors.fill: parent
            visible: root.kiosk.page === "ticket"
            kiosk: root.kiosk
            english: root.english
        }
        RefusedPage {
            anchors.fill: parent
            visible: root.kiosk.page === "refused"
            kiosk: root.kiosk
        }
        OfflinePage {
            anchors.fill: parent
            visible: root.kiosk.page === "offline"
        }
    }
}
