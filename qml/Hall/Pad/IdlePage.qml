import QtQuick
import Hall.Controls
import Hall.Pad

// Between visitors: who serves at this window, with photo, name, badge number (警号) and how
// satisfied this week's visitors were.
Item {
    id: root
    objectName: "idlePage"
    required property QtObject pad
    readonly property var clerk: pad.clerk
    readonly property var stars: pad.stars

    Avatar {
        id: avatar
        objectName: "avatar"
        x: 64
        y: 44
        width: 330
        height: 420
        photo: root.clerk.photo || ""
        initials: root.clerk.initials || ""
    }

    Column {
        anchors.left: avatar.right
        anchors.leftMargin: 64
        anchors.right: parent.right
        anchors.rightMargin: 48
        y: 30
        spacing: 10

        Text {
            text: "为您服务 · Serving you"
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 30
        }
        Text {
            objectName: "clerkName"
            width: parent.width
            text: root.clerk.name || ""
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 96
            font.bold: true
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 48
        }
        Row {
            spacing: 16
            Text {
                anchors.baseline: badge.baseline
                text: "警号"
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 40
            }
            Text {
                id: badge
                objectName: "clerkBadge"
                text: root.clerk.badge || ""
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 56
                font.bold: true
            }
            Text {
                anchors.baseline: badge.baseline
                text: "Badge No."
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 28
            }
        }
        Row {
            spacing: 20
            visible: root.stars.available === true && root.stars.votes > 0
            StarRow {
                objectName: "starRow"
                anchors.verticalCenter: parent.verticalCenter
                value: root.stars.stars || 0
                size: 64
            }
            Text {
                objectName: "starValue"
                anchors.verticalCenter: parent.verticalCenter
                text: (root.stars.stars || 0).toFixed(1)
                color: "#ffc53d"
                font.family: Theme.fontFamily
                font.pixelSize: 56
                font.bold: true
            }
        }
        Text {
            objectName: "weekFigures"
            width: parent.width
            wrapMode: Text.WordWrap
            text: root.stars.available !== true ? ""
                : root.stars.votes > 0 ? "本周 " + root.stars.votes + " 次评价，满意 " + root.stars.percent + "%\n"
                                         + "This week: " + root.stars.votes + (root.stars.votes === 1 ? " rating, " : " ratings, ") + root.stars.percent + "% satisfied"
                : "本周暂无评价\nNo ratings yet this week"
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 30
            lineHeight: 1.1
        }
        Rectangle {
            objectName: "serviceStar"
            visible: root.stars.serviceStar === true || root.stars.lastWeekStar === true
            width: starText.implicitWidth + 48
            height: 64
            radius: 32
            color: "#ffc53d"
            Text {
                id: starText
                anchors.centerIn: parent
                text: root.stars.serviceStar === true ? "★ 本周服务明星  Service star of the week"
                                                       : "★ 上周服务明星  Last week's service star"
                color: "#3a2a00"
                font.family: Theme.fontFamily
                font.pixelSize: 30
                font.bold: true
            }
        }
    }

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 96
        color: Theme.backgroundDeep
        Column {
            anchors.centerIn: parent
            spacing: 4
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: "办理完毕后，请为我们的服务评价"
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: 36
                font.bold: true
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: "When you are done, please rate our service on this screen"
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 26
            }
        }
    }
}
