"""The chart as a PNG for slides and board papers: the same SVG the page shows,
drawn by cairo at twice its size, served as a named download; a server without
cairo says so and still serves the SVG."""

from __future__ import annotations

import io
import re
import struct
import sys

from PIL import Image

# vignettes/deviations.Rmd (NHSRplotthedots): one outlier of 10 among ones and twos.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which always comes first."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_chart_downloads_as_a_named_png_twice_the_svg_size(
    auth, member, make_project, make_measure
):
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS, name="Falls per 1,000 bed days")
    client = auth.as_user(member)
    page = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    link = f'href="{_url(project, f"/measures/{measure.id}/chart.png")}" download>'
    assert link + "Download the chart (PNG)</a>" in page
    assert "Download the chart (SVG)</a>" in page

    response = client.get(_url(project, f"/measures/{measure.id}/chart.png"))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{project.slug[:40]}-falls-per-1-000-bed-days-chart.png"'
    )
    png = response.get_data()
    assert png.startswith(PNG_SIGNATURE)
    # Sharp on a slide: twice the SVG's own size (its viewBox), so 1,600 px wide.
    svg = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    svg_width, svg_height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    assert svg_width == 800
    assert _png_size(png) == (round(svg_width * 2), round(svg_height * 2))

    # A drawn chart on white, not a blank or transparent picture.
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.getpixel((0, 0)) == (255, 255, 255, 255)
    colours = image.getcolors(maxcolors=1_000_000)
    assert len(colours) > 20
    dark = sum(count for count, (r, g, b, _a) in colours if r + g + b < 200)
    assert dark > 2_000  # axes, lines and words in ink


def test_without_cairo_the_png_link_says_so_and_the_page_still_works(
    auth, member, make_project, make_measure, monkeypatch
):
    # What `import cairosvg` does on a server without libcairo2 (or without the package).
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS, name="Falls")
    client = auth.as_user(member)

    response = client.get(_url(project, f"/measures/{measure.id}/chart.png"))
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "PNG charts need the cairo library on the server; download the SVG instead." in text
    assert f'href="{_url(project, f"/measures/{measure.id}/chart.svg")}"' in text

    page = client.get(_url(project, f"/measures/{measure.id}"))
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    svg = client.get(_url(project, f"/measures/{measure.id}/chart.svg"))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
