#!/usr/bin/env bash
# slurm-merge.sh: after the array, assemble figures, claims and provenance from the shared cache (computes
# nothing; exits non-zero and lists the missing jobs when a shard did not finish). Same XTASK, OUT and
# REPRO_ARGS as slurm-array.sh.
#SBATCH --job-name=irs-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=00:30:00
#SBATCH --output=slurm-%x-%j.out
set -euo pipefail
XTASK=${XTASK:-target/release/xtask}
OUT=${OUT:-results}
REPRO_ARGS=${REPRO_ARGS:---realizations 20}
# shellcheck disable=SC2086
exec "$XTASK" reproduce $REPRO_ARGS --out "$OUT" --merge
