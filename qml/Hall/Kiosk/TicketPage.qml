import QtQuick
import Hall.Controls

// The number the server issued, exactly as printed; when the printer failed, the same number
// with a request to note it down.
Item {
    id: root
    objectName: "ticketPage"
    required property QtObject kiosk
    property bool english: false
    readonly property var ticket: kiosk.ticket
    readonly property bool failed: kiosk.printState === "failed" || kiosk.printState === "noPrinter"

    Rectangle {
        id: card
        anchors.top: parent.top
        anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 1100
        height: 620
        radius: Theme.radius
        color: Theme.surface

        Column {
            anchors.centerIn: parent
            spacing: 8
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Your number")
                color: Theme.mutedText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
            }
            Text {
                objectName: "ticketNumber"
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.ticket.label || ""
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.huge
                font.bold: true
            }
            Text {
                objectName: "ticketService"
                anchors.horizontalCenter: parent.horizontalCenter
                text: (root.english ? root.ticket.serviceEn : root.ticket.serviceZh) || ""
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
                font.bold: true
            }
            Text {
                objectName: "ticketAhead"
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.ticket.peopleAhead === 0 ? qsTr("You are next")
                                                     : qsTr("%n people ahead of you", "", root.ticket.peopleAhead || 0) + "  ·  "
                                                       // as the printed ticket says it
                                                       + ((root.ticket.waitMinutes || 0) > 0 ? qsTr("about %n min", "", root.ticket.waitMinutes)
                                                                                             : qsTr("called soon"))
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.body
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.ticket.issuedAt || ""
                color: Theme.mutedText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
            }
        }
    }

    Rectangle {
        id: status
        objectName: "printStatus"
        anchors.top: card.bottom
        anchors.topMargin: 30
        anchors.horizontalCenter: parent.horizontalCenter
        width: 1500
        height: statusText.implicitHeight + 40
        radius: Theme.radius
        color: root.failed ? Theme.danger : root.kiosk.printState === "printed" ? Theme.good : "#2a4f7c"
        Text {
            id: statusText
            objectName: "printStatusText"
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: "white"
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            font.bold: true
            text: root.kiosk.printState === "printing" ? qsTr("Printing your ticket…")
                : root.kiosk.printState === "printed" ? qsTr("Please take your ticket below")
                : root.kiosk.printState === "noPrinter" ? qsTr("Please note your number: %1").arg(root.ticket.label || "")
                : qsTr("The ticket could not be printed. Your number %1 is valid: please note it down and wait for the call.").arg(root.ticket.label || "")
        }
    }

    BigButton {
        objectName: "doneButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        visible: root.kiosk.printState !== "printing"
        text: qsTr("Done") + "  (" + root.kiosk.secondsLeft + ")"
        onClicked: root.kiosk.goHome()
    }
}
