"""Evaluation sharded across Ray workers: each worker holds its own backend, answers its contiguous part of
every batch, and the parts come back in request order.

The sharded backend describes itself exactly as the backend it shards, so an in-process run and a sharded run
share one generation journal: sharding changes where an answer is computed, never what it is (a llama.cpp
request never depends on the one before it; a server request is independent by construction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

from harness.backends import Generation, GenerationRequest, check_available, create_backend
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ConfigError
from harness.scale._ray import ray_connection
from harness.scale._shards import contiguous_shards

__all__ = ["RayShardedBackend", "shard_generate"]


class _ShardWorker:
    """Lives in a Ray actor: one backend, loaded once, answering every part sent to this shard."""

    def __init__(self, spec: ModelSpec, generation: GenerationConfig, model_path: Path | None) -> None:
        self._backend = create_backend(spec, generation, model_path=model_path)

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        return self._backend.generate(requests)

    def describe(self) -> dict[str, object]:
        return dict(self._backend.describe())

    def close(self) -> None:
        self._backend.close()


class RayShardedBackend:
    """A :class:`~harness.backends.Backend` over ``shards`` Ray actors (local instance, or the cluster at ``address``).

    Each actor reserves ``cpus_per_shard`` CPUs (Ray sets ``OMP_NUM_THREADS`` to match, and the llama.cpp
    backend uses that many threads) and ``gpus_per_shard`` GPUs.
    """

    def __init__(
        self,
        spec: ModelSpec,
        generation: GenerationConfig,
        *,
        shards: int,
        model_path: Path | None = None,
        address: str | None = None,
        cpus_per_shard: float = 1.0,
        gpus_per_shard: float = 0.0,
    ) -> None:
        if shards < 1:
            raise ConfigError(f"shards={shards} must be >= 1")
        check_available(spec, model_path=model_path)  # a missing model fails here, not inside a worker
        self._stack = ExitStack()
        self._ray = self._stack.enter_context(ray_connection(address))
        try:
            worker = self._ray.remote(num_cpus=cpus_per_shard, num_gpus=gpus_per_shard)(_ShardWorker)
            self._actors = [worker.remote(spec, generation, model_path) for _ in range(shards)]
            identities = self._ray.get([a.describe.remote() for a in self._actors])
        except BaseException:
            self._stack.close()
            raise
        if any(i != identities[0] for i in identities):
            self.close()
            raise BackendError(f"Ray shards loaded different models: {identities}; every node needs the same file")
        self._identity: dict[str, object] = identities[0]

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """Answers in request order: shard ``i`` gets the ``i``-th contiguous run of ``requests``."""
        if not self._actors:
            raise BackendError("the Ray sharded backend is closed; create a new one")
        parts = contiguous_shards(list(requests), len(self._actors))
        futures = [actor.generate.remote(part) for actor, part in zip(self._actors, parts, strict=False)]
        return [gen for part in self._ray.get(futures) for gen in part]

    def describe(self) -> Mapping[str, object]:
        return self._identity

    def close(self) -> None:
        actors, self._actors = self._actors, []
        try:
            if actors:
                self._ray.get([a.close.remote() for a in actors])
            for actor in actors:
                self._ray.kill(actor)
        finally:
            self._stack.close()


def shard_generate(
    spec: ModelSpec,
    generation: GenerationConfig,
    requests: Sequence[GenerationRequest],
    *,
    shards: int,
    model_path: Path | None = None,
    address: str | None = None,
    cpus_per_shard: float = 1.0,
) -> list[Generation]:
    """Answer ``requests`` on ``shards`` Ray workers and return the generations in request order."""
    backend = RayShardedBackend(
        spec, generation, shards=shards, model_path=model_path, address=address, cpus_per_shard=cpus_per_shard
    )
    try:
        return backend.generate(requests)
    finally:
        backend.close()
