pragma Singleton
import QtQuick

// One palette and one type scale for every hall screen, sized for a 1920x1080 panel read from
// two metres: body text is at least 34 px (about 8 mm on a 21.5" screen).
QtObject {
    readonly property color background: "#0d2b4e"   // police blue, dark enough for white text
    readonly property color backgroundDeep: "#081d36"
    readonly property color surface: "#ffffff"
    readonly property color surfaceText: "#10243d"
    readonly property color mutedText: "#4a5d75"
    readonly property color textOnDark: "#ffffff"
    readonly property color textOnDarkMuted: "#b9c9de"
    readonly property color accent: "#1e6fd9"
    readonly property color accentPressed: "#1558b0"
    readonly property color good: "#1f8a4c"
    readonly property color warning: "#f2a900"
    readonly property color warningText: "#3a2a00"
    readonly property color danger: "#c62828"

    readonly property string fontFamily: "WenQuanYi Micro Hei"
    readonly property int huge: 220      // the visitor's number
    readonly property int title: 64
    readonly property int heading: 52
    readonly property int body: 40
    readonly property int small: 34

    readonly property int radius: 18
    readonly property int margin: 40
    // 20 mm on a 21.5" 1920x1080 panel (0.248 mm per pixel)
    readonly property int minTouch: 81
}
