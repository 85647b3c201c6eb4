"""Stage 4 of adaptation: registering the exported model with an Ollama server, when one is reachable."""

from harness.adapt.register._ollama import Registration, register_ollama

__all__ = ["Registration", "register_ollama"]
