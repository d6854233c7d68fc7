import QtQuick
import Hall.Controls

// The call being made, in type large enough to read from the far end of the hall. A new call
// flashes the card; a recall flashes it longer, in amber, with a "再次呼叫" badge, because the
// visitor it is for has already missed it once. With nobody called for a while the card shows the
// welcome and one slogan at a time instead.
Rectangle {
    id: root
    required property QtObject board
    readonly property bool showingCall: board.hasCall && !board.idle
    // True while the card flashes (tests read it).
    readonly property bool flashing: flash.running
    property int sloganIndex: 0

    radius: Theme.radius * 2
    color: Theme.backgroundDeep
    border.color: showingCall ? "#ffd54f" : Theme.accent
    border.width: 6
    clip: true

    Rectangle {
        id: flashLayer
        anchors.fill: parent
        radius: parent.radius
        color: root.board.currentRecall ? Theme.warning : "#ffffff"
        opacity: 0
    }

    SequentialAnimation {
        id: flash
        loops: root.board.currentRecall ? 5 : 3
        NumberAnimation { target: flashLayer; property: "opacity"; from: 0; to: root.board.currentRecall ? 0.85 : 0.55; duration: 220 }
        NumberAnimation { target: flashLayer; property: "opacity"; to: 0; duration: 380 }
    }

    Connections {
        target: root.board
        // callSerial moves on every live call, also when the same number is recalled.
        function onCallSerialChanged() {
            flash.restart()
        }
    }

    Column {
        objectName: "callText"
        visible: root.showingCall
        anchors.centerIn: parent
        spacing: 0

        // Read as one sentence: 请 C001 号 / 到 5 号窗口.
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 24
            Text {
                text: "请"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 96
                font.bold: true
                anchors.baseline: bigLabel.baseline
            }
            Text {
                id: bigLabel
                objectName: "bigLabel"
                text: root.board.currentLabel
                color: "#ffd54f"
                font.family: Theme.fontFamily
                font.pixelSize: 290
                font.bold: true
            }
            Text {
                text: "号"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 96
                font.bold: true
                anchors.baseline: bigLabel.baseline
            }
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 16
            Text {
                text: "到"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 96
                font.bold: true
                anchors.baseline: windowNumber.baseline
            }
            Text {
                id: windowNumber
                objectName: "windowNumber"
                text: root.board.currentWindow
                color: "#ffd54f"
                font.family: Theme.fontFamily
                font.pixelSize: 130
                font.bold: true
            }
            Text {
                text: "号窗口"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 96
                font.bold: true
                anchors.baseline: windowNumber.baseline
            }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "Number " + root.board.currentLabel + ", please go to window " + root.board.currentWindow
                  + (root.board.currentServiceZh.length ? "   ·   " + root.board.currentServiceZh : "")
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
        }
    }

    Rectangle {
        objectName: "recallBadge"
        visible: root.showingCall && root.board.currentRecall
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: 28
        width: recallText.implicitWidth + 48
        height: 80
        radius: Theme.radius
        color: Theme.warning
        Text {
            id: recallText
            anchors.centerIn: parent
            text: "再次呼叫 · Recall"
            color: Theme.warningText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            font.bold: true
        }
    }

    Column {
        objectName: "idleText"
        visible: !root.showingCall
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin * 2
        spacing: 40

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "欢迎光临"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 150
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "Welcome · 请取号后留意叫号 · Please take a number and watch for your call"
            wrapMode: Text.WordWrap
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
        }
        Rectangle {
            width: parent.width
            height: 4
            color: Theme.accent
        }
        Text {
            objectName: "idleSlogan"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: root.board.slogans.length ? root.board.slogans[root.sloganIndex % root.board.slogans.length] : ""
            color: "#ffd54f"
            font.family: Theme.fontFamily
            font.pixelSize: 72
            font.bold: true
        }
    }

    Timer {
        interval: 8000
        repeat: true
        running: !root.showingCall && root.board.slogans.length > 1
        onTriggered: root.sloganIndex = (root.sloganIndex + 1) % root.board.slogans.length
    }
}
