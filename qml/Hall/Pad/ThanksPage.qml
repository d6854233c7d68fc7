import QtQuick
import Hall.Controls
import Hall.Pad

// The vote was recorded by the server (only then is this page shown).
Item {
    id: root
    objectName: "thanksPage"
    required property QtObject pad
    readonly property bool unhappy: pad.chosen === "unsatisfied" || pad.chosen === "very_unsatisfied"

    Column {
        anchors.centerIn: parent
        anchors.verticalCenterOffset: -10
        spacing: 22
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 190
            height: 190
            radius: 95
            color: Theme.good
            border.color: "white"
            border.width: 6
            Canvas {
                anchors.fill: parent
                onPaint: {
                    var ctx = getContext("2d")
                    ctx.reset()
                    ctx.strokeStyle = "white"
                    ctx.lineWidth = 18
                    ctx.lineCap = "round"
                    ctx.lineJoin = "round"
                    ctx.beginPath()
                    ctx.moveTo(width * 0.27, height * 0.52)
                    ctx.lineTo(width * 0.44, height * 0.69)
                    ctx.lineTo(width * 0.74, height * 0.35)
                    ctx.stroke()
                }
            }
        }
        Text {
            objectName: "thanksText"
            anchors.horizontalCenter: parent.horizontalCenter
            text: "谢谢您的评价"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 96
            font.bold: true
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "Thank you for your rating"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 48
        }
        Text {
            objectName: "thanksFollowUp"
            anchors.horizontalCenter: parent.horizontalCenter
            horizontalAlignment: Text.AlignHCenter
            text: root.unhappy ? "我们会认真回访、及时整改\nWe will follow up and put it right"
                               : "欢迎再次监督我们的工作\nYour opinion keeps our service honest"
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 32
            lineHeight: 1.15
        }
    }
}
