#!/usr/bin/env bash
# The GPU check, for a machine with one CUDA GPU (an H100/H200-class card runs it in about 5 minutes):
#   1. the notebooks' `#| cuda` cells (attacks on CUDA agree with the CPU; bf16 fine-tuning; a tiny grid on CUDA, resumed);
#   2. advnb-bench on the GPU, fp32 and bf16, torchattacks side by side, at 224 px: I-FGSM, APGD and Square;
#   3. a timed advnb-reproduce run at 224 px of one dataset x one backbone, with per-stage seconds and peak GPU memory.
# Everything it prints also goes to $OUT (default: ./gpu-check-out). Usage, from the repository root:
#   bash tools/gpu_check.sh
# On a machine where fastai, fastcore, medmnist, nbdev, execnb, safetensors and torchattacks are not installed,
# bring them as wheels first (see tools/README.md) and set PYTHONPATH to where they were unpacked.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-check-out}; mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a "$OUT/summary.txt"; }

$PY -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print('torch', torch.__version__, 'on', torch.cuda.get_device_name())" \
  2>&1 | tee "$OUT/device.txt" || exit 1
stamp "device: $(tail -1 "$OUT/device.txt")"

for nb in 03_attacks 04_adversarial_training 07d_experiments.runner; do
  timeout 300 $PY -c "
import sys; from nbdev.test import test_nb
ok, s = test_nb('nbs/$nb.ipynb', skip_flags=['slow'], force_flags=['cuda'], basepath='.')
print('$nb', 'pass' if ok else 'FAIL', f'{s:.0f} s'); sys.exit(0 if ok else 1)" > "$OUT/cuda_$nb.log" 2>&1
  stamp "cuda cells of $nb: $(tail -1 "$OUT/cuda_$nb.log")"
done

timeout 420 $PY -c "from advnb.bench import bench_cli; bench_cli(['--device', 'cuda', '--sections', 'attacks,strong', '--batch', '64', '--repeats', '3', '--art', 'no', '--bf16', 'yes'])" \
  > "$OUT/bench.log" 2>&1
stamp "bench: $(grep -E '^(attacks|strong):' "$OUT/bench.log" | tr '\n' ' ')"

timeout 420 $PY -c "from advnb.experiments import reproduce_cli; reproduce_cli(['--out', '$OUT/run224', '--datasets', 'ct', '--pretrained', 'no',
  '--archs', 'resnet50', '--size', '224', '--bs', '64', '--epochs', '3', '--adv-epochs', '1', '--purifier-epochs', '2', '--purifier-width', '1.0',
  '--whitebox-n', '300', '--worst-n', '150', '--apgd-steps', '100', '--square-queries', '1000', '--checks-n', '150', '--study-on', 'none',
  '--device', 'cuda', '--precision', 'bf16'])" > "$OUT/run224.log" 2>&1
stamp "224-px run (ct x resnet50): $(tail -1 "$OUT/run224.log")"
$PY -c "
import json; log = json.load(open('$OUT/run224/run_log.json')); inv = log['invocations'][-1]
print('wall', inv['wall_seconds'], 's; peak GPU memory', inv.get('gpu_peak_mb'), 'MiB'); print('stages (s):', inv['stages'])" | tee -a "$OUT/summary.txt"
$PY -c "from advnb.experiments import format_plan, RunConfig; print(format_plan(RunConfig.full(device='cuda', download=False, datasets=('ct',))))" \
  > "$OUT/plan_full.txt" 2>&1
stamp "plan of --full (ct only, from step costs measured here): $(tail -1 "$OUT/plan_full.txt")"
