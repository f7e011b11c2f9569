#!/usr/bin/env bash
# slurm-array.sh: one shard of `xtask reproduce` per Slurm array task; the shards share one cache.
#
# Submit with docs/cluster/slurm-submit.sh (array + merge), or by hand:
#   sbatch --array=0-9 docs/cluster/slurm-array.sh     # N = 10 shards, indices 0..N-1
# Environment (set with `sbatch --export=ALL,OUT=...` or in the shell that submits):
#   XTASK       the xtask binary, built once: cargo build --release -p xtask  [target/release/xtask]
#   OUT         output directory on a file system every node sees             [results]
#   REPRO_ARGS  the sweep: identical for every shard and for the merge        [--realizations 20]
#   SHARDS      N, when the array is not 0..N-1 itself (rerunning some shards:
#               SHARDS=10 sbatch --array=3,7 slurm-array.sh); the array index is then the shard index
#SBATCH --job-name=irs-reproduce
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --output=slurm-%x-%A_%a.out
set -euo pipefail
XTASK=${XTASK:-target/release/xtask}
OUT=${OUT:-results}
REPRO_ARGS=${REPRO_ARGS:---realizations 20}
: "${SLURM_ARRAY_TASK_ID:?run as an array job (sbatch --array=0-N-1)}"
if [[ -n "${SHARDS:-}" ]]; then
    N=$SHARDS
    K=$SLURM_ARRAY_TASK_ID
else
    # The whole array: K in 0..N-1 whatever its first index (--array=0-9 and --array=1-10 alike).
    N=$SLURM_ARRAY_TASK_COUNT
    K=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN))
fi
# REPRO_ARGS is a list of flags: split on spaces on purpose.
# shellcheck disable=SC2086
exec "$XTASK" reproduce $REPRO_ARGS --out "$OUT" --jobs "${SLURM_CPUS_PER_TASK:-1}" --shard "$K/$N"
