"""Stub of a compiled kernel module (private: called by shrinkage's Python
orchestration with validated, contiguous float arrays; see the .pyx)."""

from typing import Any

class SupportFactor:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

def newton_path_dense(*args: Any, **kwargs: Any) -> Any: ...
