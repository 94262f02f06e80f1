"""Who sent the document: from the 落款, title, letterhead, 文号 and file name, in that order.

Body text is never asked: a provincial summary names its cities (some of them roster
members themselves), and the sender is who signs, not the first place mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from pipeline.campaign import Campaign
from pipeline.extract.signature import Signature
from pipeline.model import BlockKind, Document, Location

_ORG_CHARS = r"[\u4e00-\u9fffA-Za-z0-9（）()·]"
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_TITLE_NOISE = re.compile(r"^(?:关于|转发|印发)")
_CAPTION = re.compile(r"^(?:图\s*\d|图[一二三四五六七八九十]|照片\s*\d)")
_STOP = re.compile(
    r"关于|世界认可日|活动|方案|总结|报告|举办|主办|开展|^各|向(?:社会|公众|市民|群众|消费者|企业)"
)  # words no name holds


@dataclass(frozen=True, slots=True)
class SenderMatch:
    name: str
    kind: str  # regulator | demo_zone | institution | unknown
    evidence: str
    loc: Location | None
    source: str  # where it was found: 落款, 标题, 页眉, 文号, 文件名


def find_sender(doc: Document, signature: Signature, campaign: Campaign) -> SenderMatch | None:
    title_blocks = [b for b in doc.blocks if b.kind in (BlockKind.TITLE, BlockKind.TEXT_BOX)][:4]
    if not title_blocks:
        title_blocks = [b for b in doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)][:2]
    zones = [
        ("落款", [b for _, b in reversed(signature.names) if not _CAPTION.match(b.text)]),
        ("标题", title_blocks),
        ("页眉", [b for b in doc.blocks if b.kind is BlockKind.HEADER]),
    ]
    mentions_zone = " ".join(b.text for _, blocks in zones[:2] for b in blocks)
    found = [
        (source, block, match)
        for source, blocks in zones
        for block in blocks
        if (match := _match_text(block.text, campaign, mentions_zone))
    ]
    if found:
        source, block, (name, kind) = found[0]
        if source == "落款" and kind != "regulator" and block.loc.page in doc.ocr_pages:
            # A seal over a scanned 落款 can cost OCR a character or two ("江质量技术监督局"):
            # the title's roster member is the sender when the 落款 reads as its name, misread.
            for later_source, later_block, (other, other_kind) in found[1:]:
                if other_kind == "regulator" and _misread(name, other, campaign):
                    return SenderMatch(other, other_kind, later_block.text, later_block.loc, later_source)
        return SenderMatch(name, kind, block.text, block.loc, source)
    for block in doc.blocks[:12]:
        for m in _DOC_NUMBER.finditer(block.text):
            entry = _by_doc_number(m.group(1), campaign)
            if entry:
                return SenderMatch(entry, "regulator", m.group(0), block.loc, "文号")
    # Last resort before the file name: an organisation named in the opening paragraphs
    # (a news release says "由XX公司主办"); roster members there are often other places.
    for block in [b for b in doc.blocks if b.kind is BlockKind.PARAGRAPH][:4]:
        org = _organisation(block.text, campaign)
        if org and not _roster_pattern(campaign).search(org):
            return SenderMatch(org, _kind_of(org, campaign, mentions_zone + block.text), block.text, block.loc, "正文")
    stem = PurePosixPath(doc.source.path).stem
    match = _match_text(stem, campaign, stem)
    if match:
        return SenderMatch(match[0], match[1], stem, None, "文件名")
    return None


def _match_text(text: str, campaign: Campaign, context: str) -> tuple[str, str] | None:
    """A roster member named with a bureau suffix, else any organisation's full name."""
    text = _TITLE_NOISE.sub("", text)
    roster = _roster_pattern(campaign)
    m = roster.search(text)
    if m:
        return _canonical(m.group("name"), campaign), "regulator"
    org = _organisation(text, campaign)
    if org:
        return org, _kind_of(org, campaign, context)
    m = _bare_roster_pattern(campaign).match(text)
    if m:  # "江苏省2018年世界认可日活动方案": a roster name opening a title
        return _canonical(m.group("name"), campaign), "regulator"
    return None


@lru_cache(maxsize=8)
def _roster_pattern(campaign: Campaign) -> re.Pattern:
    names = sorted({n for r in campaign.roster for n in r.names}, key=len, reverse=True)
    suffixes = "|".join(map(re.escape, campaign.regulator_suffixes))
    # A roster name directly followed by a bureau suffix, and not preceded by another
    # place name character (河南省许昌市质监局 is 许昌's bureau, not 河南's).
    return re.compile(
        rf"(?<![\u4e00-\u9fff省市区县州])(?P<name>{'|'.join(map(re.escape, names))})(?:省|市|自治区)?(?:{suffixes})"
    )


@lru_cache(maxsize=8)
def _bare_roster_pattern(campaign: Campaign) -> re.Pattern:
    names = sorted({r.name for r in campaign.roster}, key=len, reverse=True)
    return re.compile(rf"^(?P<name>{'|'.join(map(re.escape, names))})(?![\u4e00-\u9fff]{{0,3}}(?:市|县|区)(?:质|市场))")


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
    """The first organisation name in a line: a run of name characters ending in a suffix."""
    suffixes = "|".join(map(re.escape, campaign.organisation_suffixes))
    for m in re.finditer(rf"{_ORG_CHARS}{{2,40}}?(?:{suffixes})", text):
        name = m.group(0)
        # Extend over a following name part: 中国质量认证中心 + 南京分中心, 集团 + 有限公司.
        while more := re.match(rf"{_ORG_CHARS}{{0,8}}?(?:{suffixes})", text[m.start() + len(name) :]):
            if _STOP.search(more.group(0)):
                break
            name += more.group(0)
        # "由温州XX集团有限公司主办": cut the preposition that introduces the organiser.
        name = _TITLE_NOISE.sub("", name)
        if len(name) > 12:
            name = re.sub(r"^.*?(?:由|经)(?=.{4})", "", name)
        name = re.sub(r"^\d{4}年?", "", name)
        if len(name) >= 4 and not _STOP.search(name):
            return name
    return None


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
