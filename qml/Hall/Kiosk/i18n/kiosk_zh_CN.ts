<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HomePage</name>
    <message>
        <location filename="../HomePage.qml" line="18"/>
        <source>Tap the service you need</source>
        <translation>请点击您要办理的业务</translation>
    </message>
    <message>
        <location filename="../HomePage.qml" line="133"/>
        <source>No one waiting</source>
        <translation>无人等候</translation>
    </message>
    <message numerus="yes">
        <location filename="../HomePage.qml" line="134"/>
        <source>%n waiting</source>
        <translation>
            <numerusform>等候 %n 人</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../HomePage.qml" line="134"/>
        <source>about %n min</source>
        <translation>
            <numerusform>约 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../HomePage.qml" line="159"/>
        <source>The ticket printer is out of order: your number will be shown on the screen. Please note it down.</source>
        <translation>取号打印机故障：您的号码将显示在屏幕上，请记下号码。</translation>
    </message>
</context>
<context>
    <name>IssuingPage</name>
    <message>
        <location filename="../IssuingPage.qml" line="39"/>
        <source>Getting your number…</source>
        <translation>正在取号，请稍候…</translation>
    </message>
</context>
<context>
    <name>KioskScreen</name>
    <message>
        <location filename="../KioskScreen.qml" line="49"/>
        <source>Take a number</source>
        <translation>自助取号</translation>
    </message>
</context>
<context>
    <name>OfflinePage</name>
    <message>
        <location filename="../OfflinePage.qml" line="34"/>
        <source>Ticketing is paused for a moment</source>
        <translation>取号暂停，请稍候</translation>
    </message>
    <message>
        <location filename="../OfflinePage.qml" line="43"/>
        <source>This kiosk cannot reach the hall system and is reconnecting. No number is issued meanwhile; please wait or ask the staff.</source>
        <translation>本机暂时无法连接大厅系统，正在自动重连。期间不能取号，请稍候或咨询工作人员。</translation>
    </message>
</context>
<context>
    <name>RefusedPage</name>
    <message>
        <location filename="../RefusedPage.qml" line="23"/>
        <source>All of today&apos;s numbers for this service have been given out.</source>
        <translation>该业务今日号码已发放完毕。</translation>
    </message>
    <message>
        <location filename="../RefusedPage.qml" line="24"/>
        <source>The hall system did not answer. No number was issued.</source>
        <translation>大厅系统没有响应，未能取号。</translation>
    </message>
    <message>
        <location filename="../RefusedPage.qml" line="25"/>
        <source>No number could be issued for this service.</source>
        <translation>该业务暂时无法取号。</translation>
    </message>
    <message>
        <location filename="../RefusedPage.qml" line="34"/>
        <source>Please ask the staff at the information desk.</source>
        <translation>请到咨询台咨询工作人员。</translation>
    </message>
    <message>
        <location filename="../RefusedPage.qml" line="39"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>TicketPage</name>
    <message>
        <location filename="../TicketPage.qml" line="29"/>
        <source>Your number</source>
        <translation>您的号码</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="55"/>
        <source>You are next</source>
        <translation>下一位就是您</translation>
    </message>
    <message numerus="yes">
        <location filename="../TicketPage.qml" line="56"/>
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>前面还有 %n 人</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../TicketPage.qml" line="58"/>
        <source>about %n min</source>
        <translation>
            <numerusform>约 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="59"/>
        <source>called soon</source>
        <translation>即将叫号</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="95"/>
        <source>Printing your ticket…</source>
        <translation>正在打印号票…</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="96"/>
        <source>Please take your ticket below</source>
        <translation>请取走下方的号票</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="97"/>
        <source>Please note your number: %1</source>
        <translation>请记下您的号码：%1</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="98"/>
        <source>The ticket could not be printed. Your number %1 is valid: please note it down and wait for the call.</source>
        <translation>号票未能打印。您的号码 %1 有效，请记下号码，留意叫号。</translation>
    </message>
    <message>
        <location filename="../TicketPage.qml" line="108"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
</TS>
