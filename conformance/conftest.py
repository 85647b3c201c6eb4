"""Conformance tests never reach a model hub: a hub lookup fails fast instead of retrying for minutes."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
