import QtQuick
import Hall.Controls

// Who this window would call next, in calling order: visitors transferred here first, then the
// window's services in its order of preference.
Rectangle {
    id: root
    objectName: "waitingPanel"
    required property QtObject counter
    property bool english: false

    radius: Theme.radius
    color: Theme.surface
    clip: true

    function priorityName(p) {
        return p === "appointment" ? qsTr("Appt.") : p === "elderly" ? qsTr("Priority") : ""
    }

    Text {
        id: title
        objectName: "waitingCount"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 24
        text: root.counter.waitingCount === 0 ? qsTr("Nobody waiting") : qsTr("%n waiting", "", root.counter.waitingCount)
        color: Theme.surfaceText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
    }
    Text {
        anchors.right: parent.right
        anchors.baseline: title.baseline
        anchors.rightMargin: 24
        text: qsTr("next in line first")
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: 22
    }

    ListView {
        id: list
        objectName: "waitingList"
        anchors.top: title.bottom
        anchors.topMargin: 12
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 12
        model: root.counter.waiting
        interactive: contentHeight > height
        delegate: Rectangle {
            id: row
            required property int index
            required property string label
            required property string serviceZh
            required property string serviceEn
            required property string priority
            required property int waitedMinutes
            required property bool toThisWindow
            objectName: "waiting_" + label
            width: list.width
            height: 70
            color: index === 0 ? "#e3f3ea" : index % 2 ? "#f3f6fb" : "white"

            Text {
                id: rowLabel
                anchors.left: parent.left
                anchors.leftMargin: 24
                anchors.verticalCenter: parent.verticalCenter
                width: 130
                text: row.label
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: 38
                font.bold: true
            }
            Text {
                anchors.left: rowLabel.right
                anchors.leftMargin: 12
                anchors.right: tags.left
                anchors.rightMargin: 12
                anchors.verticalCenter: parent.verticalCenter
                text: root.english ? row.serviceEn : row.serviceZh
                elide: Text.ElideRight
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: 30
            }
            Row {
                id: tags
                anchors.right: waited.left
                anchors.rightMargin: 12
                anchors.verticalCenter: parent.verticalCenter
                spacing: 8
                Repeater {
                    model: [row.toThisWindow ? qsTr("To this window") : "", root.priorityName(row.priority)].filter(function(t) { return t !== "" })
                    delegate: Rectangle {
                        required property string modelData
                        width: tagText.implicitWidth + 20
                        height: 38
                        radius: 8
                        color: "#fff1cc"
                        Text {
                            id: tagText
                            anchors.centerIn: parent
                            text: parent.modelData
                            color: Theme.warningText
                            font.family: Theme.fontFamily
                            font.pixelSize: 22
                            font.bold: true
                        }
                    }
                }
            }
            Text {
                id: waited
                anchors.right: parent.right
                anchors.rightMargin: 24
                anchors.verticalCenter: parent.verticalCenter
                width: 130
                horizontalAlignment: Text.AlignRight
                text: row.waitedMinutes < 1 ? qsTr("just now") : qsTr("%n min", "", row.waitedMinutes)
                color: Theme.mutedText
                font.family: Theme.fontFamily
                font.pixelSize: 28
            }
        }
    }
}
