"""The Quick start installs no extras: the core must run without any optional dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: what the extras (postgres, distributed, parquet, pandas, plot) and the test tools bring
OPTIONAL = ["scrapy_redis", "redis", "psycopg", "pyarrow", "pandas", "matplotlib",
            "playwright", "schemathesis", "httpx"]

_BLOCKER = """
import sys
blocked = set(sys.argv[1].split(","))

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, Blocker())
sys.argv = ["viral-archive", *sys.argv[2:]]
from archive.cli import main
main()
"""


def test_demo_runs_without_optional_dependencies(tmp_path: Path) -> None:
    db_file = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKER, ",".join(OPTIONAL), "demo", "--db", str(db_file)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles archived" in result.stdout
    assert db_file.exists()
