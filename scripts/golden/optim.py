#!/usr/bin/env python3
"""Golden optimizer trajectories and learning-rate schedules: fixtures/golden/optim.json.

Optimizer cases ("<config>_<problem>"): torch.optim runs 20 steps in float64 from float32 initial
values and records the parameters after every step. Two fixed problems:
  linreg:    params w [3, 2], b [2]; data X [8, 3], Y [8, 2];  L = mean((X @ w + b - Y)^2)
  quadratic: params x [5]; curvature h [5] (> 0), centre c [5];  L = 0.5 * sum(h * (x - c)^2)
Outputs hold the trajectory with a leading step axis: w [20, 3, 2], b [20, 2] or x [20, 5].
`params.torch` names the torch.optim class and its keyword arguments (only non-defaults, so the
defaults are checked too); `params.scheduler` the torch.optim.lr_scheduler stepped after each
optimizer step; `params.clip_grad_norm` a torch.nn.utils.clip_grad_norm_ applied to the gradients
before each step. torch 1.13 has no Lion and no LAMB: those cases (`params.torch.optimizer` =
"formula:lion" / "formula:lamb") run the update written out below in float64, following the Lion
paper (Chen et al. 2023, Algorithm 2 = optax.lion) and optax.lamb (scale_by_adam, decayed weights,
trust ratio ||p|| / ||u|| per parameter tensor, then -lr).

Schedule cases ("schedule_<name>"): `outputs.lr` [N] is the learning rate used by step k = 0..N-1
(Optax's count semantics: step k uses schedule(k)). Where torch has the scheduler (ExponentialLR,
StepLR, MultiStepLR, LinearLR, CosineAnnealingLR, OneCycleLR) the values are torch's and are also
checked here against the closed form in `params.formula`; the others (constant, exponential decay
with a delayed start / floor, warmup + cosine) come from that closed form alone, evaluated in float64.

Run: /usr/bin/python3 scripts/golden/optim.py   (needs python3-numpy, python3-torch)
"""
import math
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/optim.py"
STEPS = 20
inputs = Inputs(seed=20240611)
cases = []

# --- the two problems -------------------------------------------------------------------------

PROBLEMS = {
    "linreg": {
        "X": inputs.normal([8, 3]),
        "Y": inputs.normal([8, 2]),
        "w": inputs.normal([3, 2], scale=0.5),
        "b": inputs.normal([2], scale=0.5),
    },
    "quadratic": {
        "h": np.array([0.5, 1.0, 2.0, 4.0, 8.0]),
        "c": np.array([1.5, -2.0, 0.75, -1.25, 2.5]),
        "x": np.array([-0.5, 0.5, 2.25, 0.5, 1.0]),
    },
}
PARAM_NAMES = {"linreg": ["w", "b"], "quadratic": ["x"]}


def loss_fn(problem, data, p):
    if problem == "linreg":
        return ((data["X"] @ p["w"] + p["b"] - data["Y"]) ** 2).mean()
    return 0.5 * (data["h"] * (p["x"] - data["c"]) ** 2).sum()


# --- Lion and LAMB written out (no torch.optim class in torch 1.13) ---------------------------

class Lion:
    """Lion (Chen et al. 2023): u = sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g;
    p -= lr (u + wd p). `margin` records the smallest |b1 m + (1 - b1) g| seen (sign stability)."""

    def __init__(self, params, lr, betas=(0.9, 0.99), weight_decay=1e-3):
        self.params, self.lr, self.betas, self.wd = list(params), lr, betas, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.margin = math.inf

    @torch.no_grad()
    def step(self):
        b1, b2 = self.betas
        for p, m in zip(self.params, self.m):
            interp = b1 * m + (1 - b1) * p.grad
            self.margin = min(self.margin, interp.abs().min().item())
            p -= self.lr * (torch.sign(interp) + self.wd * p)
            m.mul_(b2).add_((1 - b2) * p.grad)


