#!/usr/bin/env bash
# Sparse copy benchmark (loopback, one machine): nbdcopy of a mostly-sparse resource from a
# primary's export to a file, for another build's hast.jar (one without block status, say) and this
# one, alternated in the same session. The resource is a sparse file holding DATA_MB of data (each
# MiB a byte pattern of its own) in 1 MiB pieces spread evenly over SIZE_MB; no secondary (remote
# none). Prints each copy's time, the medians and this build's speed-up; checks each copy's bytes.
#
# Usage:  run/bench/sparse-copy-bench.sh OTHER.jar     (after: mvn -q -DskipTests package)
# Env:    DIR=/tmp/hastsparse SIZE_MB=1024 DATA_MB=16 REPEAT=5 PORT=28557
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
other=$(readlink -f "${1:?usage: $0 OTHER-hast.jar}")
DIR=${DIR:-/tmp/hastsparse}
SIZE_MB=${SIZE_MB:-1024}
DATA_MB=${DATA_MB:-16}
REPEAT=${REPEAT:-5}
PORT=${PORT:-28557}
for c in nbdcopy nbdinfo qemu-io cmp; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install libnbd-bin qemu-utils" >&2; exit 69; }
done
rm -rf "$DIR"; mkdir -p "$DIR"
conf=$DIR/hast.conf
cat >"$conf" <<CONF
export tcp://127.0.0.1:$((PORT + 1))
export-insecure on
on solo { control uds://$DIR/solo.ctl pidfile $DIR/solo.pid listen tcp4://127.0.0.1:$PORT }
resource bench {
    on solo { local $DIR/disk.img remote none }
}
CONF
uri="nbd://127.0.0.1:$((PORT + 1))/bench"
ctl() { HAST_NODE=solo "$here/hastctl" "$@" -c "$conf"; }
start() {  # jar
    HAST_JAR=$1 HAST_NODE=solo HASTD_LOG=$DIR/solo.log "$here/hastd" -c "$conf"
    ctl role primary bench
    until nbdinfo "$uri" >/dev/null 2>&1; do sleep 0.05; done
}
stop() {
    kill "$(cat "$DIR/solo.pid")"
    while [ -f "$DIR/solo.pid" ]; do sleep 0.05; done
}
trap '[ -f "$DIR/solo.pid" ] && kill "$(cat "$DIR/solo.pid")" 2>/dev/null || true' EXIT
truncate -s "$((SIZE_MB + 1))M" "$DIR/disk.img"
ctl create bench >/dev/null
start "$here/target/hast.jar"
step=$((SIZE_MB / DATA_MB))
writes=()
for ((i = 0; i < DATA_MB; i++)); do
    writes+=(-c "write -P $((i % 255 + 1)) $((i * step))M 1M")
done
qemu-io -f raw "${writes[@]}" "$uri" >/dev/null
nbdcopy "$uri" "$DIR/expected.img"
stop
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A times=([other]="" [this]="")
for ((r = 0; r < REPEAT; r++)); do
    for build in other this; do
        if [ $build = other ]; then start "$other"; else start "$here/target/hast.jar"; fi
        rm -f "$DIR/copy.img"
        t0=$(date +%s.%N)
        nbdcopy "$uri" "$DIR/copy.img"
        t1=$(date +%s.%N)
        stop
        cmp -s "$DIR/copy.img" "$DIR/expected.img" || { echo "$build: the copy differs from the data" >&2; exit 1; }
        t=$(echo "$t1 - $t0" | bc -l)
        echo "$build copy $((r + 1)): $t s"
        times[$build]="${times[$build]} $t"
    done
done
o=$(printf '%s\n' ${times[other]} | median)
t=$(printf '%s\n' ${times[this]} | median)
printf 'median: other %.3f s, this %.3f s, speed-up %.1fx (%s MiB of data in %s MiB)\n' "$o" "$t" \
    "$(echo "$o / $t" | bc -l)" "$DATA_MB" "$SIZE_MB"
