import QtQuick
import Hall.Controls

// Sign-in at this window: badge number (警号) and PIN, Enter to sign in. The PIN is cleared
// after every attempt, right or wrong; the badge stays for the next try.
Item {
    id: root
    objectName: "signInPage"
    required property QtObject counter

    function submit() {
        if (root.counter.busy)
            return
        root.counter.signIn(badge.text, pin.text)
        pin.text = ""
        if (badge.text.trim() === "")
            badge.input.forceActiveFocus()
        else
            pin.input.forceActiveFocus()
    }

    onVisibleChanged: {
        if (visible) {
            pin.text = ""
            badge.input.forceActiveFocus()
        }
    }
    Component.onCompleted: if (visible) badge.input.forceActiveFocus()

    Rectangle {
        anchors.centerIn: parent
        width: 980
        height: column.implicitHeight + 2 * 56
        radius: Theme.radius
        color: Theme.surface

        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 2 * 80
            spacing: 28

            Text {
                width: parent.width
                text: root.counter.windowName !== "" ? qsTr("Sign in at %1").arg(root.counter.windowName) : qsTr("Sign in")
                color: Theme.surfaceText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.title
                font.bold: true
            }
            PinField {
                id: badge
                objectName: "badgeField"
                width: parent.width
                label: qsTr("Badge number")
                input.validator: RegularExpressionValidator { regularExpression: /[0-9A-Za-z]{0,16}/ }
                input.KeyNavigation.tab: pin.input
                onAccepted: pin.input.forceActiveFocus()
            }
            PinField {
                id: pin
                objectName: "pinField"
                width: parent.width
                label: qsTr("PIN")
                echoMode: TextInput.Password
                input.validator: RegularExpressionValidator { regularExpression: /[0-9]{0,12}/ }
                input.KeyNavigation.tab: badge.input
                onAccepted: root.submit()
            }
            BigButton {
                objectName: "signInButton"
                width: parent.width
                text: root.counter.state === "signingIn" ? qsTr("Checking…") : qsTr("Sign in  (Enter)")
                baseColor: root.counter.online ? Theme.accent : "#7b8da6"
                onClicked: root.submit()
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Tab moves between the fields. Five wrong PINs lock the badge for 5 minutes.")
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                font.family: Theme.fontFamily
                font.pixelSize: 26
            }
        }
    }
}
