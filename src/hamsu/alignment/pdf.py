"""The round report as a real PDF, made on the server, in English or Persian.

Why fpdf2: it is pure Python (no browser, no Cairo/Pango system libraries to install on
every machine), it writes charts as vector shapes that print sharply, and with uharfbuzz
(its text-shaping engine) plus its own bidi support it joins Persian letters and runs
them right to left. The font is Vazirmatn (Persian and Latin in one family) from npm, so
nothing is vendored: ``make install`` fetches it like the other front-end libraries.

The figures come from ``report.report_contents``, the same reads the HTML report uses,
and are formatted with the same filters (Persian digits, Jalali dates), so the PDF and
the page always agree. ``render`` must run inside ``translation.override(language)``;
``download`` does that itself.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF, FontFace

from hamsu.alignment import pdf_charts as charts
from hamsu.alignment.models import RespondentFunction, Round
from hamsu.alignment.report import ReportContents, report_contents
from hamsu.alignment.statements import (
    ORDER,
    RELATIONSHIP_DESCRIPTIONS,
    RELATIONSHIP_LABELS,
    RELATIONSHIP_RANGES,
    SOURCE,
)
from hamsu.alignment.templatetags.alignment import localdigits, signed
from hamsu.core import dates
from hamsu.core.templatetags.hamsu import num

FONT = "Vazirmatn"
FONT_FILES = {"": "Vazirmatn-Regular.ttf", "B": "Vazirmatn-Bold.ttf"}
MARGIN = 15

INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
WARNING_FILL = (255, 243, 205)


class ReportFontMissing(ImproperlyConfigured):
    """The Vazirmatn font files are not where npm puts them."""


def font_dir() -> Path:
    """Where npm installed Vazirmatn (``settings.NODE_MODULES``, i.e. HAMSU_NODE_MODULES)."""
    folder = Path(settings.NODE_MODULES) / "vazirmatn" / "fonts" / "ttf"
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise ReportFontMissing(
            f"The PDF report needs the Vazirmatn font from npm, but {', '.join(missing)} "
            f"is not in {folder}. Run `make install` (it runs `npm ci`), or point "
            "HAMSU_NODE_MODULES at the node_modules folder that holds it."
        )
    return folder


def render(contents: ReportContents) -> bytes:
    document = ReportDocument(contents)
    document.build()
    return bytes(document.output())


def download(round_: Round, language: str) -> HttpResponse:
    """The round's report as a PDF attachment; the page and the API twin both answer with it."""
    with translation.override(language):
        contents = report_contents(round_, language)
        body = render(contents)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"alignment-report-{round_.pk}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReportDocument(FPDF):
    """An A4 report whose layout is written once, in reading order, and mirrored for RTL.

    Positions are given as ``x`` millimetres from the *start* of the text area (the left
    edge in English, the right edge in Persian); ``px`` turns them into page coordinates.
    """

    def __init__(self, contents: ReportContents):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.contents = contents
        self.rtl = contents.rtl
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        folder = font_dir()
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(folder / name))
        # The direction is fixed per document: a Persian line that starts with a Latin
        # word (a round named "Q1 ...") must still run right to left.
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if self.rtl else "ltr")
        self.set_lang(contents.language)
        self.set_creator("Hamsu")
        self.set_title(f"{contents.round.name} · {_('Sales and marketing alignment report')}")

    # ------------------------------------------------------------ mirrored geometry

    def px(self, x: float, w: float = 0) -> float:
        """Page x of a box of width ``w`` that starts ``x`` mm from the reading start."""
        return self.w - self.r_margin - x - w if self.rtl else self.l_margin + x

    def side(self, where: str) -> str:
        """fpdf2 alignment for "start", "end" or "center" in the reading direction."""
        if where == "center":
            return "C"
        return "R" if (where == "start") == self.rtl else "L"

    def style(self, size: float, emphasis: str = "", color=INK) -> None:
        self.set_font(FONT, emphasis, size)
        self.set_text_color(*color)

    def text_box(self, x: float, y: float, w: float, h: float, text: str, where: str = "start") -> None:
        self.set_xy(self.px(x, w), y)
        self.cell(w, h, self.fit(text, w), align=self.side(where))

    def fit(self, text: str, width: float) -> str:
        """Cut a label that would overflow its box, with an ellipsis."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def paragraph(self, text: str, size: float = 9, emphasis: str = "", color=INK, fill=None) -> None:
        self.style(size, emphasis, color)
        self.set_x(self.l_margin)
        if fill:
            self.set_fill_color(*fill)
        self.multi_cell(
            0,
            size * 0.5,
            text,
            align=self.side("start"),
            fill=bool(fill),
            padding=2 if fill else 0,
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def heading(self, text: str, room: float = 30) -> None:
        """A section title, on a new page when the section would start at the foot."""
        self.ensure(room)
        self.ln(3)
        self.style(12, "B")
        self.set_x(self.l_margin)
        self.cell(0, 7, text, align=self.side("start"), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def ensure(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def footer(self) -> None:
        # Text shaping cannot use fpdf2's {nb} total-pages alias, so the page number stands alone.
        self.set_y(-MARGIN + 2)
        self.style(7.5, color=MUTED)
        width = self.epw / 2
        self.text_box(0, self.get_y(), width, 5, self.contents.round.name, "start")
        page = _("Page %(n)s") % {"n": num(self.page_no())}
        self.text_box(width, self.get_y(), width, 5, page, "end")

    # ------------------------------------------------------------ the report, in order

    def build(self) -> None:
        contents = self.contents
        self.add_page()
        self.masthead()
        results = contents.results
        if results.result is None:
            self.not_enough()
        else:
            self.score()
            self.by_function()
            self.heat()
            self.gaps()
        if len(contents.trend) > 1:
            self.heading(_("Trend across rounds"), room=70)
            charts.trend(self, contents.trend)
        if results.result is not None:
            self.statements()
        if contents.target:
            self.next_moves()
        self.bands()
        self.ln(2)
        self.paragraph(str(SOURCE), size=7.5, color=MUTED)

    def masthead(self) -> None:
        round_ = self.contents.round
        self.paragraph(_("Sales and marketing alignment report"), size=9, color=MUTED)
        self.paragraph(round_.name, size=18, emphasis="B")
        kind = _("anonymous") if round_.anonymous else _("named")
        when = f"{dates.format_date(round_.opens_at)} – {dates.format_date(round_.closes_at)} · {kind}"
        self.paragraph(when, size=9, color=MUTED)
        made = _("Made on %(date)s") % {"date": dates.format_date(timezone.now())}
        self.paragraph(made, size=7.5, color=MUTED)
        self.ln(2)

    def not_enough(self) -> None:
        results, round_ = self.contents.results, self.contents.round
        if results.hidden_until_closed:
            text = _(
                "Results of an anonymous round appear when it closes, so that no one's answers can "
                "be worked out by watching the figures change."
            )
        else:
            text = ngettext(
                "Results appear once at least %(shown)s person has answered, so that no one's "
                "answers can be worked out.",
                "Results appear once at least %(shown)s people have answered, so that no one's "
                "answers can be worked out.",
                round_.min_group_size,
            ) % {"shown": num(round_.min_group_size)}
        so_far = _("Responses so far: %(n)s.") % {"n": num(results.n_responses)}
        self.paragraph(f"{text} {so_far}", fill=WARNING_FILL)

    def score(self) -> None:
        r = self.contents.results.result
        self.paragraph(_("Company score (20–100)"), size=9, color=MUTED)
        # The score and its relationship on one line, as on the page's score card.
        y, score = self.get_y(), num(r.total, 1)
        self.style(26, "B")
        width = self.get_string_width(score) + 3
        self.text_box(0, y, width, 12, score)
        self.style(14, "B")
        self.text_box(width + 2, y + 2.5, self.epw - width - 2, 8, str(RELATIONSHIP_LABELS[r.relationship]))
        self.set_y(y + 12)
        ci = r.confidence_interval
        if ci:
            self.paragraph(
                _("95%% confidence interval: %(low)s to %(high)s")
                % {"low": num(ci.low, 1), "high": num(ci.high, 1)},
                size=8.5,
                color=MUTED,
            )
        shown = ngettext("%(shown)s response", "%(shown)s responses", r.n_respondents) % {
            "shown": num(r.n_respondents)
        }
        self.paragraph(shown, size=8.5, color=MUTED)
        self.heading(_("Company score against the four bands"), room=40)
        charts.score_bands(self, r.total, ci)

    def by_function(self) -> None:
        results, round_ = self.contents.results, self.contents.round
        r = results.result
        labels = dict(RespondentFunction.choices)
        rows = [(_("Company"), r.total, r.n_respondents, True)]
        rows += [(str(labels.get(f, f)), mean, n, False) for f, mean, n in results.function_rows()]
        self.heading(_("Score by function"), room=20 + 7 * len(rows))
        charts.function_bars(self, rows)
        if results.pooled:
            text = _(
                "Groups with fewer than %(n)s respondents are shown together as “Other”, so no one's "
                "answers can be worked out."
            ) % {"n": num(round_.min_group_size)}
            if results.left_out:
                text += " " + ngettext(
                    "%(shown)s answer from a group too small to show is left out of every figure.",
                    "%(shown)s answers from groups too small to show are left out of every figure.",
                    results.left_out,
                ) % {"shown": num(results.left_out)}
            self.paragraph(text, size=8, color=MUTED)

    def heat(self) -> None:
        results = self.contents.results
        labels = dict(RespondentFunction.choices)
        self.heading(_("Heat map: statements × functions"), room=charts.heat_height(len(results.rows)) + 12)
        charts.heat_map(
            self,
            [str(labels.get(f, f)) for f in results.functions],
            [
                (f"{num(row.statement.number)}. {row.statement.short}", row.by_function)
                for row in results.rows
            ],
        )
        self.paragraph(
            _("Mean agreement from 1 (red) to 5 (green); a blank cell is a group with no answer to show."),
            size=7.5,
            color=MUTED,
        )

    def gaps(self) -> None:
        results = self.contents.results
        flagged = results.flagged()
        # Keep the title, the alert and the whole chart together on one page.
        self.heading(_("Perception gap per statement"), room=charts.gap_height(len(results.rows)) + 25)
        if flagged:
            self.paragraph(
                ngettext(
                    "Sales and marketing see %(shown)s statement very differently (a gap of at least "
                    "one point that is statistically meaningful).",
                    "Sales and marketing see %(shown)s statements very differently (gaps of at least "
                    "one point that are statistically meaningful).",
                    len(flagged),
                )
                % {"shown": num(len(flagged))},
                size=8.5,
                fill=WARNING_FILL,
            )
            self.ln(1)
        rows = [
            (
                f"{num(row.statement.number)}. {row.statement.short}",
                None if row.gap is None else row.gap.gap,
                bool(row.gap and row.gap.large_and_meaningful),
            )
            for row in results.rows
        ]
        if all(gap is None for _label, gap, _flag in rows):
            self.paragraph(_("Too few answers from sales or from marketing to compare them."), size=8.5)
            return
        charts.gap_bars(self, rows)
        self.paragraph(
            _(
                "Positive: sales agrees more than marketing. Red bars are gaps of at least one point "
                "with p < 0.05 (Welch's t-test)."
            ),
            size=7.5,
            color=MUTED,
        )

    def statements(self) -> None:
        """Perception (the ratings) beside evidence (what Hamsu measures), statement by statement."""
        results = self.contents.results
        labels = dict(RespondentFunction.choices)
        self.heading(_("Statement by statement: perception beside evidence"), room=40)
        headings = [
            "#",
            _("Statement"),
            _("All"),
            *[str(labels.get(f, f)) for f in results.functions],
            _("Gap (sales − marketing)"),
            _("Measured in Hamsu"),
        ]
        n_numbers = 1 + len(results.functions)
        fixed = 7 + 15 * n_numbers + 18
        text_w = self.epw - fixed
        widths = [7, text_w * 0.55, *([15] * n_numbers), 18, text_w * 0.45]
        aligns = ["start", "start", *(["end"] * n_numbers), "end", "start"]
        body = []
        for row in results.rows:
            gap = row.gap
            gap_text = "—"
            if gap is not None and gap.gap is not None:
                gap_text = signed(gap.gap) + (" *" if gap.large_and_meaningful else "")
                if gap.p_value is not None:
                    gap_text += f"\np = {num(gap.p_value, 3)}"
            evidence = ""
            if row.indicator:
                evidence = f"{row.indicator.label}: {localdigits(row.indicator.value)}"
                if row.disagreement:
                    evidence += f"\n{row.disagreement}"
            cells = [
                num(row.statement.number),
                str(row.statement.text),
                num(row.mean, 1),
                *["—" if v is None else num(v, 1) for v in row.by_function],
                gap_text,
                evidence,
            ]
            body.append((cells, bool(gap and gap.large_and_meaningful), bool(row.disagreement)))
        self.table_of(headings, widths, aligns, body, size=7.5)
        if results.flagged():
            self.paragraph("* " + _("Large and statistically meaningful"), size=7.5, color=MUTED)

    def next_moves(self) -> None:
        contents = self.contents
        self.heading(_("Where to go next"))
        self.paragraph(
            _("Recommended relationship: %(target)s.") % {"target": RELATIONSHIP_LABELS[contents.target]},
            size=9.5,
        )
        if not contents.next_moves:
            return
        self.ln(1)
        body = [
            ([str(item.move.title), str(item.move.feature), localdigits(item.status.text)], False, False)
            for item in contents.next_moves
        ]
        width = self.epw
        self.table_of(
            [_("Move"), _("In Hamsu"), _("Status")],
            [width * 0.38, width * 0.27, width * 0.35],
            ["start"] * 3,
            body,
            size=8.5,
        )

    def bands(self) -> None:
        self.heading(_("The four relationships"))
        body = [
            (
                [
                    f"{RELATIONSHIP_LABELS[band]} ({localdigits(RELATIONSHIP_RANGES[band])})",
                    str(RELATIONSHIP_DESCRIPTIONS[band]),
                ],
                False,
                False,
            )
            for band in ORDER
        ]
        self.table_of(None, [self.epw * 0.24, self.epw * 0.76], ["start", "start"], body, size=8)

    def table_of(self, headings, widths, aligns, body, *, size: float) -> None:
        """A ruled table; columns are reversed in Persian so the first one sits at the right."""

        def ordered(items):
            return list(reversed(items)) if self.rtl else list(items)

        self.style(size)
        # fpdf2 starts each cell from the document's current fill colour, which the charts
        # leave set: reset it so plain rows stay white.
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        flagged_face = FontFace(fill_color=WARNING_FILL)
        disagreement_face = FontFace(color=charts.FLAG)
        with self.table(
            col_widths=ordered(widths),
            text_align=ordered([self.side(a) for a in aligns]),
            width=self.epw,
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=headings is not None,
            headings_style=FontFace(emphasis="BOLD", color=INK),
            line_height=size * 0.5,
            padding=(1, 1),
        ) as table:
            if headings is not None:
                table.row(ordered(headings))
            for cells, flagged, disagrees in body:
                out = table.row()
                last = len(cells) - 1
                for i in ordered(range(len(cells))):
                    face = None
                    if disagrees and i == last:
                        face = disagreement_face
                    elif flagged:
                        face = flagged_face
                    out.cell(cells[i], style=face)
        self.ln(1)
