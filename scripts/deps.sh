#!/bin/sh
# scripts/deps.sh [test|vm|fuzz|slurm] — make sure the Debian packages cxlscope
# builds, runs and reports with are installed. Used by both README commands
# (make run; make test with "test", which adds what the tests use: chromium
# to render the report headless, xmllint). With "vm": the packages the QEMU
# test guests need instead (tests/vm/: QEMU, busybox, the CXL/NVDIMM tools,
# cpio, depmod). With "fuzz" (make fuzz): the build packages and clang with
# libFuzzer (libclang-rt-14-dev, Debian 12's clang being clang 14). With
# "slurm" (tests/integration/test_fleet.sh): Slurm's daemons, client and
# munge, for a private test cluster (their system services need a config
# this does not write: slurmd's fails to start, munge's runs).
#
# - Everything present: prints nothing, exits 0.
# - Something missing and we are root: installs it with apt-get, exits 0
#   (non-zero if apt-get fails).
# - Something missing and we are not root: prints the one apt-get line to run,
#   exits 1.
# - Not a Debian-like system (no dpkg-query): says so and exits 0; the build
#   then reports what it cannot find.
set -eu

BASE="build-essential pkg-config libnuma-dev libhwloc-dev libpapi-dev gnuplot-nox \
libjansson-dev libcmocka-dev libcsv-dev numactl jq"
case "${1:-}" in
vm) PKGS="qemu-system-x86 busybox-static ndctl daxctl cpio kmod xz-utils zstd binutils" ;;
test) PKGS="$BASE chromium libxml2-utils" ;; # the report rendered headless, SVGs checked
fuzz) PKGS="$BASE clang libclang-rt-14-dev" ;;   # clang -fsanitize=fuzzer
slurm) PKGS="slurmctld slurmd slurm-client munge" ;;
*) PKGS="$BASE" ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: no dpkg-query: not a Debian system; install the equivalents of: $PKGS" >&2
    exit 0
fi

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root:  apt-get install -y$missing" >&2
    exit 1
fi

echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An empty or stale package list makes apt-get install fail; refresh it once.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
