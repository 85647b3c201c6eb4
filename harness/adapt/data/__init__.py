"""Stage 1 of adaptation: training data.

Samples built from the train split (instruction-only and RAG-trained recipes, with the passages a
retriever would show), optional synthetic QA pairs generated from the corpus, and token statistics of
the finished samples.
"""

from harness.adapt.data._samples import MIN_TRAIN_SAMPLES, MIN_VAL_SAMPLES, mix_counts
from harness.adapt.data._stage import split_samples
from harness.adapt.data._synthetic import SyntheticPair, SyntheticReport, generate_synthetic_pairs, validate_pair
from harness.adapt.data._token_stats import token_stats

__all__ = [
    "MIN_TRAIN_SAMPLES",
    "MIN_VAL_SAMPLES",
    "SyntheticPair",
    "SyntheticReport",
    "generate_synthetic_pairs",
    "mix_counts",
    "split_samples",
    "token_stats",
    "validate_pair",
]
