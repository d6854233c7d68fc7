// The weekly service star's arithmetic: Wilson bounds, ISO weeks, ranking order and the CSV
// Excel opens (hall-server/report/ranking.h).
#include "report/ranking.h"

#include <QTest>

using namespace hall::report;

class TestRanking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wilsonMatchesPublishedValues()
    {
        // Reference values of the 95 % Wilson lower bound (z = 1.96).
        QCOMPARE(wilsonLowerBound(0, 0), 0.0);
        QVERIFY(qAbs(wilsonLowerBound(1, 1) - 0.2065) < 1e-4);
        QVERIFY(qAbs(wilsonLowerBound(2, 2) - 0.3424) < 1e-4);
        QVERIFY(qAbs(wilsonLowerBound(5, 10) - 0.2366) < 1e-4);
        QVERIFY(qAbs(wilsonLowerBound(97, 100) - 0.9155) < 1e-4);
        QVERIFY(qAbs(wilsonLowerBound(0, 10) - 0.0) < 1e-12);
        // Fewer votes at a perfect share rank below many votes at a very good one.
        QVERIFY(wilsonLowerBound(3, 3) < wilsonLowerBound(97, 100));
    }

    void isoWeeks_data()
    {
        QTest::addColumn<QDate>("date");
        QTest::addColumn<QString>("week");
        QTest::newRow("saturday of W48") << QDate(2026, 11, 28) << "2026-W48";
        QTest::newRow("monday of W48") << QDate(2026, 11, 23) << "2026-W48";
        QTest::newRow("sunday of W48") << QDate(2026, 11, 29) << "2026-W48";
        QTest::newRow("new year in last year's week") << QDate(2027, 1, 1) << "2026-W53";
        QTest::newRow("2021-01-03 is 2020-W53") << QDate(2021, 1, 3) << "2020-W53";
        QTest::newRow("2019-12-30 is 2020-W01") << QDate(2019, 12, 30) << "2020-W01";
    }

    void isoWeeks()
    {
        QFETCH(QDate, date);
        QFETCH(QString, week);
        const int day = int(QDate(1970, 1, 1).daysTo(date));
        const IsoWeek w = IsoWeek::ofDay(day);
        QCOMPARE(QString::fromStdString(w.toString()), week);
        // Qt agrees on the week number, and the week holds the day.
        int qtYear = 0;
        QCOMPARE(w.week, date.weekNumber(&qtYear));
        QCOMPARE(w.year, qtYear);
        QVERIFY(w.monday() <= day && day <= w.sunday());
        QCOMPARE(QDate(1970, 1, 1).addDays(w.monday()).dayOfWeek(), 1);
        QCOMPARE(IsoWeek::parse(week.toStdString()), std::optional(w));
    }

    void parseRefusesWeeksThatDoNotExist()
    {
        QVERIFY(IsoWeek::parse("2020-W53"));
        QVERIFY(!IsoWeek::parse("2021-W53"));
        QVERIFY(!IsoWeek::parse("2026-W00"));
        QVERIFY(!IsoWeek::parse("2026-W54"));
        QVERIFY(!IsoWeek::parse("2026W48"));
        QVERIFY(!IsoWeek::parse("2026-W4"));
        QVERIFY(!IsoWeek::parse(" 2026-W48"));
        QCOMPARE(IsoWeek::parse("2026-W48")->previous().toString(), std::string("2026-W47"));
        QCOMPARE(IsoWeek::parse("2026-W01")->previous().toString(), std::string("2025-W52"));
    }

    void rankingOrder()
    {
        const std::vector<ClerkTally> tallies{
            {"c01", "王建国", "371726", 40, 30, 29}, // 29/30
            {"c02", "李秀英", "371727", 12, 3, 3},   // perfect but only three votes: not qualified at 10
            {"c03", "张伟", "371728", 50, 30, 29},   // same votes and share as c01, more services
            {"c04", "刘洋", "371729", 60, 40, 30},
            {"c05", "陈静", "371730", 0, 0, 0},      // did nothing: left out
            {"c06", "杨帆", "371731", 20, 10, 10},   // 10/10: qualified, Wilson 0.72
        };
        const auto rows = rankWeek(tallies, 10);
        QCOMPARE(rows.size(), std::size_t(5));
        QCOMPARE(rows[0].clerk, std::string("c03")); // tie with c01 on Wilson and votes: more services
        QCOMPARE(rows[1].clerk, std::string("c01"));
        QCOMPARE(rows[2].clerk, std::string("c06"));
        QCOMPARE(rows[3].clerk, std::string("c04"));
        QCOMPARE(rows[4].clerk, std::string("c02"));
        QCOMPARE(rows[0].rank, 1);
        QCOMPARE(rows[3].rank, 4);
        QCOMPARE(rows[4].rank, 0);
        QVERIFY(!rows[4].qualified);
        // The raw share would put 10/10 first; the bound puts 29/30 first.
        QVERIFY(rows[2].share() > rows[1].share());
        // A threshold of 1 qualifies everyone with a vote.
        QCOMPARE(rankWeek(tallies, 1).back().rank, 5);
    }

    void csvOpensInExcel()
    {
        const auto rows = rankWeek({{"c01", "王建国", "371726", 40, 30, 29}, {"c07", "Smith, \"Jo\"", "A1234", 5, 1, 0}}, 10);
        const std::string csv = weekCsv(*IsoWeek::parse("2026-W48"), rows, 10);
        QVERIFY(csv.rfind("\xEF\xBB\xBF", 0) == 0); // the BOM Excel needs for UTF-8
        QVERIFY(csv.find("\r\n2026-W48,1,c01,王建国,371726,40,30,29,0.9667,0.8333,yes,10\r\n") != std::string::npos);
        QVERIFY(csv.find(",c07,\"Smith, \"\"Jo\"\"\",A1234,5,1,0,0.0000,0.0000,no,10\r\n") != std::string::npos);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 3L);
    }
};

QTEST_APPLESS_MAIN(TestRanking)
#include "tst_ranking.moc"
