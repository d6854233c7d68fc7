import QtQuick
import Hall.Controls
import Hall.Pad

// The server did not take the vote: said kindly, in both languages, then back to the clerk's page.
Item {
    id: root
    objectName: "noticePage"
    required property QtObject pad
    readonly property var texts: ({
        "already_rated": ["本次服务已评价，谢谢您", "This visit has been rated already. Thank you!"],
        "rating_closed": ["评价时间已过，谢谢您", "The time to rate this visit has ended. Thank you!"],
        "nothing_to_rate": ["当前没有需要评价的服务", "There is no visit to rate just now."],
        "ticket_not_at_window": ["评价已转给下一位办事群众", "The rating has moved on to the next visitor."],
        "unreachable": ["网络繁忙，评价未能提交", "Your rating could not be sent. Please tell the staff."],
        "unknown_operation": ["评价功能尚未开通", "Rating is not switched on at this hall yet."]
    })
    readonly property var text: texts[pad.notice] || ["评价未能提交，请联系工作人员", "Your rating could not be recorded. Please tell the staff."]

    Column {
        anchors.centerIn: parent
        width: 1100
        spacing: 30
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 150
            height: 150
            radius: 75
            color: Theme.warning
            Text {
                anchors.centerIn: parent
                text: "i"
                color: Theme.warningText
                font.family: Theme.fontFamily
                font.pixelSize: 110
                font.bold: true
            }
        }
        Text {
            objectName: "noticeText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: root.text[0]
            color: Theme.textOnDark
            font.family: Theme.fontFamily
            font.pixelSize: 64
            font.bold: true
        }
        Text {
            objectName: "noticeTextEn"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: root.text[1]
            color: Theme.textOnDarkMuted
            font.family: Theme.fontFamily
            font.pixelSize: 40
        }
    }
}
