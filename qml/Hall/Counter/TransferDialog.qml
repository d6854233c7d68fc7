import QtQuick
import Hall.Controls

// Transfer the visitor on screen to another service's queue (they keep their place in line) or
// to one window. Keys: 1-9 pick a service, Up/Down move, Left/Right or Tab switch the column,
// Enter transfers, Esc cancels.
Item {
    id: root
    objectName: "transferDialog"
    required property QtObject counter
    property bool english: false
    visible: false
    // The ticket the dialog was opened for: if the visitor changes meanwhile, it closes.
    property real ticketId: 0
    property int column: 0 // 0 services, 1 windows

    function open() {
        ticketId = counter.current.ticketId
        column = 0
        // The first service the visitor is not in already.
        var first = 0
        while (first < counter.services.length - 1 && counter.services[first].isCurrent)
            ++first
        services.currentIndex = first
        windows.currentIndex = 0
        visible = true
        panel.forceActiveFocus()
    }
    function close() {
        visible = false
    }
    function chooseService(code) {
        close()
        counter.transferToService(code)
    }
    function chooseWindow(number) {
        close()
        counter.transferToWindow(number)
    }
    function confirm() {
        if (column === 0 && services.currentIndex >= 0)
            chooseService(counter.services[services.currentIndex].code)
        else if (column === 1 && windows.currentIndex >= 0)
            chooseWindow(counter.windows[windows.currentIndex].number)
    }

    Connections {
        target: root.counter
        function onCurrentChanged() {
            if (root.visible && root.counter.current.ticketId !== root.ticketId)
                root.close()
        }
    }

    Rectangle {
        anchors.fill: parent
        color: "#b0000000"
        MouseArea {
            anchors.fill: parent
            onClicked: root.close()
        }
    }

    Rectangle {
        id: panel
        anchors.centerIn: parent
        width: 1500
        height: 980
        radius: Theme.radius
        color: Theme.surface
        focus: true

        MouseArea { anchors.fill: parent } // a click inside does not close it

        Keys.onPressed: function(event) {
            if (event.key === Qt.Key_Escape) {
                root.close()
            } else if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
                root.confirm()
            } else if (event.key === Qt.Key_Up) {
                var l = root.column === 0 ? services : windows
                l.currentIndex = Math.max(0, l.currentIndex - 1)
            } else if (event.key === Qt.Key_Down) {
                var m = root.column === 0 ? services : windows
                m.currentIndex = Math.min(m.count - 1, m.currentIndex + 1)
            } else if (event.key === Qt.Key_Left || event.key === Qt.Key_Right || event.key === Qt.Key_Tab) {
                root.column = root.column === 0 ? 1 : 0
            } else if (event.key >= Qt.Key_1 && event.key <= Qt.Key_9) {
                var i = event.key - Qt.Key_1
                if (i < root.counter.services.length)
                    root.chooseService(root.counter.services[i].code)
            } else {
                return
            }
            event.accepted = true
        }

        Text {
            id: title
            anchors.left: parent.left
            anchors.top: parent.top
            anchors.margins: 36
            text: qsTr("Transfer %1").arg(root.counter.current.label !== undefined ? root.counter.current.label : "")
            color: Theme.surfaceText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
        }
        Text {
            anchors.right: parent.right
            anchors.rightMargin: 36
            anchors.baseline: title.baseline
            text: qsTr("1-9 service · ↑↓ choose · ←→ column · Enter transfer · Esc cancel")
            color: Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: 24
        }

        Text {
            id: servicesTitle
            anchors.left: parent.left
            anchors.leftMargin: 36
            anchors.top: title.bottom
            anchors.topMargin: 24
            text: qsTr("To a service (keeps the place in line)")
            color: root.column === 0 ? Theme.accent : Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: 30
            font.bold: true
        }
        ListView {
            id: services
            objectName: "transferServices"
            anchors.left: parent.left
            anchors.leftMargin: 36
            anchors.top: servicesTitle.bottom
            anchors.topMargin: 12
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 36
            width: 690
            clip: true
            spacing: 8
            model: root.counter.services
            delegate: Rectangle {
                id: serviceRow
                required property int index
                required property var modelData
                objectName: "transferService_" + modelData.code
                width: services.width
                height: 78
                radius: 12
                color: root.column === 0 && services.currentIndex === index ? "#d6e6fb" : "#f3f6fb"
                border.width: root.column === 0 && services.currentIndex === index ? 3 : 0
                border.color: Theme.accent
                opacity: modelData.isCurrent ? 0.45 : 1
                Text {
                    id: number
                    anchors.left: parent.left
                    anchors.leftMargin: 18
                    anchors.verticalCenter: parent.verticalCenter
                    text: serviceRow.index < 9 ? "" + (serviceRow.index + 1) : ""
                    width: 40
                    color: Theme.accent
                    font.family: Theme.fontFamily
                    font.pixelSize: 34
                    font.bold: true
                }
                Text {
                    anchors.left: number.right
                    anchors.leftMargin: 8
                    anchors.right: count.left
                    anchors.verticalCenter: parent.verticalCenter
                    text: serviceRow.modelData.prefix + "  " + (root.english ? serviceRow.modelData.nameEn : serviceRow.modelData.nameZh)
                          + (serviceRow.modelData.isCurrent ? "  " + qsTr("(now)") : "")
                    elide: Text.ElideRight
                    color: Theme.surfaceText
                    font.family: Theme.fontFamily
                    font.pixelSize: 34
                }
                Text {
                    id: count
                    anchors.right: parent.right
                    anchors.rightMargin: 18
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("%n waiting", "", serviceRow.modelData.waiting)
                    color: Theme.mutedText
                    font.family: Theme.fontFamily
                    font.pixelSize: 26
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: root.chooseService(serviceRow.modelData.code)
                }
            }
        }

        Text {
            id: windowsTitle
            anchors.left: services.right
            anchors.leftMargin: 48
            anchors.top: servicesTitle.top
            text: qsTr("To a window")
            color: root.column === 1 ? Theme.accent : Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: 30
            font.bold: true
        }
        ListView {
            id: windows
            objectName: "transferWindows"
            anchors.left: windowsTitle.left
            anchors.right: parent.right
            anchors.rightMargin: 36
            anchors.top: services.top
            anchors.bottom: services.bottom
            clip: true
            model: root.counter.windows
            spacing: 6
            delegate: Rectangle {
                id: windowRow
                required property int index
                required property var modelData
                objectName: "transferWindow_" + modelData.number
                width: windows.width
                height: 58
                radius: 12
                color: root.column === 1 && windows.currentIndex === index ? "#d6e6fb" : "#f3f6fb"
                border.width: root.column === 1 && windows.currentIndex === index ? 3 : 0
                border.color: Theme.accent
                Text {
                    id: windowName
                    anchors.left: parent.left
                    anchors.leftMargin: 18
                    anchors.verticalCenter: parent.verticalCenter
                    width: 150
                    text: windowRow.modelData.name
                    color: Theme.surfaceText
                    font.family: Theme.fontFamily
                    font.pixelSize: 30
                    font.bold: true
                }
                Text {
                    anchors.left: windowName.right
                    anchors.right: windowState.left
                    anchors.rightMargin: 8
                    anchors.verticalCenter: parent.verticalCenter
                    text: windowRow.modelData.services
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.family: Theme.fontFamily
                    font.pixelSize: 24
                }
                Text {
                    id: windowState
                    anchors.right: parent.right
                    anchors.rightMargin: 18
                    anchors.verticalCenter: parent.verticalCenter
                    text: !windowRow.modelData.open ? qsTr("closed") : windowRow.modelData.paused ? qsTr("paused") : qsTr("open")
                    color: windowRow.modelData.open && !windowRow.modelData.paused ? Theme.good : Theme.mutedText
                    font.family: Theme.fontFamily
                    font.pixelSize: 24
                    font.bold: true
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: root.chooseWindow(windowRow.modelData.number)
                }
            }
        }
    }
}
