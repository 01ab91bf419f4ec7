"""Deterministic generator of synthetic 法治政府建设年度报告 corpora.

The generator recombines and varies the material found in the seed reports
(``seeds/*.txt``): each generated report gets an invented jurisdiction and year,
a random selection of the seeds' points for each part (measures, problems,
plans, ...), a randomly chosen numbering style, punctuation width, encoding and
file format (plain text or a government-style HTML page), plus the kind of noise
that real downloads carry (ad lines, ``图片``, ``扫一扫在手机打开当前页`` ...).

Everything is a pure function of ``(seed, index)``: the same ``--seed`` and
``--docs`` always give byte-identical files, and document ``i`` does not depend
on how many documents are generated.

Next to the documents, ``truth.jsonl`` holds one JSON object per file with the
ground truth a parser should recover (see :func:`generate_corpus`).

Usage::

    python -m synthetic.generate --docs 1000 --out /tmp/corpus [--seed 0] [--seeds-dir seeds]

This module deliberately imports no other ``fazhi_lib`` module: the seed
reports are split with a small private line-based parser. Corpora of panels
(the same jurisdiction over several years, with the truth of what carried
over) are made by :mod:`synthetic.generate_panels` on top of this module.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ADMIN_LEVELS",
    "CANONICAL_PARTS",
    "LONG_SHAPES",
    "Carry",
    "Leaf",
    "Material",
    "PanelSlot",
    "Report",
    "build_report",
    "generate_corpus",
    "generate_document",
    "iter_corpus",
    "load_material",
    "long_report",
    "main",
    "render_html",
    "render_txt",
]

CANONICAL_PARTS = ("overview", "measures", "effects", "leader_duty", "problems", "plans")

#: admin_level values written to truth.jsonl, by place suffix.
ADMIN_LEVELS = {
    "街道": "subdistrict",
    "镇": "town",
    "乡": "township",
    "区": "district",
    "县": "county",
    "局": "department",
}

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

DUPLICATE_RATE = 0.01
HTML_RATE = 0.2

# --------------------------------------------------------------------------------------------
# Chinese numerals


_CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 23 -> 二十三 (1 <= n <= 99)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------------------------
# Private seed parser

_CN = "一二三四五六七八九十"
_TOP_NUM_RE = re.compile(rf"^([{_CN}]{{1,3}})、\s*(.*)$")
_TOP_BRK_RE = re.compile(r"^【([^】]{1,30})】\s*(.*)$")
_L2_RE = re.compile(rf"^[（(]([{_CN}]{{1,3}})[）)]\s*(.*)$")
_L3_RE = re.compile(r"^(?:(\d{1,2})[.．、]|[（(](\d{1,2})[）)])\s*(.*)$")
_YI_RE = re.compile(rf"^([{_CN}]{{1,3}})是(.*)$")
_ANY_YI_RE = re.compile(rf"[{_CN}]是")
_MARKERLIKE_RE = re.compile(rf"^\s*(?:[{_CN}]+、|【|[（(][{_CN}\d]+[）)]|\d+[.．、]|[{_CN}]+是)")
_TITLE_BREAK_RE = re.compile(r"[。:：]")
_TRAIL_PUNCT = "。，,：:；; \u3000"
_NOISE_MARKS = ("扫一扫", "打印本页", "关闭窗口")


def _classify(heading: str) -> str | None:
    """Canonical part of a top-level heading (private copy of the rule the parser uses)."""
    if any(k in heading for k in ("下一步", "下步", "打算", "计划", "整改措施", "思路")):
        return "plans"
    if any(k in heading for k in ("问题", "不足", "短板")):
        return "problems"
    if "第一责任人" in heading:
        return "leader_duty"
    if "基本情况" in heading:
        return "overview"
    if "效果" in heading:
        return "effects"
    if any(k in heading for k in ("成效", "举措", "工作开展情况", "措施", "做法")):
        return "measures"
    return None


class _Node:
    __slots__ = ("children", "head", "paras", "rank")

    def __init__(self, rank: int, head: str) -> None:
        self.rank = rank
        self.head = head
        self.paras: list[str] = []
        self.children: list[_Node] = []


def _split_inline(text: str) -> tuple[str, list[str]] | None:
    """Split ``lead一是A二是B三是C`` into (lead, [A, B, C]); None unless at least 一是 and 二是."""
    pos = text.find("一是")
    if pos < 0:
        return None
    starts = [(pos, 2)]
    n = 2
    while n <= 20:
        marker = cn_num(n) + "是"
        p = text.find(marker, starts[-1][0] + starts[-1][1])
        if p < 0:
            break
        starts.append((p, len(marker)))
        n += 1
    if len(starts) < 2:
        return None
    items = []
    for k, (p, ln) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        items.append(text[p + ln : end].strip())
    return text[:pos].strip(), items


def _build_tree(lines: list[str]) -> _Node:
    root = _Node(0, "")
    stack = [root]
    for line in lines:
        rank = 0
        rest = line
        if m := _L2_RE.match(line):
            rank, rest = 1, m.group(2)
        elif m := _L3_RE.match(line):
            rank, rest = 2, m.group(3)
        elif m := _YI_RE.match(line):
            rank, rest = 3, m.group(2)
        if rank:
            while stack[-1].rank >= rank:
                stack.pop()
            node = _Node(rank, rest.strip())
            stack[-1].children.append(node)
            stack.append(node)
        else:
            stack[-1].paras.append(line)
    _expand_inline(root)
    return root


def _expand_inline(node: _Node) -> None:
    for child in node.children:
        _expand_inline(child)
    if node.children:
        return
    if node.rank and (split := _split_inline(node.head)):
        node.head = split[0]
        node.children = [_Node(4, item) for item in split[1]]
        node.paras = []
        return
    for k, para in enumerate(node.paras):
        if split := _split_inline(para):
            lead = node.paras[:k] + ([split[0]] if split[0] else [])
            node.children = [_Node(4, item) for item in split[1]]
            # a root keeps its lead paragraphs (part leads); other nodes drop them
            node.paras = lead if node.rank == 0 else []
            return


def _clean(text: str) -> str:
    return text.strip().strip(_TRAIL_PUNCT).strip()


def _valid_text(text: str) -> bool:
    return bool(text) and not _ANY_YI_RE.search(text) and not _MARKERLIKE_RE.match(text)


@dataclass(frozen=True)
class Leaf:
    """A leaf point: an optional short title and one or more body paragraphs."""

    title: str
    body: tuple[str, ...]
    sentences: tuple[str, ...] = ()  # sentence split of a single-paragraph body (for variation)


@dataclass(frozen=True)
class Group:
    title: str
    points: tuple[Leaf, ...]


@dataclass
class Material:
    """Seed material, split by canonical part."""

    leaves: dict[str, list[Leaf]] = field(default_factory=dict)
    groups: dict[str, list[Group]] = field(default_factory=dict)
    leads: dict[str, list[str]] = field(default_factory=dict)
    paragraphs: dict[str, list[str]] = field(default_factory=dict)


def _make_leaf(title: str, body: list[str]) -> Leaf | None:
    title = title.strip()
    body = [b.strip() for b in body if b.strip()]
    if not body and title:
        # no explicit body: split a short title off the text, e.g. 健全工作机制。成立……
        text = title
        m = _TITLE_BREAK_RE.search(text, 0, 31)
        if m and m.end() < len(text):
            title, body = text[: m.start()], [text[m.end() :].strip()]
        else:
            title, body = "", [text]
    title = _clean(title)
    if not body:
        return None
    last = body[-1].rstrip("；;，,、 ")
    body[-1] = last if last.endswith(("。", "！", "？", "”")) else last + "。"
    texts = [title, *body]
    if any(not _valid_text(t) for t in texts if t) or sum(map(len, texts)) < 12:
        return None
    sentences: tuple[str, ...] = ()
    if len(body) == 1:
        sentences = tuple(s for s in re.findall(r"[^。]*。|[^。]+$", body[0]) if s)
    return Leaf(title, tuple(body), sentences)


def _node_leaf(node: _Node) -> Leaf | None:
    head = node.head.strip()
    if head and node.paras and len(head) <= 30 and "。" not in head:
        return _make_leaf(head, node.paras)  # heading-only point followed by its paragraphs
    return _make_leaf(head or "".join(node.paras), [])


def _harvest(node: _Node, part: str, mat: Material) -> None:
    for child in node.children:
        _harvest(child, part, mat)
    if node.rank == 0:
        if node.children:
            leads = [p for p in node.paras if _valid_text(p) and len(p) >= 10]
            mat.leads.setdefault(part, []).extend(leads)
        else:
            mat.paragraphs.setdefault(part, []).extend(p for p in node.paras if len(p) >= 20)
        return
    if not node.children:
        if leaf := _node_leaf(node):
            mat.leaves.setdefault(part, []).append(leaf)
        return
    if all(not c.children for c in node.children):
        title = _clean(node.head)
        points = tuple(lf for c in node.children if (lf := _node_leaf(c)))
        if title and len(title) <= 40 and _valid_text(title) and points:
            mat.groups.setdefault(part, []).append(Group(title, points))


_NAME_RE = re.compile(r"([\u4e00-\u9fff]{2,6}?)(街道办事处|街道|镇)")
_NAME_STOP = set("法治乡村社区各全本我该省级的和在与为")


def _seed_places(text: str) -> list[tuple[str, str]]:
    """(short name, suffix) of the seed's own jurisdiction: the first plausible one near the top."""
    for m in _NAME_RE.finditer(text[:400]):
        name = re.sub(r"^.*[省市区县州]", "", m.group(1))
        if len(name) >= 2 and not (set(name) & _NAME_STOP):
            return [(name, m.group(2))]
    return []


