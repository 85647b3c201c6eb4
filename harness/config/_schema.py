"""The typed shape of a condition. Every value is checked once, here, at load time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from harness.config._convert import MASKED, FieldError, check_at_most, check_fraction, check_min, check_positive
from harness.errors import ConfigError

__all__ = [
    "AdaptationConfig",
    "Condition",
    "DataConfig",
    "GateConfig",
    "GenerationConfig",
    "GridConfig",
    "JudgeConfig",
    "LeakCheckConfig",
    "ModelSpec",
    "RetrievalConfig",
    "ScoringConfig",
    "SizeGroup",
    "TrainingMix",
]

Provider = Literal["llama_cpp", "ollama", "hf", "openai", "oracle"]
Role = Literal["base", "rag", "ft", "ft_rag"]

# The scaling study's six arms per size group, in table order: role plus, for fine-tuned arms, the training recipe.
STUDY_ARMS = {
    "base": "Base",
    "rag": "Base + RAG",
    "ft_instruction": "FT instruction-only",
    "ft_instruction_rag": "FT instruction-only + RAG",
    "ft_rag_trained": "FT RAG-trained",
    "ft_rag_trained_rag": "FT RAG-trained + RAG",
}


def study_arm(role: str, recipe: str | None, provider: str) -> str:
    """The study arm a condition fills: ``ft_rag_trained_rag`` for a RAG-trained adapter answering with retrieval.
    The oracle is a check of the data and gates, not an arm."""
    if provider == "oracle":
        return "oracle"
    if role in ("ft", "ft_rag"):
        return f"ft_{recipe}" + ("_rag" if role == "ft_rag" else "")
    return role
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# Names that become file or folder names (data tags, condition names): one plain path component.
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    """Which model answers: a provider and a name, with quantisation as part of its identity.

    ``name`` is a GGUF path or ``embedded`` (llama_cpp), an Ollama tag (ollama), a local
    directory or hub id (hf), or a model id on an OpenAI-compatible endpoint (openai).
    """

    provider: Provider
    name: str
    quantization: str = "unknown"
    host: str | None = None  # Ollama host or OpenAI base URL; None means the provider's env/default.
    api_key_env: str | None = None  # the *name* of the env var; keys never live in configs.
    context_length: int = 2048
    trust_remote_code: bool = False
    # Where the condition expects the model to be when the machine lacks it.
    requires_gpu: bool = False
    # llama_cpp: a GGUF LoRA adapter applied to ``name`` at load (llama.cpp's ``--lora``), kept apart from the
    # weights, so a quantised base does not quantise the adapter away. ``adaptation.serve: lora`` sets it.
    lora: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise FieldError("name", self.name, "must not be empty")
        if self.lora is not None and self.provider != "llama_cpp":
            reason = "only provider llama_cpp applies a LoRA file at load; serve the merged model instead"
            raise FieldError("lora", self.lora, reason)
        check_min("context_length", self.context_length, 128)
        check_at_most("context_length", self.context_length, 1 << 21)
        if self.api_key_env is not None and not _ENV_NAME.fullmatch(self.api_key_env):
            # Most likely the key itself was pasted here: never echo it.
            reason = "must be the NAME of an environment variable (like OPENAI_API_KEY), never the key itself"
            raise FieldError("api_key_env", MASKED, reason)

    @property
    def identity(self) -> str:
        return f"{self.provider}:{self.name}@{self.quantization}"


@dataclass(frozen=True, kw_only=True)
class GenerationConfig:
    # "auto": sized from the data set's gold answers when the run loads it (harness.run._max_tokens), at least 64.
    max_tokens: int | Literal["auto"] = 96
    temperature: float = 0.0
    top_p: float = 1.0
    repeat_penalty: float = 1.0
    seed: int = 0
    batch_size: int = 8
    stop: tuple[str, ...] = ()
    timeout_s: float = 120.0  # per request, for backends that talk to a server
    # Retries of a transient server fault (HTTP 429/5xx, timeout, reset, malformed reply), with exponential
    # backoff from ``backoff_s`` and full jitter; after that the question is recorded as an error.
    max_retries: int = 3
    backoff_s: float = 1.0
    # llama.cpp on CPU: questions answered at once, each by its own model instance on an equal share of the cores
    # (None: one per core, at most batch_size; always 1 with GPU offload). Answers are the same for any value
    # (conformance checks it), so it is not part of the generation cache key.
    parallel_sequences: int | None = None
    # OpenAI-compatible and Ollama servers: requests kept in flight at once (each answered, retried and journaled on
    # its own). Match it to the server's parallel slots (llama-server --parallel, vLLM max_num_seqs,
    # OLLAMA_NUM_PARALLEL): more only queues at the server. Not in the journal's key, but a server batching requests
    # together can change greedy answers (measured on llama-server), so each result records the level it ran at.
    concurrency: int = 4
    # Thinking models (Qwen3, DeepSeek-R1 distills). "default": the model does what its template does. "off": the
    # model's own switch turns thinking off, in evaluation and in training samples alike. "on": thinking gets
    # ``thinking_budget`` tokens of its own on top of ``max_tokens`` for the answer. Thinking text is stored apart
    # from the answer and never scored; an answer left empty because thinking used its budget is its own outcome.
    thinking: Literal["default", "off", "on"] = "default"
    thinking_budget: int = 1024
    # How the model is switched: ``enable_thinking`` passed to its chat template (Qwen3), or the ``/no_think``
    # and ``/think`` tags appended to the user turn where that is the model's convention.
    thinking_switch: Literal["chat_template", "no_think"] = "chat_template"

    def __post_init__(self) -> None:
        if self.max_tokens != "auto":
            check_min("max_tokens", self.max_tokens, 1)
        check_min("thinking_budget", self.thinking_budget, 1)
        check_min("temperature", self.temperature, 0)
        check_fraction("top_p", self.top_p)
        check_positive("repeat_penalty", self.repeat_penalty)
        check_min("seed", self.seed, 0)
        check_at_most("seed", self.seed, 2**32 - 1)  # engines take a 32-bit seed
        check_min("batch_size", self.batch_size, 1)
        check_positive("timeout_s", self.timeout_s)
        check_at_most("timeout_s", self.timeout_s, 86_400)
        check_min("max_retries", self.max_retries, 0)
        check_at_most("max_retries", self.max_retries, 20)
        check_min("backoff_s", self.backoff_s, 0)
        check_at_most("backoff_s", self.backoff_s, 600)
        if self.parallel_sequences is not None:
            check_min("parallel_sequences", self.parallel_sequences, 1)
            check_at_most("parallel_sequences", self.parallel_sequences, 256)
        check_min("concurrency", self.concurrency, 1)
        check_at_most("concurrency", self.concurrency, 256)

    @property
    def token_limit(self) -> int:
        """``max_tokens`` as a number; ``auto`` must have been resolved from the data set first."""
        if self.max_tokens == "auto":
            raise ConfigError(
                "generation.max_tokens=auto was not resolved: a run sizes it from the data set's gold answers "
                "(harness.run.resolve_max_tokens); fix: resolve it first, or set a number"
            )
        return self.max_tokens


@dataclass(frozen=True, kw_only=True)
class RetrievalConfig:
    """``faiss`` retrieves top-k chunks; ``gold_context`` stuffs the gold documents (API comparator)."""

    mode: Literal["off", "faiss", "gold_context"] = "faiss"
    embedding_model: str = "embedded"
    chunk_size: int = 120  # words
    chunk_overlap: int = 30  # words
    top_k: int = 3
    embed_batch_size: int = 64

    def __post_init__(self) -> None:
        check_min("chunk_size", self.chunk_size, 8)
        check_min("chunk_overlap", self.chunk_overlap, 0)
        if self.chunk_overlap >= self.chunk_size:
            raise FieldError("chunk_overlap", self.chunk_overlap, f"must be < chunk_size ({self.chunk_size})")
        check_min("top_k", self.top_k, 1)
        check_min("embed_batch_size", self.embed_batch_size, 1)

    @property
    def enabled(self) -> bool:
        return self.mode != "off"


@dataclass(frozen=True, kw_only=True)
class LeakCheckConfig:
    """When a test question counts as a copy of a train/val question (the run fails on any).

    ``jaccard``: normalised token-set Jaccard at or above it. ``embedding``: cosine of the questions' embeddings
    (``retrieval.embedding_model``) at or above it, which catches paraphrases that Jaccard misses; None (the
    default) skips it, because SQuAD 2.0's unanswerable questions are one-word edits of answerable ones ("are"
    vs "aren't dominated", cosine 0.99): different questions that an embedding cannot tell from copies.
    """

    jaccard: float = 0.9
    embedding: float | None = None

    def __post_init__(self) -> None:
        check_fraction("jaccard", self.jaccard)
        if self.embedding is not None:
            check_fraction("embedding", self.embedding)


@dataclass(frozen=True, kw_only=True)
class DataConfig:
    """Which data set, and how it is split. ``dataset`` is a directory with corpus/questions JSONL."""

    dataset: str = "fixtures/squad2_tiny"
    tag: str = "squad2_tiny"
    split_seed: int = 20251101
    ratios: tuple[float, float, float] = (0.70, 0.15, 0.15)
    leak_check: LeakCheckConfig = field(default_factory=LeakCheckConfig)
    max_test_questions: int | None = None  # a quick mode; None answers the whole test split

    def __post_init__(self) -> None:
        if not PLAIN_NAME.fullmatch(self.tag):
            raise FieldError("tag", self.tag, "must be a plain name (letters, digits, '.', '_', '-'): it names files")
        for i, r in enumerate(self.ratios):
            check_fraction(f"ratios[{i}]", r)
        if abs(sum(self.ratios) - 1.0) > 1e-6:
            raise FieldError("ratios", list(self.ratios), "must sum to 1")
        if self.ratios[2] == 0:
            raise FieldError("ratios[2]", 0.0, "must be > 0 (the test split cannot be empty)")
        if self.max_test_questions is not None:
            check_min("max_test_questions", self.max_test_questions, 1)


@dataclass(frozen=True, kw_only=True)
class TrainingMix:
    """Share of each sample type in the RAG-trained recipe."""

    grounded: float = 0.6
    synthesis: float = 0.2
    refusal: float = 0.2

    def __post_init__(self) -> None:
        for name in ("grounded", "synthesis", "refusal"):
            check_fraction(name, getattr(self, name))
        total = self.grounded + self.synthesis + self.refusal
        if abs(total - 1.0) > 1e-6:
            raise FieldError("grounded", self.grounded, f"grounded+synthesis+refusal must sum to 1 (got {total:g})")


@dataclass(frozen=True, kw_only=True)
class GridConfig:
    """The LoRA grid search. ``backend: ray`` runs the trials on Ray Tune: a local Ray instance, or the
    cluster at ``ray_address`` (``ray://head:10001`` or ``auto``), each trial with the resources below."""

    enabled: bool = False
    ranks: tuple[int, ...] = (16, 32)
    learning_rates: tuple[float, ...] = (1e-4, 5e-5)
    epochs: tuple[int, ...] = (2, 3)
    backend: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    ray_cpus_per_trial: float = 1.0
    ray_gpus_per_trial: float = 0.0

    def __post_init__(self) -> None:
        for name in ("ranks", "learning_rates", "epochs"):
            if not getattr(self, name):
                raise FieldError(name, [], "must not be empty")
        if self.ray_address is not None and self.backend != "ray":
            raise FieldError("ray_address", self.ray_address, "is used only with backend: ray; set backend: ray")
        if self.ray_address is not None and not self.ray_address.strip():
            raise FieldError("ray_address", self.ray_address, "must be an address (ray://host:10001, auto) or null")
        check_positive("ray_cpus_per_trial", self.ray_cpus_per_trial)
        check_min("ray_gpus_per_trial", self.ray_gpus_per_trial, 0)


@dataclass(frozen=True, kw_only=True)
class AdaptationConfig:
    """LoRA fine-tuning. ``method: none`` leaves the model as it is."""

    method: Literal["none", "lora"] = "none"
    base_model: str = "embedded"  # hf dir/hub id, or ``embedded`` = the shipped GGUF, dequantised
    recipe: Literal["instruction", "rag_trained"] = "rag_trained"
    mix: TrainingMix = field(default_factory=TrainingMix)
    synthetic_pairs: int = 0  # synthetic QA pairs generated from the corpus on top of the train split
    max_train_samples: int | None = None
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "down_proj")
    learning_rate: float = 1e-4
    scheduler: Literal["cosine", "linear", "constant"] = "cosine"
    warmup_ratio: float = 0.05
    epochs: int = 2
    batch_size: int = 4
    gradient_accumulation: int = 4
    max_seq_length: int = 512
    gradient_checkpointing: bool = False
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    qlora: bool = False
    grid: GridConfig = field(default_factory=GridConfig)
    hyperparameter_policy: Literal["fixed", "by_dataset_size"] = "fixed"
    continual_from: str | None = None
    export_quantizations: tuple[str, ...] = ("F16", "Q8_0", "Q4_K_M")
    # How llama.cpp serves the adapted model. "merged": the merged model exported at model.quantization. "lora": at
    # the base GGUF's own quantisation level, the base file with the LoRA GGUF applied at load; other levels (the
    # quantisation gate's) stay merged exports. Re-quantising a merged low-rank update to 4 bits can round it away
    # (measured on the embedded Q4_1 base: the merged Q4_1 file answered like the base); kept apart, it survives.
    # Not part of the adapter's cache key: the same training serves both.
    serve: Literal["merged", "lora"] = "merged"
    seed: int = 42

    def __post_init__(self) -> None:
        check_min("rank", self.rank, 1)
        check_positive("alpha", self.alpha)
        check_fraction("dropout", self.dropout, inclusive_high=False)
        check_positive("learning_rate", self.learning_rate)
        check_fraction("warmup_ratio", self.warmup_ratio, inclusive_high=False)
        check_min("epochs", self.epochs, 1)
        check_min("batch_size", self.batch_size, 1)
        check_min("gradient_accumulation", self.gradient_accumulation, 1)
        check_min("max_seq_length", self.max_seq_length, 16)
        check_min("synthetic_pairs", self.synthetic_pairs, 0)
        if not self.target_modules:
            raise FieldError("target_modules", [], "must name at least one module (or 'all-linear')")
        known = {"F16", "Q8_0", "Q4_K_M", "Q4_1"}
        for i, q in enumerate(self.export_quantizations):
            if q not in known:
                raise FieldError(f"export_quantizations[{i}]", q, f"must be one of {sorted(known)}")

    @property
    def enabled(self) -> bool:
        return self.method != "none"


