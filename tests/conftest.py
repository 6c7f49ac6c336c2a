"Test options: `pytest --slow` and `pytest --cuda` also run notebook cells carrying those flags."
import pytest

def pytest_addoption(parser):
    parser.addoption('--slow', action='store_true', help='also run notebook cells flagged `#| slow`')
    parser.addoption('--cuda', action='store_true', help='also run notebook cells flagged `#| cuda` (needs a GPU)')

@pytest.fixture
def nb_flags(request):
    "Notebook flags that are normally skipped but were asked for on the command line"
    return [f for f in ('slow', 'cuda') if request.config.getoption(f)]
