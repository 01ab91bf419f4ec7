"""Cleaning and metadata on real report pages: the seeds and the real openings kept beside the project.

The real openings (``../shared/real_openings``, with their gold in ``../shared/gold`` and ``tests/gold``) are saved
public government pages with the junk they came with. The tests skip when they are not there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from fazhi_lib.clean import clean_text, normalize_chars, to_simplified
from fazhi_lib.metadata import infer_metadata
from fazhi_lib.names import find_title
from fazhi_lib.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OPENINGS = SHARED / "real_openings"
GOLDS = [SHARED / "gold" / "seeds_gold.json", SHARED / "gold" / "openings_gold.json",
         ROOT / "tests" / "gold" / "openings_new_gold.json"]
SCORER = SHARED / "tools" / "score_gold.py"


def _pages() -> list[Path]:
    pages = sorted((ROOT / "seeds").glob("*.txt"))
    return pages + (sorted(OPENINGS.glob("*.txt")) if OPENINGS.is_dir() else [])


def _noise() -> dict[str, list[str]]:
    """Junk strings the gold files list per page."""
    out: dict[str, list[str]] = {}
    for path in GOLDS:
        if path.exists():
            for name, g in json.loads(path.read_text(encoding="utf-8"))["docs"].items():
                out.setdefault(name, []).extend(g.get("noise", []))
    return out


def _key(s: str) -> str:
    return "".join(to_simplified(unicodedata.normalize("NFKC", s), min_chars=1)[0].split())


def _report_sentences(raw: str, junk: list[str]) -> list[str]:
    """Every sentence (ending in 。) of the report's body after its title, but those holding listed junk."""
    lines = to_simplified(normalize_chars(raw)[0])[0].split("\n")
    title = find_title(lines)
    body = "\n".join(lines[title + 1:] if title is not None else lines)
    sentences = re.findall(r"[^。\n]+。", body)
    junk_keys = [_key(j) for j in junk]
    return [s for s in sentences if not any(j and (j in _key(s) or _key(s) in j) for j in junk_keys)]


@pytest.mark.parametrize("layout", ["lines", "one line"])
def test_cleaning_keeps_every_sentence_of_the_report(layout):
    pages = _pages()
    assert len(pages) >= 5
    noise = _noise()
    lost = []
    for page in pages:
        raw = read_document(page).text
        if layout == "one line":
            raw = "".join(line.strip() for line in raw.split("\n"))
        kept = _key(clean_text(raw).text)
        for sentence in _report_sentences(read_document(page).text, noise.get(page.name, [])):
            if _key(sentence) not in kept:
                lost.append(f"{page.name}: {sentence}")
    assert not lost, "\n".join(lost)


def _score(gold: Path, out: Path) -> list[dict]:
    got = subprocess.run([sys.executable, str(SCORER), str(gold), str(out), "--only", "structure,metrics", "--json"],
                         capture_output=True, text=True, check=False)
    return json.loads(got.stdout[: got.stdout.rindex("]") + 1])


# the checks of text and metadata (not of the parts and items a report is split into)
def _text_and_metadata(check: str) -> bool:
    return not re.search(r"top-level parts|item count|item '", check)


@pytest.mark.skipif(not (OPENINGS.is_dir() and SCORER.exists()), reason="../shared/real_openings not present")
def test_real_openings_text_metadata_and_metrics_match_the_gold(tmp_path):
    from fazhi_lib.cli import main

    assert main(["ingest", str(OPENINGS), "-o", str(tmp_path / "out"), "--quiet", "--no-cache", "--jobs", "1"]) == 0
    failed, total = [], 0
    for gold in GOLDS[1:]:
        checks = [c for c in _score(gold, tmp_path / "out") if _text_and_metadata(c["check"])]
        total += len(checks)
        failed += [f"{c['check']} ({c['detail']})" for c in checks if not c["ok"]]
    assert total > 500
    # the first ten openings must pass every check; the 58 new ones 95% (hidden pages of the same kinds are scored so)
    assert not [f for f in failed if int(f[:2]) < 31], failed
    assert len(failed) <= 0.05 * total, failed


