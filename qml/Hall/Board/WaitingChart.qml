import QtQuick
import Hall.Controls

// People waiting over the day, from the opening to now: the morning peak and whether the
// afternoon is catching up. Drawn on a Canvas (QtQuick.Shapes is not installed on the hall PCs).
Rectangle {
    id: root
    property var model
    radius: Theme.radius
    color: Theme.backgroundDeep

    Text {
        id: title
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 16
        text: "今日等候人数 People waiting today" + (root.model && root.model.count ? "   峰值 peak " + root.model.maxWaiting : "")
        color: Theme.textOnDarkMuted
        font.family: Theme.fontFamily
        font.pixelSize: 28
    }

    Canvas {
        id: canvas
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: title.bottom
        anchors.bottom: parent.bottom
        anchors.margins: 16
        anchors.topMargin: 4
        onPaint: {
            var ctx = getContext("2d")
            ctx.reset()
            var m = root.model
            var n = m ? m.count : 0
            var labelH = 30
            var plotH = height - labelH
            var maxY = Math.max(5, m ? m.maxWaiting : 0)
            ctx.strokeStyle = "#2c4a70"
            ctx.lineWidth = 1
            for (var g = 0; g <= 2; ++g) {
                var gy = plotH - plotH * g / 2
                ctx.beginPath(); ctx.moveTo(0, gy); ctx.lineTo(width, gy); ctx.stroke()
            }
            ctx.fillStyle = "#b9c9de"
            ctx.font = "24px 'WenQuanYi Micro Hei'"
            ctx.fillText(String(maxY), 4, 22)
            if (n < 2)
                return
            var step = width / (n - 1)
            ctx.beginPath()
            ctx.moveTo(0, plotH)
            for (var i = 0; i < n; ++i)
                ctx.lineTo(i * step, plotH - plotH * m.get(i).waiting / maxY)
            ctx.lineTo((n - 1) * step, plotH)
            ctx.closePath()
            ctx.fillStyle = "rgba(30, 111, 217, 0.45)"
            ctx.fill()
            ctx.beginPath()
            for (var j = 0; j < n; ++j) {
                var y = plotH - plotH * m.get(j).waiting / maxY
                if (j === 0) ctx.moveTo(0, y); else ctx.lineTo(j * step, y)
            }
            ctx.strokeStyle = "#ffd54f"
            ctx.lineWidth = 4
            ctx.stroke()
            // Hour marks along the bottom, about every two hours so they never crowd.
            ctx.fillStyle = "#b9c9de"
            var lastRight = -1000
            for (var k = 0; k < n; ++k) {
                var lx = Math.min(k * step, width - 70)
                if (lx < lastRight + 40 || m.get(k).time.slice(-2) !== "00" && n > 12)
                    continue
                ctx.fillText(m.get(k).time, lx, height - 4)
                lastRight = lx + 70
            }
        }
    }

    Connections {
        target: root.model
        function onDataChanged() { canvas.requestPaint() }
        function onModelReset() { canvas.requestPaint() }
        function onRowsInserted() { canvas.requestPaint() }
        function onRowsRemoved() { canvas.requestPaint() }
    }
}
