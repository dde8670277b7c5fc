"""Exercise: the same difference read paired and unpaired.

L2(0.01) against no penalty on the tabular task, ten seeds each, with the
harness of the chapter. The paired interval uses the differences seed by seed;
the unpaired (Welch) interval treats the two sets of runs as unrelated.
"""

# runner: backends=tensorflow,jax  # experiment.py is not PyTorch-ready

import numpy as np
from scipy import stats

from experiment import SEEDS, load_task, paired, train

# --8<-- [start:exercise]
task = load_task("tabular")
n = len(SEEDS)
runs = train(task, "L2", [0.0] * n + [1e-2] * n, [*SEEDS, *SEEDS])
none, l2 = runs["test_acc"][:n], runs["test_acc"][n:]

with_pairs = paired(l2, none)
spread = np.sqrt(l2.var(ddof=1) / n + none.var(ddof=1) / n)
dof = spread**4 / (
    (l2.var(ddof=1) / n) ** 2 / (n - 1) + (none.var(ddof=1) / n) ** 2 / (n - 1)
)
half = stats.t.ppf(0.975, dof) * spread
without_pairs = {"mean": float(l2.mean() - none.mean()),
                 "low": float(l2.mean() - none.mean() - half),
                 "high": float(l2.mean() - none.mean() + half)}
for name, d in (("paired", with_pairs), ("unpaired", without_pairs)):
    print(f"{name:8} L2(0.01) - none: {100 * d['mean']:+.2f} pp "
          f"[{100 * d['low']:+.2f}, {100 * d['high']:+.2f}]")
width_ratio = (without_pairs["high"] - without_pairs["low"]) / (
    with_pairs["high"] - with_pairs["low"])
print(f"the unpaired interval is {width_ratio:.1f} times as wide")
# --8<-- [end:exercise]