@dataclass(frozen=True, kw_only=True)
class ScoringConfig:
    refusal_patterns: tuple[str, ...] = (
        r"\bcannot answer\b",
        r"\bcan't answer\b",
        r"\bunable to answer\b",
        r"\b(?:do|does) not (?:contain|provide|mention|include)\b",
        r"\bno (?:information|answer)\b",
        r"\bnot (?:enough|sufficient) (?:information|context)\b",
        r"\bi don't know\b",
        r"\bi do not know\b",
        r"\bnot (?:mentioned|stated|provided)\b",
    )
    substantive_min_words: int = 5
    bootstrap_resamples: int = 2000
    confidence: float = 0.95
    seed: int = 20251101
    # When is an answer to an answerable question correct (CRAG, the pass rate)? "f1": token F1 against the gold
    # answers >= correct_threshold, right for short extractive answers; "similarity": the cosine of answer and gold
    # embeddings (answer_similarity) >= correct_threshold, for long-form gold answers that F1 cannot credit.
    correct_rule: Literal["f1", "similarity"] = "f1"
    # Paired intervals and tests resample clusters of questions that are not independent: "gold_doc", those that
    # share their gold documents (the default); "none", every question on its own.
    cluster_by: Literal["gold_doc", "none"] = "gold_doc"
    correct_threshold: float = 0.5
    # answer_similarity: cosine of the answer's and the best gold answer's sentence embeddings ("embedded": MiniLM).
    # Off by default (it loads the embedding model while scoring); on whenever correct_rule is "similarity".
    semantic_similarity: bool = False
    similarity_model: str = "embedded"
    # What the gates compare as factuality. "auto": label_accuracy when every question is closed (declares labels:
    # yes/no/maybe, multiple choice), token F1 otherwise; "f1" or "label_accuracy" force one.
    factuality_metric: Literal["auto", "f1", "label_accuracy"] = "auto"

    @property
    def computes_similarity(self) -> bool:
        return self.semantic_similarity or self.correct_rule == "similarity"

    def __post_init__(self) -> None:
        check_fraction("correct_threshold", self.correct_threshold)
        check_min("substantive_min_words", self.substantive_min_words, 0)
        check_min("bootstrap_resamples", self.bootstrap_resamples, 100)
        check_fraction("confidence", self.confidence, inclusive_high=False)


