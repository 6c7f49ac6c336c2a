"""Test options: `pytest --slow` and `pytest --cuda` also run notebook cells carrying those flags.

`forked` runs a function in a process of its own, forked from a server process that has already imported torch,
fastai and advnb: each notebook and each `advnb-reproduce` run of the tests starts in a fresh process (its own
interpreter state, its own kernel) without paying the ~6 s of imports again."""
import dataclasses, json, multiprocessing, os, sys
import pytest

THREADS = os.environ.get('ADVNB_TEST_THREADS', '1')   # torch threads per process: the test run runs two at a time
PRELOAD = ['advnb.experiments', 'nbdev.test', 'nbconvert']

def _child(fn, args, kwargs, env, log):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1); os.dup2(fd, 2); os.close(fd)
    for k, v in env.items():
        if v is None: os.environ.pop(k, None)
        else: os.environ[k] = v
    import torch
    torch.set_num_threads(int(THREADS))
    fn(*args, **kwargs)

class Forked:
    "Runs `fn(*args, **kwargs)` in a forked process; returns its exit status (negative: killed by that signal) and its output"
    def __init__(self, tmp):
        os.environ.update(OMP_NUM_THREADS=THREADS, MKL_NUM_THREADS=THREADS)   # read by the server when it starts
        self.ctx, self.tmp, self.n = multiprocessing.get_context('forkserver'), tmp, 0
        self.ctx.set_forkserver_preload(PRELOAD)
    def start(self, fn, *args, env=None, **kwargs)->'Started':
        "Start `fn(*args, **kwargs)` in a forked process and return at once"
        self.n += 1
        log = self.tmp/f'out{self.n}.log'
        p = self.ctx.Process(target=_child, args=(fn, args, kwargs, env or {}, str(log)))
        p.start()
        return Started(p, log, getattr(fn, '__name__', str(fn)))
    def __call__(self, fn, *args, timeout=1800, env=None, **kwargs):
        return self.start(fn, *args, env=env, **kwargs).wait(timeout)

@dataclasses.dataclass
class Started:
    "A forked process still running: `poll()` its exit status (None while it runs), `wait(timeout)` for `(status, output)`"
    proc: multiprocessing.process.BaseProcess
    log: 'Path'
    name: str
    def poll(self): return self.proc.exitcode
    def wait(self, timeout=1800):
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill(); self.proc.join()
            raise TimeoutError(f"{self.name} ran past {timeout} s:\n{self.log.read_text()[-3000:]}")
        return self.proc.exitcode, self.log.read_text()

@pytest.fixture(scope='session')
def forked(tmp_path_factory):
    return Forked(tmp_path_factory.mktemp('forked'))

def pytest_addoption(parser):
    parser.addoption('--slow', action='store_true', help='also run notebook cells flagged `#| slow`')
    parser.addoption('--cuda', action='store_true', help='also run notebook cells flagged `#| cuda` (needs a GPU)')

@pytest.fixture
def nb_flags(request):
    "Notebook flags that are normally skipped but were asked for on the command line"
    return [f for f in ('slow', 'cuda') if request.config.getoption(f)]

# The longest tests first (their order by time on a 2-core CPU). With `--maxschedchunk 1` (pyproject.toml) each
# xdist worker holds its running test and one more, and takes the next from this order when one ends, so
# the long tests are spread over both workers. (With xdist's default chunks the first worker would get the
# first five tests of this list, one after another.)
LONGEST_FIRST = ['test_standard_budget_end_to_end', 'test_notebook_runs[02_models]', 'test_notebook_runs[07d_experiments.runner]',
                 'test_notebook_runs[03_attacks]', 'test_killed_run_resumes_exactly', 'test_killed_worker_same_tables',
                 'test_notebook_runs[05_purifier]', 'test_notebook_runs[04_adversarial_training]', 'test_notebook_runs[03b_attacks_strong]',
                 'test_notebook_runs[06_evaluate]', 'test_notebook_runs[03a_attacks_fast]', 'test_notebook_runs[08_bench]',
                 'test_notebook_runs[09_reliability]', 'test_local_cluster_same_tables', 'test_notebook_runs[index]',
                 'test_notebook_runs[01_data]', 'test_wheel_ships_data', 'test_worker_without_the_folder', 'test_notebook_runs[07g_experiments.cli]']

def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.name, len(rank)))

def _reproduce(argv, fault=None):
    "`advnb-reproduce ARGV` (killed at `fault` if given, see faults.py)"
    from faults import install
    from advnb.experiments import reproduce_cli
    install(fault)
    reproduce_cli(argv)

@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    "A config file of the smallest run (`RunConfig.tiny()`)"
    from advnb.experiments import RunConfig
    p = tmp_path_factory.mktemp('cfg')/'tiny.json'
    p.write_text(json.dumps(dataclasses.asdict(RunConfig.tiny())))
    return p

def run_tiny(forked, out, tiny, fault=None):
    "One `advnb-reproduce` process of the smallest run into `out` (killed at `fault` if given, see faults.py): its exit status and output"
    return forked(_reproduce, ['--out', str(out), '--config', str(tiny)], fault, timeout=900)

@pytest.fixture(scope='session')
def reference(tmp_path_factory, forked, tiny):
    "An uninterrupted run of the smallest run, in one process of one torch thread: made once for all test workers (the first to ask makes it, under a lock)"
    import fcntl
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get('PYTEST_XDIST_WORKER') else base)/'tiny-reference'   # shared by the xdist workers of this test run
    root.mkdir(exist_ok=True)
    out, done = root/'run', root/'done'
    with open(root/'lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            rc, log = run_tiny(forked, out, tiny)
            assert rc == 0, log[-3000:]
            done.touch()
    return out
