"""Charts of the PDF report, drawn as vector shapes (rectangles, lines, text) with fpdf2.

Each function draws at the document's current y and moves it below the chart. Positions
are in reading order (see ``ReportDocument.px``), so in Persian every chart is mirrored:
the scale runs right to left, exactly as the page's ECharts do with ``inverse: rtl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hamsu.alignment.statements import ORDER, RELATIONSHIP_LABELS, RELATIONSHIP_RANGES
from hamsu.alignment.templatetags.alignment import localdigits, signed
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.templatetags.hamsu import num

if TYPE_CHECKING:
    from hamsu.alignment.pdf import ReportDocument
    from hamsu.alignment.selectors import TrendPoint

INK = (33, 37, 41)
MUTED = (108, 117, 125)
GRID = (222, 226, 230)
PRIMARY = (13, 110, 253)
FLAG = (215, 48, 39)
CALM = (141, 160, 203)
SALES = (25, 135, 84)
MARKETING = (253, 126, 20)
# Undefined → Integrated, from warning red to a confident green.
BAND_FILLS = {
    Relationship.UNDEFINED: (248, 215, 218),
    Relationship.DEFINED: (255, 236, 181),
    Relationship.ALIGNED: (209, 231, 221),
    Relationship.INTEGRATED: (163, 207, 187),
}
LOW, HIGH = 20.0, 100.0


def band_edges() -> list[tuple[Relationship, float, float]]:
    """Each band's span on the 20–100 scale, read from the ranges the page prints."""
    lowers = [float(RELATIONSHIP_RANGES[band].split("–")[0]) for band in ORDER]
    uppers = [*lowers[1:], HIGH]
    return list(zip(ORDER, lowers, uppers, strict=True))


def _scale(value: float, lo: float, hi: float, width: float) -> float:
    return (min(max(value, lo), hi) - lo) / (hi - lo) * width


def _vline(doc: ReportDocument, x: float, y1: float, y2: float) -> None:
    doc.line(doc.px(x), y1, doc.px(x), y2)


def _hline(doc: ReportDocument, x1: float, x2: float, y: float) -> None:
    doc.line(doc.px(x1), y, doc.px(x2), y)


def _bar(doc: ReportDocument, x: float, y: float, w: float, h: float, fill) -> None:
    if w <= 0:
        return
    doc.set_fill_color(*fill)
    doc.rect(doc.px(x, w), y, w, h, style="F")


def _axis(doc: ReportDocument, x0: float, width: float, y: float, ticks, lo: float, hi: float, label):
    doc.style(7, color=MUTED)
    for tick in ticks:
        x = x0 + _scale(tick, lo, hi, width)
        doc.text_box(x - 6, y, 12, 4, label(tick), "center")


def score_bands(doc: ReportDocument, total: float, ci) -> None:
    """The company score as a marker on one bar split into the four relationship bands."""
    width = doc.epw
    top = doc.get_y() + 6
    bar_h = 11
    for band, lo, hi in band_edges():
        x = _scale(lo, LOW, HIGH, width)
        w = _scale(hi, LOW, HIGH, width) - x
        _bar(doc, x, top, w, bar_h, BAND_FILLS[band])
        doc.style(8.5, "B")
        doc.text_box(x, top + 1, w, 5, str(RELATIONSHIP_LABELS[band]), "center")
        doc.style(7, color=MUTED)
        doc.text_box(x, top + 5.5, w, 4.5, localdigits(RELATIONSHIP_RANGES[band]), "center")
    x = _scale(total, LOW, HIGH, width)
    doc.set_draw_color(*INK)
    doc.set_fill_color(*INK)
    doc.set_line_width(0.7)
    _vline(doc, x, top - 1, top + bar_h + 1)
    doc.polygon([(doc.px(x) - 1.8, top - 4), (doc.px(x) + 1.8, top - 4), (doc.px(x), top - 1.2)], style="F")
    doc.style(9, "B")
    doc.text_box(x - 15, top - 9.5, 30, 5, num(total, 1), "center")
    below = top + bar_h + 2.5
    if ci:
        # The 95% interval as a whisker under the bar: how sure the score is.
        doc.set_line_width(0.35)
        lo_x, hi_x = _scale(ci.low, LOW, HIGH, width), _scale(ci.high, LOW, HIGH, width)
        _hline(doc, lo_x, hi_x, below)
        _vline(doc, lo_x, below - 1.2, below + 1.2)
        _vline(doc, hi_x, below - 1.2, below + 1.2)
    doc.set_line_width(0.2)
    _axis(doc, 0, width, below + 2, [20, 40, 60, 80, 100], LOW, HIGH, lambda t: num(t))
    doc.set_y(below + 8)


