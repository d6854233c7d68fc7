.pragma library

// Button colours by level, 0 (most satisfied) to 4 (least): green to red, each dark enough for
// white text at arm's length (contrast with white at least 4:1).
var levels = ["#177245", "#3d7f2a", "#9a6400", "#b9460f", "#b71c1c"]

function level(l) {
    return levels[Math.max(0, Math.min(4, l))]
}
