"""Who sent the document, where that was read, and how sure it is.

Places are asked in order of how surely they name the sender: the 落款, the title, a
报送单位/填报单位 line, the letterhead or masthead, the 文号, the lead sentence of a
news-style item, a signature at the very end, then the file name. A provincial summary
names its cities (some of them roster members themselves), so the body is never asked
beyond the lead, and there only for its subject.

Names are taken without the words that frame them (据, 由, 从, 记者从…获悉, 本报讯), a short
self-reference (省质监局, 市局, 我局) is resolved to the sender another place names, a
national body a submission only quotes is never its sender, and on a scanned page a name
a character or two away from a roster member's is linked to it, with a lower confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.utils import parseaddr
from functools import lru_cache
from pathlib import PurePosixPath

from pipeline.campaign import Campaign, RosterEntry
from pipeline.extract.signature import Signature
from pipeline.model import Block, BlockKind, Document, Location

_ORG_CHARS = r"[\u4e00-\u9fffA-Za-z0-9（）()·]"
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_TITLE_NOISE = re.compile(r"^(?:关于|转发|印发)")
_CAPTION = re.compile(r"^(?:图\s*\d|图[一二三四五六七八九十]|图为|照片\s*\d)|(?:摄|供图)$")
_STOP = re.compile(
    r"关于|世界认可日|认可日|活动|方案|总结|报告|举办|主办|承办|协办|开展|举行|召开|组织|走进|参观|看见|启动|"
    r"联合(?!会)|共同|获悉|了解到|介绍|表示|来到|^各|^(?:这|那|此|其|该)|向(?:社会|公众|市民|群众|消费者|企业)"
)  # words no name holds: a run that has one is a clause, not a name
# Reporting frames and function words that open a run of name characters but are no part of
# the name: 本报讯, 湖北日报讯, 记者从…, 据…, 由…, a date.
_FRAME = re.compile(
    r"^(?:本报讯|[\u4e00-\u9fff]{1,8}?(?:报|网|台|社)讯|讯|记者[\u4e00-\u9fff]{0,4}?从|记者|通讯员|邀请|会同|"
    r"近日|日前|昨日|昨天|今天|今日|目前|(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚)?)"
)
# One-character frames (据市质监局统计, 由X省质监局主办, 从X局获悉) are cut only before a level word
# or a roster name: 向阳区, 经开区 and 由拳 start names of their own.
_FRAME_CHAR = re.compile(r"^[据由从经在受对向]")
_LEVEL_START = re.compile(r"^(?:我|本|省|市|区|县|州|盟|自治区)")
# A line that says who filled in or sent the paper: 填报单位（盖章）：…, 报送单位：…, 发件人：…
_FIELD = re.compile(
    r"(?P<field>报送单位|填报单位|编印单位|供稿单位|报送部门|填报部门|单位名称|编制单位|供稿|发件人)"
    r"\s*(?:[（(]\s*(?:盖章|公章)\s*[)）])?\s*[：:]\s*(?P<value>[^\s　<，,；;]{2,40})"
)
# Lines of a web page or newspaper around a news item: not its lead.
_META = re.compile(
    r"发布时间|来源[：:]|作者[：:]|浏览|字号|当前位置|首页\s*>|编辑[：:]|第\s*\d+\s*版|星期[一二三四五六日天]"
)
# An organisation named as the one guiding, asked or quoted: not the lead's subject.
_NOT_SUBJECT_AFTER = re.compile(r"^.{0,6}?(?:指导下|领导下|支持下|要求|部署|通知|委托|文件|统一)")
_NOT_SUBJECT_BEFORE = re.compile(r"(?:根据|按照|落实|贯彻|依据)[^，。；]{0,8}$")
_LEVELS = ("自治区", "省", "市")  # what a short self-reference opens with, longest first
_ABBR_PLACE = re.compile(r"(?:在|来|赴|驻)(?P<abbr>[\u4e00-\u9fff])(?=举办|开展|举行|召开|的|，|。|各|企业|机构|市民)")
_STREET = "路街道巷桥"  # 南京路 is a street, not 南京
# A lead names rooms and offices as well as organisations: "在玩具检测实验室" is a place.
_UNIT_HEADS = ("单位名称", "报送单位", "填报单位", "报送单位名称", "机构名称")
_WEAK_SUFFIXES = ("实验室", "办公室", "中心")


@dataclass(frozen=True, slots=True)
class SenderMatch:
    name: str
    kind: str  # regulator | demo_zone | institution | unknown
    evidence: str
    loc: Location | None
    source: str  # where it was found: 落款, 标题, 报送单位, 页眉, 文号, 导语, 邮件, 文件名…
    confidence: float = 1.0  # 0–1: how surely the source names the sender


@dataclass(frozen=True, slots=True)
class _Found:
    name: str
    kind: str
    strength: float = 1.0  # below 1 for a name linked by similarity (OCR noise)


def find_sender(doc: Document, signature: Signature, campaign: Campaign) -> SenderMatch | None:
    finder = _Finder(doc, campaign)
    match = finder.find(signature)
    if match is None:
        return None
    return replace(match, name=_full_form(match.name, match.kind, campaign))


class _Finder:
    def __init__(self, doc: Document, campaign: Campaign):
        self.doc, self.c = doc, campaign
        self.self_refs: list[str] = []  # short self-references met on the way (省质监局, 我局)
        self.context = ""  # the title and 落款: a 示范区 there makes its organisation a demo zone

    def confidence(self, source: str, strength: float = 1.0) -> float:
        return round(self.c.sender_confidence.get(source, 0.6) * strength, 2)

    def match(self, block: Block, source: str) -> SenderMatch | None:
        found = self.match_text(block.text, self.ocr(block), signs=source == "落款")
        if found is None:
            return None
        return SenderMatch(
            found.name, found.kind, block.text, block.loc, source, self.confidence(source, found.strength)
        )

    def ocr(self, block: Block) -> bool:
        return block.loc.page is not None and block.loc.page in self.doc.ocr_pages

    def find(self, signature: Signature) -> SenderMatch | None:
        doc, c = self.doc, self.c
        title_blocks = [b for b in doc.blocks if b.kind in (BlockKind.TITLE, BlockKind.TEXT_BOX)][:4]
        if not title_blocks:
            title_blocks = [b for b in doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)][:2]
        # A masthead or letterhead: the page header, and centred lines above the first heading
        # (a 简报's "XX局办公室编 2018年6月14日").
        top = [b for b in doc.blocks[:8] if b.kind is BlockKind.PARAGRAPH and b.align == "center"]
        header = [b for b in doc.blocks if b.kind is BlockKind.HEADER] + top
        signed = [b for _, b in reversed(signature.names) if not _CAPTION.match(b.text)]
        self.context = " ".join(b.text for b in signed + title_blocks)
        zones = [("落款", signed), ("标题", title_blocks), ("报送单位", self.field_blocks()), ("页眉", header)]
        found = [
            (source, block, m) for source, blocks in zones for block in blocks if (m := self.match_zone(block, source))
        ]
        if found:
            source, block, m = found[0]
            if source == "落款" and m.kind != "regulator" and self.ocr(block):
                # A seal over a scanned 落款 can cost OCR a character or two ("江质量技术监督局"):
                # the title's roster member is the sender when the 落款 reads as its name, misread.
                for _, _, other in found[1:]:
                    if other.kind == "regulator" and _misread(m.name, other.name, c):
                        return replace(other, confidence=min(other.confidence, self.confidence("落款", 0.8)))
            return m
        for block in doc.blocks[:12]:
            for dm in _DOC_NUMBER.finditer(block.text):
                entry = _by_doc_number(dm.group(1), c)
                if entry:
                    return SenderMatch(entry, "regulator", dm.group(0), block.loc, "文号", self.confidence("文号"))
        lead = self.lead()
        if lead:
            return lead
        tail = self.tail_signature(signature)
        if tail:
            return tail
        return self.from_mail() or self.from_file_name() or self.resolve_self_reference()

    def match_zone(self, block: Block, source: str) -> SenderMatch | None:
        if source == "报送单位":
            m = _FIELD.search(block.text)
            found = self.match_text(m.group("value"), self.ocr(block)) if m else None
            if found is None:
                return None
            where = "邮件" if m.group("field") == "发件人" else "报送单位"
            return SenderMatch(
                found.name, found.kind, block.text, block.loc, where, self.confidence(where, found.strength)
            )
        return self.match(block, source)

    def field_blocks(self) -> list[Block]:
        body = [b for b in self.doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)]
        return [b for b in body[:15] + body[-10:] if _FIELD.search(b.text)] + self.table_fields()

    def table_fields(self) -> list[Block]:
        """A one-sender form's 单位名称/报送单位 column (a demo zone's one-row 活动情况表): its
        value, when every row gives the same one. A column of cities is not a sender."""
        prose = sum(len(b.text) for b in self.doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING))
        if prose > 200:  # a report with a table of participants in it: its sender is in its prose
            return []
        out = []
        for table in self.doc.tables:
            if len(table.rows) < 2:
                continue
            header = [h.strip() for h in table.rows[0]]
            for c, head in enumerate(header):
                if head not in _UNIT_HEADS:
                    continue
                values = {
                    row[c].strip() for row in table.rows[1:] if c < len(row) and row[c].strip() and row[c] != head
                }
                if len(values) == 1:
                    loc = Location(page=table.page, table=table.index, row=2, column=c + 1)
                    out.append(Block(f"报送单位：{values.pop()}", BlockKind.TABLE_CELL, loc))
        return out

    def match_text(self, text: str, ocr: bool = False, signs: bool = False) -> _Found | None:
        """A roster member named with a bureau suffix, else any organisation's full name."""
        c = self.c
        text = _TITLE_NOISE.sub("", text)
        m = _roster_pattern(c).search(text)
        if m:
            return _Found(_canonical(m.group("name"), c), "regulator")
        if ocr and (fuzzy := _fuzzy_roster(text, c)):
            return fuzzy
        org = self.organisation(text, signs)
        if org:
            return _Found(org, _kind_of(org, c, self.context + text))
        m = _bare_roster_pattern(c).match(text)
        if m:  # "江苏省2018年世界认可日活动方案": a roster name opening a title
            return _Found(_canonical(m.group("name"), c), "regulator")
        return None

    def organisation(self, text: str, signs: bool = False) -> str | None:
        """The first organisation named in a text that is a name: not a self-reference, not a
        national body the text quotes (unless it signs)."""
        for org in _organisations(text, self.c):
            if _self_reference(org, self.c):
                self.self_refs.append(org)
                continue
            if len(org) < 4 or not signs and _national(org, self.c):
                continue
            return org
        return None

    def lead(self) -> SenderMatch | None:
        """The subject of a news item's lead: the first organisation named in its opening
        sentences that is neither quoted nor guiding ("在…指导下", "根据…要求"). When that first
        one is a short self-reference (市质监局), the lead names no one else."""
        c = self.c
        paragraphs = [
            b
            for b in self.doc.blocks
            if b.kind is BlockKind.PARAGRAPH and len(b.text) >= 20 and not (len(b.text) < 80 and _META.search(b.text))
        ][:3]
        for block in paragraphs:
            text = block.text
            named = [(m.start(), m.end(), _canonical(m.group("name"), c)) for m in _roster_pattern(c).finditer(text)]
            orgs = []
            for org in _organisations(text, c):
                at = text.find(org)
                if not any(a <= at < b for a, b, _ in named):
                    orgs.append((at, at + len(org), org))
            for at, end, name in sorted(named + orgs):
                if (at, end, name) in named:
                    if not _guided(text, at, end):
                        return SenderMatch(name, "regulator", text, block.loc, "导语", self.confidence("导语"))
                    continue
                if _self_reference(name, c):
                    self.self_refs.append(name)
                    return None  # the subject is the sender under its short name: resolve it elsewhere
                if (
                    len(name) < 6
                    or _FRAME_CHAR.match(name)
                    or name.endswith(_WEAK_SUFFIXES)
                    or _national(name, c)
                    or _guided(text, at, end)
                ):
                    continue
                kind = _kind_of(name, c, self.context + text)
                return SenderMatch(name, kind, text, block.loc, "导语", self.confidence("导语", 0.9))
        return None

    def tail_signature(self, signature: Signature) -> SenderMatch | None:
        """No dated 落款: an organisation on one of the last short lines (an e-mail's signature)."""
        if signature.names:
            return None
        body = [b for b in self.doc.blocks if b.kind is BlockKind.PARAGRAPH]
        for block in reversed(body[-5:]):
            if len(block.text) > 40 or _META.search(block.text) or _CAPTION.search(block.text):
                continue
            found = self.match_text(block.text, self.ocr(block))
            if found:
                return SenderMatch(
                    found.name, found.kind, block.text, block.loc, "落款", self.confidence("署名", found.strength)
                )
        return None

    def from_mail(self) -> SenderMatch | None:
        """The document says too little, but it came by mail: the sender's address, when the
        campaign lists it, or the display name or subject, when they name an organisation."""
        mail = self.doc.source.mail
        if not mail:
            return None
        name, address = parseaddr(mail.get("from", ""))
        entry = self.c.sender_of_address(address)
        if entry is not None:
            return SenderMatch(entry.name, "regulator", mail["from"], None, "发件邮箱", self.confidence("发件邮箱"))
        for text in (name, mail.get("subject", "")):
            found = self.match_text(text) if text else None
            if found is not None:
                return SenderMatch(found.name, found.kind, text, None, "邮件", self.confidence("邮件", found.strength))
        return None

    def from_file_name(self) -> SenderMatch | None:
        stem = PurePosixPath(self.doc.source.path).stem
        found = self.match_text(stem)
        if found is None:
            return None
        # A short self-reference in the text that the file name resolves is as sure as any such
        # resolution; the file name alone is the weakest place there is.
        weight = "简称推断" if self.self_refs else "文件名"
        return SenderMatch(found.name, found.kind, stem, None, "文件名", self.confidence(weight))

    def resolve_self_reference(self) -> SenderMatch | None:
        """The text calls its sender 市质监局 or 我局 only: the roster member of that level whose
        place the title, file name, masthead or lead names ("杭州日报", "在津举办")."""
        if not self.self_refs:
            return None
        levels = {_level(ref) for ref in self.self_refs}
        stem = PurePosixPath(self.doc.source.path).stem
        texts = [(stem, None)] + [
            (b.text, b.loc)
            for b in self.doc.blocks[:12]
            if b.kind in (BlockKind.TITLE, BlockKind.TEXT_BOX, BlockKind.HEADER, BlockKind.PARAGRAPH)
        ]
        for text, loc in texts:
            for entry, _at in _places(text, self.c):
                if _fits(entry, levels):
                    return SenderMatch(entry.name, "regulator", text, loc, "简称推断", self.confidence("简称推断"))
        return None


