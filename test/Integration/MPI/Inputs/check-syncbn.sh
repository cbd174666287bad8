#!/usr/bin/env bash
# check-syncbn.sh NORM_RUN "MPIRUN" PYTHON PROGRAM DIR f32|bf16 SIZES...
# The whole batch in one process (checked against the float64 evaluation),
# then len(SIZES) ranks with SIZES rows
# each, then syncbn.py compare: prints PASS or what differs. With ARTIFACT
# set, the ranks run that norm-compile artifact of PROGRAM instead.
set -euo pipefail
run=$1 mpirun=$2 python=$3 program=$4 dir=$5 dtype=$6
shift 6
here=$(dirname "$0")
"$python" "$here/syncbn.py" make "$dir" "$dtype" "$@"
params=(--input="$dir/g.npy" --input="$dir/b.npy" --input="$dir/m.npy" --input="$dir/v.npy")
whole=(--input="$dir/x.npy" "${params[@]}")
shards=(--input="$dir/x.{rank}.npy" "${params[@]}")
if [ "$dtype" = bf16 ]; then
  whole+=(--input="$dir/mask.npy")
  shards+=(--input="$dir/mask.{rank}.npy")
fi
"$run" "$program" "${whole[@]}" --output-dir="$dir/whole" --check > /dev/null
ranks=("$run" "$program")
[ -n "${ARTIFACT:-}" ] && ranks=("$ARTIFACT")
$mpirun -np $# "${ranks[@]}" "${shards[@]}" --output-dir="$dir/ranks" > /dev/null
"$python" "$here/syncbn.py" compare "$dir" "$dtype" "$@"
