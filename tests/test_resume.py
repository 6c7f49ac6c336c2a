"""A run killed at any point and run again ends with the same tables, CSVs and figures, byte for byte, as a
run that was never interrupted. Real `advnb-reproduce` processes are killed with SIGKILL (no clean-up) at
named points through the runner's `ADVNB_FAULT` variable: in the middle of writing a cache file, then (resumed)
between two cells, then (resumed again) in the middle of the purifier study."""
import filecmp, json, signal
from pathlib import Path
import pytest

TINY = dict(datasets=['ct'], pretrained=['no'], archs=['resnet18'], eps=[0.004, 0.01], n_per_class=[20, 10, 10], epochs=1,
            adv_epochs=1, purifier_epochs=1, purifier_width=0.25, whitebox_n=8, worst_n=4, apgd_steps=2, square_queries=5,
            checks_on='none', study_epochs=[1], study_widths=[0.25, 0.5], curve_eps=[0.0, 0.01])

def _argv(out):
    return ['--out', str(out)] + [a for k, v in TINY.items() for a in ['--' + k.replace('_', '-'), *map(str, v if isinstance(v, list) else [v])]]

def _reproduce(argv):
    from advnb.experiments import reproduce_cli
    reproduce_cli(argv)

def _run(forked, out, fault=None):
    "One `advnb-reproduce` process on `out` (killed at `fault` if given): its exit status and its output"
    return forked(_reproduce, _argv(out), timeout=900, env={'ADVNB_FAULT': fault})

def outputs(folder:Path)->list:
    "The files a run's results consist of: tables, CSVs and figures"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob('*')
                  if p.is_file() and 'cache' not in p.parts and (p.suffix in ('.csv', '.png') or (p.name.startswith('table_') and p.suffix == '.md')))

@pytest.fixture(scope='module')
def reference(tmp_path_factory, forked):
    out = tmp_path_factory.mktemp('ref')/'run'
    rc, log = _run(forked, out)
    assert rc == 0, log[-3000:]
    return out

KILLS = ['cache-write:3', 'cell:1', 'study:1']   # in the order a run reaches them: each resumed run is killed at the next

def test_killed_run_resumes_exactly(reference, tmp_path, forked):
    out = tmp_path/'run'
    for fault in KILLS:
        rc, log = _run(forked, out, fault)
        assert rc == -signal.SIGKILL, f"the run was not killed at {fault}: {rc}\n{log[-2000:]}"
        if fault.startswith('cache-write'): assert list(out.rglob('.*.tmp')), "the kill left no half-written temporary file"
    rc, log = _run(forked, out)
    assert rc == 0, log[-3000:]
    want, got = outputs(reference), outputs(out)
    assert got == want, f"different files: {sorted(set(want) ^ set(got))}"
    differ = [f for f in want if not filecmp.cmp(reference/f, out/f, shallow=False)]
    assert not differ, f"after kills at {', '.join(KILLS)} these files differ from the uninterrupted run: {differ}"
    rows = json.loads((out/'results.json').read_text())['rows']
    assert sorted(rows) == sorted(json.loads((reference/'results.json').read_text())['rows'])   # no duplicated or missing rows
