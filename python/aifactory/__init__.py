"""aifactory from Python: the command line's verbs as functions returning dicts.

    import aifactory
    p = aifactory.plan(power="10GW", system="gb200-nvl72")
    p["packages"]                                    # 4132224

Each verb takes the command line's options as keyword arguments, dashes written as
underscores (``it_power="8GW"`` is ``--it-power 8GW``); ``True`` gives a flag, ``False`` or
``None`` leaves the option out, and a list or tuple repeats it (``set=["a=1", "b=2"]``).
Positional arguments (a scenario, a trace, a run folder) come first. The result is the
verb's ``--json`` object as a dict with the same keys; when the verb wrote an output
folder, ``files`` lists the paths in it. A verb that fails raises AifactoryError with the
command line's message and exit status.

The verbs run in libaifactory (aif_cli_invoke, include/aifactory/invoke.h) through ctypes;
nothing beyond the standard library is needed. The library is found from, in order: the
AIFACTORY_LIBRARY environment variable (a path to libaifactory.so), the location
`cmake --install` recorded next to this file, and the dynamic loader's search path.
"""

import ctypes
import ctypes.util
import json
import os

__all__ = ["AifactoryError", "invoke", "plan", "perf", "serve", "replay", "run", "report",
           "compare", "validate", "catalog", "models", "init", "version", "library_path"]


class AifactoryError(Exception):
    """A verb failed. `message` is the command line's one-line reason, e.g. "aifactory plan:
    --power '10GQ': expected a power unit ...", `stderr` all it printed there, `exit_status`
    its exit status (1 runtime failure, 2 usage or input error) and `argv` the command line
    it ran (without the program name)."""

    def __init__(self, stderr, exit_status, argv):
        lines = [line for line in stderr.splitlines() if line.strip()]
        message = lines[0] if lines else "aifactory %s: exit status %d" % (argv[0], exit_status)
        super().__init__(message)
        self.message = message
        self.stderr = stderr
        self.exit_status = exit_status
        self.argv = argv


def _candidates():
    env = os.environ.get("AIFACTORY_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _installed  # written by `cmake --install`
        yield os.path.normpath(os.path.join(os.path.dirname(__file__), _installed.LIBRARY))
    except ImportError:
        pass
    found = ctypes.util.find_library("aifactory")
    yield found if found else "libaifactory.so"


def _load():
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path, use_errno=True)
        except OSError as e:
            errors.append(str(e))
            continue
        lib.aif_cli_invoke.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
                                       ctypes.POINTER(ctypes.c_void_p),
                                       ctypes.POINTER(ctypes.c_void_p)]
        lib.aif_cli_invoke.restype = ctypes.c_int
        lib.aif_cli_free.argtypes = [ctypes.c_void_p]
        lib.aif_cli_free.restype = None
        for name in ("aif_version", "aif_version_commit"):
            getattr(lib, name).argtypes = []
            getattr(lib, name).restype = ctypes.c_char_p
        return lib, path
    raise ImportError("aifactory: cannot load libaifactory (set AIFACTORY_LIBRARY to its "
                      "path): " + "; ".join(errors))


_lib, _path = _load()


def library_path():
    """The path of the libaifactory this package loaded."""
    return _path


def version():
    """The library's version and build commit, e.g. ("0.1.0", "c6876e4")."""
    return _lib.aif_version().decode(), _lib.aif_version_commit().decode()


def _take(ptr):
    if not ptr.value:
        return ""
    text = ctypes.string_at(ptr.value).decode("utf-8", errors="replace")
    _lib.aif_cli_free(ptr)
    return text


def _argv(verb, positional, options):
    args = [verb] + [os.fspath(p) for p in positional]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                args += [flag, os.fspath(item) if isinstance(item, os.PathLike) else str(item)]
        else:
            args += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return args


