"""The Python package (python/aifactory) against the command line it wraps: each verb's dict
is the CLI's --json object, options map to flags, failures raise AifactoryError with the
CLI's message, and written files are listed. Run by CTest (python.aifactory) with
AIFACTORY_LIBRARY set to the build's libaifactory.so and AIFACTORY_BIN to its binary; a
sanitized build also preloads the sanitizer runtime (tests/CMakeLists.txt)."""

import json
import os
import subprocess
import tempfile
import unittest

SKIP = os.environ.get("AIFACTORY_TEST_SKIP")
if not SKIP:
    import aifactory

BIN = os.environ.get("AIFACTORY_BIN", "aifactory")
HERE = os.path.dirname(os.path.abspath(__file__))
TRACE = os.path.join(HERE, "..", "data", "tiresias_60_job.csv")


def cli_json(*args, cwd=None):
    """The binary's own --json answer, in a child without the preloaded runtime."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    out = subprocess.run([BIN, *args, "--json"], check=True, capture_output=True, text=True,
                         env=env, cwd=cwd).stdout
    return json.loads(out)


@unittest.skipIf(SKIP, SKIP or "")
class VerbsTest(unittest.TestCase):
    def test_plan_is_the_cli_json(self):
        got = aifactory.plan(power="10GW", system="gb200-nvl72")
        self.assertEqual(got, cli_json("plan", "--power", "10GW", "--system", "gb200-nvl72"))
        self.assertEqual(got["packages"], 4132224)

    def test_underscores_lists_and_flags(self):
        got = aifactory.plan(it_power="800 MW", mix="gb200-nvl72:0.5,gb300-nvl72:0.5",
                             system_price=["gb200-nvl72:$3M", "gb300-nvl72:$4M"],
                             load_factor=0.8, quiet=True, pue=None)
        want = cli_json("plan", "--it-power", "800 MW", "--mix",
                        "gb200-nvl72:0.5,gb300-nvl72:0.5", "--system-price", "gb200-nvl72:$3M",
                        "--system-price", "gb300-nvl72:$4M", "--load-factor", "0.8", "--quiet")
        self.assertEqual(got, want)

    def test_perf(self):
        args = dict(model="llama2-70b", system="h100", gpus=8, workload="offline")
        want = cli_json("perf", *[x for k, v in args.items() for x in ("--" + k, str(v))])
        self.assertEqual(aifactory.perf(**args), want)

    def test_serve(self):
        args = dict(model="llama2-70b", system="h100", gpus=8, tp=8, rate=4, requests=50)
        want = cli_json("serve", *[x for k, v in args.items() for x in ("--" + k, str(v))])
        self.assertEqual(aifactory.serve(**args), want)

    def test_error_carries_the_cli_message(self):
        with self.assertRaises(aifactory.AifactoryError) as caught:
            aifactory.plan(power="10GQ", system="gb200-nvl72")
        e = caught.exception
        self.assertEqual(e.exit_status, 2)
        self.assertTrue(str(e).startswith("aifactory plan: --power '10GQ': expected a power "
                                          "unit"), str(e))
        self.assertIn("Try 'aifactory plan --help'.", e.stderr)
        with self.assertRaises(aifactory.AifactoryError) as caught:
            aifactory.plan(power="10GW", bogus_option=1)
        self.assertEqual(str(caught.exception),
                         "aifactory plan: unknown option '--bogus-option'")

    def test_replay_lists_the_files_it_wrote(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "replay")
            got = aifactory.replay(TRACE, gpus=64, policy="sjf", out=out)
            files = got.pop("files")
            self.assertEqual(got, cli_json("replay", TRACE, "--gpus", "64", "--policy", "sjf"))
            self.assertIn(os.path.join(out, "jobs.csv"), files)
            self.assertTrue(all(os.path.isfile(f) for f in files))

    def test_run_deterministic(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = ["--set", "simulation.end=2025-10-01", "--no-report", "--deterministic"]
            want = cli_json("run", *args, "-o", "cli", cwd=tmp)
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                got = aifactory.run(set=["simulation.end=2025-10-01"], no_report=True,
                                    deterministic=True, out="py")
            finally:
                os.chdir(cwd)
            self.assertIn(os.path.join(tmp, "py", "summary.json"), got.pop("files"))
            self.assertEqual(got.pop("out_dir"), "py")
            self.assertEqual(want.pop("out_dir"), "cli")
            self.assertEqual(got, want)

    def test_compare_is_the_cli_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            end = ["--set", "simulation.end=2025-10-01", "--no-report", "--quiet"]
            env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
            for name in ("a", "b"):
                subprocess.run([BIN, "run", *end, "--seed", "7" if name == "b" else "1", "-o",
                                os.path.join(tmp, name)], check=True, env=env)
            a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
            got = aifactory.compare(a, b)
            self.assertEqual(got, cli_json("compare", a, b))
            self.assertEqual((got["a"]["seed"], got["b"]["seed"]), (1, 7))
            same = aifactory.compare(a, a)
            self.assertTrue(all(o["diff"] in (0, None) for o in same["outputs"]))

    def test_sweep_is_the_cli_json(self):
        grid = os.path.join(HERE, "..", "data", "sweeps", "grid.yaml")
        with tempfile.TemporaryDirectory() as tmp:
            got = aifactory.sweep(grid, out=os.path.join(tmp, "py"), jobs=2)
            want = cli_json("sweep", grid, "-o", os.path.join(tmp, "cli"))
            self.assertEqual(got["out_dir"], os.path.join(tmp, "py"))
            for key in ("sweep", "runs", "failed", "outputs"):
                self.assertEqual(got[key], want[key])
            self.assertEqual([os.path.basename(f) for f in got["files"]],
                             ["report.html", "sweep.sqlite"])
            self.assertEqual(got["outputs"]["power_usd"]["spearman"]["economics.power_price"],
                             want["outputs"]["power_usd"]["spearman"]["economics.power_price"])
            # Resumed: nothing left to run, the same analysis.
            again = aifactory.sweep(grid, out=os.path.join(tmp, "py"), resume=True)
            self.assertEqual(again["runs"], got["runs"])
            # A failed run is an outcome, not an exception; a bad file is one.
            bad = os.path.join(tmp, "failing.yaml")
            with open(bad, "w") as f:
                f.write("aifactory: 1\nsweep:\n  scenario: %s\n"
                        "  set: {simulation.end: 2026-03-01}\n  parameters:\n"
                        "    sites.0.phases.0.system: {values: [gb200-nvl72, no-such-system]}\n"
                        % os.path.join(HERE, "..", "data", "scenarios", "sweep-small.yaml"))
            failed = aifactory.sweep(bad, out=os.path.join(tmp, "failing"))
            self.assertEqual(failed["failed"], 1)
            self.assertIn("unknown system 'no-such-system'", failed["runs"][1]["error"])
            with self.assertRaises(aifactory.AifactoryError) as e:
                aifactory.sweep(os.path.join(tmp, "absent.yaml"))
            self.assertEqual(e.exception.exit_status, 2)

    def test_catalog_models_init(self):
        self.assertEqual(aifactory.catalog("show", "gb200-nvl72"),
                         cli_json("catalog", "show", "gb200-nvl72"))
        self.assertEqual(aifactory.models(), cli_json("models", "list"))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "site.yaml")
            got = aifactory.init(path, template="single-site")
            self.assertEqual(got, {"file": path, "template": "single-site"})
            checked = aifactory.validate(path)
            self.assertEqual((checked["ok"], checked["errors"]), (True, []))

    def test_version(self):
        version, commit = aifactory.version()
        line = subprocess.run([BIN, "--version"], check=True, capture_output=True,
                              text=True).stdout.strip()
        self.assertEqual(line, "aifactory %s (commit %s)" % (version, commit))

    def test_invoke_gives_status_and_both_streams(self):
        rc, out, err = aifactory.invoke("validate", "/nonexistent/scenario.yaml")
        self.assertNotEqual(rc, 0)
        self.assertEqual(out, "")
        self.assertIn("/nonexistent/scenario.yaml", err)
        rc, out, err = aifactory.invoke("plan", help=True)
        self.assertEqual((rc, err), (0, ""))
        self.assertTrue(out.startswith("Usage: aifactory plan"))


if __name__ == "__main__":
    unittest.main()
