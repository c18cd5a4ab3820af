#!/usr/bin/env bash
# The nemesis run: random faults against two engines, checked from the client's side.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: run/faults/nemesis.sh [TRIALS] [SEED]

Runs TRIALS nemesis trials (default 100), seeds SEED, SEED+1, ... (default 20261207).
Each trial takes a random replication mode (fullsync, memsync, async), two engines in one
JVM over real loopback sockets whose disks keep writes in a volatile cache until a flush, and
a client that writes 4 KiB blocks it can check. Three to six faults strike while it writes,
drawn from: a silent link cut, a link reset, the secondary's disk frozen (shorter or longer
than the timeout), the secondary's power cut, its flushes or writes failing, the primary's
reads or writes failing (bad sectors: writes the secondary stored succeed), the primary's
disk frozen, an operator's role switch. After each, everything heals; once the pair says
complete with nothing dirty, every block is read back through the primary and both copies
are compared. Each trial ends with the primary's power cut in the middle of writes and a
failover: the promoted node must hold every acknowledged write (fullsync, memsync) or the
state of the last clean point (async), and the copies must match once the old primary rejoins.

One line per trial, then a table per mode: trials, failed, acknowledged writes checked, lost,
divergent extents. A failed trial is replayed with: run/faults/nemesis.sh 1 <its seed>
Exit status 0 when no trial lost or diverged.
USAGE
}

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
trials=${1:-100}
seed=${2:-20261207}
[[ $trials =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || { usage >&2; exit 64; }
cd "$(dirname "$0")/../.."
log=$(mktemp -t nemesis.XXXXXX.log)
echo "nemesis: $trials trials from seed $seed; engine log in $log" >&2
status=0
mvn -B -q -pl hast.engine -am test -Dtest=NemesisTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dnemesis.trials="$trials" -Dnemesis.seed="$seed" -DtrimStackTrace=true >"$log" 2>&1 || status=$?
# The table also comes back inside the failure message: print each line once.
grep -E '^nemesis trial|^\||^faults injected' "$log" | awk '!seen[$0]++' || true
if [[ $status -ne 0 ]]; then
    grep -E 'trials failed|^seed [0-9]+' "$log" | head -20 >&2 || true
    echo "nemesis: FAILED (see $log)" >&2
fi
exit $status
