# SPDX-License-Identifier: Apache-2.0
"""Builds spark_cpp with the project's CMake build and packs it as a self-contained wheel.

`python3 -m pip install --no-build-isolation ./python` runs this (offline: the build needs only
Debian's packages, .ci/install-deps lists them). It configures the CMake preset
$SPARK_CPP_PRESET (default "release") in build/<preset> unless that is configured already, builds
it, installs it into a staging folder and copies into the package: the extension _native, the
runtime's libraries (lib/) and the built-in plugins (lib/spark/plugins), where the runtime looks
for them beside its own library. So the installed package needs no build tree and no install of
Spark C++, only the Debian libraries the runtime links (oneTBB, spdlog, Boost.JSON, ...).
"""

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent.parent


def cmake(*args: str) -> None:
    print("setup.py: cmake " + " ".join(args), flush=True)
    subprocess.run(["cmake", *args], cwd=ROOT, check=True)


class CMakeBuild(build_ext):
    """Builds with CMake instead of compiling the Extension's (empty) source list."""

    def build_extension(self, ext: Extension) -> None:
        preset = os.environ.get("SPARK_CPP_PRESET", "release")
        build_dir = ROOT / "build" / preset
        if not (build_dir / "CMakeCache.txt").exists():
            cmake("--preset", preset, f"-DPython3_EXECUTABLE={sys.executable}")
        jobs = os.environ.get("JOBS", str(os.cpu_count() or 2))
        cmake("--build", "--preset", preset, "-j", jobs)
        stage = Path(self.build_temp).resolve() / "stage"
        shutil.rmtree(stage, ignore_errors=True)
        cmake("--install", str(build_dir), "--prefix", str(stage))
        cmake("--install", str(build_dir), "--prefix", str(stage), "--component", "python")

        package = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        lib = package / "lib"
        shutil.rmtree(lib, ignore_errors=True)
        (lib / "spark").mkdir(parents=True)
        built = glob.glob(str(stage / "python" / "spark_cpp" / "_native*.so"))
        if len(built) != 1:
            sys.exit(f"setup.py: expected one extension in {stage}/python/spark_cpp, found {built}")
        shutil.copy2(built[0], self.get_ext_fullpath(ext.name))
        libdir = next(stage / d for d in ("lib", "lib64") if (stage / d / "spark").is_dir())
        # The runtime's libraries under their SONAMEs (what the loader looks for); wheels hold
        # no symbolic links, so each is a copy of the file its name resolves to.
        for library in ("libspark_runtime", "libspark_registry"):
            soname = sorted(libdir.glob(f"{library}.so.*"), key=lambda p: len(p.name))[0]
            shutil.copy2(soname.resolve(), lib / soname.name)
        shutil.copytree(libdir / "spark" / "plugins", lib / "spark" / "plugins")


setup(
    packages=["spark_cpp"],
    ext_modules=[Extension("spark_cpp._native", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