class Lamb:
    """optax.lamb: Adam moments with bias correction, u = m_hat / (sqrt(v_hat) + eps) + wd p,
    then p -= lr * (||p|| / ||u||) * u per tensor (ratio 1 when either norm is 0)."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0):
        self.params, self.lr, self.betas, self.eps, self.wd = list(params), lr, betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        b1, b2 = self.betas
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            m.mul_(b1).add_((1 - b1) * p.grad)
            v.mul_(b2).add_((1 - b2) * p.grad ** 2)
            m_hat = m / (1 - b1 ** self.t)
            v_hat = v / (1 - b2 ** self.t)
            u = m_hat / (v_hat.sqrt() + self.eps) + self.wd * p
            pn, un = p.norm().item(), u.norm().item()
            ratio = 1.0 if pn == 0 or un == 0 else pn / un
            p -= self.lr * ratio * u


FORMULA_OPTIMIZERS = {"formula:lion": Lion, "formula:lamb": Lamb}

# --- optimizer configurations -----------------------------------------------------------------

CONFIGS = [
    ("sgd", {"optimizer": "SGD", "lr": 0.1}, None, None),
    ("sgd_momentum", {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9}, None, None),
    ("sgd_nesterov_wd", {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True,
                         "weight_decay": 0.01}, None, None),
    ("adam", {"optimizer": "Adam", "lr": 0.05}, None, None),
    # a large eps makes its placement (added to sqrt(v) or inside the root) visible
    ("adam_betas_eps_wd", {"optimizer": "Adam", "lr": 0.05, "betas": [0.8, 0.99], "eps": 0.05,
                       "weight_decay": 0.1}, None, None),
    ("adam_amsgrad", {"optimizer": "Adam", "lr": 0.05, "amsgrad": True}, None, None),
    ("adamw", {"optimizer": "AdamW", "lr": 0.05}, None, None),
    ("adamw_wd", {"optimizer": "AdamW", "lr": 0.05, "weight_decay": 0.5}, None, None),
    ("rmsprop", {"optimizer": "RMSprop", "lr": 0.01}, None, None),
    ("rmsprop_large_eps", {"optimizer": "RMSprop", "lr": 0.01, "eps": 0.1}, None, None),
    ("rmsprop_centered_momentum", {"optimizer": "RMSprop", "lr": 0.01, "alpha": 0.9,
                                   "momentum": 0.5, "centered": True, "weight_decay": 0.05},
     None, None),
    ("adagrad", {"optimizer": "Adagrad", "lr": 0.1}, None, None),
    ("adagrad_large_eps", {"optimizer": "Adagrad", "lr": 0.1, "eps": 0.1}, None, None),
    ("adagrad_decay_wd", {"optimizer": "Adagrad", "lr": 0.1, "lr_decay": 0.05,
                          "weight_decay": 0.05, "initial_accumulator_value": 0.1}, None, None),
    ("adadelta", {"optimizer": "Adadelta"}, None, None),
    ("adadelta_wd", {"optimizer": "Adadelta", "lr": 0.5, "rho": 0.95, "weight_decay": 0.05},
     None, None),
    ("lion", {"optimizer": "formula:lion", "lr": 0.01, "weight_decay": 0.0}, None, None),
    ("lion_wd", {"optimizer": "formula:lion", "lr": 0.01, "betas": [0.95, 0.98],
                 "weight_decay": 0.5}, None, None),
    ("lamb", {"optimizer": "formula:lamb", "lr": 0.05}, None, None),
    ("lamb_wd", {"optimizer": "formula:lamb", "lr": 0.05, "weight_decay": 0.1}, None, None),
    ("sgd_momentum_clip", {"optimizer": "SGD", "lr": 0.1, "momentum": 0.9}, None, 0.5),
    ("adam_exponential_lr", {"optimizer": "Adam", "lr": 0.05},
     {"scheduler": "ExponentialLR", "gamma": 0.9}, None),
    ("sgd_one_cycle", {"optimizer": "SGD", "lr": 0.1, "momentum": 0.9},
     {"scheduler": "OneCycleLR", "max_lr": 0.2, "total_steps": STEPS, "cycle_momentum": False},
     None),
    ("adamw_cosine", {"optimizer": "AdamW", "lr": 0.05, "weight_decay": 0.1},
     {"scheduler": "CosineAnnealingLR", "T_max": STEPS, "eta_min": 0.001}, None),
]


def make_optimizer(params, spec):
    kwargs = {k: v for k, v in spec.items() if k != "optimizer"}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    if spec["optimizer"] in FORMULA_OPTIMIZERS:
        return FORMULA_OPTIMIZERS[spec["optimizer"]](params, **kwargs)
    return getattr(torch.optim, spec["optimizer"])(params, **kwargs)


def make_scheduler(opt, spec):
    kwargs = {k: v for k, v in spec.items() if k != "scheduler"}
    return getattr(torch.optim.lr_scheduler, spec["scheduler"])(opt, **kwargs)


def add_optimizer_case(config, problem):
    name, opt_spec, sched_spec, clip = config
    data = {k: as_f32_tensor(v) for k, v in PROBLEMS[problem].items()}
    names = PARAM_NAMES[problem]
    p = {k: data[k].clone().requires_grad_(True) for k in names}
    opt = make_optimizer([p[k] for k in names], opt_spec)
    sched = make_scheduler(opt, sched_spec) if sched_spec else None
    traj = {k: [] for k in names}
    for _ in range(STEPS):
        for k in names:
            p[k].grad = None
        loss_fn(problem, data, p).backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([p[k] for k in names], max_norm=clip)
        opt.step()
        if sched:
            sched.step()
        for k in names:
            traj[k].append(p[k].detach().clone())
    if isinstance(opt, Lion):
        # float32 gradients must give the same signs: keep |b1 m + (1 - b1) g| well above rounding
        assert opt.margin > 1e-3, (name, problem, opt.margin)
    params = {"problem": problem, "steps": STEPS, "torch": opt_spec}
    if sched_spec:
        params["scheduler"] = sched_spec
    if clip is not None:
        params["clip_grad_norm"] = clip
    cases.append({
        "name": f"{name}_{problem}",
        "inputs": {k: arr_input(v) for k, v in PROBLEMS[problem].items()},
        "params": params,
        "outputs": {k: arr_output(torch.stack(v)) for k, v in traj.items()},
    })


for config in CONFIGS:
    for problem in ("linreg", "quadratic"):
        add_optimizer_case(config, problem)

# --- schedules ----------------------------------------------------------------------------------


def one_cycle_formula(k, max_lr, total, pct=0.3, div=25.0, final_div=1e4, three_phase=False,
                      anneal="cos"):
    """torch.optim.lr_scheduler.OneCycleLR's phases; steps past the end hold the final value."""
    initial = max_lr / div
    minimum = initial / final_div
    if three_phase:
        phases = [(pct * total - 1, initial, max_lr), (2 * pct * total - 2, max_lr, initial),
                  (total - 1, initial, minimum)]
    else:
        phases = [(pct * total - 1, initial, max_lr), (total - 1, max_lr, minimum)]
    k = min(k, total - 1)
    start = 0.0
    for i, (end, lo, hi) in enumerate(phases):
        if k <= end or i == len(phases) - 1:
            f = (k - start) / (end - start)
            if anneal == "cos":
                return hi + (lo - hi) / 2 * (math.cos(math.pi * f) + 1)
            return (hi - lo) * f + lo
        start = end


