#!/usr/bin/env bash
# Disk benchmark: fio (libaio, O_DIRECT) on block devices made with unmodified tools, each test
# the same job on
#   loop       the bare loop device over a file (what the primary's provider is here),
#   nbdkit     nbdkit serving that loop device, attached through nbdfuse + losetup: the cost of
#              the attaching stack alone, without HAST,
#   hast-jdk   a HAST primary (fullsync, secondary on a second loop device) on that loop device,
#              attached the same way; its reads, writes and flushes through the JDK (default),
#   hast-jnr   the same with -Dhast.local.io=native: reads, writes and flushes through JNR-FFI,
#   hast-direct the default calls with 'direct on' (O_DIRECT on the provider),
#   hast-k1024 the default calls with 'hastctl create -k 1024': enough extents kept dirty that
#              random writes over the device seldom wait for an activemap write.
# Prints one table: IOPS for 4 KiB random writes at queue depth 1 and 32, MiB/s for 1 MiB
# sequential writes at queue depth 4, each with its ratio to the bare loop device.
#
# Usage:  run/bench/disk-bench.sh      (as root, after mvn -q -DskipTests package; needs fio,
#         losetup, nbdfuse (libnbd-bin), fuse3, nbdkit, jq)
# Env:    SIZE_MB=1024 RUNTIME=10 RAMP=2 DIR=/tmp/hast-disk-bench TARGETS="loop nbdkit hast-jdk hast-jnr hast-direct hast-k1024"
#         HAST_JAR / HASTCTL_LIB (the launchers' jars, e.g. of a -Dhast.target build)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SIZE_MB=${SIZE_MB:-1024}
RUNTIME=${RUNTIME:-10}
RAMP=${RAMP:-2}
DIR=${DIR:-/tmp/hast-disk-bench}
TARGETS=${TARGETS:-loop nbdkit hast-jdk hast-jnr hast-direct hast-k1024}
for c in fio losetup nbdfuse fusermount3 nbdkit jq; do
    command -v $c >/dev/null || { echo "missing $c" >&2; exit 69; }
done
rm -rf "$DIR" && mkdir -p "$DIR"

