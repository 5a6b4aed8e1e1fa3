"""Data going into training: iterators (iterators.py; the built-in ones csv_iter.py and
mnist_iter.py, user-defined ones user_iter.py), MXNet R's layout rules (layout.py) and input
validation (validation.py)."""

from .csv_iter import CSVIter
from .csv_reader import CSVFormatError
from .iterators import ArrayIter, DataIter, c_source, init_iter
from .layout import LayoutWarning, select_layout_predict, select_layout_train, to_backend
from .mnist_iter import MNISTIter
from .user_iter import CheckedIter, PyUserIter, as_data_iter, check_fields, extract, is_user_iter
from .validation import (DataConversionWarning, all_finite, as_data, as_numeric, check_class_labels,
                         check_finite, check_label_count, check_not_empty, describe,
                         frame_to_matrix, is_frame)

__all__ = ["ArrayIter", "CSVFormatError", "CSVIter", "CheckedIter", "DataConversionWarning",
           "DataIter", "LayoutWarning", "MNISTIter", "PyUserIter", "all_finite", "as_data",
           "as_data_iter", "as_numeric", "c_source", "check_class_labels", "check_fields",
           "check_finite", "check_label_count", "check_not_empty", "describe", "extract",
           "frame_to_matrix", "init_iter", "is_frame", "is_user_iter", "select_layout_predict",
           "select_layout_train", "to_backend"]
