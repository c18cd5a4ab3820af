#!/usr/bin/env bash
# What a keepdirty list buys against what it costs after a crash. Per replication mode, one pair
# per keepdirty value runs at once (as in ab-bench.sh); fio alternates short 4 KiB random-write
# runs (QD1, over the whole device) between the pairs, in turn which goes first. Then, pair by
# pair, the same load runs again, the primary's JVM is killed (SIGKILL) in the middle of it,
# started again as primary, and its log tells how many bytes the resynchronisation copied and how
# long it took: every extent marked in the on-disk activemap when it died is copied, and the
# keepdirty list bounds how many are.
#
# Usage:  run/bench/crash-resync.sh              (after mvn -q -DskipTests package)
# Env:    DIR=/tmp/hast-crash SIZE_MB=1024 ROUNDS=6 RUNTIME=3 LOAD=5 MODES="memsync fullsync"
#         KEEPDIRTY="64 default" (hastctl create -k values; "default": no -k; "64@A.jar": that
#         pair's daemons run A.jar, to set one build against another; hastctl is this checkout's)
#         PORT=28857 (uses two ports per keepdirty value from PORT on)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
for c in fio jq bc; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install fio jq bc" >&2; exit 69; }
done
DIR=${DIR:-/tmp/hast-crash}
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-6}
RUNTIME=${RUNTIME:-3}
LOAD=${LOAD:-5}
MODES=${MODES:-"memsync fullsync"}
KEEPDIRTY=${KEEPDIRTY:-"64 default"}
PORT=${PORT:-28857}
rm -rf "$DIR"; mkdir -p "$DIR"
cleanup() {
    for p in "$DIR"/*/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
}
trap cleanup EXIT

ctl() { HAST_NODE=$2 "$here/hastctl" "${@:3}" -c "$DIR/$1/hast.conf"; }
start() { HAST_JAR=$(cat "$DIR/$1/jar") HAST_NODE=$2 HASTD_LOG=$DIR/$1/$2.log "$here/hastd" -c "$DIR/$1/hast.conf"; }
# Waits (up to 10 minutes) for a primary's log to report a finished synchronisation; prints "bytes ms".
synchronised() {
    local i line
    for i in $(seq 3000); do
        line=$(grep -o 'Synchronization complete. [0-9]* bytes synchronized in [0-9]* ms' "$DIR/$1/alpha.log" |
            tail -1 || true)
        [ -n "$line" ] && { awk '{print $3, $7}' <<<"$line"; return; }
        sleep 0.2
    done
    echo "no synchronisation reported in $DIR/$1/alpha.log" >&2
    exit 1
}
start_pair() {  # pair mode keepdirty[@jar] port
    local d=$DIR/$1 port=$4 k=() jar=${HAST_JAR:-$here/target/hast.jar}
    [ "${3%%@*}" != default ] && k=(-k "${3%%@*}")
    [ "${3#*@}" != "$3" ] && jar=$(readlink -f "${3#*@}")
    mkdir -p "$d"
    echo "$jar" >"$d/jar"
    cat >"$d/hast.conf" <<CONF
replication $2
on alpha { control uds://$d/alpha.ctl pidfile $d/alpha.pid listen tcp4://127.0.0.1:$port export uds://$d/hast.sock }
on beta { control uds://$d/beta.ctl pidfile $d/beta.pid listen tcp4://127.0.0.1:$((port + 1)) export uds://$d/beta-nbd.sock }
resource bench {
    on alpha { local $d/alpha.img remote tcp4://127.0.0.1:$((port + 1)) }
    on beta { local $d/beta.img remote tcp4://127.0.0.1:$port }
}
CONF
    for n in alpha beta; do
        rm -f "$d/$n.img" "$d/$n.log"
        # Written in full (a file whose blocks are still unallocated pays for allocating them on
        # the first write), one MiB more than the data for metadata and activemap.
        dd if=/dev/zero of="$d/$n.img" bs=1M count=$((SIZE_MB + 1)) status=none
        ctl "$1" $n create "${k[@]}" bench >/dev/null
        start "$1" $n
    done
    ctl "$1" alpha role primary bench
    ctl "$1" beta role secondary bench
    synchronised "$1" >/dev/null
}
stop_pair() {
    for n in alpha beta; do kill "$(cat "$DIR/$1/$n.pid")"; done
    for n in alpha beta; do while [ -f "$DIR/$1/$n.pid" ]; do sleep 0.1; done; done
}
fio_run() {  # pair runtime output
    fio --name=w4k_qd1 --ioengine=nbd --uri="nbd+unix:///bench?socket=$DIR/$1/hast.sock" --rw=randwrite --bs=4k \
        --iodepth=1 --size="${SIZE_MB}m" --time_based --runtime="$2" --ramp_time=1 --output-format=json \
        --output="$3" >/dev/null 2>&1
}
crash() {  # pair -> "bytes ms" of the resynchronisation after the primary's crash under load
    fio_run "$1" $((LOAD * 20)) /dev/null &
    local load=$!
    sleep "$LOAD"
    # The JVM writes its own pid there; killed, it leaves the file, whose lock dies with it.
    kill -KILL "$(cat "$DIR/$1/alpha.pid")"
    wait "$load" || true
    : >"$DIR/$1/alpha.log"
    start "$1" alpha
    ctl "$1" alpha role primary bench
    synchronised "$1"
}

RES=$DIR/results.txt; : >"$RES"
set -- $KEEPDIRTY
pairs=$#
printf '%-9s %-24s %10s %8s %12s %14s %9s\n' mode keepdirty "4K QD1" ratio marks/write "resync bytes" "resync s"
for mode in $MODES; do
    for i in $(seq 0 $((pairs - 1))); do
        set -- $KEEPDIRTY
        start_pair "p$i" "$mode" "${@:$((i + 1)):1}" $((PORT + 2 * i))
    done
    for r in $(seq "$ROUNDS"); do
        # Rotate which pair goes first.
        for j in $(seq 0 $((pairs - 1))); do
            i=$(((j + r) % pairs))
            fio_run "p$i" "$RUNTIME" "$DIR/fio.json"
            echo "$mode $i $r $(jq -r '.jobs[0].write.iops' "$DIR/fio.json")" >>"$RES"
        done
    done
    for i in $(seq 0 $((pairs - 1))); do
        set -- $KEEPDIRTY
        label=${@:$((i + 1)):1}
        [ "${label#*@}" != "$label" ] && label="${label%%@*}@$(basename "${label#*@}")"
        # Median over the rounds of this pair's IOPS, and of its ratio to the first pair's in the same round.
        read -r iops ratio < <(awk -v m="$mode" -v p="$i" '$1 == m { v[$2, $3] = $4; if ($3 > k) k = $3 }
            function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
            END { for (r = 1; r <= k; r++) { x[r] = v[p, r]; y[r] = v[p, r] / v[0, r] }
                print median(x, k), median(y, k) }' "$RES")
        stats=$(ctl "p$i" alpha list bench || true)
        marks=$(awk '$1 == "writes:" { w = $2 } /activemap updates:/ { u = $3 } END { printf "%.2f", w ? u / w : 0 }' <<<"$stats")
        read -r bytes ms < <(crash "p$i")
        printf '%-9s %-24s %10.0f %8.2f %12s %14s %9.2f\n' "$mode" "$label" "$iops" "$ratio" "$marks" "$bytes" \
            "$(echo "$ms / 1000" | bc -l)"
        stop_pair "p$i"
    done
done
