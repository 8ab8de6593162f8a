"""Run one notebook top to bottom as `make test` does (ctest "notebook: NAME").

Fails when the stored notebook carries outputs (they are stored clean), when a
cell raises, or when the last code cell does not draw a plot. The kernel is
this interpreter (/usr/bin/python3 under ctest), through a kernelspec made
for the run, so no other Python on the machine is picked up. The notebook
runs in its own folder, as it does when a person opens it in Jupyter.

    run_notebook.py NOTEBOOK [PNG]   (PNG: save the final plot there)
"""

import base64
import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

KERNEL = "eksim-python3"


def main() -> int:
    path = os.path.abspath(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    stored = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    if stored:
        print(f"{path}: cells {stored} were stored with outputs; clear them before committing")
        return 1
    with tempfile.TemporaryDirectory() as jupyter:
        spec = os.path.join(jupyter, "kernels", KERNEL)
        os.makedirs(spec)
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            argv = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            json.dump({"argv": argv, "display_name": "eksim test", "language": "python"}, f)
        os.environ["JUPYTER_PATH"] = jupyter
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend draws with Agg into the outputs
        client = NotebookClient(
            nb, timeout=300, kernel_name=KERNEL, resources={"metadata": {"path": os.path.dirname(path)}}
        )
        client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or not any("image/png" in o.get("data", {}) for o in code[-1].outputs):
        print(f"{path}: the last code cell drew no plot")
        return 1
    if len(sys.argv) > 2:  # where to save the last plot, to look at it
        png = next(o["data"]["image/png"] for o in code[-1].outputs if "image/png" in o.get("data", {}))
        with open(sys.argv[2], "wb") as f:
            f.write(base64.b64decode(png))
    print(f"{path}: {len(code)} code cells ran, ending in a plot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
