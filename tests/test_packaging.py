"""`pip install -e .[test]` (scripts/setup.sh) installs the generated Python packages and their
runtime with the generator: importable from the venv anywhere, without PYTHONPATH."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_packages_import_from_the_venv_outside_the_repository(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = ("import bindgen, genai_interop_runtime, openvino_cffi, openvino_genai_cffi\n"
            "from genai_interop_runtime.handles import Handle\n"
            "assert issubclass(openvino_cffi.Tensor, Handle) and issubclass(openvino_genai_cffi.LLMPipeline, Handle)\n"
            "print(openvino_genai_cffi.__file__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, (result.stderr + "\n(run scripts/setup.sh: it reinstalls the project "
                                    "when pyproject.toml changed)")
    assert Path(result.stdout.strip()).is_relative_to(REPO / "python")  # editable: the committed files


def test_setup_reinstalls_a_venv_whose_packages_do_not_import_from_the_checkout(tmp_path: Path) -> None:
    """A venv made before the packages moved (or for another checkout) has an up-to-date stamp
    (pyproject.toml unchanged) but cannot import the packages from this tree: setup.sh reinstalls."""
    import hashlib
    import shutil
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", checkout / "scripts" / "setup.sh")
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    venv_bin = checkout / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    log = tmp_path / "pip.log"
    # The venv's python: this test's interpreter (its packages import from REPO, not from the copy), except
    # that pip is only logged, never run.
    (venv_bin / "python").write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> {log}; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n')
    (venv_bin / "python").chmod(0o755)
    stamp = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    (checkout / ".venv" / ".genai-interop-installed").write_text(stamp + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHON"] = sys.executable
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installing the project" in result.stdout
    assert "install -q -e .[test]" in log.read_text()


def test_a_non_editable_install_generates_the_committed_code(tmp_path: Path) -> None:
    """`pip install .` (not -e) into a fresh venv: the installed generator finds its templates, library data
    and snapshots as package data (bindgen/resources.py) and renders every committed target byte for byte.
    Offline and quick: the wheel is built from a copy of the checkout's files without build isolation (the
    venv has the build backend), installed without dependencies, which the fresh venv reaches through a
    .pth line naming this venv's site-packages (a plain path: its editable-install hook is not run)."""
    import shutil
    import sysconfig

    sys.path.insert(0, str(REPO))
    from bindgen import targets

    # The files a checkout holds (tracked, or untracked and not ignored): no stale build/ or egg-info.
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode().split("\0")
    source = tmp_path / "source"
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, source / rel)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_NO_INPUT"] = "1"

    def run(args: list[str], cwd: Path) -> str:
        result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(wheels), str(source)], tmp_path)
    (wheel,) = wheels.glob("genai_interop-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
         str(wheel)], tmp_path)
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path)
                .strip())
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "work"
    work.mkdir()
    installed = Path(run([str(python), "-c", "import bindgen.snapshot as s; print(s.SNAPSHOT_DIR)"], work).strip())
    assert installed.is_relative_to(site), installed  # the installed copy, not the checkout

    for target in targets.load():
        out = work / target.out
        source = ["--docs", target.docs] if target.docs else ["--library", target.library, str(installed / target.snapshot)]
        run([str(python), "-m", "bindgen", "generate", "--lang", target.lang, "-o", str(out), *source], work)
        rendered = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert rendered == {rel: text.encode("utf-8") for rel, text in targets.render(target).items()}
        committed = REPO / target.out
        for rel, data in rendered.items():
            assert (committed / rel).read_bytes() == data, f"{target.out}/{rel}"
    # Parsing uses the installed headers given to libclang (clang_include/: stdint.h etc.): the same model.
    acme = REPO / "tests" / "fixtures" / "acme"
    parse = ["-m", "bindgen", "parse", str(acme), "--library", str(acme / "acme.toml"), "--api-version", "1.0"]
    parsed = run([str(python), *parse], work)
    assert '"functions"' in parsed and parsed == run([sys.executable, *parse], work)
    # `regenerate` and `check` belong to a checkout: an installed bindgen says so instead of writing beside itself.
    result = subprocess.run([str(python), "-m", "bindgen", "check"], cwd=work, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "work in a source checkout" in result.stderr, result.stderr
