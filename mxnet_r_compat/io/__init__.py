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
                        extract,
                        frame_to_matrix,
                        init_iter,
                        select_layout_predict,
                        select_layout_train,
                        to_backend,
)

__all__ = ["ArrayIter", "DataConversionWarning", "DataIter", "LayoutWarning", "as_data",
           "as_numeric", "c_source", "check_class_labels", "check_finite", "check_label_count",
           "check_not_empty", "describe", "extract", "frame_to_matrix", "init_iter",
           "select_layout_predict", "select_layout_train", "to_backend"]
