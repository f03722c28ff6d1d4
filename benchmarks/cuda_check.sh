#!/bin/sh
# The shared-server checks that need a CUDA GPU, run once where one is at hand (~3 min): the GPU's name, the
# real-GPU test (--amp within a memory share), then train_speed.py on CUDA with and without bf16 autocast.
set -e
cd "$(dirname "$0")/.."
python3 -c "import torch; print(torch.__version__, torch.cuda.get_device_name(0), 'bf16:', torch.cuda.is_bf16_supported())"
PYTHONPATH=$PWD python3 -m pytest -n 0 -p no:cacheprovider -q -rA tests/test_train_limits_applied.py
PYTHONPATH=$PWD python3 benchmarks/train_speed.py --device cuda --amp
