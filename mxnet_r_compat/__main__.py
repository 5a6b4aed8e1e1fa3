"""``python -m mxnet_r_compat FILE.R [ARGS...]``: the same as ``mxnet-rscript FILE.R [ARGS...]``."""

import sys

from mxnet_r_compat.rbridge.runner import main

if __name__ == "__main__":
    sys.exit(main())
