#!/usr/bin/env bash
# Start-up and footprint of hastd under several sets of JVM flags (or builds), measured side by
# side: each round starts a pair under every configuration in turn (the order alternates from
# round to round, so that a machine whose load moves weighs on all alike), and prints per
# configuration the medians of:
#   ready_s     launch of 'hastd' (background) until the launcher returns: the daemon serves its
#               control socket and listen addresses (what systemd's READY=1 waits for)
#   export_s    launch until nbdinfo answers on the primary's export, 'hastctl role primary' (a
#               JVM of its own, the same for every configuration) sent as soon as hastd is ready
#   cpu_ready_s the JVM's CPU time (user + system) when it is ready: steadier than the wall time
#               on a loaded machine
#   idle_p/s    RSS (MiB) of the primary and the secondary IDLE_S seconds after the initial sync
#   peak_p/s    VmHWM (MiB) of each after a fio load (4 KiB random writes at QD32, then 1 MiB
#               sequential writes at QD8, RUNTIME s each)
# and the ratio of each median to the first configuration's.
#
# Usage:  run/bench/startup-bench.sh 'label[@jar]=[HASTD_JAVA_OPTS]' ...
#         A configuration without '=' runs the launcher's own flags (HASTD_JAVA_OPTS unset); the
#         jar defaults to this checkout's run/target/hast.jar. Each configuration gets its own
#         class-data sharing archive folder, made by a warm-up start before the rounds (flags that
#         choose their own sharing, -Xshare or *Archive*, get none, as from the launcher).
#         e.g. run/bench/startup-bench.sh now 'g1=-XX:+UseG1GC -Xmx512m'
# Env:    DIR=/tmp/hast-startup ROUNDS=5 SIZE_MB=256 IDLE_S=10 RUNTIME=3 PORT=19100 (PORT..PORT+1)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
if [ $# -lt 1 ]; then
    sed -n '2,/^set /p' "$0" | sed '$d' >&2
    exit 64
fi
for c in fio jq nbdinfo bc; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install fio jq libnbd-bin bc" >&2; exit 69; }
done
DIR=${DIR:-/tmp/hast-startup}
ROUNDS=${ROUNDS:-5}
SIZE_MB=${SIZE_MB:-256}
IDLE_S=${IDLE_S:-10}
RUNTIME=${RUNTIME:-3}
PORT=${PORT:-19100}
rm -rf "$DIR"; mkdir -p "$DIR"
conf=$DIR/hast.conf
# The daemons stay the bench's user: started as root on a machine with a hast account they would
# become it, and could then not remove their pidfiles from $DIR, which the rounds wait for.
cat >"$conf" <<CONF
user $(id -un)
on alpha { control uds://$DIR/alpha.ctl pidfile $DIR/alpha.pid listen tcp4://127.0.0.1:$PORT export uds://$DIR/hast.sock }
on beta { control uds://$DIR/beta.ctl pidfile $DIR/beta.pid listen tcp4://127.0.0.1:$((PORT + 1)) export uds://$DIR/beta-nbd.sock }
resource bench {
    on alpha { local $DIR/alpha.img remote tcp4://127.0.0.1:$((PORT + 1)) }
    on beta { local $DIR/beta.img remote tcp4://127.0.0.1:$PORT }
}
CONF
uri="nbd+unix:///bench?socket=$DIR/hast.sock"
cleanup() {
    for n in alpha beta; do [ -f "$DIR/$n.pid" ] && kill "$(cat "$DIR/$n.pid")" 2>/dev/null || true; done
}
trap cleanup EXIT
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

labels=() jars=() opts=() setopts=()
for c in "$@"; do
    head=${c%%=*}
    labels+=("${head%%@*}")
    if [[ $head == *@* ]]; then jars+=("$(readlink -f "${head#*@}")"); else jars+=("$here/target/hast.jar"); fi
    if [[ $c == *=* ]]; then opts+=("${c#*=}") setopts+=(1); else opts+=("") setopts+=(0); fi
done

ctl() { HAST_NODE=$1 "$here/hastctl" "${@:2}" -c "$conf"; }
hastd() {  # config node: starts it in the background, returns once it serves
    local i=$1 env=(HAST_JAR="${jars[i]}" HAST_NODE=$2 HASTD_LOG="$DIR/$2.log" HASTD_CDS_DIR="$DIR/cds-$i")
    [ "${setopts[i]}" = 1 ] && env+=(HASTD_JAVA_OPTS="${opts[i]}")
    env "${env[@]}" "$here/hastd" -c "$conf"
}
stop() {
    for n in "$@"; do kill "$(cat "$DIR/$n.pid")"; done
    for n in "$@"; do while [ -f "$DIR/$n.pid" ]; do sleep 0.05; done; done
}
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$(cat "$DIR/$1.pid")/status"; }
cpu_s() {  # node: user + system time of its JVM so far
    local hz; hz=$(getconf CLK_TCK)
    awk -v hz="$hz" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$(cat "$DIR/$1.pid")/stat"
}
fresh_images() {
    for n in alpha beta; do
        dd if=/dev/zero of="$DIR/$n.img" bs=1M count="$((SIZE_MB + 1))" status=none
        ctl $n create bench >/dev/null
    done
}

RES=$DIR/results.tsv; : >"$RES"
# Warm-up: a start per configuration makes its class-data sharing archive (in the background,
# once the daemon serves); wait for it, so that every round maps one.
fresh_images
for i in "${!labels[@]}"; do
    hastd "$i" alpha
    stop alpha
    if [[ ${opts[i]} != *Xshare* && ${opts[i]} != *Archive* ]]; then
        for _ in $(seq 900); do
            ls "$DIR/cds-$i"/*.jsa >/dev/null 2>&1 && break
            sleep 0.1
        done
    fi
    log "${labels[i]}: archive $(ls "$DIR/cds-$i"/*.jsa 2>/dev/null || echo none)"
done
dd if=/dev/urandom of="$DIR/src.img" bs=1M count=$((SIZE_MB / 4)) status=none
for r in $(seq "$ROUNDS"); do
    order=("${!labels[@]}")
    [ $((r % 2)) = 0 ] && order=($(printf '%s\n' "${order[@]}" | tac))
    for i in "${order[@]}"; do
        l=${labels[i]}
        fresh_images
        t0=$(date +%s.%N)
        hastd "$i" alpha
        t1=$(date +%s.%N)
        cpu=$(cpu_s alpha)
        ctl alpha role primary bench
        until nbdinfo "$uri" >/dev/null 2>&1; do sleep 0.01; done
        t2=$(date +%s.%N)
        printf '%s\t%s\tready_s\t%s\n%s\t%s\texport_s\t%s\n%s\t%s\tcpu_ready_s\t%s\n' "$l" "$r" "$(echo "$t1 - $t0" | bc -l)" \
            "$l" "$r" "$(echo "$t2 - $t0" | bc -l)" "$l" "$r" "$cpu" >>"$RES"
        # Some data to synchronise, then the secondary joins; idle once the sync is done.
        nbdcopy --flush "$DIR/src.img" "$uri"
        rm -f "$DIR/beta.log"
        hastd "$i" beta
        ctl beta role secondary bench
        until ctl alpha list bench | grep -q complete; do sleep 0.2; done
        sleep "$IDLE_S"
        printf '%s\t%s\tidle_p\t%s\n%s\t%s\tidle_s\t%s\n' "$l" "$r" "$(($(kib alpha VmRSS) / 1024))" \
            "$l" "$r" "$(($(kib beta VmRSS) / 1024))" >>"$RES"
        for job in "randwrite 4k 32" "write 1m 8"; do
            set -- $job
            fio --name=load --ioengine=nbd --uri="$uri" --rw=$1 --bs=$2 --iodepth=$3 --size="$((SIZE_MB - 8))m" \
                --time_based --runtime="$RUNTIME" --output-format=json --output="$DIR/fio.json" >/dev/null 2>&1
        done
        printf '%s\t%s\tpeak_p\t%s\n%s\t%s\tpeak_s\t%s\n' "$l" "$r" "$(($(kib alpha VmHWM) / 1024))" \
            "$l" "$r" "$(($(kib beta VmHWM) / 1024))" >>"$RES"
        stop alpha beta
        log "round $r $l: $(awk -v l="$l" -v r="$r" '$1 == l && $2 == r { printf "%s %s  ", $3, $4 }' "$RES")"
    done
done
# Per configuration and figure: the median of the rounds, and its ratio to the first configuration's.
awk -F'\t' -v first="${labels[0]}" '
    { v[$1, $3, ++n[$1, $3]] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++nl] = $1 }
      if (!($3 in fseen)) { fseen[$3] = 1; fig[++nf] = $3 } }
    function median(l, f,   k, a, i, j, t) { k = n[l, f]; for (i = 1; i <= k; i++) a[i] = v[l, f, i]
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "| configuration |"; for (f = 1; f <= nf; f++) printf " %s |", fig[f]; print ""
          printf "|---|"; for (f = 1; f <= nf; f++) printf "---:|"; print ""
          for (o = 1; o <= nl; o++) { l = order[o]; printf "| %s |", l
              for (f = 1; f <= nf; f++) { m = median(l, fig[f]); b = median(first, fig[f])
                  if (l == first || b == 0) printf " %.4g |", m; else printf " %.4g (%.2f) |", m, m / b }
              print "" } }' "$RES"
echo "(medians of $ROUNDS rounds; in brackets the ratio to ${labels[0]}; raw figures in $RES)"
