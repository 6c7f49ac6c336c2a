"""Kill a real `advnb-reproduce` run at random moments and check that resuming it gives the same results.

    python tools/kill_resume.py [--kills 10] [--seed 0] [--keep DIR]

One uninterrupted run of a small configuration is the reference. Then one run is started again and again
in a folder of its own, each time killed with SIGKILL at a moment drawn uniformly from the reference's
wall time, until it finishes; its tables, CSVs and figures must then equal the reference's byte for byte
and its results.json must hold the same rows. It prints what it compared.
"""
import argparse, dataclasses, filecmp, json, os, random, shutil, signal, subprocess, sys, tempfile, time
from pathlib import Path
from advnb.experiments import RunConfig, result_files as outputs

def start(out):
    "An `advnb-reproduce` process of the smallest run (`RunConfig.tiny()`) into `out`"
    cfg = out.parent/'tiny.json'
    cfg.write_text(json.dumps(dataclasses.asdict(RunConfig.tiny())))
    code = f'from advnb.experiments import reproduce_cli; reproduce_cli({["--out", str(out), "--config", str(cfg)]!r})'
    return subprocess.Popen([sys.executable, '-c', code], env={**os.environ, 'OMP_NUM_THREADS': '1'}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument('--kills', type=int, default=10, help='how many times to kill the run (default: %(default)s)')
    a.add_argument('--seed', type=int, default=0, help='seed of the kill times (default: %(default)s)')
    a.add_argument('--keep', default=None, help='folder to keep the runs in (default: a temporary one, removed)')
    o = a.parse_args()
    work = Path(o.keep or tempfile.mkdtemp()); work.mkdir(parents=True, exist_ok=True)
    ref, run = work/'reference', work/'killed'
    t0 = time.time(); p = start(ref); _, err = p.communicate()
    wall = time.time() - t0
    if p.returncode: sys.exit(f"the reference run failed:\n{err[-3000:]}")
    print(f"reference run: {wall:.1f} s, {len(outputs(ref))} result files")
    rng, kills = random.Random(o.seed), 0
    while True:
        p = start(run)
        if kills < o.kills:
            at = rng.uniform(0, wall)
            try: p.wait(timeout=at)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGKILL); p.wait(); kills += 1
                rows = len(json.loads((run/'results.json').read_text())['rows']) if (run/'results.json').exists() else 0
                print(f"kill {kills}: after {at:.1f} s, {rows} rows saved"); continue
        _, err = p.communicate()
        if p.returncode: sys.exit(f"the resumed run failed:\n{err[-3000:]}")
        break
    want, got = outputs(ref), outputs(run)
    same = [f for f in want if f in got and filecmp.cmp(ref/f, run/f, shallow=False)]
    rows_ok = sorted(json.loads((ref/'results.json').read_text())['rows']) == sorted(json.loads((run/'results.json').read_text())['rows'])
    print(f"compared {len(want)} files after {kills} kills: {len(same)} identical" + ('' if len(same) == len(want) == len(got) else
          f"; DIFFERENT: {sorted((set(want) | set(got)) - set(same))}"))
    print(f"results.json rows: {'the same' if rows_ok else 'DIFFERENT'}")
    if not o.keep: shutil.rmtree(work)
    sys.exit(0 if rows_ok and len(same) == len(want) == len(got) else 1)

if __name__ == '__main__': main()
