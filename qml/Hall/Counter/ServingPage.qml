import QtQuick
import Hall.Controls

// The clerk at work: the visitor at the window, the rating of the last one, the actions with
// their keys on the left; the clerk's own figures and the waiting line on the right.
Item {
    id: root
    objectName: "servingPage"
    required property QtObject counter
    property bool english: false
    signal transferRequested()

    readonly property bool hasVisitor: counter.current.ticketId > 0
    readonly property bool paused: counter.state === "paused"
    readonly property string rating: counter.lastRating.state

    function ratingName(value) {
        switch (value) {
        case "very_satisfied": return qsTr("very satisfied")
        case "satisfied": return qsTr("satisfied")
        case "basically_satisfied": return qsTr("basically satisfied")
        case "unsatisfied": return qsTr("unsatisfied")
        case "very_unsatisfied": return qsTr("very unsatisfied")
        default: return value
        }
    }

    Item {
        id: left
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: 32
        width: 1150

        VisitorCard {
            id: card
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.bottom: ratingLine.top
            anchors.bottomMargin: 18
            counter: root.counter
            english: root.english
        }

        Rectangle {
            id: ratingLine
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: actions.top
            anchors.bottomMargin: 18
            height: 68
            radius: 12
            color: root.rating === "open" ? "#1d4f86" : "#133a66"
            border.color: root.rating === "open" ? Theme.warning : "transparent"
            border.width: 2
            Text {
                objectName: "ratingStatus"
                anchors.left: parent.left
                anchors.leftMargin: 24
                anchors.right: parent.right
                anchors.rightMargin: 24
                anchors.verticalCenter: parent.verticalCenter
                elide: Text.ElideRight
                font.family: Theme.fontFamily
                font.pixelSize: 30
                color: root.rating === "rated" ? "#8fe3b0" : root.rating === "open" ? Theme.warning : Theme.textOnDarkMuted
                text: {
                    var r = root.counter.lastRating
                    switch (r.state) {
                    case "open": return qsTr("Rating: %1 may rate now (%2 s left)").arg(r.label).arg(r.secondsLeft)
                    case "rated": return r.rating !== "" ? qsTr("Rating: %1 rated (%2)").arg(r.label).arg(root.ratingName(r.rating))
                                                         : qsTr("Rating: %1 rated").arg(r.label)
                    case "closed": return qsTr("Rating: %1 did not rate").arg(r.label)
                    default: return qsTr("Rating: nobody to rate yet")
                    }
                }
            }
        }

        Grid {
            id: actions
            objectName: "actionBar"
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            columns: 3
            spacing: 16
            readonly property int cellWidth: (left.width - 2 * spacing) / 3

            ActionButton {
                objectName: "action_callNext"
                width: actions.cellWidth
                keyText: "F1"
                text: qsTr("Call next")
                available: !root.hasVisitor && !root.paused
                baseColor: Theme.good
                onClicked: root.counter.callNext()
            }
            ActionButton {
                objectName: "action_recall"
                width: actions.cellWidth
                keyText: "F2"
                text: qsTr("Recall")
                available: root.hasVisitor && root.counter.current.status === "called"
                onClicked: root.counter.recall()
            }
            ActionButton {
                objectName: "action_start"
                width: actions.cellWidth
                keyText: "F3"
                text: qsTr("Start")
                available: root.hasVisitor && root.counter.current.status === "called"
                onClicked: root.counter.start()
            }
            ActionButton {
                objectName: "action_finish"
                width: actions.cellWidth
                keyText: "F4"
                text: qsTr("Finish")
                available: root.hasVisitor
                baseColor: Theme.good
                onClicked: root.counter.finish()
            }
            ActionButton {
                objectName: "action_noShow"
                width: actions.cellWidth
                keyText: "F5"
                text: qsTr("No-show")
                available: root.hasVisitor && root.counter.current.status === "called"
                onClicked: root.counter.noShow()
            }
            ActionButton {
                objectName: "action_transfer"
                width: actions.cellWidth
                keyText: "F6"
                text: qsTr("Transfer")
                available: root.hasVisitor
                onClicked: root.transferRequested()
            }
            ActionButton {
                objectName: "action_requestRating"
                width: actions.cellWidth
                keyText: "F7"
                text: qsTr("Please rate")
                available: root.hasVisitor || root.rating === "open"
                onClicked: root.counter.requestRating()
            }
            ActionButton {
                objectName: "action_pause"
                width: actions.cellWidth
                keyText: "F8"
                text: root.paused ? qsTr("Resume") : qsTr("Pause")
                baseColor: root.paused ? Theme.good : "#8a6d1a"
                onClicked: root.counter.togglePause()
            }
            ActionButton {
                objectName: "action_signOut"
                width: actions.cellWidth
                keyText: "Ctrl+Q"
                text: qsTr("Sign out")
                available: !root.hasVisitor
                baseColor: "#5a6b82"
                onClicked: root.counter.signOut()
            }
        }
    }

    StatsPanel {
        id: stats
        anchors.left: left.right
        anchors.leftMargin: 32
        anchors.right: parent.right
        anchors.rightMargin: 32
        anchors.top: parent.top
        anchors.topMargin: 32
        counter: root.counter
    }

    WaitingList {
        anchors.left: stats.left
        anchors.right: stats.right
        anchors.top: stats.bottom
        anchors.topMargin: 24
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 32
        counter: root.counter
        english: root.english
    }
}
