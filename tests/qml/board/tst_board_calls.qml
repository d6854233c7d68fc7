import QtQuick
import QtTest
import Hall.Board

// The call board as the hall sees it. boardController and testHall come from tst_board_qml.cpp:
// a real hall-server stands behind them, and testHall plays the kiosk and the counters (as an
// admin) over the bus. The board goes idle 10 s after the last call.
Item {
    id: top
    width: 1920
    height: 1080

    CallBoard {
        id: screen
        board: boardController
    }

    TestCase {
        name: "CallBoard"
        when: windowShown

        function shot(name) {
            wait(120) // let the scene graph catch up with the last change
            var path = testHall.screenshotPath(name)
            testHall.remove(path)
            grabImage(screen).save(path)
            verify(testHall.exists(path), "screenshot " + path)
        }

        function item(objectName) {
            var t = findChild(screen, objectName)
            verify(t !== null, objectName)
            return t
        }

        // The window tiles are Repeater delegates, which findChild does not reach.
        function tile(number) {
            var stack = [item("windowStrip")]
            while (stack.length) {
                var it = stack.pop()
                if (it.objectName === "window-" + number)
                    return it
                for (var i = 0; i < it.children.length; ++i)
                    stack.push(it.children[i])
            }
            fail("no tile for window " + number)
        }
        function tileText(number) {
            var t = tile(number)
            var stack = [t]
            while (stack.length) {
                var it = stack.pop()
                if (it.objectName === "windowState")
                    return it.text
                for (var i = 0; i < it.children.length; ++i)
                    stack.push(it.children[i])
            }
            return ""
        }

        function test_01_idle_hall_shows_the_welcome_and_slogans() {
            tryCompare(boardController, "synced", true, 15000)
            tryCompare(boardController, "online", true, 5000)
            compare(boardController.hasCall, false)
            verify(boardController.idle)
            verify(item("idleText").visible)
            verify(!item("callText").visible)
            verify(item("idleSlogan").text.length > 0)
            verify(item("tickerText").text.indexOf("严禁农用车违法载人") >= 0, "the campaign's slogans scroll")
            compare(item("hallName").text, "商河县公安局交警大队车管所服务大厅")
            verify(!item("offlineBadge").visible)
            compare(tileText(5), "未开放")
            compare(testHall.announced, 0)
            shot("idle")
        }

        function test_02_a_call_is_shown_large_and_announced() {
            compare(testHall.signIn(5, "371726"), "")
            compare(testHall.signIn(1, "371727"), "")
            compare(testHall.signIn(3, "371728"), "")
            compare(testHall.windowOp("window.pause", 3), "")
            compare(testHall.issue("INSPECT"), "") // C001
            compare(testHall.issue("NEW"), "")     // A001
            compare(testHall.issue("NEW"), "")     // A002
            compare(testHall.windowOp("window.callNext", 1), "") // window 1 serves NEW first
            tryCompare(testHall, "announced", 1, 5000)
            compare(testHall.windowOp("window.callNext", 5), "") // window 5 prefers INSPECT
            tryCompare(testHall, "announced", 2, 5000)
            compare(testHall.announcements(), ["A001@1", "C001@5"])
            compare(boardController.currentLabel, "C001")
            compare(boardController.currentWindow, 5)
            compare(boardController.currentServiceZh, "车辆审验")
            verify(!boardController.idle)
            verify(item("callText").visible)
            verify(!item("idleText").visible)
            compare(item("bigLabel").text, "C001")
            compare(item("windowNumber").text, "5")
            verify(item("currentCall").flashing, "a new call flashes")
            verify(!item("recallBadge").visible)
            var recent = item("recentList")
            compare(recent.count, 2)
            compare(boardController.recentCalls.get(0).label, "C001")
            compare(boardController.recentCalls.get(1).label, "A001")
            compare(tileText(5), "C001")
            compare(tileText(1), "A001")
            compare(tileText(3), "暂停")
            compare(tileText(2), "未开放")
            wait(2000) // the flash is over: the screenshot shows the resting board
            shot("call")
        }

        function test_03_a_recall_flashes_and_is_announced_again() {
            var serial = boardController.callSerial
            compare(testHall.windowOp("window.noShow", 1), "")
            compare(testHall.windowOp("window.callNext", 1), "") // A002 to window 1...
            tryCompare(testHall, "announced", 3, 5000)
            compare(testHall.windowOp("window.recall", 5), "")   // ...then C001 again
            tryCompare(testHall, "announced", 4, 5000)
            compare(testHall.announcements()[3], "C001@5 recall")
            compare(boardController.callSerial, serial + 2)
            compare(boardController.currentLabel, "C001")
            verify(boardController.currentRecall)
            verify(item("recallBadge").visible)
            verify(item("currentCall").flashing)
            compare(boardController.recentCalls.get(0).label, "C001", "a recall moves the number back to the top")
            compare(boardController.recentCalls.get(1).label, "A002")
            compare(boardController.recentCalls.count, 3, "one row per visitor")
            wait(400) // mid-flash: the amber shows
            shot("recall")
        }

        function test_04_the_board_survives_a_server_restart() {
            var before = testHall.announced
            testHall.stopServer()
            tryCompare(boardController, "online", false, 10000)
            verify(item("offlineBadge").visible)
            compare(boardController.currentLabel, "C001", "the last call stays up while the server is away")
            shot("offline")
            verify(testHall.startServer())
            tryCompare(boardController, "online", true, 15000)
            tryCompare(boardController, "synced", true, 15000)
            verify(!item("offlineBadge").visible)
            compare(boardController.currentLabel, "C001")
            compare(testHall.announced, before, "a resync repeats no call")
            verify(!item("currentCall").flashing, "nor flashes the board")
            compare(testHall.issue("NEW"), "") // A003
            compare(testHall.windowOp("window.noShow", 1), "")
            compare(testHall.windowOp("window.callNext", 1), "")
            tryCompare(testHall, "announced", before + 1, 5000)
            compare(testHall.announcements()[before], "A003@1")
            compare(boardController.currentLabel, "A003")
        }

        function test_05_a_quiet_hall_returns_to_the_slogans() {
            verify(!boardController.idle)
            tryCompare(boardController, "idle", true, 15000)
            verify(item("idleText").visible)
            verify(!item("callText").visible)
            compare(boardController.recentCalls.get(0).label, "A003", "the recent calls stay")
        }
    }
}
