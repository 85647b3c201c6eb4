"""Load the experiment matrix: ``configs/defaults.yaml`` plus one small override file per condition."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.config._convert import FieldError, from_mapping
from harness.config._schema import PLAIN_NAME, Condition, SizeGroup
from harness.errors import ConfigError

__all__ = ["DEFAULTS_FILE", "Matrix", "load_condition", "load_matrix"]

DEFAULTS_FILE = "defaults.yaml"
_MAX_CONFIG_BYTES = 1_000_000  # a config is a few hundred bytes; refuse YAML bombs early
# Aliases let a small file stand for a huge document ("billion laughs"); count what it would expand to.
_MAX_YAML_NODES = 100_000


@dataclass(frozen=True, kw_only=True)
class Matrix:
    """Every condition and size group of a configs directory, validated together."""

    root: Path
    conditions: Mapping[str, Condition]
    size_groups: Mapping[str, SizeGroup]

    def condition(self, name: str) -> Condition:
        if name not in self.conditions:
            raise ConfigError(f"unknown condition {name!r}; available: {', '.join(self.names())}")
        return self.conditions[name]

    def names(self) -> list[str]:
        """Condition names in run order: size groups by ``order``, then file name."""
        order = {name: group.order for name, group in self.size_groups.items()}
        return sorted(self.conditions, key=lambda n: (order[self.conditions[n].size_group], n))

    def baseline_of(self, name: str) -> Condition:
        return self.condition(self.size_groups[self.condition(name).size_group].baseline)

    def check_comparable(self, a: str, b: str) -> None:
        """Refuse a comparison across size groups: the portfolio forbids it."""
        ga, gb = self.condition(a).size_group, self.condition(b).size_group
        if ga != gb:
            raise ConfigError(
                f"refusing to compare {a} (size group {ga}) with {b} (size group {gb}): "
                "comparisons are only valid inside one size group"
            )


def read_yaml(path: Path) -> dict[str, Any]:
    """Safe-load a YAML mapping, with file-named errors."""
    try:
        if path.stat().st_size > _MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: file is larger than {_MAX_CONFIG_BYTES} bytes; is it really a config?")
        data = _safe_load(path, path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML ({_first_line(exc)})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a config") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold a mapping at the top level, got {type(data).__name__}")
    return data


def _safe_load(path: Path, text: str) -> object:
    """``yaml.safe_load``, refusing documents whose aliases expand past ``_MAX_YAML_NODES`` or refer to themselves."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(path, node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(path: Path, root: yaml.Node) -> None:
    """Count the nodes ``root`` expands to (each alias counts its whole target) without expanding anything."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[id(node)] > _MAX_YAML_NODES:
                raise ConfigError(
                    f"{path}: its aliases expand to more than {_MAX_YAML_NODES} values (a YAML bomb?); "
                    "write the config out without anchors"
                )
        elif id(node) in open_nodes:
            raise ConfigError(f"{path}: an alias refers to a node that contains it (a recursive document)")
        elif id(node) not in sizes:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_matrix(root: str | Path = "configs") -> Matrix:
    root = Path(root)
    defaults_path = root / DEFAULTS_FILE
    raw = read_yaml(defaults_path)
    unknown = set(raw) - {"defaults", "size_groups", "adaptations"}
    if unknown:
        raise ConfigError(
            f"{defaults_path}: unknown top-level key(s) {sorted(unknown)}; expected defaults, size_groups, adaptations"
        )
    groups = _load_groups(defaults_path, raw.get("size_groups") or {})
    defaults = raw.get("defaults") or {}
    shared = _shared_adaptations(defaults_path, raw.get("adaptations") or {})
    conditions = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name != DEFAULTS_FILE:
            conditions[path.stem] = _load_one(path, defaults, defaults_path, shared)
    _check_groups(defaults_path, groups, conditions)
    return Matrix(root=root, conditions=conditions, size_groups=groups)


def load_condition(path: str | Path) -> Condition:
    """Load one condition file against the defaults beside it."""
    path = Path(path)
    return load_matrix(path.parent).condition(path.stem)


def _load_groups(path: Path, raw: object) -> dict[str, SizeGroup]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: size_groups must be a mapping of name -> {{label, order, baseline}}")
    groups = {}
    for name, body in raw.items():
        try:
            groups[str(name)] = from_mapping(SizeGroup, body, f"size_groups.{name}")
        except FieldError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return groups


def _shared_adaptations(path: Path, raw: object) -> dict[str, dict[str, Any]]:
    """Named adaptation blocks (``adaptations:`` in defaults.yaml): conditions that ``use:`` the same name train
    on the same recipe, so they share one cached adapter instead of repeating the block and risking a drift."""
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(f"{path}: adaptations must map a name to an adaptation block (method, recipe, ...)")
    return {str(k): v for k, v in raw.items()}


def _use_shared(path: Path, override: dict[str, Any], shared: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    block = override.get("adaptation")
    if not isinstance(block, dict) or "use" not in block:
        return override
    name = block["use"]
    if name not in shared:
        known = ", ".join(sorted(shared)) or "none are declared"
        raise ConfigError(
            f"{path}: adaptation.use={name!r} names no block under adaptations: in {DEFAULTS_FILE} ({known}); "
            "declare it there or fix the name"
        )
    rest = {k: v for k, v in block.items() if k != "use"}
    return {**override, "adaptation": _deep_merge(shared[name], rest)}


def _load_one(
    path: Path, defaults: Mapping[str, Any], defaults_path: Path, shared: Mapping[str, dict[str, Any]]
) -> Condition:
    if not PLAIN_NAME.fullmatch(path.stem):
        raise ConfigError(
            f"{path}: the file name {path.stem!r} is not a plain condition name; it names report folders, so use "
            "letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    override = read_yaml(path)
    if override.get("name", path.stem) != path.stem:
        raise ConfigError(f"{path}: name={override['name']!r} must match the file name {path.stem!r} (or be left out)")
    merged = _deep_merge(defaults, _use_shared(path, override, shared))
    merged["name"] = path.stem
    try:
        return from_mapping(Condition, merged)
    except FieldError as exc:
        where = path if _has_path(override, exc.path) or not _has_path(defaults, exc.path) else defaults_path
        raise ConfigError(f"{where}: {exc}") from None


def _check_groups(path: Path, groups: Mapping[str, SizeGroup], conditions: Mapping[str, Condition]) -> None:
    for name, cond in conditions.items():
        if cond.size_group not in groups:
            raise ConfigError(
                f"configs/{name}.yaml: size_group={cond.size_group!r} is not declared in {path} "
                f"(declared: {', '.join(groups)})"
            )
    for gname, group in groups.items():
        base = conditions.get(group.baseline)
        if base is None or base.size_group != gname:
            raise ConfigError(
                f"{path}: size_groups.{gname}.baseline={group.baseline!r} must name a condition in group {gname}"
            )


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _has_path(data: Mapping[str, Any], dotted: str) -> bool:
    node: Any = data
    for part in dotted.split("."):
        part = part.split("[", 1)[0]
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
