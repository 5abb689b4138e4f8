#!/bin/sh
# Regenerates every fixtures/golden/*.json by running each generator in scripts/golden/ with
# Debian's interpreter (which has python3-numpy and python3-torch).
# Run from anywhere: sh scripts/golden/run_all.sh
set -eu
cd "$(dirname "$0")"
for gen in conv pool softmax_ce lstm_cell matmul elementwise optim safetensors_files nn_layers nn_recurrent nn_attention nn_losses; do
  /usr/bin/python3 "$gen.py"
done
