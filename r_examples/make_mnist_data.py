"""Write a small MNIST-format data set for the MNIST examples of r_examples/.

The digits are synthetic (mxnet_r_compat.datasets.synthetic_digits): 28 x 28 greyscale
images of 0-9, written in the three layouts MXNet R's tutorials and tests read:

  DIR/data/train.csv, DIR/data/test.csv   Kaggle "Digit Recognizer": a header line; train.csv
                                          starts each row with the label, test.csv has none
  DIR/mnist_train.csv, DIR/mnist_test.csv the "MNIST in CSV" layout: label then 784 pixels,
                                          no header (the Custom Iterator tutorial)
  DIR/data/train-images-idx3-ubyte, ...   MNIST's own IDX files (mx.io.MNISTIter):
                                          train-/t10k- images-idx3 and labels-idx1
  DIR/data/test_labels.csv                the labels of data/test.csv, to score a submission

Run: .venv/bin/python r_examples/make_mnist_data.py DIR [N_TRAIN [N_TEST]]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from mxnet_r_compat.datasets import synthetic_digits, write_idx, write_mnist_csv


def make(directory: Path, n_train: int = 1000, n_test: int = 200) -> None:
    """Write every file of the data set into ``directory``."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    train_x, train_y = synthetic_digits(n_train, seed=1)
    test_x, test_y = synthetic_digits(n_test, seed=2)
    write_mnist_csv(str(data / "train.csv"), train_x, train_y, header=True)
    write_mnist_csv(str(data / "test.csv"), test_x, None, header=True)
    np.savetxt(data / "test_labels.csv", test_y, fmt="%d")
    write_mnist_csv(str(directory / "mnist_train.csv"), train_x, train_y, header=False)
    write_mnist_csv(str(directory / "mnist_test.csv"), test_x, test_y, header=False)
    for prefix, images, labels in (("train", train_x, train_y), ("t10k", test_x, test_y)):
        write_idx(str(data / f"{prefix}-images-idx3-ubyte"), images)
        write_idx(str(data / f"{prefix}-labels-idx1-ubyte"), labels)


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    make(Path(args[0]), *(int(a) for a in args[1:3]))
