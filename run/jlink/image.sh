#!/usr/bin/env bash
# Builds the appliance image: the launchers, hast.jar, hastctl's class path, the man pages and a
# Java runtime trimmed by jlink to the modules in run/jlink/modules, in one folder
# (<out>/image/hast) and one archive (<out>/hast-image-<version>.tar.gz). Unpacked anywhere,
# hastd and hastctl run with no Java installed: each launcher takes the runtime beside it.
#   run/jlink/image.sh [TARGET [VERSION [OUT]]]
# TARGET holds the build (hast.jar, lib/; default run/target), OUT receives the image (default
# TARGET). 'mvn -Pimage package' runs it; ImageIT runs it into a folder of its own.
# Needs the JDK's jmods (Debian's openjdk-17-jdk-headless has them).
set -eu
run=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
target=${1:-$run/target}
version=${2:-0}
dest=${3:-$target}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
if [ ! -d "$jdk/jmods" ]; then
    echo "image.sh: $jdk/jmods is missing: jlink needs a JDK with its jmods (set JAVA_HOME)" >&2
    exit 69
fi
for f in "$target/hast.jar" "$target/lib"; do
    if [ ! -e "$f" ]; then
        echo "image.sh: $f is missing; build first: mvn -q -DskipTests package" >&2
        exit 69
    fi
done
modules=$(grep -v '^#' "$run/jlink/modules" | grep . | paste -sd, -)

image=$dest/image
out=$image/hast
rm -rf "$image"
mkdir -p "$out/target"
# --generate-cds-archive: the image's own class-data sharing archive, as the JDK ships one.
"$jdk/bin/jlink" --add-modules "$modules" --output "$out/runtime" --strip-debug --no-header-files \
    --no-man-pages --compress=2 --generate-cds-archive
# A heap above 32 GB is the only user of the archive without compressed oops: hastd never runs one.
rm -f "$out/runtime/lib/server/classes_nocoops.jsa"
cp "$run/hastd" "$run/hastctl" "$out/"
cp -r "$run/etc" "$run/man" "$out/"
cp "$target/hast.jar" "$out/target/"
cp -r "$target/lib" "$out/target/lib"
tar -C "$image" -czf "$dest/hast-image-$version.tar.gz" hast
echo "image.sh: $dest/hast-image-$version.tar.gz ($(du -sh "$out/runtime" | cut -f1) runtime, modules $modules)"
