"""The notebooks are the source, the docs and the tests of advnb. Each one runs here as one test,
through nbdev's own runner, then the library is checked against what the notebooks export, the
notebooks are checked clean and committed with their evidence (figures and tables), and the pages are
rendered to HTML with that evidence in them."""
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))   # run longest first: see conftest.py
BIN = Path(sys.executable).parent

def _run(cmd, cwd, timeout=120, **kw):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, **kw)

def _test_nb(nb:str, flags:list):
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config(ROOT)
    ok, secs = test_nb(nb, skip_flags=cfg.tst_flags, force_flags=flags, basepath=str(ROOT), cell_timeout=cfg.cell_timeout)
    print(f'{secs:.1f}s')
    sys.exit(0 if ok else 1)

@pytest.mark.parametrize('nb', NBS, ids=lambda p: p.stem)
def test_notebook_runs(nb, nb_flags, forked):
    "Every cell without a skipped flag runs top to bottom in a fresh process and kernel, and its tests pass"
    rc, out = forked(_test_nb, str(nb), nb_flags)
    assert rc == 0, f"{nb.name} failed:\n{out[-8000:]}"

def _copy_project(dst:Path):
    shutil.copy(ROOT/'pyproject.toml', dst)
    shutil.copytree(ROOT/'nbs', dst/'nbs', ignore=shutil.ignore_patterns('.ipynb_checkpoints', '_proc'))
    (dst/'advnb').mkdir()
    shutil.copy(ROOT/'advnb'/'__init__.py', dst/'advnb')

def _py_files(d:Path): return {p.relative_to(d).as_posix(): p.read_text() for p in sorted(d.rglob('*.py')) if '__pycache__' not in p.parts}

def test_library_matches_notebooks(tmp_path):
    "advnb/ is exactly what the notebooks export: no hand edits, no stale or extra modules"
    _copy_project(tmp_path)
    r = _run([str(BIN/'nbdev-export')], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    want, have = _py_files(tmp_path/'advnb'), _py_files(ROOT/'advnb')
    assert sorted(have) == sorted(want), f"modules differ: extra {sorted(set(have)-set(want))}, missing {sorted(set(want)-set(have))}"
    stale = [f for f in want if want[f] != have[f]]
    assert not stale, f"advnb/ differs from what the notebooks export in {stale}: edit the notebooks, then run nbdev-export"

def test_notebooks_clean(tmp_path):
    "Committed notebooks are clean: `nbdev-clean` changes nothing"
    _copy_project(tmp_path)
    r = _run([str(BIN/'nbdev-clean')], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    dirty = [p.name for p in NBS if (tmp_path/'nbs'/p.name).read_bytes() != p.read_bytes()]
    assert not dirty, f"not clean: {dirty}; run nbdev-clean"

def _cells(nb:Path)->list:
    return json.loads(nb.read_text())['cells']

def _kinds(c)->set:
    "The kinds of output a cell committed: 'image', 'table', 'text'"
    out = set()
    for o in c.get('outputs', []):
        d = o.get('data', {})
        if 'image/png' in d or 'image/svg+xml' in d: out.add('image')
        if '<table' in ''.join(d.get('text/html', '')): out.add('table')
        if o.get('output_type') == 'stream' or 'text/plain' in d or 'text/markdown' in d: out.add('text')
    return out

_FIGURE = re.compile(r'\bplt\.|\bplot_\w+\(|\bshow_\w+\(|\.plot\(|\bimshow\(')

def _flags(src:str)->set:
    return {w for l in src.splitlines() if l.startswith('#|') for w in l[2:].replace(':', ' ').split()}

_DISPLAYS = ('dict', 'round', 'head', 'table', 'map', 'concat', 'DataFrame', 'Series', 'describe')

def _shows(src:str)->bool:
    "Whether a cell ends in a value a reader is meant to see: a name, a literal or a table-making call, not `;`-silenced"
    import ast
    code = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))
    if code.rstrip().endswith(';'): return False
    try: body = ast.parse(code).body
    except SyntaxError: return False
    if not body or not isinstance(body[-1], ast.Expr): return False
    v = body[-1].value
    if not isinstance(v, ast.Call): return not isinstance(v, ast.Constant)
    f = v.func
    return (f.id if isinstance(f, ast.Name) else getattr(f, 'attr', '')) in _DISPLAYS

