"""Geometry of the small SVG charts used on the dashboard and in the report.

The template only draws what is computed here; numbers are formatted for SVG
(dot decimal, never localised) so the same chart renders in the browser, for
screen readers (title, description, data table) and in the PDF.
"""

import base64
from dataclasses import dataclass, field


def svg_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    y: str
    width: str
    label_y: str
    value_x: str


@dataclass
class BarChart:
    title: str
    description: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    width: int = 640
    height: str = "0"
    label_width: int = 220
    plot_width: int = 340
    bar_height: int = 22
    font_size: int = 13

    @property
    def has_data(self) -> bool:
        return bool(self.bars)


def bar_chart(
    *,
    title: str,
    description: str,
    rows: list[tuple[str, float]],
    maximum: float | None = None,
    unit: str = "",
    bar_height: int = 22,
    gap: int = 10,
    display=None,
) -> BarChart:
    """A horizontal bar chart of ``rows`` (label, value) scaled to ``maximum``.

    ``display`` writes a value next to its bar (default: whole number and unit).
    """
    chart = BarChart(
        title=title,
        description=description,
        unit=unit,
        bar_height=bar_height,
        font_size=min(13, bar_height),
    )
    top = max([value for _, value in rows] + [maximum or 0, 1])
    for index, (label, value) in enumerate(rows):
        y = index * (bar_height + gap)
        width = chart.plot_width * (value / top) if top else 0
        shown = display(value) if display else f"{round(value):d}{unit}"
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                display=shown,
                y=svg_number(y),
                width=svg_number(width),
                # The text's middle on the bar's middle.
                label_y=svg_number(y + bar_height / 2 + chart.font_size * 0.35),
                value_x=svg_number(chart.label_width + width + 6),
            )
        )
    chart.height = svg_number(max(len(rows) * (bar_height + gap) - gap, bar_height))
    return chart


def alt_text(chart: BarChart) -> str:
    """The chart in words, for screen readers and the PDF's figure tags."""
    values = "; ".join(f"{bar.label}: {bar.display}" for bar in chart.bars)
    return f"{chart.title}. {chart.description} {values}.".strip()


def svg_data_uri(chart: BarChart) -> str:
    """The chart as a standalone SVG image in a data: URI (for the PDF)."""
    from django.template.loader import render_to_string

    svg = render_to_string("charts/_bar_svg.html", {"chart": chart})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
