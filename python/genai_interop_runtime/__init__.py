"""Run-time support of the cffi packages genai-interop generates (openvino_genai_cffi,
openvino_cffi): one hand-written, typed copy of everything that does not vary by API.

A generated package holds only what does: its C declarations, enums, structs, classes and
tables (a `library.Library` description: names, callback specs, version probes). It imports
the modules here; nothing here imports a generated package.

Modules, each importing only those listed before it:

- `errors`    exception base classes (a package's own classes derive from them)
- `versions`  which library version is loaded and what each function needs
- `library`   the description a generated package gives (`Library`, `CallbackSpec`, ...)
- `native`    `Native`: one loaded copy of a library
- `images`    image tensors (OpenVINO's) checked before a call that would crash on an empty one
- `shutdown`  interpreter exit: stop running calls that take callbacks and wait for them
- `handles`   `Handle` (the one base of every generated class owning a native object), `Keep`, `Prepared`
- `diagnosis` what went wrong when a call fails with a status that carries no text (model path,
              device, helper library, busy object); properties refused before the call
- `convert`   argument and result conversion
- `structs`   C structs as Python values
- `callbacks` trampolines, `Invocation`, Ctrl-C during native calls, `Stream`
- `loader`    finding and loading the library, ABI and API mode
"""
