#!/usr/bin/env bash
# The main job, end to end: set up, regenerate the C# bindings (from a header directory given as
# the first argument, else from the embedded 2026.3 snapshot) into build/demo/, build them with
# mcs, and stream a multi-turn chat through the C# ChatSample on Mono and on .NET 8.
# With OPENVINO_GENAI_DIR set it uses that real OpenVINO GenAI install (and a tiny GGUF model
# unless --model is given); otherwise the native test double. It says which.
#   bash scripts/demo.sh [HEADERS_DIR] [--model PATH] [--runtime mono|coreclr|both] [--max-new-tokens N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