def cosine_formula(k, init, decay_steps, alpha):
    t = min(k, decay_steps)
    return init * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t / decay_steps)) + alpha)


def linear_formula(k, init, end, steps, begin=0):
    t = min(max(k - begin, 0), steps)
    return init + (end - init) * t / steps


def exponential_formula(k, init, steps, rate, staircase=False, begin=0, end=None):
    t = k - begin
    if t <= 0:
        return init
    e = t / steps
    v = init * rate ** (math.floor(e) if staircase else e)
    if end is not None:
        v = max(v, end) if rate < 1 else min(v, end)
    return v


def piecewise_formula(k, init, boundaries_and_scales):
    v = init
    for b, s in boundaries_and_scales:
        if k >= b:
            v *= s
    return v


def warmup_cosine_formula(k, init, peak, warmup, decay_steps, end):
    if k < warmup:
        return linear_formula(k, init, peak, warmup)
    return cosine_formula(k - warmup, peak, decay_steps - warmup, end / peak)


def torch_lrs(base_lr, spec, n):
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=base_lr, momentum=0.9)
    sched = make_scheduler(opt, spec)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


# (name, base lr, torch scheduler spec or None, formula description, formula)
SCHEDULES = [
    ("constant", None, None, {"fn": "constant", "value": 0.05}, lambda k: 0.05),
    ("exponential_lr", 0.1, {"scheduler": "ExponentialLR", "gamma": 0.9},
     {"fn": "exponential", "init": 0.1, "transition_steps": 1, "decay_rate": 0.9},
     lambda k: exponential_formula(k, 0.1, 1, 0.9)),
    ("step_lr", 0.1, {"scheduler": "StepLR", "step_size": 4, "gamma": 0.5},
     {"fn": "exponential", "init": 0.1, "transition_steps": 4, "decay_rate": 0.5,
      "staircase": True},
     lambda k: exponential_formula(k, 0.1, 4, 0.5, staircase=True)),
    ("exponential_delayed_floor", None, None,
     {"fn": "exponential", "init": 0.2, "transition_steps": 3, "decay_rate": 0.7,
      "transition_begin": 5, "end_value": 0.05},
     lambda k: exponential_formula(k, 0.2, 3, 0.7, begin=5, end=0.05)),
    ("multi_step_lr", 0.1, {"scheduler": "MultiStepLR", "milestones": [5, 12, 20], "gamma": 0.3},
     {"fn": "piecewise_constant", "init": 0.1, "boundaries_and_scales": [[5, 0.3], [12, 0.3],
                                                                          [20, 0.3]]},
     lambda k: piecewise_formula(k, 0.1, [(5, 0.3), (12, 0.3), (20, 0.3)])),
    ("piecewise_constant", None, None,
     {"fn": "piecewise_constant", "init": 0.1, "boundaries_and_scales": [[3, 2.0], [10, 0.1]]},
     lambda k: piecewise_formula(k, 0.1, [(3, 2.0), (10, 0.1)])),
    ("linear_lr", 0.1, {"scheduler": "LinearLR", "start_factor": 0.25, "end_factor": 1.0,
                        "total_iters": 10},
     {"fn": "linear", "init": 0.025, "end": 0.1, "transition_steps": 10},
     lambda k: linear_formula(k, 0.025, 0.1, 10)),
    ("linear_delayed", None, None,
     {"fn": "linear", "init": 0.1, "end": 0.01, "transition_steps": 12, "transition_begin": 4},
     lambda k: linear_formula(k, 0.1, 0.01, 12, begin=4)),
    # only steps 0..T_max: past T_max torch's cosine rises again (period 2 T_max), Optax's holds
    ("cosine_annealing_lr", 0.1, {"scheduler": "CosineAnnealingLR", "T_max": 25, "eta_min": 0.005},
     {"fn": "cosine_decay", "init": 0.1, "decay_steps": 25, "alpha": 0.05, "length": 26},
     lambda k: cosine_formula(k, 0.1, 25, 0.05)),
    ("warmup_cosine", None, None,
     {"fn": "warmup_cosine_decay", "init": 0.01, "peak": 0.1, "warmup_steps": 5,
      "decay_steps": 25, "end": 0.001},
     lambda k: warmup_cosine_formula(k, 0.01, 0.1, 5, 25, 0.001)),
    ("one_cycle_lr", 0.1, {"scheduler": "OneCycleLR", "max_lr": 0.5, "total_steps": 30},
     {"fn": "one_cycle", "max_lr": 0.5, "total_steps": 30},
     lambda k: one_cycle_formula(k, 0.5, 30)),
    ("one_cycle_lr_three_phase_linear", 0.1,
     {"scheduler": "OneCycleLR", "max_lr": 0.5, "total_steps": 30, "pct_start": 0.25,
      "div_factor": 10.0, "final_div_factor": 100.0, "three_phase": True,
      "anneal_strategy": "linear"},
     {"fn": "one_cycle", "max_lr": 0.5, "total_steps": 30, "pct_start": 0.25, "div_factor": 10.0,
      "final_div_factor": 100.0, "three_phase": True, "anneal_strategy": "linear"},
     lambda k: one_cycle_formula(k, 0.5, 30, pct=0.25, div=10.0, final_div=100.0,
                                 three_phase=True, anneal="linear")),
]
SCHEDULE_LEN = 30

for name, base_lr, spec, formula_desc, formula in SCHEDULES:
    n = formula_desc.get("length", SCHEDULE_LEN)
    ref = np.array([formula(k) for k in range(n)])
    params = {"formula": formula_desc}
    if spec:
        lrs = np.array(torch_lrs(base_lr, spec, n))
        assert np.allclose(lrs, ref, rtol=1e-12, atol=1e-15), (name, lrs, ref)
        params["torch"] = dict(spec, base_lr=base_lr)
        ref = lrs
    cases.append({
        "name": f"schedule_{name}",
        "inputs": {},
        "params": params,
        "outputs": {"lr": arr_output(ref)},
    })

write_golden("optim.json", GEN, cases, notes=__doc__.strip())
