"""Stub of a compiled kernel module (private: called by shrinkage's Python
orchestration with validated, contiguous float arrays; see the .pyx)."""

from typing import Any

def lean_gram_fit(*args: Any, **kwargs: Any) -> Any: ...