def invoke(verb, *positional, **options):
    """Run `aifactory VERB [POSITIONAL...] [--OPTION VALUE...]` and return (exit status,
    stdout, stderr) without interpreting them."""
    args = _argv(verb, positional, options)
    encoded = [a.encode() for a in args]
    argv = (ctypes.c_char_p * len(encoded))(*encoded)
    out, err = ctypes.c_void_p(), ctypes.c_void_p()
    rc = _lib.aif_cli_invoke(len(encoded), argv, ctypes.byref(out), ctypes.byref(err))
    if rc < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "aifactory: cannot run '%s': %s" % (verb, os.strerror(errno)))
    return rc, _take(out), _take(err)


def _json_verb(verb, positional, options, ok_codes=(0,)):
    options = dict(options)
    options["json"] = True
    rc, out, err = invoke(verb, *positional, **options)
    if rc not in ok_codes or (rc != 0 and not out.strip()):
        raise AifactoryError(err, rc, _argv(verb, positional, options))
    result = json.loads(out)
    # The paths of the files the verb wrote: the folder its JSON names, or --out.
    folder = result.get("out_dir") if isinstance(result, dict) else None
    folder = folder or options.get("out") or options.get("output")
    if folder and isinstance(result, dict) and os.path.isdir(folder):
        result["files"] = sorted(os.path.abspath(os.path.join(folder, name))
                                 for name in os.listdir(folder))
    return result


def plan(**options):
    """`aifactory plan`: what a power buys, e.g. plan(power="10GW", system="gb200-nvl72")."""
    return _json_verb("plan", (), options)


def perf(**options):
    """`aifactory perf`: e.g. perf(model="llama2-70b", system="h100", gpus=8,
    workload="offline")."""
    return _json_verb("perf", (), options)


def serve(**options):
    """`aifactory serve`: e.g. serve(model="llama2-70b", system="hgx-h100", gpus=8, rate=5,
    requests=500)."""
    return _json_verb("serve", (), options)


def replay(trace, **options):
    """`aifactory replay TRACE`: e.g. replay("trace.csv", gpus=64, policy="sjf")."""
    return _json_verb("replay", (trace,), options)


def run(scenario=None, **options):
    """`aifactory run [SCENARIO]`: e.g. run(set=["simulation.end=2026-01-01"], out="r1")."""
    return _json_verb("run", () if scenario is None else (scenario,), options)


def report(run_dir, **options):
    """`aifactory report DIR`: regenerate a run's report.html."""
    return _json_verb("report", (run_dir,), options)


def compare(a, b, **options):
    """`aifactory compare A B`: two run folders or scenario files, e.g.
    compare("base", "no-rofr")["outputs"]."""
    return _json_verb("compare", (a, b), options)


def sweep(file, **options):
    """`aifactory sweep FILE`: many runs of one scenario, e.g.
    sweep("grid.yaml", jobs=2, out="grid")["outputs"]["capex_usd"]["p50"]; resume=True
    runs only the runs missing from `out` (or db="postgresql://..."). A sweep some of whose
    runs failed (the CLI's exit 1, after every run was stored and the report written) still
    returns its dict, with "failed" > 0 and each failed run's "error"; a bad sweep file, a
    store that cannot be written or a database that cannot be reached raise AifactoryError.
    "files" lists the folder's sweep.sqlite and report.html."""
    return _json_verb("sweep", (file,), options, ok_codes=(0, 1))


def validate(scenario=None, **options):
    """`aifactory validate [SCENARIO]`; a scenario with errors raises AifactoryError."""
    return _json_verb("validate", () if scenario is None else (scenario,), options)


def catalog(*what, **options):
    """`aifactory catalog list` or `catalog("show", ID)`."""
    return _json_verb("catalog", what or ("list",), options)


def models(*what, **options):
    """`aifactory models list` or `models("show", ID)`."""
    return _json_verb("models", what or ("list",), options)


def init(file, **options):
    """`aifactory init FILE`: write a scenario to start from, e.g. init("my.yaml",
    template="single-site")."""
    return _json_verb("init", (file,), options)
