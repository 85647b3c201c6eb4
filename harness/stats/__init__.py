"""Statistics over paired per-question scores: pure functions, explicit seeds, estimate + CI + p together.

Two arms are always compared on the same questions (``pair_by_qid``). ``compare`` runs McNemar (binary
scores) or Wilcoxon (continuous), the sign test, a paired bootstrap CI and the minimum detectable effect;
``holm_adjust`` corrects a family of comparisons.
"""

from harness.stats._bootstrap import paired_bootstrap
from harness.stats._compare import Comparison, compare, holm_adjust, is_binary
from harness.stats._holm import holm
from harness.stats._kappa import cohens_kappa
from harness.stats._mcnemar import EXACT_BELOW, mcnemar
from harness.stats._mde import minimum_detectable_effect
from harness.stats._nested import nested_bootstrap
from harness.stats._pairing import pair_by_qid, paired_arrays
from harness.stats._results import Interval, PairedTestResult
from harness.stats._sign_test import sign_test
from harness.stats._wilcoxon import wilcoxon_signed_rank
from harness.stats._wilson import wilson_interval

__all__ = [
    "EXACT_BELOW",
    "Comparison",
    "Interval",
    "PairedTestResult",
    "cohens_kappa",
    "compare",
    "holm",
    "holm_adjust",
    "is_binary",
    "mcnemar",
    "minimum_detectable_effect",
    "nested_bootstrap",
    "pair_by_qid",
    "paired_arrays",
    "paired_bootstrap",
    "sign_test",
    "wilcoxon_signed_rank",
    "wilson_interval",
]