# Everything attached or started is undone on exit, in reverse order.
undo=()
cleanup() {
    for ((i = ${#undo[@]} - 1; i >= 0; i--)); do eval "${undo[i]}" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fuses=0

# The functions below start processes and record how to undo them, so they run in this shell
# (never in $(...)) and leave the device they make in $device.
backing() {   # file -> $device, a loop device over it
    dd if=/dev/zero of="$1" bs=1M count="$SIZE_MB" status=none conv=fsync
    device=$(losetup -f --show "$1")
    undo+=("losetup -d $device")
}

attach() {    # NBD URL -> $device, a loop device over nbdfuse's file
    local mnt="$DIR/fuse$((fuses += 1))"
    mkdir -p "$mnt"
    nbdfuse -P "$mnt.pid" "$mnt" "$1" >>"$mnt.log" 2>&1 &
    undo+=("fusermount3 -u -z $mnt; wait $! 2>/dev/null")
    for _ in $(seq 300); do [ -s "$mnt.pid" ] && break; sleep 0.1; done
    device=$(losetup -f --show "$mnt/nbd")
    undo+=("losetup -d $device")
}

detach_last() {   # undoes the newest n steps now
    for ((k = 0; k < $1; k++)); do
        local last=$((${#undo[@]} - 1))
        eval "${undo[last]}" || true
        unset "undo[$last]"
        undo=("${undo[@]}")
    done
}

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A result
measure() {   # name device
    local name=$1 dev=$2
    for t in rand4k-qd1 rand4k-qd32 seq1m-qd4; do
        local bs=4k rw=randwrite qd=1
        case $t in
            rand4k-qd32) qd=32 ;;
            seq1m-qd4) bs=1M rw=write qd=4 ;;
        esac
        fio --name="$t" --filename="$dev" --ioengine=libaio --direct=1 --rw=$rw --bs=$bs --iodepth=$qd \
            --time_based --runtime="$RUNTIME" --ramp_time="$RAMP" --output-format=json >"$DIR/$name-$t.json"
        if [ $t = seq1m-qd4 ]; then
            result[$name,$t]=$(jq '.jobs[0].write.bw / 1024 | floor' "$DIR/$name-$t.json")
        else
            result[$name,$t]=$(jq '.jobs[0].write.iops | floor' "$DIR/$name-$t.json")
        fi
        echo "  $name $t: ${result[$name,$t]}" >&2
    done
}

hast_pair() {   # name, extra hastd JVM options, extra resource settings[, hastctl create options] -> $device, the primary attached
    local name=$1 jvm=$2 settings=$3 create=${4:-}
    local pa pb na nb
    pa=$(port); pb=$(port); na=$(port); nb=$(port)
    cat >"$DIR/$name.conf" <<CONF
replication fullsync
on alpha { control uds://$DIR/$name-alpha.ctl listen tcp4://127.0.0.1:$pa export tcp://127.0.0.1:$na export-insecure on }
on beta { control uds://$DIR/$name-beta.ctl listen tcp4://127.0.0.1:$pb export tcp://127.0.0.1:$nb export-insecure on }
resource r0 {
  $settings
  on alpha { local $alpha remote tcp4://127.0.0.1:$pb }
  on beta { local $beta remote tcp4://127.0.0.1:$pa }
}
CONF
    for n in alpha beta; do
        HAST_NODE=$n "$here/hastctl" create -c "$DIR/$name.conf" $create r0 >/dev/null
        HAST_NODE=$n HASTD_JAVA_OPTS="-XX:+UseSerialGC -Xms16m -Xmx512m -XX:MaxDirectMemorySize=512m -Xss512k -Djdk.nio.maxCachedBufferSize=262144 $jvm" \
            "$here/hastd" -F -u root -c "$DIR/$name.conf" >>"$DIR/$name-$n.log" 2>&1 &
        undo+=("kill -TERM $! 2>/dev/null; wait $! 2>/dev/null")
        for _ in $(seq 300); do HAST_NODE=$n "$here/hastctl" status -c "$DIR/$name.conf" >/dev/null 2>&1 && break; sleep 0.1; done
    done
    HAST_NODE=beta "$here/hastctl" role -c "$DIR/$name.conf" secondary r0 >/dev/null
    HAST_NODE=alpha "$here/hastctl" role -c "$DIR/$name.conf" primary r0 >/dev/null
    for _ in $(seq 600); do
        HAST_NODE=alpha "$here/hastctl" list -c "$DIR/$name.conf" r0 | grep -q 'status: complete' && break
        sleep 0.1
    done
    attach "nbd://127.0.0.1:$na/r0"
}

backing "$DIR/alpha.img"; alpha=$device
backing "$DIR/beta.img"; beta=$device
for target in $TARGETS; do
    echo "$target:" >&2
    case $target in
        loop) measure loop "$alpha" ;;
        nbdkit)
            p=$(port)
            nbdkit -f -i 127.0.0.1 -p "$p" file "$alpha" &
            undo+=("kill -TERM $! 2>/dev/null; wait $! 2>/dev/null")
            for _ in $(seq 100); do nbdinfo "nbd://127.0.0.1:$p" >/dev/null 2>&1 && break; sleep 0.1; done
            attach "nbd://127.0.0.1:$p"
            measure nbdkit "$device"
            detach_last 3 ;;
        hast-jdk) hast_pair hast-jdk "" ""; measure hast-jdk "$device"; detach_last 4 ;;
        hast-jnr) hast_pair hast-jnr "-Dhast.local.io=native" ""; measure hast-jnr "$device"; detach_last 4 ;;
        hast-direct) hast_pair hast-direct "" "direct on"; measure hast-direct "$device"; detach_last 4 ;;
        hast-k1024) hast_pair hast-k1024 "" "" "-k 1024"; measure hast-k1024 "$device"; detach_last 4 ;;
        *) echo "unknown target $target" >&2; exit 64 ;;
    esac
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '| test |'; for t in $TARGETS; do printf ' %s |' "$t"; done; echo
printf '|---|'; for _ in $TARGETS; do printf -- '---:|'; done; echo
for row in "rand4k-qd1:4 KiB rand write QD1 (IOPS)" "rand4k-qd32:4 KiB rand write QD32 (IOPS)" "seq1m-qd4:1 MiB seq write QD4 (MiB/s)"; do
    t=${row%%:*}
    printf '| %s |' "${row#*:}"
    for target in $TARGETS; do
        v=${result[$target,$t]}
        if [ "$target" = loop ] || [ -z "${result[loop,$t]:-}" ]; then printf ' %s |' "$v"
        else printf ' %s (%s) |' "$v" "$(ratio "$v" "${result[loop,$t]}")"; fi
    done
    echo
done
