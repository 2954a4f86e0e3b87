#!/bin/sh
# The command Stryker's command runner runs for `npm run mutate:sim:sample` (docs/mutation.md):
# CI's sweep (every shipped scenario, 50 seeds, --fail-fast) for the dry run and for each mutant
# whose id is a line of $1; any other mutant exits 0 at once (not part of the sample: its
# "survived" in Stryker's report means "not run"; read the sample's verdicts from $2).
# Each sampled mutant appends "start ID" and then "end ID EXIT_CODE" to $2, so a run cut short
# keeps what it measured; a start without an end is a timeout.
# Usage: sh mutation/sweepIfSampled.sh IDS_FILE VERDICTS_FILE  (MUTATE_SWEEP_JOBS=N: the sweep's --jobs, default 1)
ids_file="$1"
verdicts_file="$2"
mutant="${__STRYKER_ACTIVE_MUTANT__:-}"
if [ -n "$mutant" ] && ! grep -qx "$mutant" "$ids_file"; then
  exit 0
fi
echo "start ${mutant:-dry-run}" >> "$verdicts_file"
node --import tsx sim/cli.ts --scenario all --count 50 --jobs "${MUTATE_SWEEP_JOBS:-1}" --fail-fast --quiet --out .stryker-sweep > /dev/null 2>&1
code=$?
echo "end ${mutant:-dry-run} $code" >> "$verdicts_file"
exit $code
