"""The spread of a method drawn as a picture: one row per system, one mark per organisation.

Only geometry is worked out here; templates/methods/_spread_picture.html
draws it as SVG (with a title and description), and the page carries the
same facts as a table. Marks differ in shape as well as colour: a circle for
"uses it", a square for "adapted it", a square holding a circle for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from community.methods.lineage import Spread

WIDTH = 760
LABEL_WIDTH = 270
TILE = 18
GAP = 8
ROW_PADDING = 14
LEGEND_HEIGHT = 44
LABEL_CHARACTERS = 34


@dataclass
class Mark:
    x: int
    y: int
    kind: str  # used, adapted or both
    label: str

    @property
    def cx(self) -> float:
        return self.x + TILE / 2

    @property
    def cy(self) -> float:
        return self.y + TILE / 2


@dataclass
class PictureRow:
    label: str
    full_label: str
    y: int  # baseline of the label
    count: str
    count_x: int
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Picture:
    width: int
    height: int
    rows: list[PictureRow]
    tile: int = TILE


def _short(name: str) -> str:
    name = name.replace(" Integrated Care System", " ICS")
    if len(name) <= LABEL_CHARACTERS:
        return name
    return name[: LABEL_CHARACTERS - 1].rstrip() + "…"


def spread_picture(spread: Spread, width: int = WIDTH) -> Picture:
    per_line = max(1, (width - LABEL_WIDTH - 70) // (TILE + GAP))
    y = LEGEND_HEIGHT
    rows = []
    for entry in spread.systems:
        organisations = entry.organisations
        lines = -(-len(organisations) // per_line)
        row = PictureRow(
            label=_short(entry.system.name),
            full_label=entry.system.name,
            y=y + TILE - 3,
            count=f"{len(organisations)}",
            count_x=LABEL_WIDTH + min(len(organisations), per_line) * (TILE + GAP) + 4,
        )
        for index, org in enumerate(organisations):
            line, column = divmod(index, per_line)
            row.marks.append(
                Mark(
                    x=LABEL_WIDTH + column * (TILE + GAP),
                    y=y + line * (TILE + GAP),
                    kind=org.kind,
                    label=org.organisation.name,
                )
            )
        rows.append(row)
        y += lines * (TILE + GAP) + ROW_PADDING
    return Picture(width=width, height=y + 4, rows=rows)