def _organisations(text: str, campaign: Campaign):
    """Organisation names in a text, in order: runs of name characters ending in a suffix, cut
    free of the frame words before them."""
    suffixes = "|".join(map(re.escape, campaign.organisation_suffixes))
    for m in re.finditer(rf"{_ORG_CHARS}{{1,40}}?(?:{suffixes})", text):
        name = m.group(0)
        # Extend over a following name part: 中国质量认证中心 + 南京分中心, 集团 + 有限公司.
        while more := re.match(rf"{_ORG_CHARS}{{0,8}}?(?:{suffixes})", text[m.start() + len(name) :]):
            if _STOP.search(more.group(0)):
                break
            name += more.group(0)
        name = _strip_frames(_TITLE_NOISE.sub("", name), campaign)
        if len(name) > 12:
            name = re.sub(r"^.*?(?:由|经)(?=.{4})", "", name)
        name = re.sub(r"^\d{4}年?", "", name)
        if len(name) >= 2 and not _STOP.search(name):
            yield name


def _strip_frames(name: str, campaign: Campaign) -> str:
    while True:
        if (m := _FRAME.match(name)) and len(name) - m.end() >= 2:
            name = name[m.end() :]
        elif (
            _FRAME_CHAR.match(name)
            and len(name) > 3
            and (_LEVEL_START.match(name[1:]) or _bare_place(campaign).match(name[1:]))
        ):
            name = name[1:]
        else:
            return name


