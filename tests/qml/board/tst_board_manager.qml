import QtQuick
import QtTest
import Hall.Board

// The manager's live board against the same hall as tst_board_calls.qml, which runs first and
// leaves window 1 calling A003, window 5 recalling C001 and window 3 paused. managerBoard is the
// real ManagerBoard of a manager-1 terminal (idle grace 2 s, ACCIDENT's wait norm 60 minutes, the
// others 30); testHall plays the kiosk, the counters and window 5's pad.
Item {
    id: top
    width: 1920
    height: 1080

    ManagerScreen {
        id: screen
        board: managerHeader
        manager: managerBoard
    }

    TestCase {
        name: "ManagerBoard"
        when: windowShown

        function shot(name) {
            wait(150)
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

        function alarmKeys() {
            var keys = []
            for (var i = 0; i < managerBoard.alarms.count; ++i)
                keys.push(managerBoard.alarms.get(i).key)
            return keys
        }

        function serviceRow(code) {
            for (var i = 0; i < managerBoard.services.count; ++i)
                if (managerBoard.services.get(i).code === code)
                    return managerBoard.services.get(i)
            fail("no service " + code)
        }

        // Window 5 serves its current visitor to the end, and the visitor rates.
        function serveAndRate(rating) {
            compare(testHall.windowOp("window.start", 5), "")
            compare(testHall.windowOp("window.finish", 5), "")
            compare(testHall.rate(rating), "")
        }

        function test_01_a_normal_day() {
            tryCompare(managerBoard, "synced", true, 15000)
            serveAndRate("satisfied")                              // C001
            compare(testHall.issue("NEW"), "")                     // A004
            compare(testHall.issue("NEW"), "")                     // A005
            compare(testHall.issue("INSPECT"), "")                 // C002
            compare(testHall.issue("ACCIDENT"), "")                // E001
            compare(testHall.issue("ACCIDENT"), "")                // E002
            compare(testHall.windowOp("window.callNext", 5), "")   // C002: window 5 prefers INSPECT
            serveAndRate("unsatisfied")
            compare(testHall.windowOp("window.callNext", 5), "")   // A004
            tryVerify(function() { return managerBoard.summary.servedToday === 2 }, 5000, "two served")
            compare(managerBoard.summary.waiting, 3)               // A005, E001, E002
            compare(serviceRow("NEW").waiting, 1)
            compare(serviceRow("ACCIDENT").waiting, 2)
            compare(serviceRow("INSPECT").servedToday, 2)
            compare(serviceRow("NEW").noShowsToday, 2)             // A001 and A002, in the calls test
            compare(item("summary-waiting").value, "3")
            tryVerify(function() { return managerBoard.satisfactionToday.rated === 2 }, 8000, "today's votes from the server")
            compare(managerBoard.satisfactionToday.percent, 50)
            tryVerify(function() { return managerBoard.satisfactionWeek.rated === 2 }, 8000, "this week's votes")
            compare(item("satisfactionToday").value, "50%")
            compare(managerBoard.alarmCount, 0, alarmKeys().join(","))
            verify(item("noAlarms").visible)
            verify(!serviceRow("NEW").aboveNorm)
            shot("manager")
        }

        function test_02_alarms() {
            compare(testHall.kioskPrinter("paper_out"), "")
            tryVerify(function() { return alarmKeys().indexOf("printer:kiosk-1") >= 0 }, 5000, "the kiosk's printer fault")
            compare(managerBoard.worstSeverity, "fault")
            compare(testHall.windowOp("window.noShow", 1), "")      // A003: window 1 is free, A005 waits
            tryVerify(function() { return alarmKeys().indexOf("idle:1") >= 0 }, 8000, "window 1 idle while its queue waits")
            testHall.skipAhead(45)
            tryVerify(function() { return alarmKeys().indexOf("wait:NEW") >= 0 }, 5000, "NEW's wait above 30 minutes")
            verify(serviceRow("NEW").aboveNorm)
            verify(!serviceRow("ACCIDENT").aboveNorm, "ACCIDENT's norm is 60 minutes")
            verify(alarmKeys().indexOf("wait:ACCIDENT") < 0)
            verify(!item("noAlarms").visible)
            shot("manager-alarms")
            compare(testHall.kioskPrinter("ok"), "")
            tryVerify(function() { return alarmKeys().indexOf("printer:kiosk-1") < 0 }, 5000, "paper loaded: the alarm clears")
        }
    }
}
