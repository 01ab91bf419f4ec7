"""Synthetic panels: the same jurisdiction's reports over two to five years, with the truth of what carried over.

Builds on :mod:`synthetic.generate` (same material, styles, encodings, formats and noise). A panel corpus is a
sequence of panels: each is one jurisdiction (a township, street office, county or department) with one to five
consecutive reports — the first sometimes covering several years, now and then a year missing between two. Every
report after the first takes over from the one before it:

- each plan point of the previous report is **carried out** (written into the measures part in other words: plan
  words dropped, verbs and nouns swapped for synonyms, clauses left out, numbers of what was done added), **restated**
  word for word as this year's plan, or neither (not kept);
- each problem point of the previous report comes back **word for word** (up to punctuation, numbering and
  numbers), comes back **in other words** (a quarter or more of its text changed), or not at all; new problems are
  drawn beside them;
- nothing else repeats: earlier plans and problems are not drawn again.

Names and regions are drawn so that a linker has work to do: a third of townships and street offices bear a common
name (城关镇, 城东街道 …) that other panels bear in other counties; most titles name the county (青石县城关镇…),
some add the province, about one in seven names no region at all (one in thirty for a common name: such a report
cannot be told from the same-named units of other counties). Each panel has a county of its own (up to 4,800
panels), so two panels never share both name and region.

``truth.jsonl`` has the keys of :func:`synthetic.generate.generate_corpus` plus ``panel`` (the panel's id),
``position`` (1 = first report), ``region`` (as written in the title, or null), ``plan_keys`` and ``problem_keys``
(the report's plan and problem points), ``promises`` (for each plan point of the previous report: ``plan``, ``kept``,
``restated``, ``done`` — the point here that carries it out) and ``problems`` (for each problem point of the previous
report: ``problem``, ``next`` — the point here that repeats it — and ``verbatim``). Points are named by a key: the
first 24 characters of their text without punctuation and numbers (``followup.normalized``), found in the parsed
item's text. There are no duplicate files in a panel corpus.

Usage::

    python -m synthetic.generate_panels --docs 1000 --out /tmp/panels [--seed 0] [--seeds-dir seeds]
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from synthetic.generate import (
    _DEPARTMENTS,
    _NAME_A,
    _NAME_B,
    ADMIN_LEVELS,
    HTML_RATE,
    Carry,
    Leaf,
    Material,
    PanelSlot,
    Report,
    _Ctx,
    _doc_rng,
    _file_name,
    _weighted,
    build_report,
    corpus_arguments,
    load_material,
    render_html,
    render_txt,
    write_corpus,
)

__all__ = ["KEY_CHARS", "generate_panel_corpus", "iter_panel_corpus", "main", "point_key", "reword"]

PANEL_SIZES = (1, 2, 3, 4, 5)
PANEL_WEIGHTS = (15, 25, 25, 20, 15)
KEPT, RESTATED = 0.5, 0.12  # shares of plans carried out, and restated as next year's plan (the rest: not kept)
VERBATIM, REWORDED = 0.4, 0.15  # shares of problems repeated word for word, and in other words
NEW_PROBLEMS = (1, 3)
KEY_CHARS = 24
MIN_CHANGE = 0.25  # share of a problem's character 3-grams a rewording must change

_COMMON_NAMES = {  # names many counties give a township or street office
    "镇": ("城关镇", "龙泉镇", "太平镇", "白沙镇", "新市镇"),
    "街道": ("城东街道", "城南街道", "新华街道", "城北街道", "东城街道"),
    "乡": ("城郊乡", "新安乡"),
}
_PROVINCES = ("湖南省", "江西省", "福建省", "四川省", "河南省", "湖北省", "安徽省", "广西壮族自治区")
_NOT_COMPARED = re.compile(r"[\W_\d〇零一二三四五六七八九十百千万亿两]+")  # as followup.normalized

# ---- rewording ------------------------------------------------------------------------------------------------------

#: Plan words that a report of work done drops or changes: (pattern, replacement).
_PLAN_WORDS = (
    (r"进一步", ""), (r"力争", ""), (r"争取", ""), (r"不少于", ""), (r"年内", "全年"), (r"继续", ""), (r"逐步", ""),
    (r"计划", ""), (r"积极探索", "探索"), (r"要(?=[建落加完开强做严推])", ""), (r"将(?=[\u4e00-\u9fff]{2})", ""),
)
#: Synonyms a rewording swaps (one way each, so a swap is never undone).
_SYNONYMS = {
    "强化": "加强", "加强": "着力加强", "完善": "健全", "健全": "完善", "创新": "丰富", "提高": "提升",
    "提升": "提高", "推进": "推动", "推动": "推进", "深化": "深入推进", "建立": "建成", "压实": "抓实",
    "落实": "抓好", "优化": "改进", "群众": "居民", "培训": "轮训", "排查": "摸排", "严格": "切实", "积极": "主动",
    "开展": "组织", "及时": "第一时间", "广泛": "深入", "重点": "着力", "各类": "各项", "形式": "方式",
    "机制": "工作机制", "制度": "规定", "活动": "行动", "宣传": "宣讲", "组织": "安排", "加大": "加强",
}
#: Problem words a restatement in other words swaps.
_PROBLEM_SYNONYMS = {
    "不够": "不足", "有待": "仍需", "较为": "比较", "仍然": "依然", "淡薄": "不强", "单一": "比较单一",
    "部分": "一些", "个别": "少数", "薄弱": "不足", "欠缺": "缺乏", "还需": "仍需", "不高": "偏低",
    "不到位": "不够到位", "参差不齐": "高低不一", "不平衡": "不均衡", "缺少": "缺乏", "不强": "偏弱",
}
_DONE_CLAUSES = (
    "全年共组织相关工作{n}次", "累计覆盖群众{m}人次", "已完成{k}项具体任务", "相关做法得到上级肯定",
    "取得明显成效", "形成了长效工作机制", "全年办结相关事项{k}件",
)
_DONE_OPENINGS = ("", "", "{W}", "今年以来，", "全年", "一年来，{W}")
_CLAUSE = re.compile(r"[^，；。,;]+[，；。,;]?")


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.findall(text) if c.strip("，；。,; ")]


def _swap(text: str, table: dict[str, str], rng: random.Random, p: float) -> tuple[str, int]:
    """``text`` with each word of ``table`` swapped with probability ``p``; and the number of swaps."""
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    n = 0

    def one(m: re.Match[str]) -> str:
        nonlocal n
        if rng.random() < p:
            n += 1
            return table[m.group()]
        return m.group()

    return pattern.sub(one, text), n


def _shingles(text: str) -> set[str]:
    s = _NOT_COMPARED.sub("", text)
    return {s[i:i + 3] for i in range(len(s) - 2)}


def _changed_share(old: str, new: str) -> float:
    """Share of the shorter text's character 3-grams (without punctuation and numbers) not found in the other."""
    a, b = _shingles(old), _shingles(new)
    shorter = a if len(a) <= len(b) else b
    return 1 - len(a & b) / len(shorter) if shorter else 0.0


