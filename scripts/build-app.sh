#!/usr/bin/env bash
# Builds your own C# program against the GenAI bindings with Mono's mcs (C# 7.2), ready to run on Mono
# and on the .NET 8 runtime that scripts/setup.sh installed (.venv/bin/dotnet):
#
#   bash /path/to/genai-interop/scripts/build-app.sh [-o OUT_DIR] App.cs [More.cs ...]
#
# Writes into OUT_DIR (default: bin, relative to where you run it):
#   OpenVINO.Interop.dll  the runtime every binding assembly references (+ .xml docs)
#   OpenVINO.GenAI.dll    the bindings, from csharp/OpenVINO.GenAI (+ .xml docs, .dll.config for Mono)
#   OpenVINO.Core.dll     OpenVINO's core API, from csharp/OpenVINO.Core: the image tensors a VLMPipeline takes
#                         (Tensor.FromArray); referenced too, so a visual language program builds the same way
#   App.exe               your program (named after its first source file)
#   App.runtimeconfig.json  what the .NET host needs to run an exe mcs built (mcs writes none): the
#                         framework to use, Microsoft.NETCore.App 8.0 (any 8.0.x patch)
# Then:  mono OUT_DIR/App.exe ARGS...   or   /path/to/genai-interop/.venv/bin/dotnet OUT_DIR/App.exe ARGS...
# Warnings are errors in the bindings (as in the project's own builds); your program's are shown, as the SDK does.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out=bin
if [ "${1:-}" = "-o" ]; then
    out="${2:?-o needs a folder}"
    shift 2
fi
if [ $# -eq 0 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    [ $# -eq 0 ] && exit 2 || exit 0
fi
for src in "$@"; do
    [ -f "$src" ] || { echo "build-app: no such source file: $src" >&2; exit 2; }
done
command -v mcs >/dev/null 2>&1 || { echo "build-app: mcs not found; run bash $repo/scripts/setup.sh first" >&2; exit 2; }
name="$(basename "$1" .cs)"
mkdir -p "$out"
flags=(-langversion:7.2 -warnaserror -nologo)

mcs "${flags[@]}" -unsafe -target:library -doc:"$out/OpenVINO.Interop.xml" \
    -out:"$out/OpenVINO.Interop.dll" "$repo"/csharp/OpenVINO.Interop/*.cs
mcs "${flags[@]}" -unsafe -target:library -r:"$out/OpenVINO.Interop.dll" -doc:"$out/OpenVINO.GenAI.xml" \
    -out:"$out/OpenVINO.GenAI.dll" "$repo"/csharp/OpenVINO.GenAI/Generated/*.cs "$repo"/csharp/OpenVINO.GenAI/*.cs
cp "$repo/csharp/OpenVINO.GenAI/Generated/OpenVINO.GenAI.dll.config" "$out/"
mcs "${flags[@]}" -unsafe -target:library -r:"$out/OpenVINO.Interop.dll" -doc:"$out/OpenVINO.Core.xml" \
    -out:"$out/OpenVINO.Core.dll" "$repo"/csharp/OpenVINO.Core/Generated/*.cs "$repo"/csharp/OpenVINO.Core/*.cs
cp "$repo/csharp/OpenVINO.Core/Generated/OpenVINO.Core.dll.config" "$out/"
mcs -langversion:7.2 -nologo -target:exe -r:"$out/OpenVINO.GenAI.dll" -r:"$out/OpenVINO.Core.dll" \
    -r:"$out/OpenVINO.Interop.dll" -out:"$out/$name.exe" "$@"
cat > "$out/$name.runtimeconfig.json" <<'JSON'
{
  "runtimeOptions": {
    "tfm": "net8.0",
    "framework": {
      "name": "Microsoft.NETCore.App",
      "version": "8.0.0"
    }
  }
}
JSON
echo "build-app: $out/$name.exe (run: mono $out/$name.exe ... | $repo/.venv/bin/dotnet $out/$name.exe ...)"
