"""Installs the awsc package and, beside it, the service models whose
documentation it reads for docstrings (service-2.json: the C library
describes everything else: types, errors, waiters, resources) copied from
the tree's models/ directory, so that an installed awsc needs no checkout. The
library itself (libawsc.so) is found at run time: $AWSC_LIBRARY,
pkg-config, ldconfig (docs/python.md)."""
import glob
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
# the tree's models/, or AWSC_MODELS_SRC when building from a copy
MODELS = os.environ.get("AWSC_MODELS_SRC") or \
    os.path.normpath(os.path.join(HERE, "..", "..", "models"))
WANTED = ("service-2.json",)


class BuildWithModels(build_py):
    def run(self):
        build_py.run(self)
        if not os.path.isdir(MODELS):
            return
        dest = os.path.join(self.build_lib, "awsc", "models")
        for name in WANTED:
            for src in glob.glob(os.path.join(MODELS, "*", "*", name)):
                rel = os.path.relpath(src, MODELS)
                out = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                shutil.copyfile(src, out)
        for extra in ("LICENSE.txt", "NOTICE", "RESOURCES-NOTICE"):
            if os.path.exists(os.path.join(MODELS, extra)):
                shutil.copyfile(os.path.join(MODELS, extra), os.path.join(dest, extra))


setup(cmdclass={"build_py": BuildWithModels})
