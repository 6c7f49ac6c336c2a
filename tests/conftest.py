"Test options: `pytest --slow` and `pytest --cuda` also run notebook cells carrying those flags."
import pytest

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
LONGEST_FIRST = ['test_notebook_runs[03_attacks]', 'test_notebook_runs[06_evaluate]', 'test_notebook_runs[07_experiments]',
                 'test_notebook_runs[05_purifier]', 'test_killed_run_resumes_exactly', 'test_notebook_runs[02_models]',
                 'test_notebook_runs[04_adversarial_training]', 'test_notebook_runs[09_reliability]', 'test_notebook_runs[index]',
                 'test_notebook_runs[08_bench]']

def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.name, len(rank)))
