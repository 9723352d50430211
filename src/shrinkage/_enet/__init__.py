"""Elastic-net coordinate descent (compiled kernels, one concern per module)."""
