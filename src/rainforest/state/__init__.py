"""The bottom layer of a run: struct-of-arrays tables and the monthly accounts.

Mechanisms (:mod:`rainforest.mechanisms`) read and write these; the month loop
(:mod:`rainforest.engine`) sits above both. Importing this package first drops Numba caches
that are older than a kernel source (:mod:`rainforest.jit_cache`), before any kernel runs.
"""

from rainforest.jit_cache import drop_stale

drop_stale()
