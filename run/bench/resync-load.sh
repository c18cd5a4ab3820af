#!/usr/bin/env bash
# What a resynchronisation costs an application, with the resync rate controller off, fixed and
# dynamic, against the same load with no resync, all in one run. One pair on this machine; fio
# writes 4 KiB blocks at random (QD1 by default) to the primary's export. For each syncrate the
# primary's hast.conf is rewritten and reloaded (live, as an operator would), the secondary's
# metadata is created afresh, and its return starts a full resynchronisation of the whole disk
# (SIZE_MB, 1 GiB by default); fio runs from just before the secondary returns until the pair is
# complete again. The baseline
# runs fio for BASE seconds on the complete pair. Prints IOPS and mean/p99 write latency, as
# ratios to the baseline of the same round, and how long the resynchronisation took.
#
# Usage:  run/bench/resync-load.sh              (after mvn -q -DskipTests package)
# Env:    DIR=/tmp/hast-resync SIZE_MB=1024 ROUNDS=2 BASE=10 QD=1 PORT=21200 (two ports)
#         RATES="unlimited 50M dynamic dynamic:1ms" (a syncrate; dynamic:<t> also sets
#         sync-latency-target <t>)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
for c in fio jq bc; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install fio jq bc" >&2; exit 69; }
done
DIR=${DIR:-/tmp/hast-resync}
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-2}
BASE=${BASE:-10}
QD=${QD:-1}
PORT=${PORT:-21200}
RATES=${RATES:-"unlimited 50M dynamic dynamic:1ms"}
rm -rf "$DIR"; mkdir -p "$DIR"
cleanup() {
    for p in "$DIR"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
}
trap cleanup EXIT

ctl() { HAST_NODE=$1 "$here/hastctl" "${@:2}" -c "$DIR/$1.conf"; }
start() { HAST_NODE=$1 HASTD_LOG=$DIR/$1.log "$here/hastd" -c "$DIR/$1.conf"; }
# hast.conf for node $1 with the pace lines $2; each node has its own file, so that only the
# primary's changes.
conf() {
    cat >"$DIR/$1.conf" <<CONF
replication memsync
$2
on alpha { control uds://$DIR/alpha.ctl pidfile $DIR/alpha.pid listen tcp4://127.0.0.1:$PORT export uds://$DIR/hast.sock }
on beta { control uds://$DIR/beta.ctl pidfile $DIR/beta.pid listen tcp4://127.0.0.1:$((PORT + 1)) export uds://$DIR/beta-nbd.sock }
resource bench {
    on alpha { local $DIR/alpha.img remote tcp4://127.0.0.1:$((PORT + 1)) }
    on beta { local $DIR/beta.img remote tcp4://127.0.0.1:$PORT }
}
CONF
}
pace() {  # a RATES word -> hast.conf lines
    case $1 in
        dynamic:*) printf 'syncrate dynamic\nsync-latency-target %s\n' "${1#dynamic:}" ;;
        *) printf 'syncrate %s\n' "$1" ;;
    esac
}
fio_run() {  # output [runtime]: without a runtime, runs until SIGINT, then writes its result
    local t=${2:-3600}
    # exec: started in the background, $! is fio itself, which SIGINT reaches.
    exec fio --name=w4k --ioengine=nbd --uri="nbd+unix:///bench?socket=$DIR/hast.sock" --rw=randwrite --bs=4k \
        --iodepth="$QD" --size="${SIZE_MB}m" --time_based --runtime="$t" --output-format=json \
        --output="$1" >/dev/null 2>&1
}
# The duration of the last synchronisation the primary's log reports, in seconds.
resync_seconds() {
    grep -o 'Synchronization complete. [0-9]* bytes synchronized in [0-9]* ms' "$DIR/alpha.log" | tail -1 |
        awk '{printf "%.1f", $7 / 1000}'
}
# "iops mean_us p99_us" of a fio JSON result (after the line fio writes when a signal ends it).
fio_stats() {
    sed -n '/^{/,$p' "$1" |
        jq -r '.jobs[0].write | "\(.iops) \(.clat_ns.mean / 1000) \(.clat_ns.percentile["99.000000"] / 1000)"'
}

for n in alpha beta; do
    conf $n "$(pace unlimited)"
    # Written in full (a file whose blocks are still unallocated pays for allocating them on the
    # first write), one MiB more than the data for metadata and activemap.
    dd if=/dev/zero of="$DIR/$n.img" bs=1M count=$((SIZE_MB + 1)) status=none
    ctl $n create bench >/dev/null
    start $n
done
ctl alpha role primary bench
ctl beta role secondary bench
ctl alpha await -t 600 complete bench

RES=$DIR/results.txt; : >"$RES"
for r in $(seq "$ROUNDS"); do
    (fio_run "$DIR/base.json" "$BASE")
    read -r biops bmean bp99 < <(fio_stats "$DIR/base.json")
    echo "$r baseline $biops $bmean $bp99 -" >>"$RES"
    for rate in $RATES; do
        conf alpha "$(pace "$rate")"
        ctl alpha reload
        # A fresh secondary: its return makes the primary copy the whole disk.
        ctl beta role init bench
        ctl beta create bench >/dev/null
        # The load starts first, so that it covers the whole resynchronisation (and the moment
        # the secondary takes to come back, a second or so, without one).
        fio_run "$DIR/load.json" &
        load=$!
        ctl beta role secondary bench
        ctl alpha await -t 60 connected bench
        ctl alpha await -t 3600 complete bench
        kill -INT $load
        wait $load || true
        read -r iops mean p99 < <(fio_stats "$DIR/load.json")
        echo "$r $rate $iops $mean $p99 $(resync_seconds)" >>"$RES"
    done
done

printf '%-16s %5s %10s %10s %10s %10s %10s %10s\n' syncrate round IOPS "IOPS ratio" "mean us" "mean ratio" \
    "p99 us" "p99 ratio"
awk '$2 == "baseline" { bi[$1] = $3; bm[$1] = $4; bp[$1] = $5 }
     { printf "%-16s %5d %10.0f %10.2f %10.0f %10.2f %10.0f %10.2f %s\n", $2, $1, $3, $3 / bi[$1], $4, $4 / bm[$1],
         $5, $5 / bp[$1], $6 == "-" ? "" : "resync " $6 " s" }' "$RES"
