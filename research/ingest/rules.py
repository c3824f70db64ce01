"""Every rule the segmenter uses, in one place, each a small named predicate on one *normalised* line.

The segmenter (``segment.py``) only combines these with the position of a line on the page (before any body,
inside a body, after a byline; after an image gap or not). Thresholds are module constants so a reader can see
and tune them. The rules were written against real 郑州经开区 pages:

* a **dateline** line starts with ``本报讯`` (or ``本报…电``, ``新华社…电``): it always starts a body;
* a **byline** is a short line of role words and names (``记者 王赛华 文/图``, ``张倩 郭威``);
* a **caption** either carries a caption marker (``图为…``, ``▲``, ``（张三 摄）``) or is a title-like line
  right after an *image gap* (two or more blank lines, where the page had a picture);
* a **title-like** line is short and has no sentence punctuation: a headline, a section heading, a caption,
  or a body line broken by the layout; which one depends on where it is (see ``segment.py``);
* a line **ends a sentence** when its last character (closing quotes/brackets aside) is ``。！？；：…``; a body
  line that does not is continued by the next text line (layout repair: ``政治保`` / ``障。``).
"""
from __future__ import annotations

import re

MAX_TITLE_CHARS = 40
"""Headlines, headings, captions and bylines are at most this long; longer lines are body text."""
MAX_BARE_HEADING_CHARS = 14
"""A heading with no other signal (no number, no internal space) must be this short and punctuation-free."""
MAX_HEADLINE_LINES = 8
"""A headline (kicker, title, subtitles) is at most this many lines; further title-like lines are body text, so a
page of a million short lines does not become one 20-million-character headline."""
IMAGE_GAP = 2
"""This many blank lines in a row mark where a picture stood; the next title-like line is its caption."""

SENTENCE_PUNCT = frozenset("，,。；;！!？?")
"""Punctuation that headlines, headings, bylines and captions do not contain (``、：“”（）`` they may)."""
TERMINAL = frozenset("。！？!?；;：:…")
CLOSERS = frozenset("”’」』）)】》〉\"'")
ANY_PUNCT = frozenset(SENTENCE_PUNCT | TERMINAL | CLOSERS | set("、“‘「『（(【《〈—-·/"))

_DATE = (
    r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:[、和至-]\d{1,2}日)*(?:上午|下午|晚上|晚间|早上|凌晨|中午|晚)?"
    r"|近日|日前|昨日|昨天|今天|今日|近期|连日来|本周|上周"
)
DATELINE = re.compile(
    r"(?P<marker>本报讯|本报消息|本报综合消息|(?:本报|新华社|中新社|中新网)[^\s，,。：:（(]{0,12}?电)"
    r"(?:\s*[（(](?P<credit>[^）)]{1,30})[）)])?"
    rf"(?:\s*(?P<date>{_DATE}))?"
    r"(?P<sep>\s*[，,：:]?\s*)"
)
"""``本报讯 3月15日，`` -> marker ``本报讯``, date ``3月15日``, separator ``，`` (not kept), then the body."""

ROLE_WORDS = frozenset(
    "记者 本报记者 见习记者 特约记者 首席记者 实习记者 摄影记者 通讯员 特约通讯员 实习生 摄影 摄 文 图 文图 图文 "
    "编辑 责任编辑 责编 校对 美编 审核 审校 作者 来源 整理 报道 供图 制图".split()
)
GLUED_ROLES = ("本报记者", "见习记者", "特约记者", "首席记者", "实习记者", "摄影记者", "特约通讯员", "记者", "通讯员",
               "实习生", "责任编辑", "责编", "美编")
"""Roles that may be glued to the name (``本报记者王赛华``); one-character roles like ``文`` may not (``文明城市``)."""
# Common surnames: a role-less byline such as ``张倩 郭威`` must consist of plausible personal names.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐")
_BYLINE_SPLIT = re.compile(r"[\s/:：、|｜]+")