def function_bars(doc: ReportDocument, rows: list[tuple[str, float | None, int, bool]]) -> None:
    """Horizontal bars on the 20–100 scale: the company first, then each function."""
    label_w, value_w = 46, 12
    area_x, area_w = label_w, doc.epw - label_w - value_w
    row_h = 6.5
    top = doc.get_y() + 1
    bottom = top + row_h * len(rows)
    doc.set_line_width(0.2)
    for _band, lo, _hi in band_edges()[1:]:
        doc.set_draw_color(*GRID)
        doc.set_dash_pattern(dash=0.8, gap=0.8)
        _vline(doc, area_x + _scale(lo, LOW, HIGH, area_w), top, bottom)
    doc.set_dash_pattern()
    doc.set_draw_color(*MUTED)
    _vline(doc, area_x, top, bottom)
    for i, (label, value, n, company) in enumerate(rows):
        y = top + i * row_h
        doc.style(8.5, "B" if company else "")
        doc.text_box(0, y, label_w - 2, row_h, f"{label} (n = {num(n)})", "end")
        if value is None:
            doc.text_box(area_x + 1, y, value_w, row_h, "—", "start")
            continue
        w = _scale(value, LOW, HIGH, area_w)
        _bar(doc, area_x, y + 1, w, row_h - 2, PRIMARY if company else CALM)
        doc.style(8, "B")
        doc.text_box(area_x + w + 1, y, value_w, row_h, num(value, 1), "start")
    _axis(doc, area_x, area_w, bottom + 0.5, [20, 40, 60, 80, 100], LOW, HIGH, lambda t: num(t))
    doc.set_y(bottom + 6)


# The page's heat map runs red → yellow → green over the 1–5 agreement scale.
HEAT_STOPS = ((1.0, (215, 48, 39)), (3.0, (254, 224, 139)), (5.0, (26, 152, 80)))
HEAT_ROW = 4.6


def heat_colour(value: float) -> tuple[int, int, int]:
    """The colour of a mean rating, interpolated between the page's three stops."""
    value = min(max(value, HEAT_STOPS[0][0]), HEAT_STOPS[-1][0])
    for (lo, lo_rgb), (hi, hi_rgb) in zip(HEAT_STOPS, HEAT_STOPS[1:], strict=False):
        if value <= hi:
            t = (value - lo) / (hi - lo)
            return tuple(round(a + (b - a) * t) for a, b in zip(lo_rgb, hi_rgb, strict=True))
    return HEAT_STOPS[-1][1]


def heat_height(n_rows: int) -> float:
    return HEAT_ROW * n_rows + 14


def heat_map(doc: ReportDocument, columns: list[str], rows: list[tuple[str, list[float | None]]]) -> None:
    """Mean rating per statement (rows) and function (columns), each cell coloured and
    labelled; a blank cell is a group with no answer to show."""
    label_w = 58
    cell_w = min(24.0, (doc.epw - label_w) / max(len(columns), 1))
    doc.ensure(heat_height(len(rows)))
    top = doc.get_y() + 1
    doc.style(7, "B", MUTED)
    for j, title in enumerate(columns):
        doc.text_box(label_w + j * cell_w, top, cell_w, 5, doc.fit(title, cell_w - 1), "center")
    top += 6
    doc.set_draw_color(255, 255, 255)
    doc.set_line_width(0.4)
    for i, (label, values) in enumerate(rows):
        y = top + i * HEAT_ROW
        doc.style(7.5)
        doc.text_box(0, y, label_w - 2, HEAT_ROW, label, "end")
        for j, value in enumerate(values):
            x = label_w + j * cell_w
            if value is None:
                continue
            doc.set_fill_color(*heat_colour(value))
            doc.rect(doc.px(x, cell_w), y, cell_w, HEAT_ROW, style="FD")
            doc.style(7, "", INK)
            doc.text_box(x, y, cell_w, HEAT_ROW, num(value, 1), "center")
    doc.set_draw_color(*INK)
    doc.set_line_width(0.2)
    doc.set_y(top + HEAT_ROW * len(rows) + 3)


GAP_ROW = 4.6


def gap_height(n_rows: int) -> float:
    return GAP_ROW * n_rows + 8


