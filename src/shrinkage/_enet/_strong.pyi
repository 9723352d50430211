"""Stub of a compiled kernel module (private: called by shrinkage's Python
orchestration with validated, contiguous float arrays; see the .pyx)."""

from typing import Any

def kkt_violators(*args: Any, **kwargs: Any) -> Any: ...
def strong_candidates(*args: Any, **kwargs: Any) -> Any: ...