def _placeholders(text: str, places: list[tuple[str, str]]) -> str:
    for name, _suffix in places:
        for suf in ("街道办事处", "街道", "镇", "乡"):
            text = text.replace(name + suf, "{P}")
        text = text.replace(name, "{S}")
    text = re.sub(r"(?:[\u4e00-\u9fff]{2}[省市县区])+(?=\{P\})", "", text)
    text = re.sub(r"我(?:街道|镇|乡)", "{W}", text)
    return re.sub(r"全(?:街道|镇|乡)", "{Q}", text)


def _read_seed(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _parse_seed(text: str, mat: Material) -> None:
    places = _seed_places(text)
    text = _placeholders(text, places)
    part: str | None = None
    part_lines: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "图片" or any(k in line for k in _NOISE_MARKS):
            continue
        heading = None
        if m := _TOP_NUM_RE.match(line):
            heading = m.group(2)
        elif m := _TOP_BRK_RE.match(line):
            heading = m.group(1) + m.group(2)
        if heading is not None:
            if part:
                sections.append((part, part_lines))
            part, part_lines = _classify(heading), []
        elif part:
            part_lines.append(line)
    if part:
        sections.append((part, part_lines))
    for part_name, lines in sections:
        _harvest(_build_tree(lines), part_name, mat)


# Extra material for parts the seeds (may) lack.
_LEADER_DUTY_LEAVES = (
    ("带头履行第一责任人职责",
     "党政主要负责人认真履行推进法治建设第一责任人职责，把法治建设纳入全局工作统筹谋划、"
     "同步推进，主持召开专题会议研究解决法治建设重大问题，做到重要工作亲自部署、重大问题亲自过问。"),
    ("带头尊法学法",
     "坚持会前学法制度，主要负责人带头讲授法治专题课，组织领导班子集体学习习近平法治思想、"
     "宪法和民法典等法律法规，领导干部年度述法实现全覆盖。"),
    ("带头依法决策",
     "严格执行重大行政决策程序规定，坚持公众参与、专家论证、风险评估、合法性审查和集体讨论决定，"
     "重大决策事项均经法律顾问审查后提交集体研究。"),
    ("带头推动依法化解矛盾",
     "主要负责人带头接访下访，包案化解信访积案，推动矛盾纠纷在法治轨道上解决，"
     "全年未发生因决策不当引发的群体性事件。"),
    ("带头抓好法治队伍建设",
     "配齐配强法治工作力量，支持司法所、法律顾问依法履职，组织行政执法人员参加专题培训，"
     "执法人员持证上岗率达100%。"),
    ("带头接受监督",
     "自觉接受人大监督、民主监督、司法监督和群众监督，认真办理人大代表建议和政协委员提案，"
     "支持人民法院依法受理和审理行政案件，主要负责人带头出庭应诉。"),
    ("压实法治建设责任",
     "制定党政主要负责人履行推进法治建设第一责任人职责清单，将法治建设成效纳入班子成员和"
     "各部门年度考核，层层传导压力、压实责任。"),
)

_OVERVIEW_PARAS = (
    "{P}辖{k}个村（社区），总面积{a}平方公里，户籍人口{p}万人。近年来，{P}坚持以习近平新时代中国特色社会主义思想"
    "为指导，把法治建设作为基层治理的基础性工作来抓，法治政府建设各项工作有序推进。",
    "{P}现有行政执法人员{e}名，均已取得行政执法证件；聘请法律顾问{c}名，实现村（社区）法律顾问全覆盖。",
)

_EFFECTS_PARAS = (
    "通过一系列举措，{P}依法行政水平明显提升，干部群众法治意识不断增强，基层社会治理法治化水平持续提高，"
    "为经济社会高质量发展营造了良好的法治环境。",
    "全年未发生重大群体性事件和重大安全责任事故，群众安全感和满意度稳步提升，{P}获评平安建设先进单位。",
)

_PROBLEM_LEADS = (
    "在推进法治政府建设的过程中，虽然取得了一定成绩，但对照上级要求和群众期盼，仍存在一些问题和薄弱环节，主要表现在：",
    "回顾一年来的工作，{P}法治政府建设工作还存在一些不足：",
)

_PLAN_LEADS = (
    "下一步，{P}将继续深入学习贯彻习近平法治思想，重点抓好以下工作：",
    "{Y1}年，{P}将坚持问题导向，对照法治政府建设目标任务，持续推进依法行政：",
)

_MEASURE_LEADS = ("{Y}年，{P}重点抓好以下几方面工作：",)
_BUILTIN_TEMPLATES = frozenset(
    _OVERVIEW_PARAS + _EFFECTS_PARAS + _PROBLEM_LEADS + _PLAN_LEADS + _MEASURE_LEADS
)


def load_material(seeds_dir: str | Path | None = None) -> Material:
    """Parse every ``*.txt`` seed report into a :class:`Material` pool (done once per corpus)."""
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else DEFAULT_SEEDS_DIR
    paths = sorted(seeds_dir.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed reports (*.txt) in {seeds_dir}")
    mat = Material()
    for path in paths:
        _parse_seed(_read_seed(path), mat)
    for title, body in _LEADER_DUTY_LEAVES:
        mat.leaves.setdefault("leader_duty", []).append(Leaf(title, (body,), ()))
    for leaf in mat.leaves.get("measures", []) + mat.leaves.get("plans", []):
        if "第一责任人" in leaf.title + "".join(leaf.body):
            mat.leaves["leader_duty"].append(leaf)
    mat.paragraphs.setdefault("overview", []).extend(_OVERVIEW_PARAS)
    mat.paragraphs.setdefault("effects", []).extend(_EFFECTS_PARAS)
    mat.leads.setdefault("problems", []).extend(_PROBLEM_LEADS)
    mat.leads.setdefault("plans", []).extend(_PLAN_LEADS)
    mat.leads.setdefault("measures", []).extend(_MEASURE_LEADS)
    for part in ("measures", "problems", "plans"):
        if len(mat.leaves.get(part, [])) < 2:
            raise ValueError(f"seed reports give too few '{part}' points ({len(mat.leaves.get(part, []))})")
    return mat


# --------------------------------------------------------------------------------------------
# Places, years, headings

_NAME_A = "青石柳云安龙桃清金白长新丰永东西南北双马凤黄红杨梅松竹兴和平太宝福康乐高大小溪泉"
_NAME_B = "溪山坪台河湖桥岭塘源泉口坝湾冲洲田铺阳林店庄冈沟寨峰江市堡"
_DEPARTMENTS = (
    "司法局", "市场监督管理局", "自然资源局", "生态环境局", "人力资源和社会保障局",
    "卫生健康局", "交通运输局", "应急管理局", "住房和城乡建设局", "农业农村局",
)
_ADS = (
    "英国威廉希尔公司", "澳门新葡京娱乐场", "威尼斯人官方网站", "金沙娱乐城官网", "bet365体育在线投注",
    "皇冠体育官网", "太阳城集团", "亚博体育app下载",
)

_HEADINGS = {
    "overview": (["基本情况", "工作基本情况"], ["基本情况"]),
    "measures": (
        ["主要举措和成效", "工作开展情况", "主要做法及成效", "{Y}年推进法治政府建设的主要举措和成效",
         "{Y}年度法治政府建设工作开展情况", "主要工作成效", "推进法治政府建设的主要举措和成效",
         "{Y}年度推进法治政府建设的主要举措"],
        ["任务措施", "主要做法", "工作举措", "主要举措和成效"],
    ),
    "effects": (["特点和效果", "工作特点和效果", "取得的效果"], ["特点和效果"]),
    "leader_duty": (
        ["党政主要负责人履行推进法治建设第一责任人职责情况",
         "{Y}年度党政主要负责人履行推进法治建设第一责任人职责情况"],
        ["党政主要负责人履行第一责任人职责情况"],
    ),
    "problems": (
        ["存在的问题", "存在的不足和原因", "主要问题和不足", "工作中存在的短板", "存在的主要问题",
         "{Y}年度推进法治建设存在的不足及原因", "存在的困难和问题", "推进法治政府建设存在的不足"],
        ["存在问题", "存在的不足"],
    ),
    "plans": (
        ["下一步工作打算", "{Y1}年工作计划", "下一年度工作思路", "整改措施和下步打算", "下一步整改措施",
         "{Y1}年度推进法治建设的主要工作思路和打算", "下一步工作计划"],
        ["下一步打算", "工作计划"],
    ),
}

_TITLE_TEMPLATES = (
    "{P}{Y}年度法治政府建设情况报告",
    "{P}{Y}年度法治政府建设情况报告",
    "{P}关于{Y}年法治政府建设情况的报告",
    "{P}{Y}年法治政府建设工作报告",
    "{P}{Y}年度法治政府建设年度报告",
    "{P}{Y}年法治政府建设情况报告",
)
_RANGE_TITLE_TEMPLATES = ("{P}{Y0}年至{Y1}年法治政府建设情况报告", "{P}{Y0}—{Y1}年法治政府建设工作报告")

_INTROS = (
    "{Y}年，{P}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，认真落实法治政府建设"
    "各项决策部署，扎实推进依法行政，各项工作取得明显成效。现将{Y}年度法治政府建设情况报告如下：",
    "{Y}年以来，{P}在上级党委、政府的坚强领导下，紧紧围绕法治政府建设目标任务，不断提高依法决策、依法管理、"
    "依法行政水平。现将有关情况报告如下：",
    "{P}{Y}年法治政府建设工作坚持以习近平新时代中国特色社会主义思想为指导，把政府工作全面纳入法治轨道，"
    "法治政府建设工作取得了明显成效。现将{Y}年度{W}法治政府建设工作报告如下：",
    "{Y}年，{P}全面贯彻党的二十大精神，深入践行习近平法治思想，紧扣“依法行政、规范用权、服务民生”主线，"
    "持续推进法治政府建设。现将{Y}年度工作情况报告如下：",
)
_INTRO_WITH_TITLE = (
    "根据《法治政府建设实施纲要（2021－2025年）》和上级关于报告法治政府建设年度情况的要求，"
    "现将{P}{Y}年度法治政府建设工作情况报告如下：",
)
_RANGE_INTROS = (
    "{Y0}年至{Y1}年，{P}深入贯彻习近平法治思想，将法治建设贯穿治理全过程，通过完善制度体系、强化执法规范、"
    "深化普法宣传、优化法律服务等举措，逐步构建起权责清晰、流程规范、监督有力的依法行政工作格局。"
    "现将{K}年工作情况报告如下：",
    "{Y0}年以来，{P}认真贯彻落实上级关于法治政府建设的部署要求，扎实推进依法行政。现将{P}{Y0}年至{Y1}年"
    "法治政府建设情况报告如下：",
)
_CLOSINGS = (
    "未来，{P}将以更高标准推进依法行政，持续完善制度、规范执法、优化服务，切实把法治优势转化为治理效能。",
    "{P}将以习近平法治思想为引领，持续深化法治政府建设，为经济社会高质量发展提供坚实法治保障。",
)

_L2_STYLES = ("（一）", "(一)", "一)", "none")
_L2_WEIGHTS = (50, 30, 5, 15)
_L3_STYLES = ("1.", "1、", "1．", "（1）", "(1)", "yishi_para", "yishi_inline")
_L3_WEIGHTS = (22, 15, 8, 10, 5, 25, 15)
_STRUCTURE_WEIGHTS = {  # A: flat points, B: level-2 groups of points, C: level-2 items are the points
    "measures": (12, 80, 8),
    "problems": (50, 20, 30),
    "plans": (40, 30, 30),
    "leader_duty": (70, 0, 30),
}
_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
_SUBST_RE = re.compile(r"\{[PSWQ]\}|(?<!\d)(20[0-3]\d)(?=年|-|—|－|至)")


def _l2_marker(style: str, n: int) -> str:
    c = cn_num(n)
    return {"（一）": f"（{c}）", "(一)": f"({c})", "一)": f"{c})"}[style]


def _l3_marker(style: str, n: int) -> str:
    if style.startswith("yishi"):
        return cn_num(n) + "是"
    return {"1.": f"{n}.", "1、": f"{n}、", "1．": f"{n}．", "（1）": f"（{n}）", "(1)": f"({n})"}[style]


# --------------------------------------------------------------------------------------------
# Report model


@dataclass
class Report:
    """A generated report before it is rendered to bytes."""

    title: str | None
    title_lines: list[str]
    paragraphs: list[str]  # body paragraphs (intro onwards), one per output line
    jurisdiction: str
    admin_level: str
    year_start: int
    year_end: int
    parts: list[str]
    n_problem_items: int
    n_plan_items: int
    style: dict[str, object]
    unit: str  # 镇 / 街道 / 县 / 局 ...
    signer: str
    region: str | None = None  # the region written before the name (reports of a panel), shown on the web page
    points: dict[str, list[tuple[Leaf, Leaf]]] = field(default_factory=dict)  # per part: (drawn, as shown)

    def truth(self) -> dict[str, object]:
        return {
            "jurisdiction": self.jurisdiction,
            "admin_level": self.admin_level,
            "year_start": self.year_start,
            "year_end": self.year_end,
            "parts": list(self.parts),
            "n_problem_items": self.n_problem_items,
            "n_plan_items": self.n_plan_items,
            "title": self.title,
        }


class _Ctx:
    """Per-document substitution context (placeholders, year shift, punctuation width)."""

    def __init__(self, place: str, short: str, unit: str, year_end: int, punct: str) -> None:
        self.values = {
            "{P}": place,
            "{S}": short,
            "{W}": "我" + unit,
            "{Q}": "全系统" if unit == "局" else "全" + unit,
        }
        self.delta = year_end - 2024
        self.table = {"full": _FULL, "half": _HALF}.get(punct)

    def _sub(self, m: re.Match[str]) -> str:
        if m.group(1):
            return str(int(m.group(1)) + self.delta)
        return self.values[m.group(0)]

    def text(self, s: str) -> str:
        s = _SUBST_RE.sub(self._sub, s)
        return s.translate(self.table) if self.table else s

    def fmt(self, template: str, **kw: object) -> str:
        """Fill a built-in template ({P}, {Y}, ... are filled; no year shift)."""
        s = template
        for k, v in kw.items():
            s = s.replace("{" + k + "}", str(v))
        for k, v in self.values.items():
            s = s.replace(k, v)
        return s.translate(self.table) if self.table else s


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _make_place(rng: random.Random) -> tuple[str, str, str, str]:
    """(jurisdiction, short name, unit, admin_level)."""
    a = rng.choice(_NAME_A)
    b = rng.choice(_NAME_B)
    short = a + b
    kind = _weighted(rng, ("街道", "镇", "乡", "区", "县", "局"), (30, 35, 10, 8, 8, 9))
    if kind == "局":
        county = rng.choice(_NAME_A) + rng.choice(_NAME_B) + rng.choice("县区")
        return county + rng.choice(_DEPARTMENTS), short, "局", ADMIN_LEVELS["局"]
    return short + kind, short, kind, ADMIN_LEVELS[kind]


def _vary_leaf(leaf: Leaf, rng: random.Random) -> Leaf:
    if len(leaf.sentences) >= 3 and rng.random() < 0.3:
        drop = rng.randrange(1, len(leaf.sentences))
        body = "".join(s for k, s in enumerate(leaf.sentences) if k != drop)
        return Leaf(leaf.title, (body,), ())
    return leaf


def _leaf_paragraphs(leaf: Leaf, ctx: _Ctx, sep: str, title_own_line: bool) -> list[str]:
    """Render a leaf as paragraphs (without its numbering marker)."""
    title = ctx.text(leaf.title) if leaf.title else ""
    body = [ctx.text(b) for b in leaf.body]
    if not title:
        return body
    if title_own_line:
        return [title, *body]
    if title[-1] in "。：:！？":
        sep = ""
    return [title + sep + body[0], *body[1:]]


def _sample(rng: random.Random, pool: list, lo: int, hi: int, used: set[int]) -> list:
    avail = [x for x in pool if id(x) not in used]
    k = min(len(avail), rng.randint(lo, hi))
    picked = rng.sample(avail, k)
    used.update(id(x) for x in picked)
    return picked


@dataclass(frozen=True)
class Carry:
    """What a report of a panel takes over from its jurisdiction's earlier reports (``synthetic.generate_panels``).

    ``insert``: points written into a part besides the ones drawn (last year's plans carried out, restated plans,
    repeated problems); ``exclude``: points not to draw again (earlier plans and problems, so that nothing repeats
    that the truth does not say repeats)."""

    insert: dict[str, tuple[Leaf, ...]] = field(default_factory=dict)
    exclude: frozenset[Leaf] = frozenset()


@dataclass(frozen=True)
class PanelSlot:
    """A report of a panel: the jurisdiction and period it is pinned to, and what it carries over."""

    place: str
    short: str
    unit: str
    admin_level: str
    region: str | None  # written before the name in the title, or None
    year_start: int
    year_end: int
    carry: Carry = field(default_factory=Carry)


def _allowed(pool: list, carry: Carry | None) -> list:
    """``pool`` without the points ``carry`` excludes (the same list when it excludes none)."""
    if carry is None or not carry.exclude:
        return pool
    return [x for x in pool if x not in carry.exclude]


def _with_carried(drawn: list[tuple[Leaf, Leaf]], carried: tuple[Leaf, ...], rng: random.Random
                  ) -> list[tuple[Leaf, Leaf]]:
    """``drawn`` with each carried point inserted at a random place (no random draw when nothing is carried)."""
    out = list(drawn)
    for leaf in carried:
        out.insert(rng.randint(0, len(out)), (leaf, leaf))
    return out


def _render_part(
    part: str,
    heading: str,
    mat: Material,
    rng: random.Random,
    ctx: _Ctx,
    style: dict[str, object],
    force: dict[str, object],
    used: set[int],
    years: dict[str, object],
    carry: Carry | None = None,
    shown: list[tuple[Leaf, Leaf]] | None = None,
) -> tuple[list[str], int]:
    """Paragraphs of one top-level part and its number of leaf points; the points written are appended to
    ``shown`` as (drawn, as written)."""
    shown = [] if shown is None else shown
    carried = carry.insert.get(part, ()) if carry is not None else ()
    out = [heading]
    if part in ("overview", "effects"):
        pool = mat.paragraphs.get(part, [])
        for p in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
            out.append(
                ctx.fmt(p, k=rng.randint(6, 30), a=rng.randint(20, 300), p=round(rng.uniform(1.2, 9.8), 1),
                        e=rng.randint(5, 60), c=rng.randint(1, 6), **years)
                if p in _BUILTIN_TEMPLATES
                else ctx.text(p)
            )
        return out, 0

    l2 = str(style["l2"])
    l3 = str(style["l3"])
    if "l3" not in force and rng.random() < 0.25:
        l3 = _weighted(rng, _L3_STYLES, _L3_WEIGHTS)
    if l2 == "none":
        structure = "A"
    elif "structure" in force:
        structure = str(force["structure"])
    else:
        structure = _weighted(rng, ("A", "B", "C"), _STRUCTURE_WEIGHTS[part])
    if structure == "B" and not mat.groups.get(part):
        structure = "A"
    sep = str(style["sep"])
    own_line = bool(style["title_own_line"]) and not l3.startswith("yishi")

    leads = mat.leads.get(part, [])
    lead_p = {"problems": 0.4, "plans": 0.3, "measures": 0.12}.get(part, 0.0)
    lead = None
    if leads and rng.random() < lead_p:
        lead_src = rng.choice(leads)
        lead = ctx.fmt(lead_src, **years) if lead_src in _BUILTIN_TEMPLATES else ctx.text(lead_src)

    pool = _allowed(mat.leaves[part], carry)
    if structure == "A":
        lo, hi = {"measures": (3, 8), "problems": (2, 6), "plans": (3, 7)}.get(part, (2, 5))
        drawn = _with_carried([(lf, _vary_leaf(lf, rng)) for lf in _sample(rng, pool, lo, hi, used)], carried, rng)
        shown.extend(drawn)
        leaves = [lf for _, lf in drawn]
        if l3 == "yishi_inline":
            body = "".join(cn_num(k) + "是" + "".join(_leaf_paragraphs(lf, ctx, sep, False))
                           for k, lf in enumerate(leaves, 1))
            if lead and rng.random() < 0.5:
                body, lead = lead + body, None
            if lead:
                out.append(lead)
            if not lead and rng.random() < 0.15:
                out[0] = out[0] + "：" + body
            else:
                out.append(body)
        else:
            if lead:
                out.append(lead)
            for k, lf in enumerate(leaves, 1):
                paras = _leaf_paragraphs(lf, ctx, sep, own_line)
                paras[0] = _l3_marker(l3, k) + paras[0]
                if k == 1 and l3 == "yishi_para" and not lead and rng.random() < 0.15:
                    out[0] = out[0] + "：" + paras.pop(0)
                out.extend(paras)
        return out, len(leaves)

    if lead:
        out.append(lead)
    if structure == "C":
        lo, hi = {"measures": (3, 6), "problems": (2, 5), "plans": (3, 6)}.get(part, (2, 5))
        drawn = _with_carried([(lf, _vary_leaf(lf, rng)) for lf in _sample(rng, pool, lo, hi, used)], carried, rng)
        shown.extend(drawn)
        leaves = [lf for _, lf in drawn]
        for k, lf in enumerate(leaves, 1):
            paras = _leaf_paragraphs(lf, ctx, sep, own_line or rng.random() < 0.1)
            paras[0] = _l2_marker(l2, k) + paras[0]
            out.extend(paras)
        return out, len(leaves)

    # structure B: level-2 groups, each with its own numbered points
    groups = _sample(rng, mat.groups[part], 2, 4, used)
    home = [rng.randrange(len(groups)) for _ in carried]  # the group each carried point joins
    n_leaves = 0
    for g, group in enumerate(groups, 1):
        head = _l2_marker(l2, g) + ctx.text(group.title)
        own = _allowed(list(group.points), carry) if carry is not None and carry.exclude else group.points
        m = rng.randint(min(2, len(own)), len(own)) if own else 0
        idx = sorted(rng.sample(range(len(own)), m))
        drawn = _with_carried([(own[i], _vary_leaf(own[i], rng)) for i in idx],
                              tuple(lf for lf, h in zip(carried, home, strict=True) if h == g - 1), rng)
        if not drawn:
            continue
        shown.extend(drawn)
        points = [lf for _, lf in drawn]
        n_leaves += len(points)
        if l3 == "yishi_inline":
            body = "".join(cn_num(k) + "是" + "".join(_leaf_paragraphs(lf, ctx, sep, False))
                           for k, lf in enumerate(points, 1))
            if rng.random() < 0.35:
                out.append(head + body)
            else:
                out.extend([head, body])
            continue
        out.append(head)
        for k, lf in enumerate(points, 1):
            paras = _leaf_paragraphs(lf, ctx, sep, own_line)
            paras[0] = _l3_marker(l3, k) + paras[0]
            if k == 1 and l3 == "yishi_para" and rng.random() < 0.35:
                out[-1] = out[-1] + paras.pop(0)
            out.extend(paras)
    return out, n_leaves


def _choose_parts(rng: random.Random, force: dict[str, object]) -> list[str]:
    if "parts" in force:
        return list(force["parts"])  # type: ignore[arg-type]
    parts = []
    if rng.random() < 0.12:
        parts.append("overview")
    if rng.random() < 0.08 and "overview" not in parts:
        parts.append("leader_duty")
    parts.append("measures")
    if rng.random() < 0.08:
        parts.append("effects")
    if rng.random() < 0.12 and "leader_duty" not in parts:
        parts.append("leader_duty")
    if rng.random() < 0.9:
        parts.append("problems")
    parts.append("plans")
    return parts


def build_report(mat: Material, rng: random.Random, force: dict[str, object] | None = None,
                 slot: PanelSlot | None = None) -> Report:
    """Draw one report. ``force`` pins style choices (tests): keys ``l2``, ``l3``, ``structure``
    (A/B/C for every numbered part), ``top`` ("num"/"bracket"), ``skip`` (bool), ``parts``,
    ``punct`` ("full"/"half"/"mixed"), ``title`` (bool), ``range`` (bool). ``slot`` pins the jurisdiction, the
    period and what the report carries over from earlier reports (a report of a panel); without it the
    report is drawn exactly as before panels existed."""
    force = force or {}

    def pick(key, fn):
        return force[key] if key in force else fn()

    if slot is None:
        place, short, unit, admin_level = _make_place(rng)
        year_end = _weighted(rng, (2019, 2020, 2021, 2022, 2023, 2024), (5, 8, 12, 20, 25, 30))
        is_range = pick("range", lambda: rng.random() < 0.12)
        year_start = year_end - rng.choice((1, 2, 2, 2, 4)) if is_range else year_end
    else:
        place, short, unit, admin_level = slot.place, slot.short, slot.unit, slot.admin_level
        year_start, year_end = slot.year_start, slot.year_end
        is_range = year_start < year_end
    named = place if slot is None or not slot.region else slot.region + place  # how the title names it
    punct = pick("punct", lambda: _weighted(rng, ("full", "half", "mixed"), (50, 25, 25)))
    ctx = _Ctx(place, short, unit, year_end, punct)
    style: dict[str, object] = {
        "l2": pick("l2", lambda: _weighted(rng, _L2_STYLES, _L2_WEIGHTS)),
        "l3": pick("l3", lambda: _weighted(rng, _L3_STYLES, _L3_WEIGHTS)),
        "top": pick("top", lambda: "bracket" if rng.random() < 0.04 else "num"),
        "skip": pick("skip", lambda: rng.random() < 0.05),
        "sep": rng.choice(("。", "。", "：")) if punct != "half" else rng.choice(("。", ":")),
        "title_own_line": rng.random() < 0.12,
        "punct": punct,
    }
    years = {"Y": year_end, "Y0": year_start, "Y1": year_end + 1,
             "K": "两三四五"[min(3, year_end - year_start - 1)] if is_range else ""}

    has_title = pick("title", lambda: rng.random() < 0.85)
    title = None
    if has_title:
        tpl = rng.choice(_RANGE_TITLE_TEMPLATES if is_range else _TITLE_TEMPLATES)
        title = (tpl.replace("{P}", named).replace("{Y0}", str(year_start))
                 .replace("{Y1}", str(year_end)).replace("{Y}", str(year_end)))
    title_lines = [title] if title else []
    if title and rng.random() < 0.06:
        title_lines = [named, title[len(named):]]

    if is_range:
        intro_tpl = rng.choice(_RANGE_INTROS)
        years_for_intro = {"Y0": year_start, "Y1": year_end, "K": years["K"]}
    else:
        pool = _INTROS + (_INTRO_WITH_TITLE if title and year_end >= 2021 else ())
        intro_tpl = rng.choice(pool)
        years_for_intro = {"Y": year_end}
    paragraphs = [ctx.fmt(intro_tpl, **years_for_intro)]

    parts = _choose_parts(rng, force)
    if slot is not None and slot.carry.insert.get("problems") and "problems" not in parts:
        parts.insert(parts.index("plans"), "problems")  # a problem said to repeat is written
    top_style = str(style["top"])
    numbers = list(range(1, len(parts) + 1))
    if style["skip"] and len(parts) >= 2:
        jump = rng.randint(1, 3)
        numbers = [1] + [n + jump for n in numbers[1:]]
    used: set[int] = set()
    points: dict[str, list[tuple[Leaf, Leaf]]] = {}
    counts = {"problems": 0, "plans": 0}
    for num, part in zip(numbers, parts, strict=True):
        choices = _HEADINGS[part][1 if top_style == "bracket" else 0]
        if is_range:
            choices = [c for c in choices if "{Y" not in c] or choices
        text = rng.choice(choices).replace("{Y1}", str(year_end + 1)).replace("{Y}", str(year_end))
        heading = f"【{text}】" if top_style == "bracket" else f"{cn_num(num)}、{text}"
        paras, n_items = _render_part(part, heading, mat, rng, ctx, style, force, used, years,
                                      slot.carry if slot is not None else None, points.setdefault(part, []))
        paragraphs.extend(paras)
        if part in counts:
            counts[part] = n_items

    if rng.random() < 0.25:
        paragraphs.append(ctx.fmt(rng.choice(_CLOSINGS)))
    signer = {"街道": place + "办事处", "局": place}.get(unit, place + "人民政府")
    return Report(
        title=title,
        title_lines=title_lines,
        paragraphs=paragraphs,
        jurisdiction=place,
        admin_level=admin_level,
        year_start=year_start,
        year_end=year_end,
        parts=parts,
        n_problem_items=counts["problems"],
        n_plan_items=counts["plans"],
        style=style,
        unit=unit,
        signer=signer,
        region=slot.region if slot is not None else None,
        points=points,
    )


# --------------------------------------------------------------------------------------------
# Rendering


def _signature(report: Report, rng: random.Random) -> list[str]:
    date = f"{report.year_end + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
    return [report.signer, date]


def render_txt(report: Report, rng: random.Random, encoding: str) -> bytes:
    """Plain-text rendering with the usual surface noise; ``encoding`` is utf-8 / utf-8-sig / gb18030."""
    lines: list[str] = []
    if rng.random() < 0.04:
        lines.append(rng.choice(_ADS))
    lines.extend(report.title_lines)
    if rng.random() < 0.05:
        lines.append("图片")
    indent = "\u3000\u3000" if rng.random() < 0.2 else ""
    body = list(report.paragraphs)
    if rng.random() < 0.2:
        body.extend(_signature(report, rng))
    lines.extend(indent + p for p in body)
    if rng.random() < 0.05:
        lines.append("【打印本页】【关闭窗口】")
    if rng.random() < 0.08:
        lines.append(rng.choice(("扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面")))
    text = ("\n\n" if rng.random() < 0.3 else "\n").join(lines) + ("\n" if rng.random() < 0.8 else "")
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding)


def _gb_label(rng: random.Random, text: str, data: bytes) -> str:
    label = rng.choice(("gb2312", "GBK", "gb18030"))
    if label != "gb18030":
        try:
            if text.encode(label) != data:
                label = "gb18030"
        except UnicodeEncodeError:
            label = "gb18030"
    return label


def render_html(report: Report, rng: random.Random, encoding: str) -> bytes:
    """A government-portal style article page (``encoding`` is utf-8 or gb18030)."""
    esc = html.escape
    county = rng.choice(_NAME_A) + rng.choice(_NAME_B) + ("县" if report.unit != "区" else "市")
    county = report.region or county  # a report of a panel is published on its own region's portal
    site = report.jurisdiction + "人民政府" if report.unit in ("区", "县") else county + "人民政府"
    title = report.title or report.jurisdiction + f"{report.year_end}年度法治政府建设情况报告"
    y1 = report.year_end + 1
    date = f"{y1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    index_no = f"{rng.randint(0, 999999999):09d}/{y1}-{rng.randint(1, 99999):05d}"
    strong = rng.random() < 0.5
    use_br = rng.random() < 0.15
    paras = list(report.paragraphs)
    if rng.random() < 0.3:
        paras.extend(_signature(report, rng))
    top_re = re.compile(rf"^(?:[{_CN}]{{1,3}}、|【)")
    if use_br:
        lines = "<br/>\n".join(esc(p, quote=False) for p in paras)
        content = f'<div style="text-indent:2em;">{lines}</div>'
    else:
        rows = []
        for p in paras:
            inner = esc(p, quote=False)
            if strong and top_re.match(p):
                inner = f"<strong>{inner}</strong>"
            rows.append(f'<p style="text-indent:2em;">{inner}</p>')
        content = "\n".join(rows)
    charset = "utf-8" if encoding == "utf-8" else "@@CHARSET@@"
    views = rng.randint(30, 3000)
    icp = rng.randint(10000000, 99999999)
    site_code = rng.randint(1000000000, 9999999999)
    meta = (f'<meta charset="{charset}">' if rng.random() < 0.5
            else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<title>{esc(title)}_{esc(site)}</title>
<meta name="ArticleTitle" content="{esc(title)}">
<meta name="PubDate" content="{date}">
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{esc(site)}"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>\
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>\
<li><a href="/zjgk/">走进{esc(site[:-4])}</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> > <a href="/zwgk/">政务公开</a> > \
<a href="/zwgk/fzzfjs/">法治政府建设</a></div>
<div class="xxgk-info"><table>
<tr><td>索引号：</td><td>{index_no}</td><td>分类：</td><td>法治政府建设</td></tr>
<tr><td>发布机构：</td><td>{esc(report.signer)}</td><td>发布日期：</td><td>{date}</td></tr>
<tr><td>名称：</td><td colspan="3">{esc(title)}</td></tr>
</table></div>
<div class="article">
<h1 class="title">{esc(title)}</h1>
<div class="info">来源：{esc(report.signer)}　发布时间：{date}　\
浏览次数：<span id="views">{views}</span>　字号：[<a>大</a>][<a>中</a>][<a>小</a>]</div>
<div class="content" id="zoom">
{content}
</div>
</div>
<div class="share">分享到：<a class="wx">微信</a><a class="wb">微博</a><a class="qzone">QQ空间</a></div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】\
【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="footer">
<p>主办单位：{esc(site)}　承办单位：{esc(site)}办公室</p>
<p>版权所有：{esc(site)}　ICP备{icp}号　网站标识码：{site_code}</p>
<p>扫一扫在手机打开当前页</p>
</div>
</body>
</html>
"""
    if encoding == "utf-8":
        return page.encode("utf-8")
    probe = page.replace("@@CHARSET@@", "gb18030").encode("gb18030")
    label = _gb_label(rng, page.replace("@@CHARSET@@", "gb18030"), probe)
    return page.replace("@@CHARSET@@", label).encode("gb18030")


# --------------------------------------------------------------------------------------------
# Corpus


def _doc_rng(seed: int, index: int, what: str = "doc") -> random.Random:
    return random.Random(f"fazhi-{what}-{seed}-{index}")


def _is_duplicate(seed: int, index: int) -> bool:
    return index >= 10 and _doc_rng(seed, index, "dup").random() < DUPLICATE_RATE


def _file_name(index: int, slug: str, ext: str, width: int) -> str:
    return f"{index:0{width}d}_{slug}.{ext}"


def generate_document(mat: Material, seed: int, index: int, width: int = 5) -> tuple[str, bytes, dict]:
    """File name, bytes and truth of the original (non-duplicate) document ``index``."""
    rng = _doc_rng(seed, index)
    slug = f"{rng.getrandbits(64):016x}"
    fmt = "html" if rng.random() < HTML_RATE else "txt"
    if fmt == "html":
        encoding = "utf-8" if rng.random() < 0.8 else "gb18030"
    else:
        encoding = _weighted(rng, ("utf-8", "utf-8-sig", "gb18030"), (60, 15, 25))
    report = build_report(mat, rng, {"title": True} if fmt == "html" else None)
    data = render_html(report, rng, encoding) if fmt == "html" else render_txt(report, rng, encoding)
    name = _file_name(index, slug, fmt, width)
    truth = {"file": name, "format": fmt, "encoding": encoding, "duplicate_of": None, **report.truth()}
    return name, data, truth


def iter_corpus(n: int, seed: int = 0, mat: Material | None = None) -> Iterator[tuple[str, bytes, dict]]:
    """Yield ``(file name, bytes, truth)`` for documents 0..n-1 (about 1% exact duplicates)."""
    mat = mat if mat is not None else load_material()
    width = max(5, len(str(max(n - 1, 0))))
    for i in range(n):
        if not _is_duplicate(seed, i):
            yield generate_document(mat, seed, i, width)
            continue
        rng = _doc_rng(seed, i, "dup")
        rng.random()
        j = rng.randrange(i)
        while _is_duplicate(seed, j):
            j -= 1
        orig_name, data, truth = generate_document(mat, seed, j, width)
        name = _file_name(i, f"{rng.getrandbits(64):016x}", truth["format"], width)
        yield name, data, {**truth, "file": name, "duplicate_of": orig_name}


LONG_SHAPES = ("lines", "one_line", "short_lines")


def long_report(shape: str, n_bytes: int, seeds_dir: str | Path | None = None) -> str:
    """A very long report text of about ``n_bytes`` UTF-8 bytes, for timing the parser on large files.

    ``shape`` is ``lines`` (the seed reports one after the other, a paragraph per line: numbered headings, points,
    closings and signatures recur all along), ``one_line`` (the same without any line break, as a page copied from a
    PDF) or ``short_lines`` (a page of short lines with no sentence, like menus and lists of links, which cleaning
    examines line by line).
    """
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else DEFAULT_SEEDS_DIR
    seeds = [_read_seed(p).strip() for p in sorted(seeds_dir.glob("*.txt"))]
    if shape == "lines":
        unit = "\n".join(seeds) + "\n"
    elif shape == "one_line":
        unit = "".join(ln.strip() for s in seeds for ln in s.splitlines())
    elif shape == "short_lines":
        unit = "".join(f"栏目{i} 首页 政务公开 专题专栏 第{i}页\n" for i in range(100))
    else:
        raise ValueError(f"unknown shape {shape!r}; one of {', '.join(LONG_SHAPES)}")
    text = unit * (n_bytes // len(unit.encode("utf-8")) + 1)
    return text.encode("utf-8")[:n_bytes].decode("utf-8", errors="ignore")


def generate_corpus(
    n: int, out: str | Path, seed: int = 0, seeds_dir: str | Path | None = None
) -> list[dict]:
    """Write ``n`` documents and ``truth.jsonl`` into ``out``; return the truth rows.

    Each truth row: ``file``, ``format`` (txt/html), ``encoding`` (utf-8/utf-8-sig/gb18030; the
    bytes decode strictly with it), ``duplicate_of`` (file name of the original or null),
    ``jurisdiction``, ``admin_level`` (see :data:`ADMIN_LEVELS`), ``year_start``, ``year_end``,
    ``parts`` (canonical parts of the top-level sections, in order), ``n_problem_items`` and
    ``n_plan_items`` (leaf points written in those parts; 0 when the part is absent) and
    ``title`` (the report title as one string, or null when the text has none).
    """
    return write_corpus(iter_corpus(n, seed, load_material(seeds_dir)), out)


def write_corpus(documents: Iterable[tuple[str, bytes, dict]], out: str | Path) -> list[dict]:
    """Write each ``(file name, bytes, truth row)`` of ``documents`` into ``out``, and the truth rows to
    ``truth.jsonl`` beside them; return the truth rows."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, data, truth in documents:
        (out / name).write_bytes(data)
        rows.append(truth)
    with open(out / "truth.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def corpus_arguments(argv: list[str] | None, *, prog: str, description: str) -> argparse.Namespace:
    """The command line of a corpus generator: ``--docs N --out DIR [--seed S] [--seeds-dir DIR]``."""
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--seeds-dir", default=None, help=f"seed reports directory (default {DEFAULT_SEEDS_DIR})")
    args = ap.parse_args(argv)
    if args.docs < 0:
        ap.error("--docs must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = corpus_arguments(
        argv, prog="python -m synthetic.generate",
        description="Generate a deterministic synthetic corpus of 法治政府建设年度报告 (plus truth.jsonl).",
    )
    t0 = time.perf_counter()
    rows = generate_corpus(args.docs, args.out, seed=args.seed, seeds_dir=args.seeds_dir)
    dt = time.perf_counter() - t0
    size = sum((Path(args.out) / r["file"]).stat().st_size for r in rows)
    dups = sum(1 for r in rows if r["duplicate_of"])
    print(f"wrote {len(rows)} documents ({size / 1e6:.1f} MB, {dups} duplicates) and truth.jsonl "
          f"to {args.out} in {dt:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
