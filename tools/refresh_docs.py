"""Execute the notebooks top to bottom in fresh kernels and commit their outputs, so that the docs, GitHub
and Colab show the evidence (nbdev renders the outputs a notebook carries; it executes nothing).

    .venv/bin/python tools/refresh_docs.py [NOTEBOOK ...] [--no-slow] [--threads N] [--timing S]

With no notebook named, every notebook in nbs/ is refreshed. Slow cells run too (`--no-slow` skips them);
CUDA cells run only on a machine with a GPU. Outputs that change on every run and teach nothing are
dropped: warnings and other stderr, progress bars. Then `nbdev-clean` normalises the notebooks.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _noise(o)->bool:
    "Outputs to drop: stderr streams, progress bars"
    if o.get('output_type') == 'stream' and o.get('name') == 'stderr': return True
    html = ''.join(o.get('data', {}).get('text/html', ''))
    return '<progress' in html or 'progress-bar' in html

def strip(nb:Path):
    "Drop the noisy outputs of a notebook, in place"
    d = json.loads(nb.read_text())
    for c in d['cells']:
        if c['cell_type'] == 'code': c['outputs'] = [o for o in c.get('outputs', []) if not _noise(o)]
    nb.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')

def refresh(nb:Path, slow:bool=True, threads:str='2', timing:float|None=None)->float:
    "Run `nb` in a fresh process with its outputs saved back; return the seconds it took; print the cells slower than `timing` s"
    import torch
    flags = ['slow'] if slow else []
    skip = [] if torch.cuda.is_available() else ['cuda']
    code = (f"from nbdev.test import test_nb; import sys; ok, s = test_nb({str(nb)!r}, skip_flags={(['slow'] if not slow else []) + skip!r}, "
            f"force_flags={flags!r}, basepath={str(ROOT)!r}, save=True, cell_timeout=None, cell_timing_min={timing!r}); sys.exit(0 if ok else 1)")
    t = time.time()
    r = subprocess.run([sys.executable, '-c', code], cwd=nb.parent, env={**os.environ, 'PYTHONPATH': str(ROOT), 'OMP_NUM_THREADS': threads})
    if r.returncode: sys.exit(f"{nb.name} failed; its outputs were not saved")
    strip(nb)
    return time.time() - t

def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument('notebooks', nargs='*', help='notebooks to refresh (default: all of nbs/)')
    a.add_argument('--no-slow', action='store_true', help='skip the cells flagged slow')
    a.add_argument('--threads', default='2', help='torch threads (default: %(default)s)')
    a.add_argument('--timing', type=float, default=None, metavar='S', help='print every cell slower than S seconds (candidates for `#| slow`)')
    o = a.parse_args()
    nbs = [Path(n).resolve() for n in o.notebooks] or sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    for nb in nbs: print(f"{nb.name}: {refresh(nb, not o.no_slow, o.threads, o.timing):.0f} s", flush=True)
    subprocess.run([str(Path(sys.executable).parent/'nbdev-clean')], cwd=ROOT, check=True)

if __name__ == '__main__': main()
