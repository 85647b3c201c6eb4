"""After a build or a reuse: register the chosen quantisation with Ollama when the condition serves through it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.adapt.register._ollama import register_ollama
from harness.config import Condition

__all__ = ["registration_for"]


def registration_for(
    condition: Condition, entry: Path, export: Mapping[str, Any], report: Callable[[str], None]
) -> dict[str, Any]:
    """``{registered, name, host, reason}``; only ``provider: ollama`` conditions try to register."""
    modelfile = export["modelfile"]
    if condition.model.provider != "ollama":
        command = f"ollama create NAME -f {entry / modelfile['path']}"
        reason = f"served by {condition.model.provider}; to serve it with Ollama run `{command}`"
        return {"registered": False, "name": condition.model.name, "host": None, "reason": reason}
    gguf = entry / export["gguf"][modelfile["from"]]
    result = register_ollama(
        condition.model.name, gguf, modelfile["template"], modelfile["stops"],
        parameters=modelfile.get("parameters"), host=condition.model.host,
    )  # fmt: skip
    report(f"ollama: {'registered ' + result.name if result.registered else 'not registered: ' + result.reason}")
    return result.summary()
