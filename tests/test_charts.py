"""Charts of counts over time show a period without articles as a gap, never a bar or
a line drawn across it."""

from __future__ import annotations

import math
import re
from pathlib import Path

from click.testing import CliRunner

from archive import Archive
from archive.cli import main
from archive.cli.charts import every_period, source_lines
from archive.research.results import CountRow
from tests.research_data import write_jsonl


def test_empty_periods_between_the_first_and_last_are_gaps(tmp_path: Path) -> None:
    records = [{"url": f"https://{site}.example/{month}", "text": "An otter story.",
                "published": f"2026-{month:02d}-10", "source": f"{site}.example"}
               for site, month in [("a", 1), ("b", 1), ("a", 4), ("b", 6)]]
    with Archive(tmp_path / "a.db", create=True) as arc:
        assert arc.import_jsonl(write_jsonl(tmp_path / "in.jsonl", records)).new == 4
        rows = arc.count(by="month", per_source=True)
    assert every_period(rows, "month") == [f"2026-{m:02d}-01" for m in range(1, 7)]
    periods, lines = source_lines(rows, "month")
    assert len(periods) == 6
    assert [v if not math.isnan(v) else None for v in lines["a.example"]] == [
        1, None, None, 1, None, 0]
    assert [math.isnan(v) for v in lines["b.example"]] == [False, True, True, False, True,
                                                            False]
    assert lines["b.example"][3] == 0  # a's April: b had none, a real zero
    assert every_period([CountRow("0001-01-01", None, 1), CountRow("9999-12-27", None, 1)],
                        "week") == ["0001-01-01", "9999-12-27"]  # too many: only these

    result = CliRunner().invoke(main, ["count", "--by", "month", "--chart", "--format", "csv",
                                       "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    chart = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()
             if re.match(r"\s*2026-\d\d-01\s", line) and "," not in line}
    assert chart == {"2026-01-01": "2", "2026-02-01": "0", "2026-03-01": "0",
                     "2026-04-01": "1", "2026-05-01": "0", "2026-06-01": "1"}

    png = tmp_path / "chart.png"
    result = CliRunner().invoke(main, ["count", "--by", "month", "--per", "source", "--plot",
                                       str(png), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
