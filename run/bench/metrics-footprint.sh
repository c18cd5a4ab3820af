#!/bin/sh
# The metrics bundle's footprint: idle RSS of a lone primary (64 MiB file, remote none), IDLE_S
# seconds after its start, with metrics-listen unset (the bundle idle), set and scraped every
# second, and, when a second jar is given, that jar (e.g. a build without the bundle). The
# configurations alternate, ROUNDS times. No class-data sharing archive, so that none favours one jar.
# Usage: metrics-footprint.sh [jar-without-bundle]   (ports PORT..PORT+9, default 21410)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${HAST_JAR:-$here/target/hast.jar}
other=${1:-}
rounds=${ROUNDS:-2}
idle=${IDLE_S:-15}
port=${PORT:-21410}
dir=$(mktemp -d /tmp/metrics-footprint.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export HAST_NODE=solo HASTD_CDS_DIR= HASTCTL_LIB=${HASTCTL_LIB:-$here/target/lib}
truncate -s 64M "$dir/disk.img"

conf() { # $1: extra global line
    cat > "$dir/hast.conf" <<CONF
$1
control uds://$dir/ctl
listen tcp4://127.0.0.1:$((port + 1))
export tcp://127.0.0.1:$((port + 2))
export-insecure on
resource test {
  on solo { local $dir/disk.img remote none }
}
CONF
}

measure() { # $1: label, $2: jar, $3: scrape or not
    HAST_JAR=$2 "$here/hastctl" create -c "$dir/hast.conf" test >/dev/null 2>&1 || true
    HAST_JAR=$2 "$here/hastd" -F -c "$dir/hast.conf" -u root </dev/null >"$dir/log" 2>&1 &
    launcher=$!
    start=$(date +%s)
    # hastctl's statuses below 64 are the resource's state: the daemon answered.
    until HAST_JAR=$2 "$here/hastctl" status -c "$dir/hast.conf" >/dev/null 2>&1 || [ $? -lt 64 ]; do sleep 0.2; done
    HAST_JAR=$2 "$here/hastctl" role -c "$dir/hast.conf" primary test
    jvm=$(pgrep -P "$launcher" java)
    while [ $(($(date +%s) - start)) -lt "$idle" ]; do
        [ "$3" = scrape ] && curl -s -o /dev/null "http://127.0.0.1:$port/metrics"
        sleep 1
    done
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$jvm/status")
    hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$jvm/status")
    classes=$(jcmd "$jvm" PerfCounter.print 2>/dev/null | awk -F= '/^java.cls.loadedClasses=/ {l=$2} /^java.cls.unloadedClasses=/ {u=$2} END {print l - u}')
    echo "$1: RSS $rss MiB (peak $hwm MiB), $classes classes"
    kill "$launcher"
    wait "$launcher" || true
}

for r in $(seq "$rounds"); do
    conf ""
    measure "round $r metrics off " "$jar" none
    conf "metrics-listen 127.0.0.1:$port"
    measure "round $r metrics on  " "$jar" scrape
    if [ -n "$other" ]; then
        conf ""
        measure "round $r other jar   " "$other" none
    fi
done
