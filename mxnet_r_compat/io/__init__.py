"""Data going into training: iterators, MXNet R's layout rules and input validation."""

from .iterators import (
                        ArrayIter,
                        DataConversionWarning,
                        DataIter,
                        LayoutWarning,
                        as_data,
                        as_numeric,
                        c_source,
                        check_class_labels,
                        check_finite,
                        check_label_count,
                        check_not_empty,
                        describe,
                        frame_to_matrix,
                        init_iter,
                        select_layout_predict,
                        select_layout_train,
                        to_backend,
)
from .csv_iter import CSVIter
from .csv_reader import CSVFormatError
from .mnist_iter import MNISTIter
from .user_iter import (
    CheckedIter,
    PyUserIter,
    as_data_iter,
    check_fields,
    extract,
    is_user_iter,
)

__all__ = ["CSVFormatError", "CSVIter", "CheckedIter", "MNISTIter", "PyUserIter",
           "as_data_iter", "check_fields", "is_user_iter", "ArrayIter", "DataConversionWarning", "DataIter", "LayoutWarning", "as_data",
           "as_numeric", "c_source", "check_class_labels", "check_finite", "check_label_count",
           "check_not_empty", "describe", "extract", "frame_to_matrix", "init_iter",
           "select_layout_predict", "select_layout_train", "to_backend"]
