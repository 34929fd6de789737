#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tests for .ci/check-citations (standard library only; run by CTest as ci_check_citations).

Each test writes a tiny git repository into a temporary folder (files added to the index, no
commit needed), runs the checker on it with --root and compares the problems it reports, as
(file:line, what is cited), with the exact list expected. The fake repository mimics ours: a
docs/file-format.md and a docs/models.md with numbered headings, an SDK include root, a frozen
folder, and files of every kind the checker reads (C++, Python, CMake, shell, Markdown).

Run: python3 tests/ci/test_check_citations.py
"""
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".ci",
                       "check-citations")

# The documents the citations point at: numbered headings, a numbered list under a heading without
# numbered subsections (cited as "core §10.N"), and an ADR.
DOCS = {
    "docs/file-format.md": """\
        # Brain files
        Cited as "core §N".

        ## 1. Configs
        ### 1.5 Delimiters
        #### 1.5.1 Folding
        ## 7. The Brain
        ### 7.4 One step
        ## 10. Upstream quirks
        1. Config equality.
        2. The type validator.
        """,
    "docs/models.md": """\
        # Models
        Cited as "models §N". The format is in [file-format.md](file-format.md).

        ## 4. Somas
        ### 4.1 Leaky
        ### 4.2 Refractory
        ## 12. Quirks
        ### 12.4 Delay equal to the ring size
        """,
    "docs/adr/0001-c-abi-shape.md": "# ADR 0001\n",
    "sdk/include/spark/sdk/plugin.hpp": "#pragma once\n",
    "tests/plugins/reference/golden_neurons.py": '"""Numbers of docs/models.md section 4.1."""\n',
    "examples/brains/ei_network.scfg": "{}\n",
    "plugins/neurons/CMakeLists.txt":
        "target_include_directories(n PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})\n",
    "plugins/neurons/neuron/population.hpp": "#pragma once\n",
}


def load_checker():
    loader = importlib.machinery.SourceFileLoader("check_citations", CHECKER)
    spec = importlib.util.spec_from_loader("check_citations", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module

# The names of the outside material the checker must refuse, spelled in pieces so that this file
# itself cites none of it (the repository stands alone, and is searched for these names).
WORK = "../" + "shared"
CORE = "upstream-" + "core.md"
MODELS = "upstream-" + "models.md"
V1 = "upstream-" + "1.0.md"
GOLDEN = "golden_" + "models.py"
DESIGN = "DES" + "IGN.md"
STYLE = "STY" + "LE.md"


class FakeRepository:
    def __init__(self, files):
        self.tmp = tempfile.TemporaryDirectory(prefix="check-citations-")
        self.root = self.tmp.name
        subprocess.run(["git", "init", "-q", self.root], check=True)
        for rel, text in {**DOCS, **files}.items():
            path = os.path.join(self.root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text))
        subprocess.run(["git", "-C", self.root, "add", "-A"], check=True)

    def check(self):
        """(exit status, [(file:line, what is cited)], stdout) of the checker on this repository."""
        run = subprocess.run([sys.executable, CHECKER, "--root", self.root], capture_output=True,
                             text=True)
        found = []
        for line in run.stdout.splitlines():
            m = re.match(r"(\S+?:\d+): (?:'(.*?)'(?=[ :;])|(#include [<\"][^>\"]*[>\"]))", line)
            self_test_fail = f"unexpected output line: {line!r}"
            assert m, self_test_fail
            found.append((m.group(1), m.group(2) or m.group(3)))
        return run.returncode, found, run.stdout

    def close(self):
        self.tmp.cleanup()


class CheckCitations(unittest.TestCase):
    def repo(self, files):
        repo = FakeRepository(files)
        self.addCleanup(repo.close)
        return repo

    def checked(self, files):
        return self.repo(files).check()

    def test_good_citations_pass(self):
        status, found, out = self.checked({
            "src/good.hpp": """\
                // SPDX-License-Identifier: Apache-2.0
                // Delimiters (docs/file-format.md §1.5.1), core §10.2, core §10.1–2, models §4.2,
                // docs/models.md sections 4.1 and 12.4, section 4.2 (the last document named),
                // docs/models.md sections 4.1-4.2, ADR 0001. The population
                // (neuron/population.hpp, plugins/neurons/neuron/), the golden_neurons.py script,
                // the brain examples/brains/ei_network.scfg and docs/adr/.
                // Values, not citations: run.json, build/dev/out.npy, DIR/x.npy, <stdint.h>,
                // https://github.com/Nogarx/Spark/blob/main/README.md, /usr/include/x.h, ~/a.md.
                #include <spark/sdk/plugin.hpp>
                #include <vector>
                #include "neuron/population.hpp"
                const char* value = "docs/not_a_citation.md"; // a string: a value, not read
                auto raw = R"x(a " // core §99, missing.md: inside a raw string)x";
                """,
            "README.md": """\
                See [models](docs/models.md) section 12.4 and section 7.4 of
                [file-format.md](docs/file-format.md) (core §10 item 2);
                `sdk/include/spark/sdk/*.hpp`, installed as `include/spark/sdk/plugin.hpp`.

                ```sh
                spark run examples/brains/ei_network.scfg --out out/ && ls x.npy my_plugin.cpp
                ```
                """,
            "CMakeLists.txt":
                "set(A \"# x.md: a string, not a comment\") # docs/models.md section 4.2\n",
            "tools/run.sh": "#!/bin/sh\necho \"$# x.md\" # see core §7.4\n",
            "tools/gen.py": '''\
                """Writes the brain of docs/models.md section 4.1."""
                TEMPLATE = """a value, not a docstring: docs/template.md"""
                def f():
                    """From core §1.5."""
                    return {"doc": """x.md"""}
                ''',
        })
        self.assertEqual((status, found), (0, []), out)

    def test_frozen_plugins_include_their_frozen_headers(self):
        # A header that only a frozen copy holds (the live ones moved on) resolves for the frozen
        # plugins under tests/abi/, from either copy, and for nobody else.
        status, found, out = self.checked({
            "tests/abi/v1_0/spark/abi/old.h": "#pragma once\n",
            "tests/abi/v1_1/spark/abi/newer.h": "#pragma once\n",
            "tests/abi/frozen_plugin_v1_1/plugin.c": """\
                #include <spark/abi/newer.h>
                #include <spark/abi/old.h>
                #include <spark/abi/gone.h>
                """,
            "src/live.c": "#include <spark/abi/newer.h>\n",
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(found, [
            ("src/live.c:1", "#include <spark/abi/newer.h>"),
            ("tests/abi/frozen_plugin_v1_1/plugin.c:3", "#include <spark/abi/gone.h>"),
        ])

    def test_bad_citations_are_reported_with_their_place(self):
        status, found, out = self.checked({
            "src/bad.hpp": """\
                // SPDX-License-Identifier: Apache-2.0
                // Missing sections: core §10.3, models §4.7, docs/models.md section 5,
                // core §10.1–3, docs/file-format.md §1.5.2.
                // Missing files: docs/missing.md, src/gone.hpp, examples/brains/gone.scfg,
                // plugins/neurons/nothing/, golden_neuron.py. ADR 0099.
                int n = 1'000; // after a digit separator: docs/after.md
                #include <spark/sdk/missing.hpp>
                #include "neuron/missing.hpp"
                """,
            "src/nodoc.cpp": "// RefractoryLeakySoma (section 4.2)\n"
                             "// docs/file-format.md section 10 item 3\n",
            "docs/models.md": textwrap.dedent(DOCS["docs/models.md"]) + "See section 13. And "
                              "section 7.9 of [file-format.md](file-format.md).\n",
            "README.md": "[guide](docs/guide.md)\n\n```sh\nspark run examples/x.scfg\n```\n",
            "tests/ci/check.py": '"""See docs/models.md §12.5."""\nx = "docs/ok-in-a-string.md"\n'
                                 'class A:\n    """Cites models §4.9."""\n',
            "CMakeLists.txt": "# see cmake/missing.cmake\n",
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(found, [
            ("CMakeLists.txt:1", "cmake/missing.cmake"),
            ("README.md:1", "docs/guide.md"),
            ("README.md:4", "examples/x.scfg"),
            ("docs/models.md:9", "section 13"),
            ("docs/models.md:9", "section 7.9 of [file-format.md](file-format.md)"),
            ("src/bad.hpp:2", "core §10.3"),
            ("src/bad.hpp:2", "docs/models.md section 5"),
            ("src/bad.hpp:2", "models §4.7"),
            ("src/bad.hpp:3", "core §10.1–3"),
            ("src/bad.hpp:3", "docs/file-format.md §1.5.2"),
            ("src/bad.hpp:4", "docs/missing.md"),
            ("src/bad.hpp:4", "examples/brains/gone.scfg"),
            ("src/bad.hpp:4", "src/gone.hpp"),
            ("src/bad.hpp:5", "ADR 0099"),
            ("src/bad.hpp:5", "golden_neuron.py"),
            ("src/bad.hpp:5", "plugins/neurons/nothing/"),
            ("src/bad.hpp:6", "docs/after.md"),
            ("src/bad.hpp:7", "#include <spark/sdk/missing.hpp>"),
            ("src/bad.hpp:8", "#include \"neuron/missing.hpp\""),
            ("src/nodoc.cpp:1", "section 4.2"),
            ("src/nodoc.cpp:2", "docs/file-format.md section 10 item 3"),
            ("tests/ci/check.py:1", "docs/models.md §12.5"),
            ("tests/ci/check.py:4", "models §4.9"),
        ])
        self.assertIn("src/bad.hpp:2: 'core §10.3': docs/file-format.md has no section 10.3", out)
        self.assertIn("'golden_neuron.py': no file of that name in the repository; did you mean "
                      "tests/plugins/reference/golden_neurons.py?", out)
        self.assertIn("src/nodoc.cpp:1: 'section 4.2' does not say which document it cites", out)
        # a bare section in a page with numbered headings is the page's own
        self.assertIn("docs/models.md:9: 'section 13': docs/models.md has no section 13", out)

    def test_outside_material_is_always_an_error(self):
        status, found, out = self.checked({
            "src/outside.cpp": f"""\
                // SPDX-License-Identifier: Apache-2.0
                // From {WORK}/spec/{CORE}, spec core §5.2 and the spec §3.
                // Numbers: {GOLDEN} (Spec section 13.2), upstream's golden script.
                // Conventions: {DESIGN}, {STYLE}, {MODELS}, {V1}.
                const char* s = "{WORK}/x"; // the working folder, even in a string
                // Not outside material: the port spec's shape, brain/output_map/a/spec/shape.
                """,
            # the frozen copies are never read, whatever they cite
            "tests/abi/v1_0/spark/abi/entry.h": f"// see {WORK}/{DESIGN} and core §99\n",
            "tests/abi/v1_1/spark/abi/properties.h": f"// see {WORK}/{DESIGN} and core §99\n",
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(found, [
            ("src/outside.cpp:2", WORK),
            ("src/outside.cpp:2", "spec core §5.2"),
            ("src/outside.cpp:2", "spec §3"),
            ("src/outside.cpp:2", "spec/" + CORE),
            ("src/outside.cpp:2", CORE),
            ("src/outside.cpp:3", "Spec section 13.2"),
            ("src/outside.cpp:3", GOLDEN),
            ("src/outside.cpp:3", "upstream's golden script"),
            ("src/outside.cpp:4", DESIGN),
            ("src/outside.cpp:4", STYLE),
            ("src/outside.cpp:4", V1),
            ("src/outside.cpp:4", MODELS),
            ("src/outside.cpp:5", WORK),
        ])
        self.assertIn("'spec core §5.2' cites a section of the outside spec; cite it as "
                      "\"docs/file-format.md §5.2\"", out)

    def test_a_fixed_citation_passes(self):
        broken = self.repo({"src/a.cpp": "// docs/models.md section 4.3\n"})
        self.assertEqual(broken.check()[:2], (1, [("src/a.cpp:1", "docs/models.md section 4.3")]))
        fixed = self.repo({"src/a.cpp": "// docs/models.md section 4.2\n"})
        self.assertEqual(fixed.check()[:2], (0, []))

    def test_usage_errors_exit_2(self):
        with tempfile.TemporaryDirectory() as not_a_repository:
            run = subprocess.run([sys.executable, CHECKER, "--root", not_a_repository],
                                 capture_output=True, text=True)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("is not inside a git repository", run.stderr)
        run = subprocess.run([sys.executable, CHECKER, "--no-such-option"], capture_output=True,
                             text=True)
        self.assertEqual(run.returncode, 2, run.stderr)
        run = subprocess.run([sys.executable, CHECKER, "--help"], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("Exit status: 0 when every citation resolves", run.stdout)

    def test_a_stale_allow_list_entry_is_reported(self):
        checker = load_checker()
        repo = self.repo({"README.md": "Nothing cited here.\n"})
        checker.ALLOWED_PATHS = [("README.md", "gone.md", "an example of an entry nothing uses")]
        problems = checker.Checker(checker.Repository(repo.root), check_allow_list=True).run()
        self.assertEqual([str(p) for p in problems], [
            ".ci/check-citations: allow-list entry ('README.md', 'gone.md') matches no citation "
            "any more; remove it from ALLOWED_PATHS (an example of an entry nothing uses)"])


if __name__ == "__main__":
    unittest.main()
