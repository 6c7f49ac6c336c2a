"""The grid on real Dask clusters, TCP on 127.0.0.1: on the `LocalCluster` of `--workers 2`, the tables of a run in one
process, byte for byte; on a cluster started from Dask's own command line (`dask scheduler`, `dask worker`), a run whose
worker is SIGKILLed in the middle of its unit still ends, with the same tables; and a worker that cannot see the output
folder is refused, naming the folder and the worker."""
import filecmp, json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import _reproduce

pytest.importorskip('distributed')
BIN = Path(sys.executable).parent
ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'DASK_LOGGING__DISTRIBUTED': 'error'}

def _start(args, log, prefix=()):
    return subprocess.Popen([*prefix, str(BIN/'dask'), *args], env=ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

def _wait(cond, what, timeout=60):
    t = time.time()
    while not cond():
        if time.time() - t > timeout: raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(0.2)

@pytest.fixture
def cluster(tmp_path):
    "Start a scheduler; `add(n, prefix)` starts `n` workers (under the command `prefix`); everything is killed at the end"
    procs, clients, log = [], [], open(tmp_path/'dask.log', 'w')
    sched = tmp_path/'sched.json'
    procs.append(_start(['scheduler', '--host', '127.0.0.1', '--port', '0', '--scheduler-file', str(sched), '--no-dashboard'], log))
    _wait(sched.exists, 'the scheduler wrote its file')
    def add(n, prefix=()):
        for _ in range(n):
            procs.append(_start(['worker', '--scheduler-file', str(sched), '--nthreads', '1', '--nworkers', '1', '--host', '127.0.0.1',
                                 '--no-dashboard', '--death-timeout', '30'], log, prefix))
        from distributed import Client
        client = Client(json.loads(sched.read_text())['address'], timeout=20)
        clients.append(client)
        client.wait_for_workers(n, timeout=60)
        return client
    yield sched, add
    for c in clients: c.close()                                   # before the scheduler goes: no reconnecting client left behind
    for p in procs:
        try: os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError: pass
        p.wait()
    log.close()

def _run(forked, out, cfg, *more):
    "Start `advnb-reproduce --out OUT --config CFG MORE` in a forked process (advnb already imported); `.wait()` gives its status and output"
    return forked.start(_reproduce, ['--out', str(out), '--config', str(cfg), *more], env={'DASK_LOGGING__DISTRIBUTED': 'error'})

def _same_tables(reference, out):
    from advnb.experiments import result_files
    want, got = result_files(reference), result_files(out)
    assert got == want, f"different files: {sorted(set(want) ^ set(got))}"
    assert [f for f in want if not filecmp.cmp(reference/f, out/f, shallow=False)] == [], "tables differ from the one-process run's"
    assert not list((out/'parts').glob('part-*.json'))

def test_local_cluster_same_tables(reference, tiny, tmp_path, forked):
    "The smallest run on the `LocalCluster` advnb starts (two worker processes): the tables are the one-process run's, byte for byte"
    from advnb.experiments.parallel import dask_client
    out = tmp_path/'run'
    shutil.copytree(reference/'cache', out/'cache')                # the trained models, not the results: every cell is recomputed
    client, cluster = dask_client(None, workers=2)
    try:
        rc, log = _run(forked, out, tiny, '--scheduler', cluster.scheduler_address).wait(600)
    finally: client.close(); cluster.close()
    assert rc == 0, log[-3000:]
    assert '1 unit on 2 Dask workers' in log, log[-3000:]
    _same_tables(reference, out)

def test_killed_worker_same_tables(reference, tiny, cluster, tmp_path, forked):
    "SIGKILL the worker running the unit: Dask runs the unit again elsewhere, it resumes, and the tables are the one-process run's"
    sched, add = cluster
    client = add(2)
    out = tmp_path/'run'
    run = _run(forked, out, tiny, '--scheduler', str(sched))
    _wait(lambda: any(client.processing().values()) or run.poll() is not None, 'a unit started', 120)
    busy = next(w for w, keys in client.processing().items() if keys)
    time.sleep(3)                                                 # well inside the unit (it takes tens of seconds)
    os.kill(client.run(os.getpid, workers=[busy])[busy], signal.SIGKILL)
    rc, log = run.wait(600)
    assert rc == 0, log[-3000:]
    _same_tables(reference, out)

def test_worker_without_the_folder(tiny, cluster, tmp_path, forked):
    "A worker whose file system does not hold the output folder (its parent hidden under a tmpfs) is refused, named, in seconds"
    if shutil.which('unshare') is None or subprocess.run(['unshare', '--mount', 'true']).returncode: pytest.skip('no mount namespaces here')
    sched, add = cluster
    hidden = tmp_path/'shared'; hidden.mkdir()
    add(1, prefix=('unshare', '--mount', '--propagation', 'private', 'sh', '-c', f'mount -t tmpfs none {hidden} && exec "$0" "$@"'))
    t = time.time()
    rc, log = _run(forked, hidden/'run', tiny, '--scheduler', str(sched)).wait(120)
    assert rc == 2, log[-3000:]
    assert f"output folder {hidden/'run'} is not the run's folder as this worker sees it" in log and 'worker tcp://127.0.0.1:' in log, log[-3000:]
    assert not list((hidden/'run').glob('results.json'))         # nothing ran
    print(f"refused in {time.time() - t:.1f} s: {log.strip().splitlines()[-1]}")
