"""Chinese text in charts: no missing-glyph warnings, a font file that has the glyphs, its licence shipped."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg  # the Agg renderer, without pyplot's global state
from matplotlib.figure import Figure

from fazhi_lib import plotting

GLYPH_MISSING = r"Glyph .* missing"
LABELS = ["金龙坪街道", "大安街道", "三湖镇", "莲花街道（案例）"]


@pytest.fixture(autouse=True)
def _restore_rc():
    with matplotlib.rc_context():
        yield
    plotting._chinese_font.cache_clear()


def draw_chinese_chart(path: Path) -> Path:
    """A bar chart with a Chinese title, axis labels, tick labels, legend and negative numbers, saved as PNG."""
    fig = Figure(figsize=(6, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.barh(LABELS, [895, 297, -72, 500], color="#4C72B0", label="调解矛盾纠纷数")
    ax.set_title("调解矛盾纠纷数（件）：各地比较")
    ax.set_xlabel("件数（每年）")
    ax.set_ylabel("辖区")
    ax.legend(title="指标")
    ax.annotate("三年来累计 ÷ 3", xy=(300, 1))
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def test_chinese_chart_draws_without_missing_glyphs(tmp_path: Path):
    family = plotting.use_chinese_font()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_MISSING)
        out = draw_chinese_chart(tmp_path / "chart.png")
    assert out.stat().st_size > 5000
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_set_theme_keeps_the_chinese_font(tmp_path: Path):
    pytest.importorskip("seaborn")
    family = plotting.set_theme(style="whitegrid", context="notebook")
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_MISSING)
        draw_chinese_chart(tmp_path / "themed.png")
    with pytest.raises(TypeError):
        plotting.set_theme(font="DejaVu Sans")


def test_the_check_would_catch_tofu(tmp_path: Path):
    """Control: with a font without Chinese glyphs the same chart does warn, so the tests above mean something."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_MISSING)
        with pytest.raises(UserWarning, match="missing from font"):
            draw_chinese_chart(tmp_path / "tofu.png")


def test_registered_family_resolves_to_a_file_with_the_glyphs():
    family = plotting.use_chinese_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(path).resolve() == plotting.chinese_font_path().resolve()
    assert plotting.has_glyphs(path, "法治政府建设年度报告" + "".join(LABELS))
    assert not plotting.has_glyphs(font_manager.findfont("DejaVu Sans"), "法治")


def test_use_chinese_font_is_idempotent():
    first = plotting.use_chinese_font()
    sans = list(matplotlib.rcParams["font.sans-serif"])
    assert plotting.use_chinese_font() == first
    assert matplotlib.rcParams["font.sans-serif"] == sans
    assert sans.count(first) == 1


def test_noto_sans_sc_comes_from_the_wheel_with_its_licence():
    path = plotting.wheel_font_path()
    if path is None:
        pytest.skip("pylopdf-fonts-zh-cn is not installed")
    assert path.name == "NotoSansSC-Regular.otf"
    assert plotting.use_chinese_font() == "Noto Sans SC"
    licence = plotting.font_licence_path()
    assert licence is not None and "SIL OPEN FONT LICENSE" in licence.read_text("utf-8").upper()


def test_falls_back_to_a_system_font(monkeypatch):
    monkeypatch.setattr(plotting, "wheel_font_path", lambda: None)
    plotting._chinese_font.cache_clear()
    system = plotting._system_fonts()
    if not system:
        with pytest.raises(plotting.ChineseFontError):
            plotting.use_chinese_font()
        return
    family = plotting.use_chinese_font()
    assert family in plotting.SYSTEM_FAMILIES
    assert plotting.has_glyphs(plotting.chinese_font_path())


def test_clear_error_when_no_font_has_the_glyphs(monkeypatch):
    monkeypatch.setattr(plotting, "wheel_font_path", lambda: None)
    monkeypatch.setattr(plotting, "_system_fonts", lambda: [])
    plotting._chinese_font.cache_clear()
    with pytest.raises(plotting.ChineseFontError, match=r"pylopdf-fonts-zh-cn.*fonts-noto-cjk"):
        plotting.use_chinese_font()


def test_ranked_bars_and_heatmap_draw_chinese_without_missing_glyphs(tmp_path: Path):
    import matplotlib.pyplot as plt
    import pandas as pd

    plotting.set_theme(style="whitegrid")
    rows = pd.DataFrame({
        "report": [f"{name}{i}号 2024" for i in range(12) for name in LABELS[:1]],
        "value_per_year": [float(v) for v in range(12)],
        "unit": ["件"] * 12,
        "approx": [i % 3 == 0 for i in range(12)],
        "bound": ["min" if i == 11 else "" for i in range(12)],
    })
    matrix = pd.DataFrame([[1, 0, 2], [0, 3, 1]], index=LABELS[:2], columns=["受理矛盾纠纷数", "调解成功率", "网格数"])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_MISSING)
        fig = plotting.ranked_bars(rows, title="受理矛盾纠纷数（件，每年）", max_bars=5, xlabel="件")
        fig.savefig(tmp_path / "bars.png")
        fig2 = plotting.heatmap(matrix, title="各报告所述指标", cbar_label="次数")
        fig2.savefig(tmp_path / "heat.png")
    ax = fig.axes[0]
    assert len(ax.patches) == 5  # only the top five bars
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "金龙坪街道11号 2024"  # largest on top
    assert any("共12个报告" in t.get_text() for t in fig.texts)  # the note on what is not shown
    plt.close(fig)
    plt.close(fig2)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (903.0, "件", "903件"), (99.1, "%", "99.1%"), (8333.33, "份", "8,333.3份"), (1_060_000.0, "元", "106万元"),
    (26000.0, "元", "2.6万元"), (float("nan"), "件", ""),
])
def test_format_value(value, unit, text):
    assert plotting.format_value(value, unit) == text


def test_an_empty_matrix_and_tex_in_labels_still_draw(tmp_path: Path):
    """A corpus without the data of a chart gets a chart saying so; report text holding $…$ is drawn as written."""
    import matplotlib.pyplot as plt
    import pandas as pd

    fig = plotting.heatmap(pd.DataFrame(), title="各报告给出各指标的次数")
    assert any("no data" in t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    rows = pd.DataFrame({"report": ["某镇$\\undefinedcommand{x}$ 2024", "另一镇 2024"], "value": [3.0, 5.0]})
    fig = plotting.ranked_bars(rows, title="受理矛盾纠纷数（件）$\\frac{a}$", value="value")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", GLYPH_MISSING)
        fig.savefig(tmp_path / "tex.png")
    plt.close(fig)
