"""Turn plain YAML mappings into frozen, typed dataclasses, or say exactly what is wrong.

Errors carry the dotted field path and the offending value so the loader can print
``configs/x.yaml: retrieval.top_k=0 must be >= 1``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import reprlib
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

__all__ = ["MASKED", "FieldError", "check_at_most", "check_fraction", "check_min", "check_positive", "from_mapping"]

T = TypeVar("T")

# Values in messages are shortened: a hostile or mistaken config (a huge list, a 1 MB string) must not
# turn one error line into megabytes.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 3, 120, 120, 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 8
# Unknown keys that look like credentials: their values never reach an error message (or a log).
_SECRET_KEY = re.compile(r"api[_-]?key|secret|token|passw(?:or)?d|credential", re.IGNORECASE)
MASKED = "***"


class FieldError(ValueError):
    """A single field is wrong: ``path=value reason``."""

    def __init__(self, path: str, value: object, reason: str) -> None:
        super().__init__(f"{path}={_SHORT.repr(value)} {reason}")
        self.path = path
        self.value = value
        self.reason = reason

    def under(self, prefix: str) -> FieldError:
        return FieldError(f"{prefix}.{self.path}" if prefix else self.path, self.value, self.reason)


def check_min(name: str, value: float, low: float) -> None:
    if value < low:
        raise FieldError(name, value, f"must be >= {low:g}")


def check_at_most(name: str, value: float, high: float) -> None:
    if value > high:
        raise FieldError(name, value, f"must be <= {high:g}")


def check_positive(name: str, value: float) -> None:
    if not value > 0:
        raise FieldError(name, value, "must be > 0")


def check_fraction(name: str, value: float, *, inclusive_high: bool = True) -> None:
    ok = 0 <= value <= 1 if inclusive_high else 0 <= value < 1
    if not ok:
        bound = "1" if inclusive_high else "< 1"
        raise FieldError(name, value, f"must be between 0 and {bound}")


def from_mapping(cls: type[T], data: object, path: str = "") -> T:
    """Build dataclass ``cls`` from ``data``, checking keys and types recursively."""
    if not isinstance(data, Mapping):
        raise FieldError(path or cls.__name__, data, "must be a mapping")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    hints = get_type_hints(cls)
    for key in data:
        if key not in fields:
            raise _unknown_key(path, str(key), data[key], fields)
    kwargs = {key: _coerce(hints[key], value, _join(path, key)) for key, value in data.items()}
    for name, f in fields.items():
        if name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise FieldError(_join(path, name), None, "is required")
    try:
        return cls(**kwargs)
    except FieldError as exc:
        raise exc.under(path) from None


def _unknown_key(path: str, key: str, value: object, fields: typing.Iterable[str]) -> FieldError:
    if _SECRET_KEY.search(key):
        fix = "; keys never live in configs: export it and name the variable in model.api_key_env"
        return FieldError(_join(path, key), MASKED, f"is not a known key{fix}")
    close = difflib.get_close_matches(key, list(fields), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(fields)}"
    return FieldError(_join(path, key), value, f"is not a known key{hint}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _coerce(tp: Any, value: object, path: str) -> Any:
    origin = get_origin(tp)
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp):
        return from_mapping(tp, value, path)  # type: ignore[arg-type]
    if origin in (Union, types.UnionType):
        return _coerce_union(get_args(tp), value, path)
    if origin is Literal:
        if value not in get_args(tp):
            choices = ", ".join(repr(a) for a in get_args(tp))
            raise FieldError(path, value, f"must be one of {choices}")
        return value
    if origin is tuple:
        return _coerce_tuple(tp, value, path)
    if origin in (dict, Mapping, typing.Mapping):
        if not isinstance(value, Mapping):
            raise FieldError(path, value, "must be a mapping")
        _, vt = get_args(tp)
        return types.MappingProxyType({str(k): _coerce(vt, v, _join(path, str(k))) for k, v in value.items()})
    return _coerce_scalar(tp, value, path)


def _coerce_union(options: tuple[Any, ...], value: object, path: str) -> Any:
    if value is None and type(None) in options:
        return None
    errors = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _coerce(option, value, path)
        except FieldError as exc:
            errors.append(exc)
    raise errors[0] if len(errors) == 1 else FieldError(path, value, f"has the wrong type ({_names(options)})")


def _coerce_tuple(tp: Any, value: object, path: str) -> tuple[Any, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise FieldError(path, value, "must be a list")
    args = get_args(tp)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_coerce(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
    if len(args) != len(value):
        raise FieldError(path, value, f"must have exactly {len(args)} items")
    return tuple(_coerce(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True)))


def _coerce_scalar(tp: Any, value: object, path: str) -> Any:
    if tp is bool:
        if not isinstance(value, bool):
            raise FieldError(path, value, "must be true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(path, value, "must be an integer")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError(path, value, "must be a number")
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the float range
            raise FieldError(path, value, "must be a finite number") from None
        if not math.isfinite(number):
            raise FieldError(path, value, "must be a finite number")
        return number
    if tp is str:
        if not isinstance(value, str):
            raise FieldError(path, value, "must be a string")
        return value
    raise FieldError(path, value, f"has unsupported type {tp!r}")  # pragma: no cover - schema bug


def _names(options: tuple[Any, ...]) -> str:
    return " or ".join(getattr(o, "__name__", str(o)) for o in options)
