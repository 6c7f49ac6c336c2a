"""What `pip install advnb` gets: the wheel carries the modules, the shipped data (CT, microscopy and their
pretraining sets) and its provenance note, and the installed package finds its data without a clone."""
import hashlib, os, shutil, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ["advnb/shipped_data/" + f for f in ("organamnist_ct3.npz", "bloodmnist_micro3.npz", "organamnist_other5.npz", "bloodmnist_other5.npz")]

def test_wheel_ships_data(tmp_path):
    src = tmp_path/'src'
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns('.venv', '.git', 'build', '*.egg-info', '__pycache__',
                                                             '_docs', '_proc', 'advnb-results', 'nbs', 'tests'))
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-w', str(tmp_path/'dist'), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert 'would be ignored' not in r.stdout + r.stderr, "setuptools left a folder of advnb out of `packages`"
    whl, = (tmp_path/'dist').glob('advnb-*.whl')
    names = set(zipfile.ZipFile(whl).namelist())
    assert {*DATA, 'advnb/shipped_data/README.md', 'advnb/step_costs.json', 'advnb/data.py', 'advnb/experiments/__init__.py', 'advnb/experiments/runner.py'} <= names, sorted(names)
    for f in DATA: assert zipfile.ZipFile(whl).read(f) == (ROOT/f).read_bytes(), f"{f} differs in the wheel"

    site = tmp_path/'site'
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', str(site), str(whl)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    code = ("import advnb, advnb.data as d; from pathlib import Path; "
            f"assert Path(advnb.__file__).is_relative_to({str(site)!r}), advnb.__file__; "
            "dls = d.ct_dls(); m = d.microscopy_dls(); print(d.ct_file(), dls.train.n, m.train.n)")
    r = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                       env={**os.environ, 'PYTHONPATH': str(site)})
    assert r.returncode == 0, r.stderr[-3000:]
    assert str(site) in r.stdout