def gap_bars(doc: ReportDocument, rows: list[tuple[str, float | None, bool]]) -> None:
    """Sales minus marketing, statement by statement, on −4…+4; red where flagged."""
    label_w = 58
    area_x, area_w = label_w, doc.epw - label_w
    row_h = GAP_ROW
    lo, hi = -4.0, 4.0
    doc.ensure(gap_height(len(rows)))
    top = doc.get_y() + 1
    bottom = top + row_h * len(rows)
    centre = area_x + _scale(0, lo, hi, area_w)
    doc.set_line_width(0.2)
    doc.set_draw_color(*GRID)
    for tick in range(-4, 5):
        _vline(doc, area_x + _scale(tick, lo, hi, area_w), top, bottom)
    for i, (label, gap, flagged) in enumerate(rows):
        y = top + i * row_h
        doc.style(7.5)
        doc.text_box(0, y, label_w - 2, row_h, label, "end")
        if gap is None:
            continue
        w = abs(_scale(gap, lo, hi, area_w) - _scale(0, lo, hi, area_w))
        start = centre if gap >= 0 else centre - w
        _bar(doc, start, y + 0.7, w, row_h - 1.4, FLAG if flagged else CALM)
        doc.style(7, "B" if flagged else "", FLAG if flagged else INK)
        if gap >= 0:
            doc.text_box(centre + w + 0.8, y, 12, row_h, signed(gap, 2), "start")
        else:
            doc.text_box(centre - w - 12.8, y, 12, row_h, signed(gap, 2), "end")
    doc.set_draw_color(*INK)
    doc.set_line_width(0.4)
    _vline(doc, centre, top - 1, bottom + 1)
    doc.set_line_width(0.2)
    _axis(doc, area_x, area_w, bottom + 1, range(-4, 5), lo, hi, lambda t: signed(t, 0))
    doc.set_y(bottom + 8)


def trend(doc: ReportDocument, points: list[TrendPoint]) -> None:
    """Company, sales and marketing scores over the rounds, on the bands' scale."""
    height = 62
    doc.ensure(height + 4)
    top = doc.get_y()
    axis_w = 9
    plot_x, plot_w = axis_w, doc.epw - axis_w - 2
    plot_top, plot_bottom = top + 8, top + height - 9
    plot_h = plot_bottom - plot_top

    def y_of(value: float) -> float:
        return plot_bottom - _scale(value, LOW, HIGH, plot_h)

    # Shade every other band, as the page's chart does, so the bands read at a glance.
    for band, lo, hi in band_edges():
        if band in (Relationship.UNDEFINED, Relationship.ALIGNED):
            doc.set_fill_color(244, 245, 247)
            doc.rect(doc.px(plot_x, plot_w), y_of(hi), plot_w, y_of(lo) - y_of(hi), style="F")
    doc.set_line_width(0.2)
    for tick in (20, 40, 60, 80, 100):
        doc.set_draw_color(*GRID)
        _hline(doc, plot_x, plot_x + plot_w, y_of(tick))
        doc.style(7, color=MUTED)
        doc.text_box(0, y_of(tick) - 2, axis_w - 1.5, 4, num(tick), "end")
    step = plot_w / len(points)

    def x_of(i: int) -> float:
        return plot_x + step * (i + 0.5)

    series = [
        (_("Company"), [p.result.total for p in points], PRIMARY, False),
        (_("Sales"), [p.result.by_function.get("sales") for p in points], SALES, True),
        (_("Marketing"), [p.result.by_function.get("marketing") for p in points], MARKETING, True),
    ]
    for _name, values, colour, dashed in series:
        doc.set_draw_color(*colour)
        doc.set_fill_color(*colour)
        doc.set_line_width(0.45 if dashed else 0.7)
        if dashed:
            doc.set_dash_pattern(dash=1.4, gap=0.9)
        for i in range(1, len(values)):
            if values[i - 1] is not None and values[i] is not None:
                doc.line(doc.px(x_of(i - 1)), y_of(values[i - 1]), doc.px(x_of(i)), y_of(values[i]))
        doc.set_dash_pattern()
        for i, value in enumerate(values):
            if value is not None:
                doc.circle(doc.px(x_of(i)), y_of(value), 0.8 if dashed else 1.1, style="F")
    # Company values above their dots, round names under the axis.
    doc.style(7, "B", PRIMARY)
    for i, value in enumerate(series[0][1]):
        doc.text_box(x_of(i) - 8, y_of(value) - 5.5, 16, 4, num(value, 1), "center")
    doc.style(7, color=INK)
    for i, point in enumerate(points):
        doc.text_box(x_of(i) - step / 2 + 0.5, plot_bottom + 1, step - 1, 4, point.round.name, "center")
    # Legend across the top.
    x = plot_x
    doc.set_line_width(0.6)
    for name, _values, colour, dashed in series:
        doc.set_draw_color(*colour)
        if dashed:
            doc.set_dash_pattern(dash=1.4, gap=0.9)
        _hline(doc, x, x + 6, top + 3)
        doc.set_dash_pattern()
        doc.style(7.5)
        w = doc.get_string_width(name) + 2
        doc.text_box(x + 7, top + 1, w, 4, name, "start")
        x += 7 + w + 5
    doc.set_line_width(0.2)
    doc.set_y(top + height)
