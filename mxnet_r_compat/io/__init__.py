"""Data going into training: iterators (iterators.py), MXNet R's layout rules (layout.py) and
input validation (validation.py)."""

from .iterators import ArrayIter, DataIter, c_source, extract, init_iter
from .layout import LayoutWarning, select_layout_predict, select_layout_train, to_backend
from .validation import (DataConversionWarning, all_finite, as_data, as_numeric, check_class_labels,
                         check_finite, check_label_count, check_not_empty, describe,
                         frame_to_matrix)

__all__ = ["ArrayIter", "DataConversionWarning", "DataIter", "LayoutWarning", "all_finite",
           "as_data", "as_numeric", "c_source", "check_class_labels", "check_finite",
           "check_label_count", "check_not_empty", "describe", "extract", "frame_to_matrix",
           "init_iter", "select_layout_predict", "select_layout_train", "to_backend"]
