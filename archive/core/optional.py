"""Optional libraries: imported when a feature needs them, with a sentence when missing.

Each is installed by an extra of the package (``pip install 'viral-archive[plot]'``),
named in ``pyproject.toml``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from archive.exceptions import MissingDependency


def require(module: str, *, feature: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``.

    Raises:
        MissingDependency: it is not installed; the message names the extra to install.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise MissingDependency(
            f"{feature} needs {top}; install it with: pip install 'viral-archive[{extra}]'"
        ) from exc