def _embedded_judge() -> ModelSpec:
    return ModelSpec(provider="llama_cpp", name="embedded", quantization="Q4_1")


@dataclass(frozen=True, kw_only=True)
class JudgeConfig:
    """LLM-as-judge, off by default: every answer graded by the rubric (harness.judge) ``repeats`` times.

    The first judgement decodes greedily; the other repeats (and retries of an invalid reply) sample at
    ``temperature`` with their own seed, so they are independent draws of the judge whose disagreement is
    reported and widens the score's interval. Verdicts are journaled by content, so a re-run judges only
    what it has not judged yet.
    """

    enabled: bool = False
    model: ModelSpec = field(default_factory=_embedded_judge)
    repeats: int = 1
    temperature: float = 0.7
    max_attempts: int = 3
    max_tokens: int = 256
    pass_threshold: float = 0.65
    min_part: float = 0.4

    def __post_init__(self) -> None:
        check_min("repeats", self.repeats, 1)
        check_at_most("repeats", self.repeats, 20)
        check_min("temperature", self.temperature, 0)
        check_at_most("temperature", self.temperature, 2)
        check_min("max_attempts", self.max_attempts, 1)
        check_at_most("max_attempts", self.max_attempts, 10)
        check_min("max_tokens", self.max_tokens, 16)
        check_fraction("pass_threshold", self.pass_threshold)
        check_fraction("min_part", self.min_part)


