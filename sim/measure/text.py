"""Columns of strings for the tidy frames, made as pandas would make them but cheaper.

A frame built from lists of Python strings makes pandas infer every column element by
element; with pyarrow strings (pandas' default from 3.0) most of that is converting each
string twice. :func:`text_column` hands the strings to pyarrow at once and wraps the result
in the very array pandas would have made, so the frames are the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

#: What pandas makes of a column of strings (``str`` on pyarrow, or ``object``).
TEXT = pd.Series(["x"]).dtype


Column = pd.api.extensions.ExtensionArray | list | np.ndarray


def text_column(values: list[str] | np.ndarray) -> Column:
    """Return strings (none missing) as the column pandas infers from them.

    Without rows, or with another storage, the values are returned for pandas to infer.
    """
    if len(values) and isinstance(TEXT, pd.StringDtype) and TEXT.storage == "pyarrow":
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=TEXT)
    return values
