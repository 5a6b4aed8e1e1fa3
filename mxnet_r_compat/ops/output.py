"""Loss (output) layers: the regression outputs and SoftmaxOutput (docs/MXNET_R_BEHAVIOUR.md,
"Operators").

They start the backward pass and ignore any head gradient. None of them
divides by the batch size: the trainer's ``rescale_grad = 1/batch`` does.
"""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, prod, register, require_same

REGRESSION_KINDS = {"LinearRegressionOutput": 0, "LogisticRegressionOutput": 1,
                    "MAERegressionOutput": 2}
NORMALIZATION = {"null": 0, "batch": 1, "valid": 2}


class _LossOutput(Op):
    """A loss layer: inputs data and label, starts the backward pass."""

    is_loss = True

    def arguments(self, p):
        return ["data", "label"]


class RegressionOutput(_LossOutput):
    params = {"grad_scale": Param("float", 1.0)}

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind = REGRESSION_KINDS[name]

    def infer_shape(self, p, ins):
        data, label = ins
        if data is None:
            return ins, [None], []
        expected = (data[0],) if len(data) == 2 and data[1] == 1 else data
        if label is not None and (label[0] != data[0] or prod(label) != prod(data)):
            require_same(self.name, "label", label, expected)
        return [data, label if label is not None else expected], [data], []

    def bind(self, p, b: Binding) -> Kernel:
        return _RegressionKernel(self, p, b)


class _RegressionKernel(Kernel):
    def __init__(self, op: RegressionOutput, p, b: Binding) -> None:
        x = b.inputs[0]
        self.kind, self.scale, self.name = op.kind, float(p["grad_scale"]), op.name
        self.what = op.name
        self.n = x.shape[0]
        self.d = x.size // self.n
        self.x, self.label = fptr(x), fptr(b.inputs[1])
        self.y = fptr(b.outputs[0], writable=True)
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else None

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_regression_output_forward(self.y, self.x, self.n, self.d, self.kind)
        if rc:
            check(rc, f"{self.name} forward")

    def fill_step(self, s) -> bool:
        s.op, s.kind, s.dim[0], s.dim[1] = lib.MXC_STEP_REGRESSION, self.kind, self.n, self.d
        s.fparam[0] = self.scale
        s.y, s.x, s.label = self.y, self.x, self.label
        s.dx = self.dx if self.dx is not None else NULL
        return True

    def backward(self) -> None:
        if self.dx is None:
            return
        rc = lib.mxc_regression_output_backward(self.dx, self.y, self.label, self.n, self.d,
                                                self.kind, self.scale)
        if rc:
            check(rc, f"{self.name} backward")


class SoftmaxOutput(_LossOutput):
    name = "SoftmaxOutput"
    params = {
        "grad_scale": Param("float", 1.0),
        "ignore_label": Param("float", -1.0),
        "multi_output": Param("bool", False),
        "use_ignore": Param("bool", False),
        "preserve_shape": Param("bool", False),
        "normalization": Param("str", "null", choices=tuple(NORMALIZATION)),
        "out_grad": Param("bool", False),
        "smooth_alpha": Param("float", 0.0),
    }

    def infer_shape(self, p, ins):
        data, label = ins
        if data is None:
            return ins, [None], []
        if p["out_grad"]:
            raise ValueError("SoftmaxOutput: out_grad=True is not supported")
        if label is not None and tuple(label) == tuple(data):
            return ins, [data], []  # probability labels
        if p["multi_output"]:
            rest = prod(data[2:])
            accepted = [(data[0], rest), (data[0], *data[2:]), (data[0], 1, *data[2:])]
            if label is not None and tuple(label) not in accepted:
                require_same(self.name, "label", label, accepted[0])
            return [data, label or accepted[0]], [data], []
        expected = data[:-1] if p["preserve_shape"] else (data[0],)
        if label is not None and prod(label) != prod(expected):
            require_same(self.name, "label", label, expected)
        return [data, label or expected], [data], []

    def class_labels(self, p):
        """Class-index labels, except with multi_output or preserve_shape (label per position)."""
        if p.get("multi_output") or p.get("preserve_shape"):
            return None
        return 1, (float(p["ignore_label"]) if p.get("use_ignore") else None)

    def bind(self, p, b: Binding) -> Kernel:
        return _SoftmaxKernel(p, b)


class _SoftmaxKernel(Kernel):
    what = "SoftmaxOutput"

    def __init__(self, p, b: Binding) -> None:
        x, label = b.inputs
        shape = x.shape
        if p["multi_output"]:
            self.outer, self.c, self.inner = shape[0], shape[1], prod(shape[2:])
        elif p["preserve_shape"]:
            self.outer, self.c, self.inner = x.size // shape[-1], shape[-1], 1
        else:
            self.outer, self.c, self.inner = shape[0], x.size // shape[0], 1
        # MXNet flattens the label with preserve_shape, so "batch" divides by every label.
        self.batch = self.outer if p["preserve_shape"] else shape[0]
        self.size = x.size
        self.prob_labels = tuple(label.shape) == tuple(shape)
        self.p = p
        self.norm = NORMALIZATION[p["normalization"]]
        self.x, self.label = fptr(x), fptr(label)
        self.y = fptr(b.outputs[0], writable=True)
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else None

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_softmax_output_forward(self.y, self.x, self.outer, self.c, self.inner)
        if rc:
            check(rc, "SoftmaxOutput forward")

    def fill_step(self, s) -> bool:
        p = self.p
        s.op = lib.MXC_STEP_SOFTMAX_PROB if self.prob_labels else lib.MXC_STEP_SOFTMAX
        s.dim[0], s.dim[1], s.dim[2] = self.outer, self.c, self.inner
        s.dim[3] = self.size if self.prob_labels else self.batch
        s.kind, s.flag = self.norm, int(p["use_ignore"])
        s.fparam[0], s.fparam[1], s.fparam[2] = p["grad_scale"], p["ignore_label"], \
            p["smooth_alpha"]
        s.y, s.x, s.label = self.y, self.x, self.label
        s.dx = self.dx if self.dx is not None else NULL
        return True

    def backward(self) -> None:
        if self.dx is None:
            return
        p = self.p
        if self.prob_labels:
            rc = lib.mxc_softmax_output_backward_prob(self.dx, self.y, self.label, self.size,
                                                      p["grad_scale"])
        else:
            rc = lib.mxc_softmax_output_backward(
                self.dx, self.y, self.label, self.outer, self.c, self.inner, self.batch,
                p["grad_scale"], int(p["use_ignore"]), p["ignore_label"], self.norm,
                p["smooth_alpha"])
        if rc:
            check(rc, self.error_context("backward"))

    def error_context(self, phase: str) -> str:
        if phase == "backward":
            return "SoftmaxOutput backward (is every label a class index in [0, classes)?)"
        return super().error_context(phase)


for _name in REGRESSION_KINDS:
    register(RegressionOutput(_name))
register(SoftmaxOutput(), "Softmax")
