#!/usr/bin/env bash
# slurm-submit.sh N: submit N shards as an array and the merge as a job that runs when they have all ended
# (afterany: a failed shard makes the merge list its jobs rather than never run). Prints both job ids.
# Pass XTASK, OUT and REPRO_ARGS in the environment; extra arguments after N go to both sbatch calls
# (e.g. --partition=short --account=...).
set -euo pipefail
N=${1:?usage: slurm-submit.sh N [sbatch options...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL --array="0-$((N - 1))" "$@" "$here/slurm-array.sh")
merge=$(sbatch --parsable --export=ALL --dependency="afterany:${array%%;*}" "$@" "$here/slurm-merge.sh")
echo "array ${array%%;*} (shards 0..$((N - 1))), merge $merge"
