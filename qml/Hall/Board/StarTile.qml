import QtQuick
import Hall.Controls

// This week's service star (本周服务明星): the clerk ranked first by the week's votes.
Rectangle {
    id: root
    property var star: ({})
    property int minVotes: 0
    radius: Theme.radius
    color: "#3a2f05"
    border.color: "#ffd54f"
    border.width: 3

    Text {
        id: starGlyph
        anchors.left: parent.left
        anchors.leftMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        text: "★"
        color: "#ffd54f"
        font.pixelSize: 110
    }
    Column {
        anchors.left: starGlyph.right
        anchors.leftMargin: 24
        anchors.right: parent.right
        anchors.rightMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        spacing: 4
        Text {
            text: "本周服务之星 Service star" + (root.star.week ? "  " + root.star.week : "")
            color: "#ffe9a8"
            font.family: Theme.fontFamily
            font.pixelSize: 28
        }
        Text {
            objectName: "starName"
            text: root.star.available ? root.star.name + "  " + root.star.badge : "暂未评出"
            color: "white"
            font.family: Theme.fontFamily
            font.pixelSize: 52
            font.bold: true
        }
        Text {
            text: root.star.available
                  ? "满意 " + root.star.percent + "% · " + root.star.rated + " 票" + (root.star.window ? " · 今在" + root.star.window + "号窗口" : "")
                  : "至少需要 " + root.minVotes + " 票 · Not enough votes yet"
            color: "#ffe9a8"
            font.family: Theme.fontFamily
            font.pixelSize: 30
        }
    }
}
