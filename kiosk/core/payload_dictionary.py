"""The preset deflate dictionary of QR payload format 1 (docs/qr-spec.md, "Compression").

A ticket's content is a few hundred bytes, too short for deflate to learn much from itself;
a preset dictionary of what Japanese forms are full of (prefectures, address words, bank
words, the katakana syllabary, common family names and the nationalities most common
among foreign residents) lets it refer back from the first byte. Measured on the
family-of-four moving-in bundle: 632 → about 588 bytes, the difference between two QR
codes and one. Deflate codes nearer matches more cheaply, so the most frequent material
comes last.

This text is part of the published format: it must never change while the format digit
is 1 (a decoder with another dictionary would fail every ticket). A changed dictionary
means a new format version. Its SHA-256 is in the spec and checked by a test.
"""

from __future__ import annotations

_PARTS = (
    # Nationalities most common among foreign residents (出入国在留管理庁 statistics).
    "ミャンマー スリランカ バングラデシュ パキスタン モンゴル タイ インド ペルー アメリカ合衆国 台湾 "
    "インドネシア ネパール ブラジル フィリピン 韓国 中国 ベトナム",
    # Banks and account words (児童手当 and other payments).
    "農業協同組合 信用組合 信用金庫 出張所 本店 支店 ゆうちょ銀行 銀行 普通 当座",
    # Prefectures.
    "北海道青森県岩手県宮城県秋田県山形県福島県茨城県栃木県群馬県埼玉県千葉県神奈川県新潟県富山県"
    "石川県福井県山梨県長野県岐阜県静岡県愛知県三重県滋賀県京都府兵庫県奈良県和歌山県鳥取県島根県"
    "岡山県広島県山口県徳島県香川県愛媛県高知県福岡県佐賀県長崎県熊本県大分県宮崎県鹿児島県沖縄県"
    "大阪府東京都",
    # Address words.
    "郡 村 町 市 区 丁目 番地 番 号 号室 棟 アパート コーポ ハイツ マンション",
    # Common family names and their readings.
    "佐藤サトウ鈴木スズキ高橋タカハシ田中タナカ伊藤イトウ渡辺ワタナベ山本ヤマモト中村ナカムラ"
    "小林コバヤシ加藤カトウ吉田ヨシダ山田ヤマダ佐々木ササキ山口ヤマグチ松本マツモト井上イノウエ",
    # The katakana syllabary, then the marks most readings use.
    "ァィゥェォヵヶヮヰヱヲヴ"
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポャュョッー",
)

DICTIONARY_V1: bytes = " ".join(_PARTS).encode("utf-8")
