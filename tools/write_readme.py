"""Write README.md from nbs/index.ipynb: its markdown and its shown code cells, with the docs' page links
pointing at the notebooks (GitHub shows those). Run it after editing index.ipynb; the tests check that the
README carries the index's commands."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def main():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    out = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            if 'colab.research.google.com' in src and len(out) > 1: continue
            out.append(re.sub(r'\]\((\w+)\.html\)', r'](nbs/\1.ipynb)', src))
        elif not src.lstrip().startswith('#|'): out.append(f"```python\n{src}\n```")
    (ROOT/'README.md').write_text('\n\n'.join(out) + '\n')

if __name__ == '__main__': main()
