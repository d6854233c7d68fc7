<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../CounterScreen.qml" line="21"/>
        <source>Nobody is waiting for this window&apos;s services.</source>
        <translation>当前没有访客等候本窗口的业务。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="22"/>
        <source>The window is paused. Press F8 to resume first.</source>
        <translation>窗口已暂停，请先按 F8 恢复。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="23"/>
        <source>A visitor is still at the window: finish, transfer or mark no-show first.</source>
        <translation>当前访客尚未处理完：请先办结、转移或标记未到。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="24"/>
        <source>There is no visitor at the window.</source>
        <translation>当前窗口没有访客。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="25"/>
        <source>The screen was out of date: that visitor is no longer at this window. Nothing was changed.</source>
        <translation>屏幕信息已过期：该访客已不在本窗口，未做任何更改。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="26"/>
        <source>This visitor is already being served.</source>
        <translation>该访客已在办理中。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="27"/>
        <source>Nobody is signed in at this window.</source>
        <translation>本窗口尚未签到。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="28"/>
        <source>The window is not paused.</source>
        <translation>窗口未暂停。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="29"/>
        <source>The visitor is already there: choose another service or window.</source>
        <translation>访客已在该业务或窗口，请选择其他业务或窗口。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="30"/>
        <source>There is no such service today.</source>
        <translation>今日没有该业务。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="31"/>
        <source>There is no such window.</source>
        <translation>没有该窗口。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="32"/>
        <source>Wrong badge number or PIN.</source>
        <translation>警号或密码错误</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="33"/>
        <source>This badge is locked after repeated wrong PINs. Try again in 5 minutes.</source>
        <translation>该警号因多次密码错误已锁定，请 5 分钟后再试。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="34"/>
        <source>Too many failed sign-ins at this terminal. Please wait a few minutes.</source>
        <translation>本终端签到失败次数过多，请稍候几分钟再试。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="35"/>
        <source>Another clerk is signed in at this window.</source>
        <translation>本窗口已有其他工作人员签到。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="36"/>
        <source>You are signed in at another window. Sign out there first.</source>
        <translation>您已在其他窗口签到，请先在该窗口签退。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="37"/>
        <source>Enter your badge number and PIN.</source>
        <translation>请输入警号和密码。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="38"/>
        <source>Not connected to the hall server. Try again when it is back.</source>
        <translation>未连接大厅服务器，请在恢复后重试。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="39"/>
        <source>The hall server did not answer. Please try again.</source>
        <translation>大厅服务器无响应，请重试。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="40"/>
        <source>%1 has already rated.</source>
        <translation>%1 已评价过</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="41"/>
        <source>There is nobody to ask for a rating.</source>
        <translation>没有可请求评价的访客。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="42"/>
        <source>The hall server does not offer this yet.</source>
        <translation>大厅服务器暂不支持此功能。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="43"/>
        <source>This terminal may not do that.</source>
        <translation>本终端无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="44"/>
        <source>This terminal&apos;s key was revoked. Call the administrator.</source>
        <translation>本终端的密钥已被吊销，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="45"/>
        <source>The hall server could not save that. Please try again.</source>
        <translation>服务器未能保存，请重试。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="46"/>
        <source>%1 transferred.</source>
        <translation>%1 已转移</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="47"/>
        <source>%1 called again.</source>
        <translation>已重呼 %1</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="48"/>
        <source>%1 marked as not shown up.</source>
        <translation>%1 已标记为未到</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="49"/>
        <source>%1 has been asked to rate.</source>
        <translation>已请 %1 评价</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="50"/>
        <source>Refused by the hall server (%1).</source>
        <translation>服务器拒绝了此操作（%1）。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="91"/>
        <source>Counter</source>
        <translation>柜台</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="124"/>
        <source>Badge %1</source>
        <translation>警号 %1</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="139"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="140"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="141"/>
        <source>Open</source>
        <translation>开放中</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="159"/>
        <source>Rating keypad ready</source>
        <translation>评价器正常</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="160"/>
        <source>Rating keypad…</source>
        <translation>评价器连接中…</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="161"/>
        <source>Rating keypad out of order</source>
        <translation>评价器故障</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="186"/>
        <source>Not connected to the hall server. The screen shows the last known state; actions wait until it is back.</source>
        <translation>未连接大厅服务器：屏幕显示的是断开前的状态，恢复连接后才能操作。</translation>
    </message>
    <message>
        <location filename="../CounterScreen.qml" line="192"/>
        <source>The window is paused: no visitor is called here. Press F8 to resume.</source>
        <translation>窗口已暂停：本窗口不再叫号。按 F8 恢复。</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../MessageBar.qml" line="44"/>
        <source>Esc: dismiss</source>
        <translation>Esc 关闭</translation>
    </message>
