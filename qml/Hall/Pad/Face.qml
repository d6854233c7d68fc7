import QtQuick

// A face in white line art for a rating button: level 0 (a broad smile) to 4 (a deep frown).
Canvas {
    id: root
    property int level: 0
    property color ink: "white"
    onLevelChanged: requestPaint()
    onInkChanged: requestPaint()

    onPaint: {
        var ctx = getContext("2d")
        ctx.reset()
        var s = Math.min(width, height)
        var cx = width / 2, cy = height / 2
        var r = s / 2 - s * 0.05
        ctx.lineWidth = s * 0.07
        ctx.strokeStyle = root.ink
        ctx.fillStyle = root.ink
        ctx.lineCap = "round"
        ctx.beginPath()
        ctx.arc(cx, cy, r, 0, 2 * Math.PI)
        ctx.stroke()
        // eyes
        var ey = cy - r * 0.28, ex = r * 0.36, er = s * 0.065
        for (var side = -1; side <= 1; side += 2) {
            ctx.beginPath()
            ctx.arc(cx + side * ex, ey, er, 0, 2 * Math.PI)
            ctx.fill()
        }
        // mouth: the control point below the corners smiles, above frowns
        var bend = [0.5, 0.28, 0.06, -0.26, -0.45][Math.max(0, Math.min(4, root.level))]
        var my = cy + r * (bend >= 0 ? 0.25 : 0.5)
        var mx = r * 0.5
        ctx.beginPath()
        ctx.moveTo(cx - mx, my)
        ctx.quadraticCurveTo(cx, my + r * bend * 1.4, cx + mx, my)
        ctx.stroke()
    }
}
