import QtQuick
import Hall.Controls
import Hall.Pad
import "PadColors.js" as PadColors

// After the visitor was served: two (满意 / 不满意) or five huge buttons, green to red, each with
// a face and its name in Chinese and English. One tap is the vote.
Item {
    id: root
    objectName: "ratingPage"
    required property QtObject pad
    readonly property var options: pad.options
    readonly property bool five: options.length > 2

    Column {
        id: heading
        anchors.horizontalCenter: parent.horizontalCenter
        y: 24
        spacing: 2
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "请您对本次服务进行评价"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 56
            font.bold: true
        }
        Text {
            objectName: "servedBy"
            anchors.horizontalCenter: parent.horizontalCenter
            text: "Please rate our service" + (root.pad.clerk.name ? "  ·  " + root.pad.clerk.name + "  警号 " + root.pad.clerk.badge : "")
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 30
        }
    }

    Row {
        id: buttons
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: heading.bottom
        anchors.topMargin: 28
        spacing: root.five ? 18 : 48
        Repeater {
            model: root.options
            Rectangle {
                id: button
                required property var modelData
                objectName: "rate_" + modelData.value
                width: root.five ? 226 : 520
                height: root.five ? 430 : 420
                radius: 28
                color: area.pressed ? Qt.darker(PadColors.level(modelData.level), 1.3) : PadColors.level(modelData.level)
                border.color: "white"
                border.width: area.pressed ? 8 : 0
                opacity: root.pad.busy ? 0.6 : 1

                Face {
                    anchors.horizontalCenter: parent.horizontalCenter
                    y: root.five ? 52 : 40
                    width: root.five ? 156 : 190
                    height: width
                    level: button.modelData.level
                }
                Text {
                    id: zh
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottom: en.top
                    anchors.bottomMargin: 4
                    width: parent.width - 16
                    horizontalAlignment: Text.AlignHCenter
                    text: button.modelData.zh
                    color: "white"
                    font.family: Theme.fontFamily
                    font.pixelSize: root.five ? 46 : 80
                    font.bold: true
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 30
                }
                Text {
                    id: en
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottom: parent.bottom
                    anchors.bottomMargin: root.five ? 28 : 40
                    width: parent.width - 16
                    horizontalAlignment: Text.AlignHCenter
                    text: button.modelData.en
                    color: "white"
                    font.family: Theme.fontFamily
                    font.pixelSize: root.five ? 28 : 40
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 20
                }
                MouseArea {
                    id: area
                    anchors.fill: parent
                    enabled: !root.pad.busy
                    onClicked: root.pad.press(button.modelData.value)
                }
            }
        }
    }

    Text {
        objectName: "ratingCountdown"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 22
        text: root.pad.busy ? "正在提交… Sending…"
                            : "请在 " + root.pad.secondsLeft + " 秒内评价  ·  " + root.pad.secondsLeft + " s left to rate"
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 30
    }
}