CAPTION_MARK = re.compile(
    r"^(?:图为|图片为|上图|下图|左图|右图|题图|图\d+|[▲△▼◀▶])|[（(][^（()）]{0,20}(?:摄|供图)[）)]$"
)
NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|第[一二三四五六七八九十]{1,3}[部分章节篇]|\d{1,2}[、.．](?!\d))"
)
BRACKETED = re.compile(r"^(?:【[^】]{1,30}】$|[■◆●◇□▌▍◎★☆])")
_CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff”）][ \t\u3000]+[\u4e00-\u9fff“（]")


def ends_sentence(s: str) -> bool:
    """True if the line ends a sentence; a body line that does not is continued by the next text line."""
    s = s.rstrip()
    while s and s[-1] in CLOSERS:
        s = s[:-1]
    return bool(s) and s[-1] in TERMINAL


def is_title_like(s: str) -> bool:
    """Short and without sentence punctuation: a headline, heading, caption or a layout-broken body line."""
    return 0 < len(s) <= MAX_TITLE_CHARS and not SENTENCE_PUNCT.intersection(s) and not DATELINE.match(s)


def dateline(s: str) -> re.Match | None:
    """The ``本报讯 3月15日，`` prefix of a line that opens a news body, if any."""
    return DATELINE.match(s)


def is_person_name(token: str, max_len: int = 3) -> bool:
    """A common surname followed by one or two characters (``max_len`` 4 allows longer given names)."""
    if not all("\u4e00" <= c <= "\u9fff" for c in token):
        return False
    for surname in COMPOUND_SURNAMES:
        if token.startswith(surname):
            return 3 <= len(token) <= max_len + 1
    return 2 <= len(token) <= max_len and token[0] in SURNAMES


def _glued_role_and_name(token: str) -> bool:
    return any(token.startswith(role) and is_person_name(token[len(role):], 4) for role in GLUED_ROLES)


def is_byline(s: str) -> bool:
    """Role words and names only: ``记者 王赛华 文/图``, ``本报记者王赛华``, ``张倩 郭威``, ``（通讯员 李四）``.

    Every other token must be a personal name: a common surname + 1-2 characters (up to 3 after a role
    word). Without any role word there may be at most four names, so a kicker such as ``不忘初心 牢记使命`` is
    not mistaken for two names.
    """
    if not s or len(s) > MAX_TITLE_CHARS or SENTENCE_PUNCT.intersection(s):
        return False
    tokens = [t for t in _BYLINE_SPLIT.split(s.strip("（）() ")) if t]
    if not tokens or len(tokens) > 8:
        return False
    roles = names = 0
    for token in tokens:
        if token in ROLE_WORDS:
            roles += 1
        elif _glued_role_and_name(token):
            roles, names = roles + 1, names + 1
        elif is_person_name(token.removesuffix("摄"), 4 if roles else 3):
            names += 1
        else:
            return False
    return names >= 1 and (roles >= 1 or len(tokens) <= 4)


def is_caption_marked(s: str) -> bool:
    """``图为…``, ``▲…`` or a trailing ``（张三 摄）``: a caption wherever it stands."""
    return bool(CAPTION_MARK.search(s))


def is_numbered_heading(s: str) -> bool:
    """``一、``, ``（二）``, ``第三部分``, ``4.`` or ``【…】``/``■`` at the start of a title-like line."""
    return bool(NUMBERED.match(s) or BRACKETED.match(s))


def looks_like_heading(s: str, paragraph_open: bool) -> bool:
    """Inside a body, is this title-like line a section heading rather than a body line broken by the layout?

    A numbered/bracketed line always is. Otherwise the paragraph before it must be finished and the line must
    have a heading's shape: two phrases separated by a space (``全面从严治党 为高质量发展提供坚强保障``), or be
    very short with no punctuation at all. A 27-character line with ``、`` and no space
    (``在康桥美庐湾、九龙新城……、瑞绣``) is a broken body line.
    """
    if is_numbered_heading(s):
        return True
    if paragraph_open:
        return False
    if _CJK_SPACE_CJK.search(s):
        return True
    return len(s) <= MAX_BARE_HEADING_CHARS and not ANY_PUNCT.intersection(s)