@lru_cache(maxsize=8)
def _name_forms(campaign: Campaign) -> tuple[str, ...]:
    """Every roster member's every name form, longest first (内蒙古自治区 before 内蒙古)."""
    return tuple(sorted({n for r in campaign.roster for n in r.names}, key=len, reverse=True))


@lru_cache(maxsize=8)
def _bare_place(campaign: Campaign) -> re.Pattern:
    return re.compile("|".join(map(re.escape, _name_forms(campaign))))


@lru_cache(maxsize=8)
def _self_pattern(campaign: Campaign) -> re.Pattern:
    suffixes = "|".join(map(re.escape, campaign.regulator_suffixes))
    return re.compile(rf"^(?:我|本|该|全|各级|各|省|市|区|县|州|盟|自治区|、)*(?:{suffixes}|局|委|厅)(?:办公室)?$")


def _self_reference(org: str, campaign: Campaign) -> bool:
    """省质监局, 市局, 我局, 区质监局, 市市场监管委: the sender's short name, never a name."""
    return bool(_self_pattern(campaign).match(org))


def _level(ref: str) -> str:
    return next((level for level in _LEVELS if ref.startswith(level)), "")


def _fits(entry: RosterEntry, levels: set[str]) -> bool:
    if "" in levels:
        return True
    return any(entry.name.endswith(level) for level in levels)


