"""The inspection-style report as a PDF: the §5 figures for a level and date, with a trend chart drawn on the
server (ReportLab graphics), so it can be sent to an inspectorate or printed without a browser."""
from __future__ import annotations

import io

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vigil.assurance.selectors import Figures

_PALETTE = [colors.HexColor(c) for c in ("#1d3557", "#a4001d", "#00703c", "#b5440b", "#4c2c92", "#505a5f")]


def _trend_chart(figs: Figures) -> Drawing | None:
    series = [(k, v) for k, v in figs.trend.items() if any(v)][:6]
    if not series:
        return None
    d = Drawing(170 * mm, 70 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, 150 * mm, 50 * mm
    chart.data = [v for _, v in series]
    chart.categoryAxis.categoryNames = [dd.strftime("%b %y") for dd in figs.trend_dates]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for i in range(len(series)):
        chart.lines[i].strokeColor = _PALETTE[i % len(_PALETTE)]
        chart.lines[i].strokeWidth = 1.5
    d.add(chart)
    for i, (key, _) in enumerate(series):
        d.add(String(14 * mm + (i % 3) * 55 * mm, 4 * mm - (i // 3) * 3.5 * mm, key.replace("_", " "),
                     fontSize=6, fillColor=_PALETTE[i % len(_PALETTE)]))
    return d


def render_pdf(figs: Figures) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"Vigil assurance report {figs.as_of}",
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
    styles = getSampleStyleSheet()
    story = [Paragraph(f"Public protection assurance — {figs.level.name}", styles["Title"]),
             Paragraph(f"As of {figs.as_of:%d %B %Y}. Figures are counts of records; every figure can be traced to "
                       "its records in Vigil. Synthetic data in the demonstration.", styles["Normal"]),
             Spacer(1, 6 * mm)]
    for area, rows in figs.areas():
        story.append(Paragraph(area, styles["Heading2"]))
        data = [["Indicator", "Value"]] + [[Paragraph(r.indicator.label, styles["BodyText"]), f"{r.value:g}"]
                                           for r in rows]
        t = Table(data, colWidths=[140 * mm, 30 * mm])
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d3557")),
                               ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                               ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                               ("ALIGN", (1, 1), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [t, Spacer(1, 4 * mm)]
    chart = _trend_chart(figs)
    if chart is not None:
        story += [Paragraph("Trend over twelve months", styles["Heading2"]), chart]
    doc.build(story)
    return buf.getvalue()
