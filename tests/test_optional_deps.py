"""The Quick start installs no extras: the core must run without any optional dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: what the extras (web, plot, distributed, postgres, parquet, pandas) and the test tools bring
OPTIONAL = ["fastapi", "uvicorn", "pydantic", "starlette", "scrapy_redis", "redis", "psycopg",
            "pyarrow", "pandas", "matplotlib", "playwright", "schemathesis", "httpx"]

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


def run_blocked(*args: str) -> subprocess.CompletedProcess[str]:
    """``viral-archive ARGS`` with every optional dependency unimportable."""
    return subprocess.run([sys.executable, "-c", _BLOCKER, ",".join(OPTIONAL), *args],
                          capture_output=True, text=True, timeout=120)


def test_demo_runs_without_optional_dependencies(tmp_path: Path) -> None:
    db_file = tmp_path / "demo.db"
    result = run_blocked("demo", "--db", str(db_file))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles archived" in result.stdout
    assert db_file.exists()
    # a feature of an extra that is not installed: one sentence naming the extra
    plot = tmp_path / "chart.png"
    for args, extra in [(("serve",), "web"), (("worker", "--frontier", "redis://x"),
                                              "distributed"),
                        (("export", "--format", "parquet", "--output", "x.parquet"), "parquet"),
                        (("count", "--plot", str(plot)), "plot")]:
        result = run_blocked(*args, "--db", f"sqlite:///{db_file}")
        assert result.returncode == 1, (args, result.stderr[-2000:])
        assert f"pip install 'viral-archive[{extra}]'" in result.stderr
        assert "Traceback" not in result.stderr
    assert not plot.exists()
    for args in (("enqueue", "https://example.com/", "--frontier", "redis://x"),
                 ("enqueue", "--config", "none.toml", "--frontier", "redis://x")):
        result = run_blocked(*args)
        assert result.returncode in (1, 2), (args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, args
    assert "pip install 'viral-archive[distributed]'" in run_blocked(
        "enqueue", "https://example.com/", "--frontier", "redis://x").stderr


def test_cleaning_a_page_loads_no_database_or_crawler_code() -> None:
    """``archive.extraction`` (and ``from archive import extract_article``) stand alone."""
    probe = ("import sys, archive.extraction; from archive import extract_article, read_page; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'sqlalchemy', 'alembic', 'scrapy', 'twisted', 'db', 'crawler'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
