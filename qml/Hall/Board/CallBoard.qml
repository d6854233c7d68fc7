import QtQuick
import Hall.Controls
import Hall.Board

// The call board, 1920x1080, read from across the hall: the call in very large type on the left,
// the latest calls on the right, every window's state in a strip, and the brigade's safety
// slogans scrolling along the bottom.
Rectangle {
    id: root
    required property QtObject board
    width: 1920
    height: 1080
    color: Theme.background

    BoardHeader {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        board: root.board
    }

    CurrentCall {
        id: current
        objectName: "currentCall"
        anchors.left: parent.left
        anchors.top: header.bottom
        anchors.margins: Theme.margin
        width: 1220
        height: 640
        board: root.board
    }

    RecentCalls {
        objectName: "recentCalls"
        anchors.left: current.right
        anchors.leftMargin: Theme.margin
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.top: current.top
        height: current.height
        model: root.board.recentCalls
    }

    WindowStrip {
        objectName: "windowStrip"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        anchors.top: current.bottom
        anchors.topMargin: 24
        anchors.bottom: ticker.top
        anchors.bottomMargin: 24
        model: root.board.windows
    }

    SloganTicker {
        id: ticker
        objectName: "ticker"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 90
        slogans: root.board.slogans
    }
}
