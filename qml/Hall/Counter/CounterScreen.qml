import QtQuick
import Hall.Controls

// The whole clerk screen, 1920x1080: a header with the window, the clerk and the clock, the
// notices (offline, paused, the last refusal), and the sign-in page or the serving page. Every
// action has a key (docs/counter.md): clerks keep a hand on the keyboard.
Rectangle {
    id: root
    required property QtObject counter
    readonly property bool english: counter.language === "en"
    readonly property bool dialogOpen: transferDialog.visible

    width: 1920
    height: 1080
    color: Theme.background

    // What a refusal or notice means for the clerk, by its code (docs/protocol.md section 9).
    function messageText(code, arg) {
        switch (code) {
        case "": return ""
        case "nobody_waiting": return qsTr("Nobody is waiting for this window's services.")
        case "window_paused": return qsTr("The window is paused. Press F8 to resume first.")
        case "visitor_in_progress": return qsTr("A visitor is still at the window: finish, transfer or mark no-show first.")
        case "no_current_ticket": return qsTr("There is no visitor at the window.")
        case "ticket_not_at_window": return qsTr("The screen was out of date: that visitor is no longer at this window. Nothing was changed.")
        case "ticket_already_serving": return qsTr("This visitor is already being served.")
        case "window_not_open": return qsTr("Nobody is signed in at this window.")
        case "window_not_paused": return qsTr("The window is not paused.")
        case "invalid_transfer": return qsTr("The visitor is already there: choose another service or window.")
        case "unknown_service": return qsTr("There is no such service today.")
        case "unknown_window": return qsTr("There is no such window.")
        case "sign_in_failed": return qsTr("Wrong badge number or PIN.")
        case "clerk_locked": return qsTr("This badge is locked after repeated wrong PINs. Try again in 5 minutes.")
        case "too_many_attempts": return qsTr("Too many failed sign-ins at this terminal. Please wait a few minutes.")
        case "window_occupied": return qsTr("Another clerk is signed in at this window.")
        case "clerk_at_other_window": return qsTr("You are signed in at another window. Sign out there first.")
        case "missing_credentials": return qsTr("Enter your badge number and PIN.")
        case "offline": return qsTr("Not connected to the hall server. Try again when it is back.")
        case "unreachable": return qsTr("The hall server did not answer. Please try again.")
        case "already_rated": return qsTr("%1 has already rated.").arg(arg)
        case "nothing_to_rate": return qsTr("There is nobody to ask for a rating.")
        case "unknown_operation": return qsTr("The hall server does not offer this yet.")
        case "forbidden": return qsTr("This terminal may not do that.")
        case "device_revoked": return qsTr("This terminal's key was revoked. Call the administrator.")
        case "internal_error": return qsTr("The hall server could not save that. Please try again.")
        case "transferred": return qsTr("%1 transferred.").arg(arg)
        case "recalled": return qsTr("%1 called again.").arg(arg)
        case "no_show": return qsTr("%1 marked as not shown up.").arg(arg)
        case "rating_requested": return qsTr("%1 has been asked to rate.").arg(arg)
        default: return qsTr("Refused by the hall server (%1).").arg(code)
        }
    }

    function openTransfer() {
        if (root.counter.current.ticketId > 0)
            transferDialog.open()
        else
            root.counter.transferToService("") // refused on the spot: nobody to transfer
    }

    // ---- keys ----------------------------------------------------------------------------
    readonly property bool keysLive: counter.signedIn && !dialogOpen
    Shortcut { sequence: "F1"; enabled: root.keysLive; onActivated: root.counter.callNext() }
    Shortcut { sequence: "F2"; enabled: root.keysLive; onActivated: root.counter.recall() }
    Shortcut { sequence: "F3"; enabled: root.keysLive; onActivated: root.counter.start() }
    Shortcut { sequence: "F4"; enabled: root.keysLive; onActivated: root.counter.finish() }
    Shortcut { sequence: "F5"; enabled: root.keysLive; onActivated: root.counter.noShow() }
    Shortcut { sequence: "F6"; enabled: root.keysLive; onActivated: root.openTransfer() }
    Shortcut { sequence: "F7"; enabled: root.keysLive; onActivated: root.counter.requestRating() }
    Shortcut { sequence: "F8"; enabled: root.keysLive; onActivated: root.counter.togglePause() }
    Shortcut { sequence: "Ctrl+Q"; enabled: root.keysLive; onActivated: root.counter.signOut() }
    Shortcut { sequence: "Esc"; enabled: !root.dialogOpen && root.counter.message !== ""; onActivated: root.counter.clearMessage() }

    // ---- header --------------------------------------------------------------------------
    Rectangle {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        height: 120
        color: Theme.backgroundDeep

        Column {
            anchors.left: parent.left
            anchors.leftMargin: Theme.margin
            anchors.verticalCenter: parent.verticalCenter
            width: 560
            spacing: 2
            Text {
                objectName: "windowName"
                width: parent.width
                text: root.counter.windowName !== "" ? root.counter.windowName : qsTr("Counter")
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
                font.bold: true
                elide: Text.ElideRight
            }
            Text {
                width: parent.width
                text: root.counter.hallName
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 24
                elide: Text.ElideRight
            }
        }

        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.verticalCenter: parent.verticalCenter
            spacing: 24
            visible: root.counter.signedIn
            Text {
                objectName: "clerkName"
                anchors.verticalCenter: parent.verticalCenter
                text: root.counter.clerk.name !== undefined ? root.counter.clerk.name : ""
                color: Theme.textOnDark
                font.family: Theme.fontFamily
                font.pixelSize: Theme.body
                font.bold: true
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("Badge %1").arg(root.counter.clerk.badge !== undefined ? root.counter.clerk.badge : "")
                color: Theme.textOnDarkMuted
                font.family: Theme.fontFamily
                font.pixelSize: 30
            }
            Rectangle {
                objectName: "stateChip"
                anchors.verticalCenter: parent.verticalCenter
                width: chipText.implicitWidth + 36
                height: 54
                radius: 27
                color: root.counter.state === "paused" ? Theme.warning : root.counter.state === "offline" ? Theme.danger : Theme.good
                Text {
                    id: chipText
                    anchors.centerIn: parent
                    text: root.counter.state === "paused" ? qsTr("Paused")
                        : root.counter.state === "offline" ? qsTr("Offline")
                        : qsTr("Open")
                    color: root.counter.state === "paused" ? Theme.warningText : "white"
                    font.family: Theme.fontFamily
                    font.pixelSize: 28
                    font.bold: true
                }
            }
        }

        Row {
            anchors.right: parent.right
            anchors.rightMargin: Theme.margin
            anchors.verticalCenter: parent.verticalCenter
            spacing: 32
            Text {
                objectName: "keypadStatus"
                anchors.verticalCenter: parent.verticalCenter
                visible: root.counter.keypadStatus !== "none"
                text: root.counter.keypadStatus === "ok" ? qsTr("Rating keypad ready")
                    : root.counter.keypadStatus === "unknown" ? qsTr("Rating keypad…")
                    : qsTr("Rating keypad out of order")
                color: root.counter.keypadStatus === "ok" || root.counter.keypadStatus === "unknown" ? Theme.textOnDarkMuted : Theme.warning
                font.family: Theme.fontFamily
                font.pixelSize: 26
            }
            HallClock {
                english: root.english
                offsetMs: root.counter.clockOffsetMs
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }

    // ---- notices -------------------------------------------------------------------------
    Column {
        id: notices
        anchors.top: header.bottom
        spacing: 3 // two amber notices stay two
        anchors.left: parent.left
        anchors.right: parent.right
        Banner {
            objectName: "offlineBanner"
            width: parent.width
            danger: true
            visible: !root.counter.online
            text: qsTr("Not connected to the hall server. The screen shows the last known state; actions wait until it is back.")
        }
        Banner {
            objectName: "pausedBanner"
            width: parent.width
            visible: root.counter.online && root.counter.state === "paused"
            text: qsTr("The window is paused: no visitor is called here. Press F8 to resume.")
        }
        MessageBar {
            id: messageBar
            width: parent.width
            visible: root.counter.message !== ""
            kind: root.counter.messageKind
            text: root.messageText(root.counter.message, root.counter.messageArg)
        }
    }

    // ---- pages ---------------------------------------------------------------------------
    Item {
        id: body
        anchors.top: notices.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom

        SignInPage {
            id: signInPage
            anchors.fill: parent
            visible: !root.counter.signedIn
            counter: root.counter
        }
        ServingPage {
            anchors.fill: parent
            visible: root.counter.signedIn
            counter: root.counter
            english: root.english
            onTransferRequested: root.openTransfer()
        }
    }

    TransferDialog {
        id: transferDialog
        anchors.fill: parent
        counter: root.counter
        english: root.english
    }
}
