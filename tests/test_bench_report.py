"""The benchmark's report: a page that could not be measured is reported as missed, not dropped."""

from __future__ import annotations

from bench import report


def page(p95: float | None, **extra) -> dict:
    done = p95 is not None
    return {"rps": 50.0 if done else 0.0, "p50_ms": p95 and p95 / 2, "p95_ms": p95,
            "p99_ms": p95, "bytes": 1000, "requests": 500 if done else 0,
            "timeouts_or_errors": 0, "queries": 5, "cpu_ms": 10.0, **extra}  # fmt: skip


def results(**pages) -> dict:
    return {
        "scale": "tiny-report-test",
        "database": "sqlite",
        "floor": {
            "rps": 1000.0,
            "p50_ms": 1.0,
            "p95_ms": 2.0,
            "p99_ms": 3.0,
            "bytes": 20480,
            "cpu_ms": 1.0,
        },  # fmt: skip
        "pages": pages,
        "worker_rss_mb": 120.0,
    }


def test_a_page_that_timed_out_is_a_missed_target_with_its_reason_in_the_table():
    measured = results(
        home=page(40.0),
        method_lineage=page(None, failed="8 requests timed out or were cut off"),
    )
    measured["targets"] = report.evaluate(measured)

    assert measured["targets"]["home_p95"]["met"] is True
    assert measured["targets"]["method_lineage_p95"] == {
        "measured": None, "target": "< 100 ms", "met": False,
    }  # fmt: skip
    table = report.table(measured)
    lineage_row = next(row for row in table.splitlines() if row.startswith("| method_lineage |"))
    assert "**missed** (8 requests timed out or were cut off)" in lineage_row
    assert "| — |" in lineage_row
    assert "method_lineage_p95: measured None" in report.summary(measured)


def test_a_slow_page_that_finished_is_judged_on_its_p95():
    measured = results(search_common=page(180.0))
    measured["targets"] = report.evaluate(measured)
    assert measured["targets"]["search_common_p95"]["met"] is False
    assert measured["targets"]["search_common_p95"]["measured"] == 180.0
