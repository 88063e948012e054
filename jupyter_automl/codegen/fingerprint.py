"""A short hash of a DataFrame's values and column names, written into the generated code.

The generated code recomputes it on the data it is given and warns when the data
differs from the data the search used, because the printed score would then
differ too. ``FINGERPRINT_SOURCE`` is the same function as source text.
"""

from __future__ import annotations

import hashlib

import pandas as pd


def fingerprint(df: pd.DataFrame) -> str:
    """Return 16 hex digits of a SHA-256 over the rows' hashes and the column names.

    Returns an empty string when pandas cannot hash a column (for example one
    holding lists).
    """
    try:
        row_hashes = pd.util.hash_pandas_object(df, index=False)
    except TypeError:
        return ""
    digest = hashlib.sha256(row_hashes.to_numpy().tobytes())
    digest.update(repr(list(df.columns)).encode("utf-8"))
    return digest.hexdigest()[:16]


FINGERPRINT_SOURCE = '''\
def data_fingerprint(frame):
    """Return 16 hex digits of a SHA-256 over the rows' hashes and the column names."""
    row_hashes = pd.util.hash_pandas_object(frame, index=False)
    digest = hashlib.sha256(row_hashes.to_numpy().tobytes())
    digest.update(repr(list(frame.columns)).encode("utf-8"))
    return digest.hexdigest()[:16]
'''