@dataclass(frozen=True, kw_only=True)
class GateConfig:
    """Promotion and regression thresholds. ``baseline`` defaults to the size group's baseline."""

    promote: bool = False  # whether this condition is a promotion candidate
    # Compare every exported quantisation level against F16 (one more generation pass per level).
    quantization_regression: bool = False
    min_factuality_delta_pp: float = 5.0
    min_citation_grounding: float = 0.35
    alpha: float = 0.05
    quantization_margin_pp: float = 3.0
    latency_p95_budget_s: float | None = None
    memory_budget_mb: float | None = None
    max_error_rate: float = 0.02

    def __post_init__(self) -> None:
        check_fraction("min_citation_grounding", self.min_citation_grounding)
        check_fraction("alpha", self.alpha, inclusive_high=False)
        check_min("quantization_margin_pp", self.quantization_margin_pp, 0)
        check_fraction("max_error_rate", self.max_error_rate)
        for name in ("latency_p95_budget_s", "memory_budget_mb"):
            value = getattr(self, name)
            if value is not None:
                check_positive(name, value)


@dataclass(frozen=True, kw_only=True)
class SizeGroup:
    """Conditions compared with each other. ``order`` sequences groups (0.5B before 3B)."""

    label: str
    order: int
    baseline: str

    def __post_init__(self) -> None:
        check_min("order", self.order, 0)


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One cell of the experiment matrix, fully resolved (defaults + overrides)."""

    name: str
    description: str = ""
    size_group: str
    role: Role
    model: ModelSpec
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    adaptation: AdaptationConfig = field(default_factory=AdaptationConfig)
    data: DataConfig = field(default_factory=DataConfig)
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    judge: JudgeConfig = field(default_factory=JudgeConfig)
    # Extra pytest keywords, so `pytest benchmarks -k hybrid_3b` selects hybrid_science_3b.
    aliases: tuple[str, ...] = ()
    # Free-form notes (e.g. the portfolio's Notes column); never interpreted.
    notes: Mapping[str, str] = field(default_factory=dict)
    # What this condition is expected to show (the experiment log's hypothesis); shown beside its numbers.
    hypothesis: str = ""

    @property
    def arm(self) -> str:
        """Which of the study's arms (``STUDY_ARMS``) this condition is, or ``oracle``."""
        return study_arm(self.role, self.adaptation.recipe if self.adaptation.enabled else None, self.model.provider)

    def __post_init__(self) -> None:
        uses_retrieval = self.role in ("rag", "ft_rag")
        if uses_retrieval != self.retrieval.enabled:
            want = "faiss or gold_context" if uses_retrieval else "off"
            raise FieldError("retrieval.mode", self.retrieval.mode, f"must be {want} for role {self.role!r}")
        fine_tuned = self.role in ("ft", "ft_rag")
        if fine_tuned != self.adaptation.enabled:
            want = "lora" if fine_tuned else "none"
            raise FieldError("adaptation.method", self.adaptation.method, f"must be {want} for role {self.role!r}")
        if self.generation.max_tokens != "auto" and self.generation.max_tokens >= self.model.context_length:
            limit = f"must be < model.context_length ({self.model.context_length}): the prompt needs room too"
            raise FieldError("generation.max_tokens", self.generation.max_tokens, limit)
