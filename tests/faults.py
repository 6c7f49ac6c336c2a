"""Kill points for the resume tests. advnb has no fault hooks of its own: a test installs these in the process it
is about to kill, by wrapping the functions of `advnb.experiments.store` that write results and cache files."""
import os, signal, tempfile
from pathlib import Path

def _kill(): os.kill(os.getpid(), signal.SIGKILL)

def install(spec:str|None):
    "`spec`: 'cache-write:N' dies in the middle of writing the N-th cache file (half of it in a temporary file, as a real kill "
    "would leave it); 'cell:N' / 'study:N' die right after the N-th row of that kind reached the results file"
    if not spec: return
    import advnb.experiments.store as store
    point, n = spec.split(':'); n, seen = int(n), [0]
    def reached():
        seen[0] += 1
        return seen[0] == n
    if point == 'cache-write':
        write = store.atomic_write
        def half_then_kill(path, data):
            path = Path(path)
            if 'cache' in path.parts and reached():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, _ = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
                os.write(fd, data[:len(data)//2]); os.fsync(fd); _kill()
            return write(path, data)
        store.atomic_write = half_then_kill
    else:
        add = store.ResultStore.add
        def add_then_kill(self, key, row):
            add(self, key, row)
            if key.startswith(point + '|') and reached(): _kill()
        store.ResultStore.add = add_then_kill
