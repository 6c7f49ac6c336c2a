"""A run killed at any point and run again ends with the same tables, CSVs and figures, byte for byte, as a
run that was never interrupted. Real `advnb-reproduce` processes of the smallest run (`RunConfig.tiny()`) are
killed with SIGKILL (no clean-up) at named points, which the test installs in the process it kills
(`faults.py`): in the middle of writing a cache file, then (resumed) between two cells, then (resumed again)
in the middle of the purifier study."""
import filecmp, json, signal
import pytest
from conftest import run_tiny

KILLS = ['cache-write:3', 'cell:1', 'study:1']   # in the order a run reaches them: each resumed run is killed at the next

def test_killed_run_resumes_exactly(reference, tmp_path, forked, tiny):
    from advnb.experiments import result_files
    out = tmp_path/'run'
    for fault in KILLS:
        rc, log = run_tiny(forked, out, tiny, fault)
        assert rc == -signal.SIGKILL, f"the run was not killed at {fault}: {rc}\n{log[-2000:]}"
        if fault.startswith('cache-write'): assert list(out.rglob('.*.tmp')), "the kill left no half-written temporary file"
    rc, log = run_tiny(forked, out, tiny)
    assert rc == 0, log[-3000:]
    want, got = result_files(reference), result_files(out)
    assert got == want, f"different files: {sorted(set(want) ^ set(got))}"
    differ = [f for f in want if not filecmp.cmp(reference/f, out/f, shallow=False)]
    assert not differ, f"after kills at {', '.join(KILLS)} these files differ from the uninterrupted run: {differ}"
    rows = json.loads((out/'results.json').read_text())['rows']
    assert sorted(rows) == sorted(json.loads((reference/'results.json').read_text())['rows'])   # no duplicated or missing rows
