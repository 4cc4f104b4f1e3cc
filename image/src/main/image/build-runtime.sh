#!/usr/bin/env bash
# Assembles the root file system the notifier image runs on, offline, from the build machine:
#   opt/java         a Java runtime jlink'd from the build JDK (only the modules the notifier needs)
#   lib*, usr/lib*   the shared libraries that runtime and the JNI libraries of the classpath
#                    (RocksDB, zstd, lz4, snappy) link against, found with ldd, and the dynamic loader
#   etc/             passwd and group with the non-root user notifier (10001), nsswitch.conf
#   usr/lib/locale  glibc's C.UTF-8 locale (LANG=C.UTF-8 makes UTF-8 the JVM's default charset)
#   tmp/             empty (the JNI libraries are unpacked there at run time)
#   var/lib/notifier/streams, etc/notifier   the streams state volume's and the config's mount points
#   var/lib/kafka/data  the log directory of the notifier-kafka image, which is built on the same root
# The image is then FROM scratch plus this tree (Jib extraDirectories): no registry is needed to build it.
#
# With a base image that has a Java runtime (-Djib.from.image=...), MODE is app: only the notifier's own
# directories are made.
#
# usage: build-runtime.sh full|app JAVA_HOME OUT_DIR MODULES CLASSPATH_FILE ROOTFS_TEMPLATE
set -euo pipefail

mode=$1
java_home=$2
out=$3
modules=$4
classpath_file=$5
template=$6

fail() {
  echo "build-runtime: $*" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$out/var/lib/notifier/streams" "$out/etc/notifier" "$out/var/lib/kafka/data"
case "$mode" in
  app) echo "build-runtime: base image brings the runtime; only the notifier's directories in $out"; exit 0 ;;
  full) ;;
  *) fail "mode is '$mode': use full (FROM scratch) or app (a base image with a Java runtime)" ;;
esac

[ -x "$java_home/bin/jlink" ] || fail "no jlink in $java_home/bin: build the image with a full JDK 17+ (JAVA_HOME)"
[ -d "$java_home/jmods" ] || fail "no $java_home/jmods: this JDK has no jmods to jlink from (Debian: openjdk-17-jdk-headless)"
command -v ldd >/dev/null || fail "ldd not found: the image's shared libraries are taken from this (glibc Linux) machine"

mkdir -p "$out/opt" "$out/tmp"
cp -R "$template/." "$out/"

# 1. the Java runtime: --include-locales keeps English and Chinese (the built-in templates' locales)
"$java_home/bin/jlink" \
  --add-modules "$modules" \
  --include-locales=en,zh \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out/opt/java"

# java.desktop is there for java.beans only (the Kafka broker's commons-validator and commons-collections):
# its native libraries for X11, sound, fonts, colour profiles, JPEG and the splash screen would bring X11,
# ALSA, FreeType and more into the image, and nothing in it draws (AWT falls back to headless)
rm -f "$out"/opt/java/lib/{libawt_xawt,libjawt,libsplashscreen,libjsound,libfontmanager,libjavajpeg,liblcms}.so

# 2. the JNI libraries the classpath unpacks at run time, for this machine's architecture (only read by ldd here)
jni=$(mktemp -d)
trap 'rm -rf "$jni"' EXIT
case "$(uname -m)" in
  x86_64) arch='(x86_64|amd64|linux64)' ;;
  aarch64) arch='(aarch64|arm64|linux-aarch64)' ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac
# unzip lists a jar in milliseconds, jar tf in a JVM start; either will do
list() { if command -v unzip >/dev/null; then unzip -Z1 "$1"; else "$java_home/bin/jar" tf "$1"; fi; }
tr ':' '\n' < "$classpath_file" | grep '\.jar$' | while read -r jar; do
  entries=$(list "$jar" | grep -Ei 'linux' | grep -Ei "$arch" | grep -Ei '\.so$' \
    | grep -vi musl || true)
  if [ -n "$entries" ]; then
    (cd "$jni" && "$java_home/bin/jar" xf "$jar" $entries)
  fi
done

# 3. every shared library those link against, at the path the loader finds it, plus the loader itself
libs=$(mktemp)
find "$out/opt/java" "$jni" -type f \( -name '*.so' -o -path '*/bin/*' \) | while read -r elf; do
  # libjvm.so and its siblings are found in the runtime itself (they are loaded by the time it needs them)
  if ! deps=$(LD_LIBRARY_PATH="$out/opt/java/lib:$out/opt/java/lib/server" ldd "$elf" 2>/dev/null); then
    continue # not a dynamic ELF of this machine (a script, another architecture)
  fi
  if grep -q 'not found' <<<"$deps"; then
    fail "$elf needs a library this machine does not have: $(grep 'not found' <<<"$deps" | tr -s ' \t' ' ')"
  fi
  # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$deps"
done | sort -u > "$libs"
# the runtime's own libraries are found through its lib directory, not the system's
grep -v "^$out" "$libs" | while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
rm -f "$libs"

# 4. glibc's C.UTF-8 locale: with LANG=C.UTF-8 the JVM reads and writes UTF-8 (Java 17 takes its default
#    charset from the locale; without it mail subjects in Chinese would be logged as '?')
locale_dir=/usr/lib/locale/C.utf8
[ -d "$locale_dir" ] || fail "$locale_dir not found: the image needs glibc's C.UTF-8 locale (Debian: libc-bin)"
mkdir -p "$out/usr/lib/locale"
cp -R "$locale_dir" "$out/usr/lib/locale/"

echo "build-runtime: $(du -sh "$out" | cut -f1) in $out ($(find "$out" -name '*.so*' -path "$out/[lu]*" | wc -l) system libraries)"