# A portal's frame as many sites print it: menus, banners, breadcrumbs, bars, a publishing block, links, footers.
PORTAL_HEAD = [
    "首页 | 机构概况 | 政务公开 | 政务服务 | 互动交流 | 专题专栏",
    "无障碍浏览 | 长者模式 | 繁體版 | English",
    "设为首页 | 加入收藏 | 网站地图 | 联系我们",
    "今天是：2024年3月5日 星期二",
    "2024年03月05日 星期二 多云 8℃~15℃",
    "欢迎访问某某县人民政府门户网站！",
    "请输入关键字 搜索",
    "当前位置：首页 > 政务公开 > 政府信息公开 > 法定主动公开内容 > 其他法定公开内容",
    "您现在的位置：首页 >> 信息公开 >> 工作报告",
    "【字体：大 中 小】 【打印】 【关闭】",
    "字号：T | T | T",
    "发布时间：2024-03-01 10:22:13  来源：本网  作者：张三  浏览次数：1024",
    "索引号：000014349/2024-00123 | 主题分类：综合政务 | 发文机关： | 成文日期：2024-02-28",
    "分享到：微信 微博 QQ空间",
    "扫一扫在手机上查看当前页面",
]
PORTAL_FOOT = [
    "上一篇：关于2023年度政府信息公开工作年度报告",
    "相关链接：中国政府网 | 省政府网站 | 市政府网站",
    "主办单位：某某县人民政府办公室　承办单位：某某县大数据发展中心",
    "地址：某某县人民路1号　邮编：400000　联系电话：023-12345678",
    "网站标识码：5002300001　渝ICP备05003300号　渝公网安备 50023002000001号",
    "版权所有 © 2024 某某县人民政府 All Rights Reserved",
    "建议使用1920×1080分辨率 IE10以上版本浏览器",
    "政府网站找错 | 党政机关 | 适老化无障碍服务",
    "【我要纠错】【打印本页】【关闭窗口】",
    "责任编辑：李四",
]


@pytest.mark.skipif(not OPENINGS.is_dir(), reason="../shared/real_openings not present")
def test_real_openings_wrapped_in_a_portals_frame_clean_to_the_same_text_and_metadata():
    def key(raw: str) -> tuple:
        cleaned = clean_text(raw)
        meta = infer_metadata(cleaned.text, title=cleaned.title, extra=cleaned.fields)
        return cleaned.text, tuple(meta[k] for k in ("title", "jurisdiction", "admin_level", "year_start", "year_end"))

    differ = []
    for page in sorted(OPENINGS.glob("*.txt")):
        raw = page.read_text(encoding="utf-8")
        indented = "\n".join("\u3000\u3000" + line if line.strip() else line for line in raw.split("\n"))
        framed = "\n\n".join([*PORTAL_HEAD, indented, *PORTAL_FOOT])
        if key(framed) != key(raw):
            differ.append(page.name)
    assert not differ, differ


@pytest.mark.skipif(not OPENINGS.is_dir(), reason="../shared/real_openings not present")
@pytest.mark.parametrize("joiner", ["", " "])
def test_real_openings_in_a_portals_frame_copied_as_one_line_lose_the_frame_and_keep_their_metadata(joiner):
    def meta(raw: str) -> tuple[tuple, str]:
        cleaned = clean_text(raw)
        m = infer_metadata(cleaned.text, title=cleaned.title, extra=cleaned.fields)
        return tuple(m[k] for k in ("jurisdiction", "admin_level", "year_start", "year_end")), cleaned.text

    frame = [_key(line) for line in PORTAL_HEAD + PORTAL_FOOT]
    wrong = []
    for page in sorted(OPENINGS.glob("*.txt")):
        raw = page.read_text(encoding="utf-8")
        one = joiner.join(line.strip() for line in [*PORTAL_HEAD, *raw.split("\n"), *PORTAL_FOOT] if line.strip())
        (want, _), (got, text) = meta(raw), meta(one)
        left = [line for line in frame if line[:8] in _key(text)]
        if got != want or left:
            wrong.append((page.name, want, got, left[:2]))
    assert not wrong, wrong
