"""A run killed at any point and run again ends with the same tables, CSVs and figures, byte for byte, as a
run that was never interrupted. Real `advnb-reproduce` processes of the smallest run (`RunConfig.tiny()`) are
killed with SIGKILL (no clean-up) at named points, which the test installs in the process it kills
(`faults.py`): in the middle of writing a cache file, then (resumed) between two cells, then (resumed again)
in the middle of the purifier study."""
import dataclasses, filecmp, json, signal
from pathlib import Path
import pytest
from faults import install

def _reproduce(argv, fault):
    from advnb.experiments import reproduce_cli
    install(fault)
    reproduce_cli(argv)

@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    "A config file of the smallest run"
    from advnb.experiments import RunConfig
    p = tmp_path_factory.mktemp('cfg')/'tiny.json'
    p.write_text(json.dumps(dataclasses.asdict(RunConfig.tiny())))
    return p

def _run(forked, out, tiny, fault=None):
    "One `advnb-reproduce` process on `out` (killed at `fault` if given): its exit status and its output"
    return forked(_reproduce, ['--out', str(out), '--config', str(tiny)], fault, timeout=900)

@pytest.fixture(scope='module')
def reference(tmp_path_factory, forked, tiny):
    out = tmp_path_factory.mktemp('ref')/'run'
    rc, log = _run(forked, out, tiny)
    assert rc == 0, log[-3000:]
    return out

KILLS = ['cache-write:3', 'cell:1', 'study:1']   # in the order a run reaches them: each resumed run is killed at the next

def test_killed_run_resumes_exactly(reference, tmp_path, forked, tiny):
    from advnb.experiments import result_files
    out = tmp_path/'run'
    for fault in KILLS:
        rc, log = _run(forked, out, tiny, fault)
        assert rc == -signal.SIGKILL, f"the run was not killed at {fault}: {rc}\n{log[-2000:]}"
        if fault.startswith('cache-write'): assert list(out.rglob('.*.tmp')), "the kill left no half-written temporary file"
    rc, log = _run(forked, out, tiny)
    assert rc == 0, log[-3000:]
    want, got = result_files(reference), result_files(out)
    assert got == want, f"different files: {sorted(set(want) ^ set(got))}"
    differ = [f for f in want if not filecmp.cmp(reference/f, out/f, shallow=False)]
    assert not differ, f"after kills at {', '.join(KILLS)} these files differ from the uninterrupted run: {differ}"
    rows = json.loads((out/'results.json').read_text())['rows']
    assert sorted(rows) == sorted(json.loads((reference/'results.json').read_text())['rows'])   # no duplicated or missing rows
