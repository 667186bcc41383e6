"""Damage of mirrored release texts, read through or marked: one line in, one line out (line numbers kept).

- full-width punctuation and digits -> ASCII (``，`` -> ``,``, ``（`` -> ``(``, ``％`` -> ``%``); ``。`` is kept;
- pinyin in brackets after a character (``國(guó)``, what some mirrors add to every traditional character)
  is dropped;
- traditional characters -> simplified, for the characters release sentences are made of (the table below;
  any other character is left as it is, so a subject written with one stays unrecognised, never guessed);
- ``??`` placeholders (a space or an indent the mirror could not encode) at a line's start or end, or next
  to a space or ``。``, are dropped; a ``?`` between two characters is kept, and a figure next to it is not
  read (``sentences``);
- dropped dashes and 年: ``110月份`` -> ``1—10月份``, ``19月份`` -> ``1—9月份``, ``201810月份`` ->
  ``2018年10月份``. ``12月份`` in such a text could be December or ``1—2月份``: ``Repaired.dashes_dropped``
  tells ``period`` to refuse it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_FULLWIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}
_FULLWIDTH.update({"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
                   "\ufeff": "", "\ufe6a": "%", "\u2013": "-", "\u2212": "-", "\ufe63": "-", "\u2015": "—",
                   "\u301c": "~", "\uff5e": "~", "\u3001": "、"})

# Traditional -> simplified, pairs written out (traditional first): the characters of release sentences.
_PAIRS = (
    "個个 備备 價价 億亿 內内 兩两 冊册 別别 動动 務务 區区 單单 國国 圍围 圖图 團团 堅坚 場场 實实 專专 對对 導导 "
    "幣币 強强 徑径 從从 復复 徹彻 態态 應应 戶户 擁拥 擊击 據据 擬拟 數数 時时 會会 東东 業业 構构 標标 機机 氣气 "
    "決决 況况 準准 潤润 濟济 為为 熱热 營营 現现 環环 產产 發发 確确 礎础 礦矿 稱称 穩稳 糧粮 級级 絕绝 絡络 給给 "
    "統统 經经 網网 總总 續续 義义 習习 臺台 與与 萬万 虛虚 裝装 見见 規规 觀观 計计 記记 設设 詳详 調调 變变 貨货 "
    "貫贯 費费 資资 賣卖 質质 購购 車车 載载 輸输 轉转 農农 連连 進进 運运 過过 鄉乡 釋释 鎮镇 鐵铁 長长 門门 間间 "
    "關关 陽阳 雖虽 電电 項项 領领 額额 類类 顯显 飲饮 體体 點点 黨党 財财 預预 稅税 銷销 貿贸 達达 減减 漲涨 這这 "
    "們们 來来 後后 當当 將将 歲岁 錢钱 銀银 買买 廠厂 紡纺 織织 鋼钢 噸吨 輛辆 腦脑 優优 衛卫 醫医 療疗 藥药 學学 "
    "書书 館馆 條条 樣样 錄录 說说 讀读 話话 語语 認认 識识 議议 論论 證证 護护 險险 測测 傳传 貸贷 債债 匯汇 盤盘 "
    "劃划 帶带 廣广 擴扩 縮缩 較较 創创 際际 縣县 華华 僅仅 餘余 於于 開开 係系 問问 題题 員员 範范 隨随 號号 綜综 "
    "術术 處处 歷历 麼么 爭争 飯饭 廳厅 遞递 狀状 編编 輯辑 佈布 漁渔 牧 畜 藝艺 衝冲 鐘钟 錶表 製制 註注 週周 徵征 "
    "紀纪 錯错 緊紧 線线 織织 綠绿 燈灯 營营 陸陆 億亿 慶庆 滬沪 遼辽 蘇苏 閩闽 贛赣 魯鲁 粵粤 瓊琼 貴贵 雲云 陝陕 "
    "寧宁 晉晋 區区 縣县 鄰邻 壓压 臨临 獲获 並并 兌兑 頭头 幾几 勞劳 亞亚 夠够 屬属 態态 氣气 養养 礎础 硃朱 齊齐 "
    "聯联 協协 愛爱 歸归 戰战 斷断 斂敛 穀谷 圓圆 圍围 擔担 據据 滙汇 漢汉 頁页 題题 額额 風风 館馆 髮发 鬆松 鹽盐 "
    "麥麦 龍龙 務务 復复 產产 資资 總总 運运 輸输 郵邮 電电 訊讯 訂订 貼贴 購购 費费 貸贷 幣币 賬账 帳帐 錢钱 繫系"
)
_TRAD = {}
for pair in _PAIRS.split():
    if len(pair) == 2:
        _TRAD[pair[0]] = pair[1]

_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7})\)")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")
_PLACEHOLDER = re.compile(r"(?:^|(?<=[\s。]))\?+|\?+(?=[\s。]|$)")
_YEAR_GLUED = re.compile(r"(?<![\d年.,])((?:19|20)\d\d)(?=(?:1[—\-~])?\d{1,3}月)")
_DASH_DROPPED = re.compile(r"(?<![\d\-—~.])1(1[0-2]|[3-9])(?=月)")


@dataclass
class Repaired:
    lines: list[str]
    damage: set[str] = field(default_factory=set)  # pinyin, traditional, placeholders, dashes_dropped, year_glued

    @property
    def dashes_dropped(self) -> bool:
        return "dashes_dropped" in self.damage


def _drop_pinyin(m: re.Match) -> str:
    # every bracketed syllable in this text has a tone mark, or it is plain lower-case next to others that do
    return "" if _TONED.search(m.group(1)) or len(m.group(1)) <= 4 else m.group(0)


def repair_line(line: str, damage: set[str]) -> str:
    out = line.translate(_FULLWIDTH_TABLE)
    if _PINYIN.search(out) and _TONED.search(out):
        out = _PINYIN.sub(_drop_pinyin, out)
        damage.add("pinyin")
    simplified = out.translate(_TRAD_TABLE)
    if simplified != out:
        damage.add("traditional")
    out = simplified
    cleaned = _PLACEHOLDER.sub("", out)
    if cleaned != out:
        damage.add("placeholders")
    out = cleaned
    glued = _YEAR_GLUED.sub(r"\1年", out)
    if glued != out:
        damage.add("year_glued")
    out = glued
    dashed = _DASH_DROPPED.sub(r"1—\1", out)
    if dashed != out:
        damage.add("dashes_dropped")
    return dashed


_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_TRAD_TABLE = str.maketrans(_TRAD)


def repair(text: str) -> Repaired:
    damage: set[str] = set()
    return Repaired([repair_line(line, damage) for line in text.split("\n")], damage)
