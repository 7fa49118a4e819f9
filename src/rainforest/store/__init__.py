"""The run store: results of many runs in one DuckDB file, exportable to Parquet.

Experiments stream each finished run into the store in one transaction, so an interrupted
experiment resumes where it stopped; see :class:`RunStore`.
"""

from rainforest.store.duck import RunStore, StoreError, open_store
from rainforest.store.paths import (
    ENV_VAR,
    default_store_path,
    resolve_store_path,
    user_store_path,
)
from rainforest.store.single import store_result

__all__ = [
    "ENV_VAR",
    "RunStore",
    "StoreError",
    "default_store_path",
    "open_store",
    "resolve_store_path",
    "store_result",
    "user_store_path",
]