def reword(leaf: Leaf, rng: random.Random, done: bool) -> Leaf | None:
    """The point in other words: with ``done``, as a report tells a plan carried out (plan words dropped, synonyms,
    40–70% of its clauses, a clause of what was achieved); else as a problem stated again (problem synonyms, 60–85% of
    its clauses). None when the point is too short to be reworded by at least ``MIN_CHANGE`` (problems only)."""
    table = _SYNONYMS if done else {**_SYNONYMS, **_PROBLEM_SYNONYMS}
    body = "".join(leaf.body)
    if done:
        for pattern, replacement in _PLAN_WORDS:
            body = re.sub(pattern, replacement, body)
    clauses = _clauses(body)
    share = rng.uniform(0.4, 0.7) if done else rng.uniform(0.6, 0.85)
    keep = max(1, min(len(clauses), round(len(clauses) * share)))
    kept_idx = sorted(rng.sample(range(len(clauses)), keep))
    text, _ = _swap("".join(clauses[i] for i in kept_idx), table, rng, 0.6)
    title, _ = _swap(leaf.title, table, rng, 0.6)
    if done:
        if title and "，" in title and rng.random() < 0.5:
            title = title.split("，")[0]
        opening = rng.choice(_DONE_OPENINGS)
        closing = rng.choice(_DONE_CLAUSES).format(n=rng.randint(3, 60), m=rng.randint(200, 9000),
                                                   k=rng.randint(2, 40))
        text = opening + text.rstrip("，；。,; ") + "，" + closing + "。"
    else:
        text = text.rstrip("，；。,; ") + "。"
        if _changed_share(body, text) < MIN_CHANGE:
            text, _ = _swap(text, table, rng, 1.0)
            if _changed_share(body, text) < MIN_CHANGE:
                return None
    return Leaf(title, (text,), ())


