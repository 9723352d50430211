"""Stub of a compiled kernel module (private: called by shrinkage's Python
orchestration with validated, contiguous float arrays; see the .pyx)."""

from typing import Any

def gram_path(*args: Any, **kwargs: Any) -> Any: ...
def gram_targets(*args: Any, **kwargs: Any) -> Any: ...
