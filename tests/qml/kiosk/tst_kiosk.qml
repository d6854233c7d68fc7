import QtQuick
import QtTest
import Hall.Kiosk

// The kiosk screen as a visitor uses it. kioskController and testHall come from
// tst_kiosk_qml.cpp: a real hall-server and a fake network printer stand behind them.
Item {
    id: top
    width: 1920
    height: 1080

    KioskScreen {
        id: screen
        kiosk: kioskController
    }

    TestCase {
        name: "Kiosk"
        when: windowShown

        function shot(name) {
            // Let the scene graph catch up with the last property change first.
            wait(50)
            var path = testHall.screenshotPath(name)
            testHall.remove(path)
            grabImage(screen).save(path)
            verify(testHall.exists(path), "screenshot " + path)
        }

        function tile(code) {
            var t = findChild(screen, "service_" + code)
            verify(t !== null, "a tile for " + code)
            return t
        }

        function text(objectName) {
            var t = findChild(screen, objectName)
            verify(t !== null, objectName)
            return t.text
        }

        function init() {
            kioskController.language = "zh"
            tryCompare(kioskController, "page", "home", 15000)
            // The next visitor walks up: taps within 0.7 s of the home page count as a double tap.
            wait(800)
        }

        function test_1_home_shows_the_services_live() {
            tryVerify(function() { return kioskController.services.count === 7 }, 5000)
            tryCompare(kioskController, "hallName", "商河县公安局交警大队车管所服务大厅")
            var before = testHall.ticketCount()
            // Waiting counts come from the hall's state: a ticket issued elsewhere shows here.
            compare(findChild(tile("INSPECT"), "waiting").text, "无人等候")
            shot("home-zh")
            compare(testHall.ticketCount(), before, "looking issues nothing")
        }

        function test_2_tap_a_service_prints_the_servers_number() {
            var printed = testHall.printedTickets().length
            mouseClick(tile("NEW"))
            tryCompare(kioskController, "page", "ticket", 10000)
            var label = text("ticketNumber")
            compare(label, testHall.lastIssuedLabel(), "the screen shows the number the server issued")
            verify(/^A\d{3}$/.test(label), label)
            tryCompare(kioskController, "printState", "printed", 10000)
            compare(text("printStatusText"), "请取走下方的号票")
            var jobs = testHall.printedTickets()
            compare(jobs.length, printed + 1, "one job printed")
            verify(jobs[jobs.length - 1].indexOf(label) >= 0, "the printed ticket carries " + label + ":\n" + jobs[jobs.length - 1])
            verify(jobs[jobs.length - 1].indexOf("新车挂牌") >= 0, "and the service in Chinese")
            verify(jobs[jobs.length - 1].indexOf("[raster 384x96]") >= 0, "and the logo, on a network printer")
            shot("ticket-printed")
            var issued = testHall.ticketCount()
            mouseClick(findChild(screen, "doneButton"))
            compare(kioskController.page, "home")
            // A double tap on "Done": its second half lands on a tile and must not take a ticket.
            mouseClick(tile("INSPECT"))
            compare(kioskController.page, "home")
            compare(testHall.ticketCount(), issued)
            // The next visitor sees one more waiting for that service.
            tryVerify(function() { return findChild(tile("NEW"), "waiting").text.indexOf("等候 1 人") === 0 }, 5000)
        }

        function test_3_printer_fault_still_gives_a_number() {
            testHall.setPrinterState("paper_end")
            testHall.checkPrinter()
            tryCompare(kioskController, "printerStatus", "paper_out", 10000)
            var banner = findChild(screen, "printerBanner")
            verify(banner.visible, "home warns that tickets are shown on screen")
            tryVerify(function() { return testHall.reportedPrinterStatus() === "paper_out" }, 10000, "the server was told")
            shot("home-printer-fault")

            var printed = testHall.printedTickets().length
            mouseClick(tile("REPLACE"))
            tryCompare(kioskController, "page", "ticket", 10000)
            tryCompare(kioskController, "printState", "failed", 10000)
            var label = text("ticketNumber")
            compare(label, testHall.lastIssuedLabel(), "the number is issued all the same")
            verify(text("printStatusText").indexOf(label) >= 0, "the visitor is asked to note " + label)
            compare(testHall.printedTickets().length, printed, "nothing reached the paper")
            shot("ticket-printer-fault")
            mouseClick(findChild(screen, "doneButton"))

            // Paper replaced: the kiosk notices by itself and tells the server.
            testHall.setPrinterState("normal")
            testHall.checkPrinter()
            tryCompare(kioskController, "printerStatus", "ok", 10000)
            verify(!banner.visible)
            tryVerify(function() { return testHall.reportedPrinterStatus() === "ok" }, 10000)
        }

        function test_4_language_switch() {
            compare(text("hallName"), "商河县公安局交警大队车管所服务大厅")
            mouseClick(findChild(screen, "languageButton"))
            compare(kioskController.language, "en")
            tryCompare(findChild(screen, "hallName"), "text", "Shanghe County Traffic Police Vehicle Management Hall")
            compare(findChild(tile("NEW"), "waiting").text.indexOf("waiting") > 0 || findChild(tile("NEW"), "waiting").text === "No one waiting", true)
            shot("home-en")
            // The ticket screen follows the visitor's language.
            mouseClick(tile("INSPECT"))
            tryCompare(kioskController, "page", "ticket", 10000)
            compare(text("ticketService"), "Vehicle inspection")
            tryCompare(kioskController, "printState", "printed", 10000)
            compare(text("printStatusText"), "Please take your ticket below")
            shot("ticket-en")
            mouseClick(findChild(screen, "doneButton"))
            compare(kioskController.page, "home")
            mouseClick(findChild(screen, "languageButton"))
            compare(kioskController.language, "zh")
            tryCompare(findChild(screen, "hallName"), "text", "商河县公安局交警大队车管所服务大厅")
        }

        function test_4b_an_untouched_screen_returns_to_the_halls_language() {
            mouseClick(findChild(screen, "languageButton"))
            compare(kioskController.language, "en")
            wait(3000)
            compare(kioskController.language, "en", "not while the visitor is still there")
            mouseClick(findChild(screen, "languageButton"))
            mouseClick(findChild(screen, "languageButton"))
            compare(kioskController.language, "en")
            // idleSeconds is 5 in this kiosk's settings
            tryCompare(kioskController, "language", "zh", 8000)
            compare(text("hallName"), "商河县公安局交警大队车管所服务大厅")
        }

        function test_5_refusal_names_the_reason_and_issues_nothing() {
            var before = testHall.ticketCount()
            kioskController.takeTicket("NO_SUCH")
            tryCompare(kioskController, "page", "refused", 10000)
            compare(kioskController.refusal, "unknown_service")
            compare(text("refusalText"), "该业务暂时无法取号。")
            shot("refused")
            compare(testHall.ticketCount(), before)
            // Nobody touches it: the page counts down and goes home by itself.
            verify(kioskController.secondsLeft > 0)
            tryCompare(kioskController, "page", "home", 15000)
        }

        function test_6_offline_promises_nothing_and_recovers() {
            var before = testHall.ticketCount()
            testHall.stopServer()
            tryCompare(kioskController, "page", "offline", 15000)
            compare(text("offlineText"), "取号暂停，请稍候")
            shot("offline")
            kioskController.takeTicket("NEW")
            compare(kioskController.page, "offline", "a tap cannot issue while offline")
            verify(testHall.startServer())
            tryCompare(kioskController, "page", "home", 20000)
            compare(testHall.ticketCount(), before)
        }

        function test_7_server_lost_between_tap_and_reply() {
            testHall.stopServer()
            // Tapped before the kiosk noticed the silence: it must not show a number.
            kioskController.takeTicket("NEW")
            compare(kioskController.page, "issuing")
            shot("issuing")
            tryCompare(kioskController, "page", "refused", 15000)
            compare(kioskController.refusal, "unreachable")
            compare(text("ticketNumber"), "")
            verify(testHall.startServer())
            mouseClick(findChild(screen, "backButton"))
            tryCompare(kioskController, "page", "home", 20000)
        }
    }
}
