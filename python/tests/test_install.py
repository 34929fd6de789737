# SPDX-License-Identifier: Apache-2.0
"""`python3 -m pip install --no-build-isolation ./python` installs the package offline into a
venv made with --system-site-packages, self-contained: the extension, the runtime and the
built-in plugins inside the package. python/setup.py builds from the CMake preset this build was
made with (SPARK_CPP_PRESET), so the test reuses it instead of compiling a release build."""

import os
import subprocess
import sys
import venv

import pytest

from conftest import EI_NETWORK, ROOT


@pytest.mark.skipif(not os.environ.get("SPARK_CPP_PRESET"), reason="CTest sets the preset")
def test_pip_installs_a_self_contained_package_into_a_venv(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    python = str(env_dir / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                    "--quiet", str(ROOT / "python")], check=True, env=env, cwd=tmp_path)
    check = (
        "import spark_cpp, numpy\n"
        f"b = spark_cpp.Brain({str(EI_NETWORK)!r}, seed=1)\n"
        "r = b.run(50, inputs={'drive': 0.5}, record=['activity'])\n"
        "print(spark_cpp.__file__)\n"
        "print(spark_cpp.default_registry().search_path[-1])\n"
        "print(r['activity'].shape)\n")
    out = subprocess.run([python, "-c", check], check=True, env=env, cwd=tmp_path,
                         capture_output=True, text=True).stdout.split("\n")
    site = str(env_dir / "lib")
    assert out[0].startswith(site)  # the venv's copy, not the build tree
    assert out[1].startswith(site) and out[1].endswith("spark_cpp/lib/spark/plugins")
    assert out[2] == "(50, 2)"
    assert sys.version_info >= (3, 9)
