"""Charts with Chinese text on any machine: a font with Chinese glyphs for matplotlib and seaborn.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: titles like 调解成功率 come out as empty boxes
("tofu") with ``Glyph … missing from font(s)`` warnings. ``use_chinese_font`` registers a font that has them and puts
it first in ``font.sans-serif``:

1. Noto Sans SC from the ``pylopdf-fonts-zh-cn`` wheel (a project dependency; SIL Open Font License 1.1, the licence
   ships in the wheel: ``font_licence_path()``), so a fresh machine needs no system fonts;
2. else a system font with Chinese glyphs (fonts-noto-cjk's Noto Sans CJK SC, WenQuanYi Micro/Zen Hei, …);
3. else it raises ``ChineseFontError`` saying what to install.

``seaborn.set_theme()`` resets the font list, so use ``fazhi_lib.plotting.set_theme(...)`` instead: it passes the
Chinese font to seaborn. Both are idempotent and cheap to call again.

``ranked_bars`` and ``heatmap`` draw the two charts of the comparison notebook (a ranking of reports on one
indicator, a report × indicator matrix) readably for any number of reports.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

from fazhi_lib.i18n import t

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "SAMPLE_TEXT",
    "ChineseFontError",
    "chinese_font_path",
    "empty_chart",
    "font_licence_path",
    "format_value",
    "has_glyphs",
    "heatmap",
    "ranked_bars",
    "set_theme",
    "use_chinese_font",
    "wheel_font_path",
]

WHEEL = "pylopdf-fonts-zh-cn"
WHEEL_MODULE = "pylopdf_fonts_zh_cn"
WHEEL_FONT = "NotoSansSC-Regular.otf"
#: System fonts with Chinese glyphs, best first (family names as matplotlib reads them).
SYSTEM_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback", "Microsoft YaHei",
    "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Arial Unicode MS",
)
_SYSTEM_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "droidsansfallback", "msyh", "simhei",
                      "pingfang", "hiragino", "stheiti", "arialuni")
#: Characters a usable font must have (common words of the reports and full-width punctuation).
SAMPLE_TEXT = "法治政府建设年度报告调解成功率矛盾纠纷受理件次人份（）：、"


class ChineseFontError(RuntimeError):
    """No font with Chinese glyphs could be found."""


def wheel_font_path() -> Path | None:
    """Noto Sans SC inside the installed ``pylopdf-fonts-zh-cn`` wheel, or None when the wheel is not installed.

    Looked up through the package's resources, else through the distribution's file list.

    Returns
    -------
    pathlib.Path or None
        The font file.
    """
    try:
        font = resources.files(WHEEL_MODULE).joinpath(WHEEL_FONT)
        if font.is_file():
            return Path(str(font))
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        pass
    try:
        for f in metadata.files(WHEEL) or []:
            if f.name == WHEEL_FONT:
                path = Path(str(f.locate()))
                if path.is_file():
                    return path
    except metadata.PackageNotFoundError:
        pass
    return None


def font_licence_path() -> Path | None:
    """The licence file (SIL Open Font License 1.1) shipped in the ``pylopdf-fonts-zh-cn`` wheel, or None.

    Returns
    -------
    pathlib.Path or None
        The licence file in the wheel's ``.dist-info``; None when the wheel is not installed or has none.
    """
    try:
        files = metadata.files(WHEEL) or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        parts = [p.lower() for p in f.parts]
        if any(p.endswith(".dist-info") for p in parts) and (
                "licenses" in parts or f.name.upper().startswith(("LICENSE", "OFL"))):
            path = Path(str(f.locate()))
            if path.is_file():
                return path
    return None


def has_glyphs(path: str | Path, text: str = SAMPLE_TEXT) -> bool:
    """Whether the font file ``path`` (first face of a collection) has a glyph for every character of ``text``.

    Parameters
    ----------
    path : str or pathlib.Path
        A font file (``.otf``, ``.ttf``, ``.ttc``).
    text : str, default SAMPLE_TEXT
        The characters needed (white space is not checked).

    Returns
    -------
    bool
        False also when the file cannot be read as a font.
    """
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in text if not ch.isspace())


def _system_fonts() -> list[tuple[str, Path]]:
    """(family, path) of system fonts that have Chinese glyphs, best first."""
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():  # fonts installed after matplotlib built its cache
        if any(h in Path(path).name.lower() for h in _SYSTEM_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    found: dict[str, Path] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in SYSTEM_FAMILIES and entry.name not in found and has_glyphs(entry.fname):
            found[entry.name] = Path(entry.fname)
    return [(name, found[name]) for name in SYSTEM_FAMILIES if name in found]


@cache
def _chinese_font() -> tuple[str, Path]:
    from matplotlib import font_manager

    path = wheel_font_path()
    if path is not None and has_glyphs(path):
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name(), path
    system = _system_fonts()
    if system:
        return system[0]
    raise ChineseFontError(
        "no font with Chinese glyphs found: install the Noto Sans SC wheel into this environment "
        f"(`pip install {WHEEL}`, a dependency of fazhi) or a system font "
        "(Debian/Ubuntu: `apt-get install fonts-noto-cjk` or `fonts-wqy-microhei`)"
    )


def chinese_font_path() -> Path:
    """The file of the font ``use_chinese_font`` uses.

    Returns
    -------
    pathlib.Path
        The font file.

    Raises
    ------
    ChineseFontError
        When no font has Chinese glyphs.
    """
    return _chinese_font()[1]


def use_chinese_font() -> str:
    """Make matplotlib draw Chinese text: register a font with Chinese glyphs and put it first.

    Sets ``font.family`` to sans-serif, puts the family first in ``font.sans-serif`` and turns
    ``axes.unicode_minus`` and ``text.parse_math`` off. Idempotent: the font is looked up and registered once per
    process; the settings are re-applied on every call (after ``plt.rcdefaults()`` or ``seaborn.set_theme()`` call
    it again, or use ``set_theme``).

    Returns
    -------
    str
        The font's family name (e.g. ``"Noto Sans SC"``).

    Raises
    ------
    ChineseFontError
        When no font has the glyphs.
    """
    import matplotlib as mpl

    family, _ = _chinese_font()
    current = mpl.rcParams["font.sans-serif"]
    mpl.rcParams["font.sans-serif"] = [family, *[f for f in current if f != family]]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False
    # report text is never TeX: a title or label holding "$…$" is drawn as written, and cannot break the chart
    mpl.rcParams["text.parse_math"] = False
    return family


def set_theme(**kwargs: object) -> str:
    """``seaborn.set_theme(**kwargs)`` with the Chinese font (seaborn's own call resets the font list).

    Parameters
    ----------
    **kwargs : object
        Any keyword of ``seaborn.set_theme`` except ``font`` (a TypeError: this function chooses the font).

    Returns
    -------
    str
        The font family in use.
    """
    import seaborn as sns

    if "font" in kwargs:
        raise TypeError("set_theme() chooses the font itself; call seaborn.set_theme() to use another font")
    family = use_chinese_font()
    sns.set_theme(font=family, **kwargs)
    use_chinese_font()
    return family


# ---- charts ----------------------------------------------------------------------------------------------------------


def format_value(value: float, unit: str = "") -> str:
    """A number for a chart label: 903件, 99.1%, 8,333.3份, 106.0万元.

    Parameters
    ----------
    value : float
        The number (None or NaN: no label).
    unit : str, optional
        Its unit, written after it; money from 10,000 元 on is shown in 万元.

    Returns
    -------
    str
        Whole numbers without decimals, others with one, thousands separated; ``""`` for None and NaN.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "元" and abs(value) >= 1e4:
        value, unit = value / 1e4, "万元"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def ranked_bars(rows: pd.DataFrame, title: str, *, value: str = "value_per_year", label: str = "report",
                max_bars: int = 25, xlabel: str = "", lang: str = "zh") -> Figure:
    """A horizontal bar chart ranking reports on one indicator, largest on top.

    Only the ``max_bars`` largest values are drawn and a note under the chart says how many reports are not shown.
    Numbers stated as approximate (余, 约) or as a bound (以上, 不少于) are hatched. Chinese labels are drawn with
    the font of ``use_chinese_font``, which this function calls.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per report with columns ``label`` and ``value`` and, when present, ``unit``, ``approx`` and
        ``bound``; rows without a value are left out.
    title : str
        The chart's title.
    value : str, default "value_per_year"
        The column of the numbers ranked.
    label : str, default "report"
        The column of the bars' labels (e.g. ``report``: 金龙坪街道 2022–2024).
    max_bars : int, default 25
        The most bars drawn.
    xlabel : str, optional
        The label of the value axis.
    lang : str, default "zh"
        The language of the note and the legend.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch

    use_chinese_font()
    data = rows.dropna(subset=[value]).sort_values(value, ascending=False, kind="stable")
    shown = data.head(max_bars).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, max(2.4, 0.9 + 0.34 * len(shown))))
    n = len(shown)
    approx = shown["approx"].fillna(False).astype(bool).to_numpy() if "approx" in shown else np.zeros(n, bool)
    bound = shown["bound"].fillna("").astype(str).ne("").to_numpy() if "bound" in shown else np.zeros(n, bool)
    fuzzy = [bool(x) for x in approx | bound]
    bars = ax.barh(range(len(shown)), shown[value], color=["#9DB9D8" if f else "#3B6EA5" for f in fuzzy],
                   edgecolor="white")
    for bar, f in zip(bars, fuzzy, strict=True):
        if f:
            bar.set_hatch("///")
    units = shown["unit"] if "unit" in shown.columns else [""] * len(shown)
    top = float(shown[value].max()) if len(shown) else 1.0
    for i, (v, u, f) in enumerate(zip(shown[value], units, fuzzy, strict=True)):
        ax.text(v + top * 0.01, i, ("≈" if f else "") + format_value(float(v), u), va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), [str(x) for x in shown[label]])
    ax.set_xlim(0, top * 1.18 if top > 0 else 1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    hidden = len(data) - len(shown)
    note = t("chart.top_of", lang, shown=len(shown), total=len(data), hidden=hidden) if hidden else ""
    if note:
        fig.text(0.01, 0.005, note, fontsize=8, color="#555555", ha="left", va="bottom")
    if any(fuzzy):
        fig.legend(handles=[Patch(facecolor="#9DB9D8", hatch="///", edgecolor="white", label=t("chart.fuzzy", lang))],
                   loc="lower right", bbox_to_anchor=(0.995, 0.0), fontsize=8, frameon=False)
    margin = 0.35 / fig.get_figheight() if note or any(fuzzy) else 0
    fig.tight_layout(rect=(0, margin, 1, 1))
    return fig


def empty_chart(title: str, message: str | None = None, lang: str | None = None) -> Figure:
    """A small chart holding only a title and a message: what a chart of a corpus without the data shows.

    The notebook still renders, and says why the chart is empty.

    Parameters
    ----------
    title : str
        The chart's title.
    message : str, optional
        What the chart says (default: "no data to show" in ``lang``).
    lang : str, optional
        The language of the default message (default: both languages).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    import matplotlib.pyplot as plt

    use_chinese_font()
    fig, ax = plt.subplots(figsize=(8.5, 1.8))
    ax.set_axis_off()
    ax.set_title(title)
    if message is None:
        message = t("chart.empty", lang) if lang else f"{t('chart.empty', 'zh')}（{t('chart.empty', 'en')}）"
    ax.text(0.5, 0.5, message, ha="center", va="center",
            fontsize=10, color="#555555", transform=ax.transAxes)
    return fig


def heatmap(frame: pd.DataFrame, title: str, *, fmt: str = "d", cmap: str = "Blues", annotate: bool | None = None,
            cbar_label: str = "", lang: str | None = None) -> Figure:
    """A labelled heatmap of a small matrix (reports or groups × indicators), Chinese labels included.

    Parameters
    ----------
    frame : pandas.DataFrame
        The matrix, its index and columns the labels; without rows or columns, an ``empty_chart`` is drawn.
    title : str
        The chart's title.
    fmt : str, default "d"
        The format of the numbers in the cells (``d`` counts, ``.0%`` shares).
    cmap : str, default "Blues"
        The matplotlib colour map.
    annotate : bool, optional
        Whether to write the numbers in the cells (default: when there are at most 600 cells).
    cbar_label : str, optional
        The label of the colour bar.
    lang : str, optional
        The language of the empty chart's message (default: both languages).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    use_chinese_font()
    n_rows, n_cols = frame.shape
    if not n_rows or not n_cols:  # a corpus without the rows or columns to compare (no metric, no topic …)
        return empty_chart(title, lang=lang)
    # room for the column labels, written at 60°: long Chinese labels need height, a long title width
    label = max((len(str(c)) for c in frame.columns), default=0)
    width = max(2.5 + 0.45 * n_cols, 0.16 * len(title), 0.1 * max((len(str(i)) for i in frame.index), default=0) + 3)
    fig, ax = plt.subplots(figsize=(min(24.0, width), min(30.0, 1.6 + 0.32 * n_rows + 0.12 * label)))
    annotate = (n_rows * n_cols <= 600) if annotate is None else annotate
    sns.heatmap(frame, ax=ax, cmap=cmap, annot=annotate, fmt=fmt, linewidths=0.5, linecolor="white",
                cbar_kws={"label": cbar_label, "shrink": 0.6}, annot_kws={"fontsize": 8})
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=60)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    fig.tight_layout()
    return fig