def _places(text: str, campaign: Campaign):
    """Roster members a text names as places (杭州日报, 在杭州举办) or by a one-character
    abbreviation after 在/赴/驻 ("在津举办"), in order."""
    hits = []
    for entry in campaign.roster:
        for name in entry.names:
            at = next(
                (m.start() for m in re.finditer(re.escape(name), text) if text[m.end() : m.end() + 1] not in _STREET),
                -1,
            )
            if at >= 0:
                hits.append((at, entry))
                break
    for m in _ABBR_PLACE.finditer(text):
        for entry in campaign.roster:
            if m.group("abbr") in entry.abbr:
                hits.append((m.start("abbr"), entry))
    for at, entry in sorted(hits, key=lambda h: h[0]):
        yield entry, at


def _national(org: str, campaign: Campaign) -> bool:
    return any(body in org for body in campaign.national_bodies)


def _guided(text: str, start: int, end: int) -> bool:
    return bool(_NOT_SUBJECT_AFTER.match(text[end:]) or _NOT_SUBJECT_BEFORE.search(text[:start]))


@lru_cache(maxsize=8)
def _roster_pattern(campaign: Campaign) -> re.Pattern:
    names = _name_forms(campaign)
    suffixes = "|".join(map(re.escape, campaign.regulator_suffixes))
    # A roster name directly followed by a bureau suffix, and not inside a longer place name
    # (江西安远县 holds 西安); a frame word before it is no place (据江苏省质监局统计).
    return re.compile(
        rf"(?:(?<![\u4e00-\u9fff])|(?<=[据由从经在与和及同合对向为被是讯即受请邀、]))"
        rf"(?P<name>{'|'.join(map(re.escape, names))})(?:省|市|自治区)?(?:{suffixes})"
    )


