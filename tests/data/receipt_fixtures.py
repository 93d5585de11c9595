"""A Japanese catalogue, procedure titles and a four-counter route for the slip tests.

The messages are a fixed fixture on purpose: the receipt and renderer tests check layout
and bilingual lines, and must not change when a translator improves the real catalogue.
"""

from __future__ import annotations

from kiosk.core.ticket import RouteStop

#: What the Japanese side of the slip says in these tests.
JA_MESSAGES = {
    "Reception ticket": "受付票",
    "Your number": "受付番号",
    "Go to these counters in this order": "次の順に窓口へお越しください",
    "Counter {number}": "{number}番窓口",
    "People waiting ahead of you: {count}": "お待ちの人数：{count}人",
    "No one is waiting ahead of you": "お待ちの方はいません",
    "Estimated wait: about {minutes} min": "待ち時間の目安：約{minutes}分",
    "Please wait until your number is called.": "番号が呼ばれるまでお待ちください。",
    "Show this code at the counter": "窓口でこのコードをお見せください",
    "Show all {count} codes at the counter": "窓口で{count}つのコードをすべてお見せください",
    "This code is encrypted. Hand it only to city hall staff.":
        "このコードは暗号化されています。市役所の職員以外には渡さないでください。",
    "Practice ticket: not a real application": "練習用の券です（本物の申請ではありません）",
    "SAMPLE": "見本",
}
TITLES = {
    "tennyu": {"ja": "転入届", "en": "Notification of moving in"},
    "kokuho_kanyu": {"ja": "国民健康保険の加入", "en": "Joining National Health Insurance"},
    "jidou_teate": {"ja": "児童手当の認定請求", "en": "Child allowance application"},
    "mynumber_address": {"ja": "マイナンバーカードの住所変更", "en": "My Number card address change"},
}
#: The moving-in bundle of a family of four: 転入届 + 国保 + 児童手当 + マイナンバーカード.
ROUTE = (
    RouteStop("residents", 1, ("tennyu",)),
    RouteStop("insurance", 2, ("kokuho_kanyu",)),
    RouteStop("children", 3, ("jidou_teate",)),
    RouteStop("mynumber", 4, ("mynumber_address",)),
)
