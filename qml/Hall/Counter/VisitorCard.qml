import QtQuick
import Hall.Controls

// The visitor at the window: the number in large type, the service, where things stand and for
// how long (on the server's clock), and how often they were called.
Rectangle {
    id: root
    objectName: "visitorCard"
    required property QtObject counter
    property bool english: false
    readonly property var visitor: counter.current
    readonly property bool present: visitor.ticketId > 0

    radius: Theme.radius
    color: Theme.surface

    function mmss(seconds) {
        var m = Math.floor(seconds / 60)
        var s = seconds % 60
        return (m < 10 ? "0" + m : "" + m) + ":" + (s < 10 ? "0" + s : "" + s)
    }

    Text {
        id: caption
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 28
        text: qsTr("Current visitor")
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: 30
    }

    // Nobody at the window.
    Column {
        anchors.centerIn: parent
        visible: !root.present
        spacing: 20
        Text {
            objectName: "noVisitorText"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("No visitor at the window")
            color: Theme.surfaceText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.counter.state === "paused" ? qsTr("The window is paused. F8 resumes.")
                : root.counter.waitingCount > 0 ? qsTr("%n waiting. F1 calls the next one.", "", root.counter.waitingCount)
                : qsTr("Nobody is waiting.")
            color: Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
        }
    }

    Text {
        id: label
        objectName: "currentLabel"
        visible: root.present
        anchors.left: parent.left
        anchors.leftMargin: 44
        anchors.verticalCenter: parent.verticalCenter
        anchors.verticalCenterOffset: 14
        text: root.present ? root.visitor.label : ""
        color: Theme.accent
        font.family: Theme.fontFamily
        font.pixelSize: 190
        font.bold: true
    }

    Column {
        visible: root.present
        anchors.left: label.right
        anchors.leftMargin: 48
        anchors.right: parent.right
        anchors.rightMargin: 36
        anchors.verticalCenter: label.verticalCenter
        spacing: 14

        Text {
            objectName: "currentService"
            width: parent.width
            text: root.present ? (root.english ? root.visitor.serviceEn : root.visitor.serviceZh) : ""
            color: Theme.surfaceText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.heading
            font.bold: true
            elide: Text.ElideRight
        }
        Row {
            spacing: 16
            Rectangle {
                objectName: "currentStatus"
                property string text: statusText.text
                width: statusText.implicitWidth + 36
                height: 56
                radius: 28
                color: root.visitor.status === "serving" ? Theme.good : Theme.warning
                Text {
                    id: statusText
                    anchors.centerIn: parent
                    text: root.visitor.status === "serving" ? qsTr("Serving") : qsTr("Called, on the way")
                    color: root.visitor.status === "serving" ? "white" : Theme.warningText
                    font.family: Theme.fontFamily
                    font.pixelSize: 30
                    font.bold: true
                }
            }
            Rectangle {
                visible: root.visitor.priority === "appointment" || root.visitor.priority === "elderly"
                width: priorityText.implicitWidth + 36
                height: 56
                radius: 28
                color: "#e8eef8"
                Text {
                    id: priorityText
                    anchors.centerIn: parent
                    text: root.visitor.priority === "appointment" ? qsTr("Appointment") : qsTr("Elderly / disabled")
                    color: Theme.accent
                    font.family: Theme.fontFamily
                    font.pixelSize: 30
                    font.bold: true
                }
            }
        }
        Text {
            objectName: "elapsedText"
            text: (root.visitor.status === "serving" ? qsTr("Serving for %1") : qsTr("Called %1 ago")).arg(root.mmss(root.counter.elapsedSeconds))
            color: Theme.surfaceText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
        }
        Text {
            objectName: "recallsText"
            visible: root.present && (root.visitor.recalls > 0 || root.visitor.transfers > 0)
            text: {
                var parts = []
                if (root.visitor.recalls > 0)
                    parts.push(qsTr("recalled %n time(s)", "", root.visitor.recalls))
                if (root.visitor.transfers > 0)
                    parts.push(qsTr("transferred %n time(s)", "", root.visitor.transfers))
                return parts.join(" · ")
            }
            color: Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: 30
        }
    }
}
