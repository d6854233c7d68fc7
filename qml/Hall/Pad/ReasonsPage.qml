import QtQuick
import Hall.Controls
import Hall.Pad
import "PadColors.js" as PadColors

// After an unsatisfied tap: what went wrong, as large toggle chips. The tap already was the vote;
// 提交 sends it with the chips, 跳过 without, and so does the countdown, before the vote closes.
Item {
    id: root
    objectName: "reasonsPage"
    required property QtObject pad
    readonly property var chosenOption: {
        for (var i = 0; i < pad.options.length; ++i)
            if (pad.options[i].value === pad.chosen)
                return pad.options[i]
        return { zh: "", en: "", level: 4 }
    }

    Row {
        id: heading
        anchors.horizontalCenter: parent.horizontalCenter
        y: 22
        spacing: 24
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 96
            height: 96
            radius: 48
            color: PadColors.level(root.chosenOption.level)
            Face {
                anchors.centerIn: parent
                width: 72
                height: 72
                level: root.chosenOption.level
            }
        }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            Text {
                text: "哪里让您不满意？（可多选）"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 52
                font.bold: true
            }
            Text {
                objectName: "reasonsChosen"
                text: "您的评价：" + root.chosenOption.zh + "  ·  What went wrong? Choose any (" + root.chosenOption.en + ")"
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 26
            }
        }
    }

    Grid {
        id: chips
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: heading.bottom
        anchors.topMargin: 26
        columns: 3
        columnSpacing: 20
        rowSpacing: 18
        Repeater {
            model: root.pad.reasons
            Rectangle {
                id: chip
                required property var modelData
                readonly property bool selected: root.pad.selectedReasons.indexOf(modelData.code) >= 0
                objectName: "reason_" + modelData.code
                width: 372
                height: root.pad.reasons.length > 9 ? 76 : 104
                radius: height / 2
                color: selected ? "#ffc53d" : Theme.surface
                border.color: selected ? "white" : "#9fb3cc"
                border.width: selected ? 5 : 2
                Row {
                    anchors.centerIn: parent
                    spacing: 14
                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: 40
                        height: 40
                        radius: 8
                        color: chip.selected ? Theme.surfaceText : "transparent"
                        border.color: Theme.surfaceText
                        border.width: 3
                        Text {
                            anchors.centerIn: parent
                            visible: chip.selected
                            text: "✓"
                            color: "#ffc53d"
                            font.pixelSize: 32
                            font.bold: true
                        }
                    }
                    Column {
                        anchors.verticalCenter: parent.verticalCenter
                        Text {
                            text: chip.modelData.zh
                            color: Theme.surfaceText
                            font.family: Theme.fontFamily
                            font.pixelSize: 36
                            font.bold: true
                        }
                        Text {
                            text: chip.modelData.en
                            color: Theme.mutedText
                            font.family: Theme.fontFamily
                            font.pixelSize: 22
                        }
                    }
                }
                MouseArea {
                    anchors.fill: parent
                    enabled: !root.pad.busy
                    onClicked: root.pad.toggleReason(chip.modelData.code)
                }
            }
        }
    }

    Row {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: countdown.top
        anchors.bottomMargin: 14
        spacing: 40
        BigButton {
            objectName: "skipReasons"
            width: 360
            height: 104
            baseColor: "#2a4f7c"
            fontSize: 40
            text: "跳过  Skip"
            opacity: root.pad.busy ? 0.6 : 1
            onClicked: if (!root.pad.busy) root.pad.skipReasons()
        }
        BigButton {
            objectName: "submitReasons"
            width: 460
            height: 104
            baseColor: Theme.accent
            fontSize: 44
            text: "提交  Submit"
            opacity: root.pad.busy ? 0.6 : 1
            onClicked: if (!root.pad.busy) root.pad.submitReasons()
        }
    }

    Text {
        id: countdown
        objectName: "reasonsCountdown"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 16
        text: root.pad.busy ? "正在提交… Sending…"
                            : root.pad.secondsLeft + " 秒后自动提交  ·  Sent automatically in " + root.pad.secondsLeft + " s"
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 28
    }
}