# ---- panels ---------------------------------------------------------------------------------------------------------


def point_key(leaf: Leaf, ctx: _Ctx) -> str:
    """The key of a point as written in a report: the first ``KEY_CHARS`` characters of its body without
    punctuation and numbers (its title may be written apart from it)."""
    return _NOT_COMPARED.sub("", ctx.text(leaf.body[0]))[:KEY_CHARS]


@dataclass
class _PanelPlace:
    place: str
    short: str
    unit: str
    admin_level: str
    region: str | None  # the county (or city) it belongs to; None for a department (named with its county)
    province: str
    common: bool = False  # a name many counties give a unit (城关镇)


@dataclass
class _History:
    """What the reports of a panel so far wrote: the last report, and every plan and problem point drawn."""

    last: Report | None = None
    last_ctx: _Ctx | None = None
    seen: set[Leaf] = field(default_factory=set)


def _counties(seed: int) -> list[str]:
    """Every county name the generator can make, in an order fixed by ``seed``: panel k takes county k."""
    names = [a + b + s for s in "县区市" for a in _NAME_A for b in _NAME_B if b != "市"]
    random.Random(f"fazhi-counties-{seed}").shuffle(names)
    return names


def _panel_place(rng: random.Random, county: str) -> _PanelPlace:
    kind = _weighted(rng, ("街道", "镇", "乡", "区", "县", "局"), (30, 35, 10, 8, 8, 9))
    province = rng.choice(_PROVINCES)
    short = rng.choice(_NAME_A) + rng.choice(_NAME_B)
    if kind == "局":
        return _PanelPlace(county + rng.choice(_DEPARTMENTS), short, "局", ADMIN_LEVELS["局"], None, province)
    if kind in ("区", "县"):  # a county-level unit: its region is a city
        return _PanelPlace(short + kind, short, kind, ADMIN_LEVELS[kind], county[:-1] + "市", province)
    if rng.random() < 0.35:
        name = rng.choice(_COMMON_NAMES[kind])
        return _PanelPlace(name, name[: -len(kind)], kind, ADMIN_LEVELS[kind], county, province, common=True)
    return _PanelPlace(short + kind, short, kind, ADMIN_LEVELS[kind], county, province)


def _years(rng: random.Random, size: int) -> list[tuple[int, int]]:
    """The periods of a panel's reports: consecutive years (now and then one missing), the first sometimes a
    three-year report, the last no later than 2025."""
    gaps = [1 + (rng.random() < 0.08) for _ in range(size - 1)]
    last = rng.randint(2019 + sum(gaps), 2025)
    ends = [last]
    for g in reversed(gaps):
        ends.insert(0, ends[0] - g)
    periods = [(y, y) for y in ends]
    if rng.random() < 0.1:
        periods[0] = (ends[0] - 2, ends[0])
    return periods


def _written_region(rng: random.Random, place: _PanelPlace) -> str | None:
    """The region as this report's title writes it: the county, the province and county, or none (one report in
    seven; one in thirty for a common name, as nothing then tells which county it is: such a report cannot be
    linked, and the truth keeps few of them)."""
    if place.region is None:
        return None
    u = rng.random()
    missing = 0.03 if place.common else 0.14
    return place.province + place.region if u < 0.1 else (None if u < 0.1 + missing else place.region)


def _carry(prev: Report | None, prev_ctx: _Ctx | None, seen: set[Leaf], rng: random.Random
           ) -> tuple[Carry, list[dict], list[dict]]:
    """What this report takes over from ``prev``, and the truth of it (promises, problems), keys still as Leaves."""
    if prev is None:
        return Carry(exclude=frozenset(seen)), [], []
    insert: dict[str, list[Leaf]] = {"measures": [], "plans": [], "problems": []}
    promises, problems = [], []
    for _, plan in prev.points.get("plans", []):
        u = rng.random()
        entry = {"plan": point_key(plan, prev_ctx), "kept": False, "restated": False, "done": None}
        if u < KEPT:
            done = reword(plan, rng, done=True)
            insert["measures"].append(done)
            entry.update(kept=True, done=done)
        elif u < KEPT + RESTATED:
            insert["plans"].append(plan)
            entry["restated"] = True
        promises.append(entry)
    for _, problem in prev.points.get("problems", []):
        u = rng.random()
        entry = {"problem": point_key(problem, prev_ctx), "next": None, "verbatim": False}
        again = problem if u < VERBATIM else (reword(problem, rng, done=False) if u < VERBATIM + REWORDED else None)
        if again is not None:
            insert["problems"].append(again)
            entry.update(next=again, verbatim=again is problem)
        problems.append(entry)
    carry = Carry({k: tuple(v) for k, v in insert.items() if v}, frozenset(seen))
    return carry, promises, problems