def _evidence_gaps(nb:Path)->list:
    "Cells of `nb` that should carry committed evidence and do not"
    gaps = []
    for c in _cells(nb):
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source'])
        fl = _flags(src)
        if fl & {'export', 'exporti', 'hide', 'cuda', 'eval'}: continue
        kinds = _kinds(c)
        if _FIGURE.search(src) and 'plt.close(' not in src and 'image' not in kinds: gaps.append(f"{c.get('id')}: draws a figure but carries no image")
        elif _shows(src) and not kinds: gaps.append(f"{c.get('id')}: ends in an expression but carries no output")
    return gaps

@pytest.mark.parametrize('nb', NBS, ids=lambda p: p.stem)
def test_notebook_carries_evidence(nb):
    "Every notebook is committed executed: each cell that draws has its image, each cell that shows a value has its output"
    gaps = _evidence_gaps(nb)
    assert not gaps, f"{nb.name} was committed without the evidence its readers need (run tools/refresh_docs.py {nb.name}): {gaps}"

def test_evidence_check_has_teeth(tmp_path):
    "The evidence check flags a figure without an image and a displayed value without output"
    nb = tmp_path/'x.ipynb'
    cell = lambda src, outs: {'cell_type': 'code', 'id': src[:4], 'metadata': {}, 'source': [src], 'outputs': outs, 'execution_count': None}
    img = [{'output_type': 'display_data', 'data': {'image/png': 'AA=='}, 'metadata': {}}]
    cells = [cell('plt.plot([1])', []), cell('tab', []), cell('test_eq(1, 1)', []), cell('plot_x(a)', img), cell('m.eval();', []),
             cell('t.round(3)', [])]
    nb.write_text(json.dumps({'cells': cells}))
    assert [g.split(':')[0] for g in _evidence_gaps(nb)] == ['plt.', 'tab', 't.ro']

def test_results_page_shows_the_run():
    "The results page carries Tables I and II and the run's figures"
    cells = _cells(ROOT/'nbs'/'results.ipynb')
    html = ''.join(''.join(o.get('data', {}).get('text/html', '')) for c in cells if c['cell_type'] == 'code' for o in c.get('outputs', []))
    assert html.count('<table') >= 4, "the results page should show Tables I and II (both views) as tables"
    assert sum('image' in _kinds(c) for c in cells) >= 3, "the results page should show the attack figures, the ε curve and the purifier study"

@pytest.mark.parametrize('nb', NBS, ids=lambda p: p.stem)
def test_page_renders(nb):
    "Each page converts to HTML with its title and with every image and table its notebook carries"
    from nbconvert import HTMLExporter
    import nbformat
    doc = nbformat.read(nb, as_version=4)
    html, _ = HTMLExporter().from_notebook_node(doc)
    title = next(c.source for c in doc.cells if c.cell_type == 'markdown').splitlines()[0].lstrip('# ').strip().replace('`', '')
    text = re.sub(r'<[^>]+>', '', html)                  # the page as read: `code` in a title renders as <code>
    assert title and title in text, f"{nb.name}: title {title!r} missing from the rendered page"
    images = sum(1 for c in doc.cells if c.cell_type == 'code' for o in c.get('outputs', []) if 'image/png' in o.get('data', {}))
    tables = sum(''.join(o.get('data', {}).get('text/html', '')).count('<table') for c in doc.cells if c.cell_type == 'code' for o in c.get('outputs', []))
    assert html.count('src="data:image/png') >= images, f"{nb.name}: the page shows fewer images than the notebook carries"
    assert html.count('<table') >= tables, f"{nb.name}: the page shows fewer tables than the notebook carries"

def _sh_blocks(md:str):
    "Code lines of the ```sh blocks in markdown text"
    out, inside = [], False
    for line in md.splitlines():
        if line.strip().startswith('```'): inside = line.strip() in ('```sh', '```bash'); continue
        if inside and line.strip(): out.append(line.strip())
    return out

def test_readme_matches_index():
    "README.md shows the commands of index.ipynb, and .ci/run runs exactly the README's install and test commands"
    idx = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    cmds = [l for c in idx['cells'] if c['cell_type'] == 'markdown' for l in _sh_blocks(''.join(c['source']))]
    readme = (ROOT/'README.md').read_text()
    assert len(cmds) >= 3, f"index.ipynb should show install, test and main-job commands, found {cmds}"
    missing = [c for c in cmds if c not in _sh_blocks(readme)]
    assert not missing, f"README.md is missing commands shown in index.ipynb: {missing}"
    ci = (ROOT/'.ci'/'run').read_text().splitlines()
    for c in cmds[:2]: assert c in [l.strip() for l in ci], f".ci/run does not run the README command {c!r}"
