"""Chart.js settings for the dashboard and the reports (drawn by unfold's chart components).

unfold's own defaults draw 4 px bars laid over one another; these draw grouped (or stacked)
bars of a readable width, whole-number axes and a legend when there is more than one series.
"""

import json
from typing import Any

# Bar colours of the stages: the hues of the status badges (badges.css), deeper.
FAMILY_COLOURS = {
    "intake": "#9ca3af",
    "prep": "#f59e0b",
    "coating": "#3b82f6",
    "qc": "#8b5cf6",
    "done": "#22c55e",
    "hold": "#f97316",
    "cancelled": "#ef4444",
}

BAR_STYLE = {"maxBarThickness": 28, "borderRadius": 3, "barPercentage": 0.85}


def chart_options(*, stacked: bool = False, legend: bool = True, whole_numbers: bool = True) -> str:
    """The options JSON for a chart's `data-options`."""
    y_axis: dict[str, Any] = {"beginAtZero": True, "stacked": stacked}
    if whole_numbers:
        y_axis["ticks"] = {"precision": 0}
    return json.dumps(
        {
            "animation": False,
            "responsive": True,
            "maintainAspectRatio": False,
            "plugins": {
                "legend": {
                    "display": legend,
                    "position": "top",
                    "align": "end",
                    "labels": {"boxWidth": 10, "boxHeight": 10},
                },
                "tooltip": {"enabled": True},
            },
            "scales": {"x": {"stacked": stacked, "grid": {"display": False}}, "y": y_axis},
        }
    )


def bar_dataset(
    label: str, data: list[Any], colour: str | list[str], **extra: Any
) -> dict[str, Any]:
    """One series of bars in the shop's bar style."""
    return {"label": label, "data": data, "backgroundColor": colour, **BAR_STYLE, **extra}
