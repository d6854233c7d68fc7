import QtQuick
import Hall.Controls

// Each service's queue: how many wait, the longest and the average wait today, served and
// no-shows. A service whose longest wait is above its norm turns its row amber.
Rectangle {
    id: root
    property alias model: rows.model
    property var minutes
    readonly property var widths: [310, 120, 190, 190, 150, 130]
    radius: Theme.radius
    color: Theme.backgroundDeep
    clip: true

    Row {
        id: head
        x: 20
        height: 56
        Repeater {
            model: ["业务 Service", "等候", "最长等候", "平均等候", "已办结", "未到"]
            delegate: Text {
                required property int index
                required property string modelData
                width: root.widths[index]
                height: 56
                verticalAlignment: Text.AlignVCenter
                horizontalAlignment: index === 0 ? Text.AlignLeft : Text.AlignRight
                text: modelData
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 30
                font.bold: true
            }
        }
    }

    Column {
        anchors.top: head.bottom
        width: parent.width
        Repeater {
            id: rows
            delegate: Rectangle {
                required property int index
                required property string code
                required property string prefix
                required property string nameZh
                required property int waiting
                required property int longestWaitSeconds
                required property int averageWaitSeconds
                required property int servedToday
                required property int noShowsToday
                required property bool aboveNorm
                objectName: "service-" + code
                width: root.width
                height: 52
                color: aboveNorm ? "#5c4300" : (index % 2 ? "transparent" : "#0b2542")
                Row {
                    x: 20
                    height: parent.height
                    Text {
                        width: root.widths[0]
                        height: parent.height
                        verticalAlignment: Text.AlignVCenter
                        text: prefix + "  " + nameZh
                        color: "white"
                        font.family: Theme.fontFamily
                        font.pixelSize: 36
                        elide: Text.ElideRight
                    }
                    Repeater {
                        model: [String(waiting), waiting ? root.minutes(longestWaitSeconds) : "—", root.minutes(averageWaitSeconds),
                                String(servedToday), String(noShowsToday)]
                        delegate: Text {
                            required property int index
                            required property string modelData
                            width: root.widths[index + 1]
                            height: 52
                            verticalAlignment: Text.AlignVCenter
                            horizontalAlignment: Text.AlignRight
                            text: modelData
                            color: index === 1 && aboveNorm ? Theme.warning : "white"
                            font.family: Theme.fontFamily
                            font.pixelSize: 36
                            font.bold: index <= 1
                        }
                    }
                }
            }
        }
    }
}
