"""Growing past one process: Ray connections, and evaluation sharded across Ray workers.

Importing this package is cheap: Ray is imported when a connection is opened. The Ray grid search
lives with the rest of training, in ``harness.adapt.train._ray_grid``; pytest-xdist needs nothing here
(the pytest plugin shares one run id and one locked cache between workers).
"""

from harness.scale._ray import RAY_PIP, ray_connection, require_ray
from harness.scale._sharded import RayShardedBackend, shard_generate
from harness.scale._shards import contiguous_shards

__all__ = ["RAY_PIP", "RayShardedBackend", "contiguous_shards", "ray_connection", "require_ray", "shard_generate"]
