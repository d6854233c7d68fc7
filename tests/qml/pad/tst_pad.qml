import QtQuick
import QtTest
import Hall.Pad

// The pad of window 1 as the visitor standing at the window sees it. padController and testHall
// come from tst_pad_qml.cpp: a real hall-server (12-second rating window) stands behind them,
// and testHall plays the window's counter, a kiosk and an admin over the bus.
Item {
    id: top
    width: 1280
    height: 800

    PadScreen {
        id: screen
        pad: padController
    }

    TestCase {
        name: "Pad"
        when: windowShown

        function shot(name) {
            // Let the scene graph catch up with the last property change first.
            wait(80)
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

        function text(objectName) {
            return item(objectName).text
        }

        // Shown on screen, not only present: the item and every page above it are visible.
        function shown(objectName) {
            var t = findChild(screen, objectName)
            return t !== null && t.visible
        }

        // A visitor finished at window 1 and the rating buttons are up.
        function finishAVisitor() {
            compare(testHall.serveOne(), "")
            tryCompare(padController, "page", "rating", 5000)
        }

        function settle() {
            // Whatever the last test left on screen (thanks, a notice) has timed out.
            tryVerify(function() { return ["idle", "paused"].indexOf(padController.page) >= 0 }, 15000, "back to idle")
        }

        function test_01_nobody_signed_in_is_a_closed_window() {
            tryCompare(padController, "online", true, 15000)
            compare(padController.windowNumber, 1, "the server says which window the key belongs to")
            tryCompare(padController, "page", "paused", 5000)
            compare(padController.pausedReason, "closed")
            compare(text("pausedText"), "窗口未开放")
            compare(text("pausedTextEn"), "Window closed")
            verify(!shown("rate_satisfied"))
            shot("closed")
        }

        function test_02_idle_shows_the_signed_in_clerk() {
            compare(testHall.signIn("371728"), "")  // 张伟: no photo configured
            tryCompare(padController, "page", "idle", 5000)
            compare(text("clerkName"), "张伟")
            compare(text("clerkBadge"), "371728")
            compare(text("windowName"), "1号窗口")
            verify(shown("avatarInitials"), "no photo: initials")
            compare(text("avatarInitials"), "张伟")
            verify(!shown("avatarPhoto"))
            tryVerify(function() { return padController.stars.available === true }, 5000, "the week's figures from ratings.clerk")
            compare(text("weekFigures"), "本周暂无评价\nNo ratings yet this week")
            shot("idle-no-votes")
            compare(testHall.signOut(), "")
            tryCompare(padController, "page", "paused", 5000)

            // A photo configured but missing on disk: initials, never another picture.
            compare(testHall.signIn("371727"), "")
            tryCompare(findChild(screen, "clerkName"), "text", "李秀英", 5000)
            compare(padController.clerk.photo, "")
            compare(text("avatarInitials"), "秀英")
            compare(testHall.signOut(), "")
            tryCompare(padController, "page", "paused", 5000)

            // c01's photo is on disk: the photo, not the initials.
            compare(testHall.signIn("371726"), "")
            tryCompare(findChild(screen, "clerkName"), "text", "王建国", 5000)
            compare(padController.page, "idle")
            verify(padController.clerk.photo.indexOf("c01.png") > 0, padController.clerk.photo)
            tryVerify(function() { return shown("avatarPhoto") && item("avatarPhoto").status === Image.Ready }, 5000)
            verify(!shown("avatarInitials"))
            shot("idle-photo")
        }

        function test_03_a_paused_window_says_so() {
            compare(testHall.pause(), "")
            tryCompare(padController, "page", "paused", 5000)
            compare(padController.pausedReason, "paused")
            compare(text("pausedText"), "暂停服务")
            compare(text("pausedTextEn"), "Window paused")
            shot("paused")
            compare(testHall.resume(), "")
            tryCompare(padController, "page", "idle", 5000)
        }

        function test_04_finish_then_satisfied_is_recorded_once() {
            settle()
            var before = testHall.weekVotes("c01")
            verify(before >= 0, "ratings.clerk answers")
            finishAVisitor()
            verify(shown("rate_satisfied") && shown("rate_unsatisfied"))
            compare(padController.options.length, 2)
            verify(!shown("rate_very_satisfied"))
            verify(padController.secondsLeft > 0 && padController.secondsLeft <= 12, "counts down the server's window: " + padController.secondsLeft)
            verify(text("servedBy").indexOf("王建国") >= 0, "names who served: " + text("servedBy"))
            shot("rating")
            mouseClick(item("rate_satisfied"))
            tryCompare(padController, "page", "thanks", 5000)
            compare(text("thanksText"), "谢谢您的评价")
            shot("thanks")
            compare(testHall.weekVotes("c01"), before + 1, "the server counted the vote")
            // Pressing again: there are no buttons, the controller ignores it, the server refuses.
            verify(!shown("rate_satisfied"))
            padController.press("unsatisfied")
            compare(padController.page, "thanks")
            compare(testHall.submitAsPad("unsatisfied"), "already_rated")
            compare(testHall.weekVotes("c01"), before + 1)
            // thanksSeconds is 3
            tryCompare(padController, "page", "idle", 6000)
            // and the idle page has the new figures
            tryCompare(findChild(screen, "weekFigures"), "text",
                       "本周 " + (before + 1) + " 次评价，满意 100%\nThis week: " + (before + 1) + (before + 1 === 1 ? " rating" : " ratings") + ", 100% satisfied", 5000)
            compare(padController.stars.stars, 5)
            verify(shown("starRow"))
            verify(shown("serviceStar"), "the only clerk with votes is this week's star (starMinVotes 1)")
            shot("idle")
        }

        function test_05_unsatisfied_with_a_reason() {
            settle()
            var before = testHall.weekVotes("c01")
            finishAVisitor()
            mouseClick(item("rate_unsatisfied"))
            tryCompare(padController, "page", "reasons", 2000)
            // The press was the vote: no way back to satisfied.
            verify(!shown("rate_satisfied"))
            padController.press("satisfied")
            compare(padController.page, "reasons")
            compare(padController.reasons.length, 5)
            mouseClick(item("reason_wait_long"))
            compare(padController.selectedReasons, ["wait_long"])
            mouseClick(item("reason_attitude"))
            mouseClick(item("reason_attitude"))
            compare(padController.selectedReasons, ["wait_long"], "a second tap takes a chip back")
            shot("reasons")
            mouseClick(item("submitReasons"))
            tryCompare(padController, "page", "thanks", 5000)
            compare(testHall.weekVotes("c01"), before + 1)
            var f = testHall.lastFollowUp()
            compare(f.rating, "unsatisfied")
            compare(f.tags, ["wait_long"])
            compare(f.clerk, "c01")
            verify(text("thanksFollowUp").indexOf("回访") >= 0)
            shot("thanks-unsatisfied")
        }

        function test_06_reasons_are_sent_when_the_visitor_walks_away() {
            settle()
            var before = testHall.weekVotes("c01")
            finishAVisitor()
            mouseClick(item("rate_unsatisfied"))
            tryCompare(padController, "page", "reasons", 2000)
            mouseClick(item("reason_slow"))
            // reasonSeconds is 5; nobody taps 提交
            tryCompare(padController, "page", "thanks", 9000)
            compare(testHall.weekVotes("c01"), before + 1)
            compare(testHall.lastFollowUp().tags, ["slow"])
        }

        function test_07_time_runs_out_and_nothing_is_recorded() {
            settle()
            var before = testHall.weekVotes("c01")
            finishAVisitor()
            // ratings.windowSeconds is 12 in this hall
            tryCompare(padController, "page", "idle", 16000)
            compare(testHall.weekVotes("c01"), before)
            compare(testHall.submitAsPad("satisfied"), "rating_closed")
        }

        function test_08_a_refusal_is_said_kindly() {
            settle()
            var before = testHall.weekVotes("c01")
            finishAVisitor()
            // The vote arrives through another path first (the same key elsewhere); this pad has
            // not heard of it yet when its own press goes out.
            compare(testHall.submitAsPad("satisfied"), "")
            padController.press("satisfied")
            tryCompare(padController, "page", "notice", 5000)
            compare(padController.notice, "already_rated")
            compare(text("noticeText"), "本次服务已评价，谢谢您")
            shot("notice")
            compare(testHall.weekVotes("c01"), before + 1)
            tryCompare(padController, "page", "idle", 8000)
        }

        function test_09_offline_then_back() {
            settle()
            testHall.stopServer()
            tryCompare(padController, "page", "offline", 15000)
            compare(text("offlineText"), "评价器正在连接，请稍候")
            shot("offline")
            verify(testHall.startServer())
            tryCompare(padController, "page", "idle", 20000)
            compare(text("clerkName"), "王建国")
        }

        function test_10_five_levels() {
            settle()
            compare(testHall.setScale("five"), "")
            tryCompare(padController, "scale", "five", 10000)
            var before = testHall.weekVotes("c01")
            finishAVisitor()
            compare(padController.options.length, 5)
            var values = ["very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied"]
            for (var i = 0; i < values.length; ++i)
                verify(shown("rate_" + values[i]), values[i])
            shot("rating-five")
            mouseClick(item("rate_basically_satisfied"))
            tryCompare(padController, "page", "thanks", 5000)
            compare(testHall.weekVotes("c01"), before + 1)
            tryCompare(padController, "page", "idle", 6000)
            // very unsatisfied asks for reasons too
            finishAVisitor()
            mouseClick(item("rate_very_unsatisfied"))
            tryCompare(padController, "page", "reasons", 2000)
            shot("reasons-five")
            mouseClick(item("skipReasons"))
            tryCompare(padController, "page", "thanks", 5000)
            var f = testHall.lastFollowUp()
            compare(f.rating, "very_unsatisfied")
            compare(f.tags, undefined)
        }
    }
}