@lru_cache(maxsize=8)
def _bare_roster_pattern(campaign: Campaign) -> re.Pattern:
    names = sorted({r.name for r in campaign.roster}, key=len, reverse=True)
    return re.compile(rf"^(?P<name>{'|'.join(map(re.escape, names))})(?![\u4e00-\u9fff]{{0,3}}(?:市|县|区)(?:质|市场))")


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@lru_cache(maxsize=8)
def _bureau_names(campaign: Campaign) -> tuple[tuple[str, str, str], ...]:
    """(place, suffix, member) for every roster member's full place name and bureau suffix."""
    out = []
    for entry in campaign.roster:
        for place in entry.names:
            if place[-1] in "省市区团":
                for suffix in campaign.regulator_suffixes:
                    if len(suffix) >= 3:
                        out.append((place, suffix, entry.name))
    return tuple(out)


def _fuzzy_roster(text: str, campaign: Campaign) -> _Found | None:
    """A scanned name a character or two away from a roster member's bureau ("江西省质重支术监督局"):
    the place exact or one character off, the whole at most a quarter wrong. Strength = similarity."""
    compact = re.sub(r"\s", "", text)
    best: tuple[float, str] | None = None
    for place, suffix, member in _bureau_names(campaign):
        target = place + suffix
        at = compact.find(place[:2])
        if at < 0:
            continue
        candidate = compact[at : at + len(target)]
        if len(candidate) < len(target) - 1:
            continue
        distance = _edit_distance(candidate, target)
        if distance == 0 or distance > max(1, len(target) // 4):
            continue
        if _edit_distance(candidate[: len(place)], place) > (1 if len(place) >= 3 else 0):
            continue
        similarity = 1 - distance / len(target)
        if best is None or similarity > best[0]:
            best = (similarity, member)
    if best is None:
        return None
    return _Found(best[1], "regulator", round(best[0], 2))


def _misread(org: str, member: str, campaign: Campaign) -> bool:
    """`org` is a bureau of `member` with characters of the place name lost: what is left of
    the place, in order, within one of the member's names, starting with its first character."""
    suffix = next((s for s in campaign.regulator_suffixes if org.endswith(s)), None)
    if suffix is None:
        return False
    place = org[: -len(suffix)]
    entry = next((r for r in campaign.roster if r.name == member), None)
    if not place or entry is None:
        return False
    for name in entry.names:
        rest = iter(name)
        if place[0] == name[0] and len(place) < len(name) and all(ch in rest for ch in place):
            return True
    return False


def _canonical(form: str, campaign: Campaign) -> str:
    for entry in campaign.roster:
        if form in entry.names:
            return entry.name
    return form


def _organisation(text: str, campaign: Campaign) -> str | None:
    """The first organisation name in a line that is a name (not a self-reference)."""
    return next((o for o in _organisations(text, campaign) if len(o) >= 4 and not _self_reference(o, campaign)), None)


def _full_form(name: str, kind: str, campaign: Campaign) -> str:
    """A bureau below the roster under one name whether it wrote 质监局 or 质量技术监督局."""
    if kind == "regulator":
        return name
    for short, full in campaign.sender_full_forms.items():
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def _kind_of(org: str, campaign: Campaign, context: str) -> str:
    if any(w in org for w in campaign.demo_zone_words):
        return "demo_zone"
    is_bureau = any(org.endswith(s) for s in campaign.regulator_suffixes) or org.endswith("局")
    if not is_bureau and any(w in context for w in campaign.demo_zone_words):
        return "demo_zone"
    if is_bureau:
        return "unknown"
    if any(w in org for w in campaign.institution_words) or org.endswith(("协会", "学会")):
        return "institution"
    return "unknown"


def _by_doc_number(prefix: str, campaign: Campaign) -> str | None:
    """湘质监函 -> 湖南省: the abbreviation opens the 文号 and a bureau word follows."""
    for entry in sorted(campaign.roster, key=lambda r: max(map(len, r.abbr), default=0), reverse=True):
        for abbr in sorted(entry.abbr, key=len, reverse=True):
            if prefix.startswith(abbr) and re.match(r"(?:市)?(?:质监|市监|市场|质|监)", prefix[len(abbr) :]):
                return entry.name
    return None
