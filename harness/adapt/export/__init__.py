"""Stage 3 of adaptation: merge the adapter, then GGUF export through llama.cpp's own tools (converters,
quantiser, parity checks, Ollama Modelfile).

``export_model(ExportJob(...))`` is what the adaptation pipeline and ``harness export`` both call. The
converters (``convert_hf_to_gguf.py``, ``convert_lora_to_gguf.py``) come from the llama-cpp-python source
distribution of the installed version (:func:`find_converters`). Importing this package loads no ML library.
"""

from harness.adapt.export._convert import ConversionError, convert_lora, convert_model
from harness.adapt.export._converters import Converters, converters_cache, find_converters, llama_cpp_version
from harness.adapt.export._export import (
    PARITY_TOKENS,
    ExportCheckFailed,
    ExportJob,
    ParityPrompt,
    export_model,
    parity_prompts,
)
from harness.adapt.export._merge import attach_adapter, merge_adapter, save_merged
from harness.adapt.export._modelfile import (
    FAMILY_TEMPLATES,
    ModelfileSpec,
    gguf_quantization,
    modelfile_spec,
    read_gguf_fields,
    write_modelfile,
)
from harness.adapt.export._parity import (
    NEAR_TIE_TOLERANCE,
    GreedyRun,
    ParityReport,
    TokenizationReport,
    compare_runs,
    compare_tokenization,
    greedy_llama,
    greedy_transformers,
    tokenize_llama,
)
from harness.adapt.export._quantize import QUANT_FTYPES, quantize_gguf

__all__ = [
    "FAMILY_TEMPLATES",
    "NEAR_TIE_TOLERANCE",
    "PARITY_TOKENS",
    "QUANT_FTYPES",
    "ConversionError",
    "Converters",
    "ExportCheckFailed",
    "ExportJob",
    "GreedyRun",
    "ModelfileSpec",
    "ParityPrompt",
    "ParityReport",
    "TokenizationReport",
    "attach_adapter",
    "compare_runs",
    "compare_tokenization",
    "convert_lora",
    "convert_model",
    "converters_cache",
    "export_model",
    "find_converters",
    "gguf_quantization",
    "greedy_llama",
    "greedy_transformers",
    "llama_cpp_version",
    "merge_adapter",
    "modelfile_spec",
    "parity_prompts",
    "quantize_gguf",
    "read_gguf_fields",
    "save_merged",
    "tokenize_llama",
    "write_modelfile",
]
