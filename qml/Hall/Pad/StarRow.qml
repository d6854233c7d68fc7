import QtQuick
import Hall.Controls

// Five stars, filled to `value` in half steps: gold on grey, drawn, so every pad shows the same
// shape whatever fonts it has.
Row {
    id: root
    property real value: 0
    property int size: 64
    spacing: 8

    Repeater {
        model: 5
        Item {
            required property int index
            width: root.size
            height: root.size
            // How much of this star is gold: 0, 0.5 or 1.
            readonly property real fill: Math.max(0, Math.min(1, root.value - index))
            Canvas {
                id: empty
                anchors.fill: parent
                onPaint: {
                    var ctx = getContext("2d")
                    ctx.reset()
                    drawStar(ctx, width, height, "#4f6785")
                }
            }
            Item {
                anchors.left: parent.left
                anchors.top: parent.top
                anchors.bottom: parent.bottom
                width: parent.width * parent.fill
                clip: true
                Canvas {
                    width: root.size
                    height: root.size
                    onPaint: {
                        var ctx = getContext("2d")
                        ctx.reset()
                        drawStar(ctx, width, height, "#ffc53d")
                    }
                }
            }
        }
    }

    function drawStar(ctx, w, h, colour) {
        var cx = w / 2, cy = h / 2 + h * 0.04
        var outer = w * 0.5, inner = outer * 0.45
        ctx.beginPath()
        for (var i = 0; i < 10; ++i) {
            var r = i % 2 === 0 ? outer : inner
            var a = -Math.PI / 2 + i * Math.PI / 5
            var x = cx + r * Math.cos(a), y = cy + r * Math.sin(a)
            if (i === 0)
                ctx.moveTo(x, y)
            else
                ctx.lineTo(x, y)
        }
        ctx.closePath()
        ctx.fillStyle = colour
        ctx.fill()
    }
}
