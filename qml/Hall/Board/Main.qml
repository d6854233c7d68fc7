import QtQuick
import QtQuick.Window
import Hall.Board

Window {
    id: window
    required property QtObject board
    property bool managerMode: false
    // The manager's figures (hall-board --manager); null on a call board.
    property QtObject manager: null
    width: 1920
    height: 1080
    visible: true
    title: "hall-board"
    color: "black"

    Loader {
        anchors.centerIn: parent
        width: 1920
        height: 1080
        // A panel of another size shows the same board scaled, not a different layout.
        scale: Math.min(window.width / width, window.height / height)
        sourceComponent: window.managerMode ? managerScreen : callBoard
    }
    Component {
        id: callBoard
        CallBoard { board: window.board }
    }
    Component {
        id: managerScreen
        ManagerScreen {
            board: window.board
            manager: window.manager
        }
    }
}
