"""The worst case at AutoAttack's standard budget, end to end: `advnb-reproduce --attack-budget standard` on the smallest
grid at ε = 0.01 (on the trained models of the reference run) writes tables whose worst case is named by that budget, says what it
substituted for the 3-class data, and never contradicts the attacks it includes."""
import json, shutil
import pandas as pd
from conftest import _reproduce

def test_standard_budget_end_to_end(reference, tiny, tmp_path, forked):
    "APGD-CE, APGD-T, FAB-T and Square at 100 iterations and 5,000 queries, run on the survivors of the white-box attacks"
    out = tmp_path/'run'
    shutil.copytree(reference/'cache', out/'cache')                # the trained models: only the attacks run again
    rc, log = forked(_reproduce, ['--out', str(out), '--config', str(tiny), '--attack-budget', 'standard', '--eps', '0.01', '--workers', '1'],
                     timeout=900)
    assert rc == 0, log[-3000:]
    assert 'threat_n 8 images: a 95% interval of' in log, log[-3000:]     # too few images for this budget to say much: warned, not refused
    report = (out/'report.md').read_text()
    assert ('standard budget: APGD-CE and APGD-T (targeted cross-entropy, as DLR needs 4 classes, 2 targets) 100 iterations, '
            'FAB-T (2 targets) 100 iterations, Square 5,000 queries') in report
    assert json.loads((out/'results.json').read_text())['config']['attack_budget'] == 'standard'
    for f in ('table_II.csv',):                                    # ε = 0.01 alone: the paper's Table II
        t = pd.read_csv(out/f)
        worst = [c for c in t if 'worst case (standard' in c and not c.endswith((' lo', ' hi'))]
        assert worst, f"{f}: no worst case named by the standard budget in {list(t)}"
        for w in worst:
            model = w.split(': ')[0]
            cols = [c for c in t if c.startswith(f'{model}: ') and not c.endswith((' lo', ' hi'))]
            assert (t[cols].max(axis=1) == t[f'{model}: clean']).all(), f"{f}: an attack above {model}'s clean accuracy"
            assert (t[w] == t[cols].min(axis=1)).all(), f"{f}: {w} above an attack it includes"