</context>
<context>
    <name>ServingPage</name>
    <message>
        <location filename="../ServingPage.qml" line="19"/>
        <source>very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="20"/>
        <source>satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="21"/>
        <source>basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="22"/>
        <source>unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="23"/>
        <source>very unsatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="72"/>
        <source>Rating: %1 may rate now (%2 s left)</source>
        <translation>评价：等待 %1 评价（剩余 %2 秒）</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="73"/>
        <source>Rating: %1 rated (%2)</source>
        <translation>评价：%1 已评价（%2）</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="74"/>
        <source>Rating: %1 rated</source>
        <translation>评价：%1 已评价</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="75"/>
        <source>Rating: %1 did not rate</source>
        <translation>评价：%1 未评价</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="76"/>
        <source>Rating: nobody to rate yet</source>
        <translation>评价：暂无待评价的访客</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="95"/>
        <source>Call next</source>
        <translation>呼叫下一位</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="104"/>
        <source>Recall</source>
        <translation>重呼</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="112"/>
        <source>Start</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="120"/>
        <source>Finish</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="129"/>
        <source>No-show</source>
        <translation>未到</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="137"/>
        <source>Transfer</source>
        <translation>转移</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="145"/>
        <source>Please rate</source>
        <translation>请评价</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="153"/>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="153"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../ServingPage.qml" line="161"/>
        <source>Sign out</source>
        <translation>签退</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../SignInPage.qml" line="45"/>
        <source>Sign in at %1</source>
        <translation>%1 工作人员签到</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="45"/>
        <source>Sign in</source>
        <translation>签到</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="55"/>
        <source>Badge number</source>
        <translation>警号</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="64"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="73"/>
        <source>Checking…</source>
        <translation>正在核验…</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="73"/>
        <source>Sign in  (Enter)</source>
        <translation>签到  (Enter)</translation>
    </message>
    <message>
        <location filename="../SignInPage.qml" line="80"/>
        <source>Tab moves between the fields. Five wrong PINs lock the badge for 5 minutes.</source>
        <translation>Tab 键切换输入框。连续 5 次密码错误，警号将锁定 5 分钟。</translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <location filename="../StatsPanel.qml" line="20"/>
        <source>no votes</source>
        <translation>暂无</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="28"/>
        <source>My figures</source>
        <translation>我的业绩</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="39"/>
        <source>Last week&apos;s service star</source>
        <translation>上周服务明星</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="61"/>
        <source>Finished today</source>
        <translation>今日办结</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="63"/>
        <source>Satisfied today</source>
        <translation>今日满意率</translation>
    </message>
    <message numerus="yes">
        <location filename="../StatsPanel.qml" line="64"/>
        <location filename="../StatsPanel.qml" line="66"/>
        <source>%n vote(s)</source>
        <translation>
            <numerusform>%n 票</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="64"/>
        <location filename="../StatsPanel.qml" line="66"/>
        <source>not available</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="65"/>
        <source>Satisfied this week</source>
        <translation>本周满意率</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="67"/>
        <source>Rank this week</source>
        <translation>本周排名</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="68"/>
        <source>unranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <location filename="../StatsPanel.qml" line="69"/>
        <source>needs more votes</source>
        <translation>票数不足</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../TransferDialog.qml" line="103"/>
        <source>Transfer %1</source>
        <translation>转移 %1</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="113"/>
        <source>1-9 service · ↑↓ choose · ←→ column · Enter transfer · Esc cancel</source>
        <translation>1-9 选业务 · ↑↓ 选择 · ←→ 切换 · Enter 转移 · Esc 取消</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="125"/>
        <source>To a service (keeps the place in line)</source>
        <translation>转至业务（保留排队位置）</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="174"/>
        <source>(now)</source>
        <translation>（当前）</translation>
    </message>
    <message numerus="yes">
        <location filename="../TransferDialog.qml" line="185"/>
        <source>%n waiting</source>
        <translation>
            <numerusform>等候 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="202"/>
        <source>To a window</source>
        <translation>转至窗口</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="258"/>
        <source>closed</source>
        <translation>未开放</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="258"/>
        <source>paused</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../TransferDialog.qml" line="258"/>
        <source>open</source>
        <translation>开放</translation>
    </message>
