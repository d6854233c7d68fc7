import QtQuick
import QtTest
import Hall.Counter

// The counter screen as a clerk uses it, keyboard first. counterController and testHall come
// from tst_counter_qml.cpp: a real hall-server stands behind them. Every clerk's PIN there is
// 2468; window 1 serves NEW (A) first, then INSPECT (C).
Item {
    id: top
    width: 1920
    height: 1080

    CounterScreen {
        id: screen
        counter: counterController
    }

    TestCase {
        name: "Counter"
        when: windowShown

        property string badge: "371726" // 王建国, c01

        function shot(name) {
            wait(80) // the scene graph catches up with the last change
            var path = testHall.screenshotPath(name)
            testHall.remove(path)
            grabImage(screen).save(path)
            verify(testHall.exists(path), "screenshot " + path)
        }

        function child(objectName) {
            var c = findChild(screen, objectName)
            verify(c !== null, objectName)
            return c
        }

        function text(objectName) {
            return child(objectName).text
        }

        function type(chars) {
            for (var i = 0; i < chars.length; ++i)
                keyClick(chars[i])
        }

        // The screen and the server have both settled on the last action.
        function settle() {
            tryCompare(counterController, "busy", false, 8000)
        }

        // A property of one of the controller's maps reaches the value (maps reach QML as copies,
        // so tryCompare on one would watch a copy that never changes).
        function settleOn(read, expected, timeout) {
            tryVerify(function() { return read() === expected }, timeout, "expected " + expected + ", have " + read())
        }

        function press(key, modifiers) {
            settle()
            keyClick(key, modifiers === undefined ? Qt.NoModifier : modifiers)
        }

        function labels() {
            var out = []
            for (var i = 0; i < counterController.waiting.count; ++i)
                out.push(counterController.waiting.get(i).label)
            return out
        }

        function initTestCase() {
            tryCompare(counterController, "online", true, 15000)
            tryCompare(counterController, "windowNumber", 1, 5000)
        }

        function test_01_wrong_pin_is_refused_and_stays_signed_out() {
            compare(counterController.state, "signedOut")
            verify(child("signInPage").visible)
            compare(text("windowName"), "1号窗口")
            child("badgeField").input.forceActiveFocus()
            type(badge)
            keyClick(Qt.Key_Return) // on to the PIN
            verify(child("pinField").input.activeFocus, "Enter in the badge field moves to the PIN")
            type("1357")
            compare(child("pinField").text, "1357")
            shot("signin")
            var before = testHall.seq()
            keyClick(Qt.Key_Return)
            tryCompare(counterController, "message", "sign_in_failed", 10000)
            compare(text("messageText"), "警号或密码错误")
            compare(counterController.state, "signedOut")
            verify(child("signInPage").visible)
            compare(child("pinField").text, "", "the PIN is cleared after an attempt")
            compare(testHall.window1().clerk, undefined, "the server has nobody at window 1")
            compare(testHall.seq(), before)
            shot("signin-refused")
        }

        function test_02_right_pin_opens_the_window() {
            child("pinField").input.forceActiveFocus()
            compare(child("badgeField").text, badge, "the badge stays for the next try")
            type("2468")
            keyClick(Qt.Key_Return)
            tryCompare(counterController, "state", "open", 10000)
            compare(counterController.message, "", "the refusal went with the new attempt")
            compare(testHall.window1().clerk, "c01")
            verify(child("servingPage").visible)
            verify(!child("signInPage").visible)
            compare(text("clerkName"), "王建国")
            compare(text("servedToday"), "0")
        }

        function test_03_call_next_with_nobody_waiting_says_so() {
            var before = testHall.seq()
            press(Qt.Key_F1)
            tryCompare(counterController, "message", "nobody_waiting", 10000)
            compare(text("messageText"), "当前没有访客等候本窗口的业务。")
            compare(counterController.current.ticketId, 0)
            compare(testHall.seq(), before, "nothing changed on the server")
            verify(child("noVisitorText").visible)
            shot("message")
            keyClick(Qt.Key_Escape)
            compare(counterController.message, "")
        }

        function test_04_waiting_list_in_calling_order() {
            var a1 = testHall.issue("INSPECT")
            var a2 = testHall.issue("NEW")
            var a3 = testHall.issue("REPLACE") // not served at window 1
            var a4 = testHall.issue("NEW")
            var a5 = testHall.issue("INSPECT")
            compare([a1, a2, a3, a4, a5], ["C001", "A001", "B001", "A002", "C002"])
            tryCompare(counterController, "waitingCount", 4, 10000)
            // NEW before INSPECT (window 1's order of preference), each in line order.
            compare(labels(), ["A001", "A002", "C001", "C002"])
            compare(text("waitingCount"), "等候 4 人")
            verify(findChild(screen, "waiting_B001") === null, "another window's service is not listed")
            compare(child("waiting_A001").serviceZh, "新车挂牌")
            shot("waiting")
        }

        function test_05_F1_calls_the_next_visitor() {
            press(Qt.Key_F1)
            settleOn(function() { return counterController.current.label }, "A001", 10000)
            compare(text("currentLabel"), "A001")
            compare(text("currentService"), "新车挂牌")
            compare(child("currentStatus").text, "已呼叫，等候到窗")
            compare(testHall.ticket("A001").status, "called")
            compare(testHall.ticket("A001").window, 1)
            compare(labels(), ["A002", "C001", "C002"])
        }

        function test_06_recall_start_and_serving() {
            press(Qt.Key_F2)
            tryCompare(counterController, "message", "recalled", 10000)
            compare(text("messageText"), "已重呼 A001")
            settleOn(function() { return counterController.current.recalls }, 1, 5000)
            compare(testHall.ticket("A001").recalls, 1)
            compare(text("recallsText"), "已重呼 1 次")
            press(Qt.Key_F3)
            settleOn(function() { return counterController.current.status }, "serving", 10000)
            compare(testHall.ticket("A001").status, "serving")
            compare(child("currentStatus").text, "办理中")
            verify(/^办理用时 00:0\d$/.test(text("elapsedText")), text("elapsedText"))
            // Recall of someone already at the window: refused, and nothing moves.
            var before = testHall.seq()
            press(Qt.Key_F2)
            tryCompare(counterController, "message", "ticket_already_serving", 10000)
            compare(testHall.seq(), before)
            compare(testHall.ticket("A001").recalls, 1)
            keyClick(Qt.Key_Escape)
            // The clock moves on by itself.
            tryVerify(function() { return counterController.elapsedSeconds >= 1 }, 3000)
            tryVerify(function() { return /^办理用时 00:0[1-9]$/.test(text("elapsedText")) }, 1000, text("elapsedText"))
            shot("serving")
        }

        function test_07_finish() {
            press(Qt.Key_F4)
            settleOn(function() { return counterController.current.ticketId }, 0, 10000)
            compare(testHall.ticket("A001").status, "finished")
            tryCompare(child("servedToday"), "text", "1", 5000)
            // Finishing opens the visitor's time to rate.
            settleOn(function() { return counterController.lastRating.state }, "open", 5000)
            compare(counterController.lastRating.label, "A001")
            verify(text("ratingStatus").indexOf("A001") >= 0, text("ratingStatus"))
        }

        function test_08_transfer_to_a_service_keeps_the_place_in_line() {
            press(Qt.Key_F1)
            settleOn(function() { return counterController.current.label }, "A002", 10000)
            press(Qt.Key_F6)
            verify(child("transferDialog").visible)
            shot("transfer")
            keyClick(Qt.Key_3) // the third service: 车辆审验 INSPECT
            verify(!child("transferDialog").visible)
            settleOn(function() { return counterController.current.ticketId }, 0, 10000)
            var t = testHall.ticket("A002")
            compare(t.status, "waiting")
            compare(t.service, "INSPECT")
            tryCompare(counterController, "message", "transferred", 5000)
            compare(text("messageText"), "A002 已转移")
            // In INSPECT's line by when it was issued: after C001, ahead of C002 issued later.
            tryVerify(function() { return labels().join() === "C001,A002,C002" }, 5000, labels().join())
            compare(counterController.waiting.get(1).service, "INSPECT")
            compare(child("waiting_A002").serviceZh, "车辆审验")
        }

        function test_09_transfer_to_a_window() {
            press(Qt.Key_F1)
            settleOn(function() { return counterController.current.label }, "C001", 10000)
            press(Qt.Key_F6)
            mouseClick(child("transferWindow_4"))
            settleOn(function() { return counterController.current.ticketId }, 0, 10000)
            compare(testHall.ticket("C001").targetWindow, 4)
            compare(testHall.ticket("C001").status, "waiting")
            tryVerify(function() { return labels().join() === "A002,C002" }, 5000, labels().join())
            // Esc closes the dialog without doing anything.
            press(Qt.Key_F1)
            settleOn(function() { return counterController.current.label }, "A002", 10000)
            var before = testHall.seq()
            press(Qt.Key_F6)
            verify(child("transferDialog").visible)
            keyClick(Qt.Key_Escape)
            verify(!child("transferDialog").visible)
            wait(200)
            compare(testHall.seq(), before)
            compare(testHall.ticket("A002").status, "called")
        }

        function test_10_pause_and_resume() {
            press(Qt.Key_F4) // A002 done
            settleOn(function() { return counterController.current.ticketId }, 0, 10000)
            press(Qt.Key_F8)
            tryCompare(counterController, "state", "paused", 10000)
            compare(testHall.window1().paused, true)
            verify(child("pausedBanner").visible)
            compare(child("action_pause").text, "恢复")
            var before = testHall.seq()
            press(Qt.Key_F1)
            tryCompare(counterController, "message", "window_paused", 10000)
            compare(text("messageText"), "窗口已暂停，请先按 F8 恢复。")
            compare(counterController.current.ticketId, 0)
            compare(testHall.seq(), before)
            compare(testHall.ticket("C002").status, "waiting")
            shot("paused")
            press(Qt.Key_F8)
            tryCompare(counterController, "state", "open", 10000)
            compare(testHall.window1().paused, undefined)
            verify(!child("pausedBanner").visible)
        }

        function test_11_refused_actions_change_nothing() {
            // Nobody at the window: the actions on a visitor are refused on the spot.
            var before = testHall.seq()
            press(Qt.Key_F4)
            compare(counterController.message, "no_current_ticket")
            compare(text("messageText"), "当前窗口没有访客。")
            press(Qt.Key_F5)
            compare(counterController.message, "no_current_ticket")
            press(Qt.Key_F6)
            verify(!child("transferDialog").visible, "no dialog without a visitor")
            compare(testHall.seq(), before)

            // A stale screen: behind the counter's back, C002 is called and another visitor
            // issued; the clerk's F4 names the visitor the screen shows, not whoever is there now.
            press(Qt.Key_F1)
            settleOn(function() { return counterController.current.label }, "C002", 10000)
            settle()
            compare(testHall.adminAct("window.noShow", {}), "ok")
            testHall.issue("NEW")
            compare(testHall.adminAct("window.callNext", {}), "ok")
            // The counter's event loop has not run: its screen still shows C002.
            compare(counterController.current.label, "C002")
            counterController.finish()
            tryCompare(counterController, "message", "ticket_not_at_window", 10000)
            compare(testHall.ticket("A003").status, "called", "the visitor now at the window was not finished")
            compare(testHall.ticket("C002").status, "no_show")
            settleOn(function() { return counterController.current.label }, "A003", 5000)
        }

        function test_12_please_rate() {
            press(Qt.Key_F7)
            tryCompare(counterController, "message", "rating_requested", 10000)
            compare(text("messageText"), "已请 A003 评价")
            settleOn(function() { return counterController.lastRating.state }, "open", 5000)
            compare(counterController.lastRating.label, "A003")
            compare(testHall.window1().rating.ticket, testHall.ticket("A003").id)
            compare(testHall.rate("satisfied"), "ok")
            settleOn(function() { return counterController.lastRating.state }, "rated", 5000)
            compare(text("ratingStatus"), "评价：A003 已评价（满意）")
            // Asked again: the first vote counted, and the clerk is told.
            press(Qt.Key_F7)
            tryCompare(counterController, "message", "already_rated", 10000)
            // The clerk's own figures come from the server.
            settleOn(function() { return counterController.satisfaction.todayRatings }, 1, 10000)
            compare(text("todayPercent"), "100%")
        }

        function test_13_sign_out() {
            // Not with a visitor at the window.
            press(Qt.Key_Q, Qt.ControlModifier)
            tryCompare(counterController, "message", "visitor_in_progress", 10000)
            compare(counterController.state, "open")
            press(Qt.Key_F4)
            settleOn(function() { return counterController.current.ticketId }, 0, 10000)
            press(Qt.Key_Q, Qt.ControlModifier)
            tryCompare(counterController, "state", "signedOut", 10000)
            compare(testHall.window1().clerk, undefined)
            verify(child("signInPage").visible)
            // Signed out, the action keys do nothing.
            var before = testHall.seq()
            keyClick(Qt.Key_F1)
            wait(300)
            compare(testHall.seq(), before)
        }

        function test_14_offline_and_back() {
            testHall.stopServer()
            tryCompare(counterController, "state", "offline", 15000)
            verify(child("offlineBanner").visible)
            shot("offline")
            verify(testHall.startServer())
            tryCompare(counterController, "state", "signedOut", 20000)
            verify(!child("offlineBanner").visible)
        }
    }
}
