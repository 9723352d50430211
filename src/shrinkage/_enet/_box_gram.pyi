"""Stub of a compiled kernel module (private: called by shrinkage's Python
orchestration with validated, contiguous float arrays; see the .pyx)."""

from typing import Any

def enet_box_gram(*args: Any, **kwargs: Any) -> Any: ...