def _panel_document(mat: Material, seed: int, index: int, width: int, panel_id: str, position: int,
                    place: _PanelPlace, period: tuple[int, int], history: _History) -> tuple[str, bytes, dict]:
    rng = _doc_rng(seed, index, "panel-doc")
    slug = f"{rng.getrandbits(64):016x}"
    fmt = "html" if rng.random() < HTML_RATE else "txt"
    encoding = ("utf-8" if rng.random() < 0.8 else "gb18030") if fmt == "html" else _weighted(
        rng, ("utf-8", "utf-8-sig", "gb18030"), (60, 15, 25))
    region = _written_region(rng, place)
    carry, promises, problems = _carry(history.last, history.last_ctx, history.seen, rng)
    slot = PanelSlot(place.place, place.short, place.unit, place.admin_level, region, period[0], period[1], carry)
    report = build_report(mat, rng, {"title": True} if fmt == "html" or region else None, slot=slot)
    data = render_html(report, rng, encoding) if fmt == "html" else render_txt(report, rng, encoding)
    ctx = _Ctx(place.place, place.short, place.unit, period[1], "full")
    for e in promises:
        e["done"] = point_key(e["done"], ctx) if e["done"] is not None else None
    for e in problems:
        e["next"] = point_key(e["next"], ctx) if e["next"] is not None else None
    for part in ("plans", "problems"):
        for drawn, shown in report.points.get(part, []):
            history.seen.update((drawn, shown))
    history.last, history.last_ctx = report, ctx
    name = _file_name(index, slug, fmt, width)
    truth = {
        "file": name, "format": fmt, "encoding": encoding, "duplicate_of": None, **report.truth(),
        "panel": panel_id, "position": position, "region": region,
        "plan_keys": [point_key(lf, ctx) for _, lf in report.points.get("plans", [])],
        "problem_keys": [point_key(lf, ctx) for _, lf in report.points.get("problems", [])],
        "promises": promises, "problems": problems,
    }
    return name, data, truth


def iter_panel_corpus(n: int, seed: int = 0, mat: Material | None = None) -> Iterator[tuple[str, bytes, dict]]:
    """Yield ``(file name, bytes, truth)`` for documents 0..n-1, panel after panel (the last one cut at ``n``).

    A panel's reports depend on one another, not on ``n``: the documents of a shorter corpus are the first
    documents of a longer one with the same seed."""
    mat = mat if mat is not None else load_material()
    width = max(5, len(str(max(n - 1, 0))))
    counties = _counties(seed)
    index, k = 0, 0
    while index < n:
        rng = random.Random(f"fazhi-panel-{seed}-{k}")
        size = _weighted(rng, PANEL_SIZES, PANEL_WEIGHTS)
        place = _panel_place(rng, counties[k % len(counties)])
        history = _History()
        for position, period in enumerate(_years(rng, size), 1):
            if index >= n:
                return
            yield _panel_document(mat, seed, index, width, f"P{k:05d}", position, place, period, history)
            index += 1
        k += 1


def generate_panel_corpus(n: int, out: str | Path, seed: int = 0, seeds_dir: str | Path | None = None
                          ) -> list[dict]:
    """Write ``n`` documents of panels and ``truth.jsonl`` into ``out``; return the truth rows (see the module
    docstring)."""
    return write_corpus(iter_panel_corpus(n, seed, load_material(seeds_dir)), out)


def main(argv: list[str] | None = None) -> int:
    args = corpus_arguments(argv, prog="python -m synthetic.generate_panels",
                            description="Generate a deterministic synthetic corpus of panels of "
                                        "法治政府建设年度报告 (plus truth.jsonl).")
    t0 = time.perf_counter()
    rows = generate_panel_corpus(args.docs, args.out, seed=args.seed, seeds_dir=args.seeds_dir)
    panels = len({r["panel"] for r in rows})
    print(f"wrote {len(rows)} documents in {panels} panels and truth.jsonl to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