</context>
<context>
    <name>VisitorCard</name>
    <message>
        <location filename="../VisitorCard.qml" line="28"/>
        <source>Current visitor</source>
        <translation>当前访客</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="42"/>
        <source>No visitor at the window</source>
        <translation>暂无访客</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="50"/>
        <source>The window is paused. F8 resumes.</source>
        <translation>窗口已暂停，按 F8 恢复。</translation>
    </message>
    <message numerus="yes">
        <location filename="../VisitorCard.qml" line="51"/>
        <source>%n waiting. F1 calls the next one.</source>
        <translation>
            <numerusform>等候 %n 人，按 F1 呼叫下一位</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="52"/>
        <source>Nobody is waiting.</source>
        <translation>目前无人等候。</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="105"/>
        <source>Serving</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="105"/>
        <source>Called, on the way</source>
        <translation>已呼叫，等候到窗</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="121"/>
        <source>Appointment</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="121"/>
        <source>Elderly / disabled</source>
        <translation>老弱病残</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="131"/>
        <source>Serving for %1</source>
        <translation>办理用时 %1</translation>
    </message>
    <message>
        <location filename="../VisitorCard.qml" line="131"/>
        <source>Called %1 ago</source>
        <translation>已呼叫 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../VisitorCard.qml" line="142"/>
        <source>recalled %n time(s)</source>
        <translation>
            <numerusform>已重呼 %n 次</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../VisitorCard.qml" line="144"/>
        <source>transferred %n time(s)</source>
        <translation>
            <numerusform>已转移 %n 次</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WaitingList</name>
    <message>
        <location filename="../WaitingList.qml" line="17"/>
        <source>Appt.</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../WaitingList.qml" line="17"/>
        <source>Priority</source>
        <translation>优先</translation>
    </message>
    <message>
        <location filename="../WaitingList.qml" line="26"/>
        <source>Nobody waiting</source>
        <translation>无人等候</translation>
    </message>
    <message numerus="yes">
        <location filename="../WaitingList.qml" line="26"/>
        <source>%n waiting</source>
        <translation>
            <numerusform>等候 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../WaitingList.qml" line="36"/>
        <source>next in line first</source>
        <translation>按叫号顺序</translation>
    </message>
    <message>
        <location filename="../WaitingList.qml" line="98"/>
        <source>To this window</source>
        <translation>转入本窗口</translation>
    </message>
    <message numerus="yes">
        <location filename="../WaitingList.qml" line="124"/>
        <source>%n min</source>
        <translation>
            <numerusform>%n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../WaitingList.qml" line="124"/>
        <source>just now</source>
        <translation>刚取号</translation>
    </message>
</context>
</TS>
