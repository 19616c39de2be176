#!/bin/sh
# tests/vm/fetch.sh VARIANT ENVFILE — make a guest kernel (and QEMU) ready.
#
#   stock  Debian 12's kernel (linux-image-amd64) with the machine's QEMU 7.2
#          (CXL type-3 memory only as pmem: region -> devdax -> kmem)
#   bpo    bookworm-backports kernel and QEMU (volatile CXL memory regions),
#          fetched from the same mirror the machine's apt sources use
#          (VM_MIRROR overrides it)
#
# Packages are downloaded with apt-get into the cache directory
# ($CXLSCOPE_VM_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/cxlscope/vm), the
# kernel is unpacked to an ELF vmlinux (booted directly through its PVH entry:
# no decompression under emulation) plus its cxl/dax/nvdimm modules, and a
# backports QEMU is unpacked beside it. A later run reuses what is there; with
# no network the newest complete copy in the cache is used.
#
# Writes KV, KERNEL, MODROOT, QEMU, QEMU_L, QEMU_VERSION to ENVFILE (shell
# assignments). Exit 0 ready; 77 cannot be had (the reason on stderr); 1 a
# fetched package is not what we expect.
set -eu
export LC_ALL=C
variant=${1:?usage: fetch.sh stock|bpo ENVFILE}
envfile=${2:?usage: fetch.sh stock|bpo ENVFILE}
CACHE=${CXLSCOPE_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cxlscope/vm}
mkdir -p "$CACHE/kernel" "$CACHE/qemu" 2>/dev/null && [ -w "$CACHE" ] || {
    echo "cannot write the cache directory $CACHE (set CXLSCOPE_VM_CACHE)" >&2
    exit 77
}
# One fetch at a time per cache (two test runs must not unpack over each other).
exec 9>"$CACHE/.lock"
flock -w 900 9 || { echo "fetch: $CACHE is locked by another run for 15 minutes" >&2; exit 1; }

skip() {
    echo "$*" >&2
    exit 77
}
[ "$variant" = stock ] || [ "$variant" = bpo ] || {
    echo "fetch.sh: variant is stock or bpo, not '$variant'" >&2
    exit 2
}
for t in apt-get apt-cache dpkg-deb xz zstd readelf; do
    command -v "$t" >/dev/null 2>&1 || skip "no $t on this machine (scripts/deps.sh vm installs it)"
done

# apt options: the machine's own configuration for stock; for bpo a private
# source list with the backports suite of the machine's Debian mirror.
# Bounded network waits: a dead mirror is a skip in minutes, not a hang.
APT_NET="-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30 -o Acquire::Retries=1"
APT=$APT_NET upd_err=""
if [ "$variant" = bpo ]; then
    A=$CACHE/apt-bpo
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
    uri=${VM_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
    [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$uri" ] || skip "no Debian mirror in /etc/apt/sources.list{,.d/debian.sources}"
    echo "deb $uri bookworm-backports main" >"$A/sources.list"
    APT="$APT_NET -o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null \
-o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache -o Dir::Etc::Preferences=/dev/null \
-o Dir::Etc::PreferencesParts=/dev/null -o Dir::State::status=/dev/null"
    # Refresh the backports index once a day.
    if [ -z "$(find "$A/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
        # shellcheck disable=SC2086
        apt-get $APT update -qq >"$A/update.log" 2>&1
        # apt-get update can exit 0 with index files missing: read its log.
        if grep -qE '^(E|W|Err):' "$A/update.log"; then
            upd_err="apt-get update of $uri bookworm-backports: $(grep -m1 -E '^(E|W|Err):' "$A/update.log")"
        fi
        [ -z "$upd_err" ] || echo "fetch: $upd_err" >&2
    fi
elif ! apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-' &&
    [ "$(id -u)" -eq 0 ]; then
    # shellcheck disable=SC2086
    apt-get $APT_NET update -qq >/dev/null 2>&1 || true
fi

# version PKG: the candidate version apt would fetch ("" if none).
version() {
    # shellcheck disable=SC2086
    apt-cache $APT show --no-all-versions "$1" 2>/dev/null | awk '/^Version:/{print $2; exit}'
}
# fetch PKG... into $tmp (apt-get download names files PKG_VERSION_ARCH.deb).
fetch() {
    # shellcheck disable=SC2086
    (cd "$tmp" && apt-get $APT download "$@" >"$tmp/download.log" 2>&1) ||
        skip "apt-get download $* failed: $(tail -1 "$tmp/download.log")"
}
# newest_done PREFIX: the newest PREFIX*/ directory with a .done stamp ("" if none)
newest_done() {
    # shellcheck disable=SC2012
    best=$(ls -1t "$1"*/.done 2>/dev/null | head -1)
    [ -z "$best" ] || dirname "$best"
}

tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- the kernel
# shellcheck disable=SC2086
kpkg=$(apt-cache $APT depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
kver=""
[ -n "$kpkg" ] && kver=$(version "$kpkg")
if [ -n "$kpkg" ] && [ -n "$kver" ]; then
    kdir=$CACHE/kernel/$variant-$kpkg-$kver
else
    kdir=$(newest_done "$CACHE/kernel/$variant-")
    [ -n "$kdir" ] || skip "cannot find the $variant kernel package (linux-image-amd64${APT:+ in bookworm-backports}): ${upd_err:-no apt index}, and nothing cached in $CACHE"
    echo "fetch: no apt index for the $variant kernel; using the cached $(basename "$kdir")" >&2
fi
if [ ! -f "$kdir/.done" ]; then
    fetch "$kpkg"
    deb=$(ls "$tmp"/linux-image-*.deb)
    rm -rf "$kdir" && mkdir -p "$kdir/root"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir/root" --wildcards './boot/vmlinuz-*' \
        './lib/modules/*/kernel/drivers/cxl/*' './lib/modules/*/kernel/drivers/dax/*' \
        './lib/modules/*/kernel/drivers/nvdimm/*' './lib/modules/*/modules.order' \
        './lib/modules/*/modules.builtin*'
    vz=$(ls "$kdir"/root/boot/vmlinuz-*)
    # The bzImage carries the kernel compressed: find the xz or zstd stream.
    off=$(grep -abo "$(printf '\3757zXZ')" "$vz" | head -1 | cut -d: -f1 || true)
    if [ -n "$off" ]; then
        tail -c +$((off + 1)) "$vz" | xz -dc --single-stream >"$kdir/vmlinux" 2>/dev/null || true
    else
        off=$(grep -abo "$(printf '\050\265\057\375')" "$vz" | head -1 | cut -d: -f1 || true)
        [ -n "$off" ] && { tail -c +$((off + 1)) "$vz" | zstd -dcq >"$kdir/vmlinux" 2>/dev/null || true; }
    fi
    readelf -n "$kdir/vmlinux" 2>/dev/null | grep -q 'Unknown note type: (0x00000012)' || {
        echo "fetch: $kpkg: no ELF vmlinux with a PVH entry point could be unpacked from $(basename "$vz")" >&2
        exit 1
    }
    # busybox insmod wants plain .ko files
    find "$kdir/root/lib/modules" -name '*.ko.xz' -exec xz -d {} +
    find "$kdir/root/lib/modules" -name '*.ko.zst' -exec zstd -dq --rm {} +
    rm -f "$vz"
    touch "$kdir/.done"
fi
kv=$(ls "$kdir/root/lib/modules")

# --- QEMU: the machine's for stock, the backports one unpacked for bpo
if [ "$variant" = stock ]; then
    qemu=$(command -v qemu-system-x86_64 || true)
    [ -n "$qemu" ] || skip "no qemu-system-x86_64 (Debian package qemu-system-x86; scripts/deps.sh vm installs it)"
    qemu_l=""
else
    qver=$(version qemu-system-x86)
    if [ -n "$qver" ]; then
        qdir=$CACHE/qemu/$(echo "$qver" | tr ':~+' '___')
    else
        qdir=$(newest_done "$CACHE/qemu/")
        [ -n "$qdir" ] || skip "cannot find qemu-system-x86 in bookworm-backports: ${upd_err:-no apt index}, and nothing cached in $CACHE"
    fi
    if [ ! -f "$qdir/.done" ]; then
        fetch qemu-system-x86 qemu-system-common qemu-system-data seabios
        rm -rf "$qdir" && mkdir -p "$qdir"
        for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$qdir"; done
        touch "$qdir/.done"
    fi
    qemu=$qdir/usr/bin/qemu-system-x86_64
    qemu_l="-L $qdir/usr/share/qemu -L $qdir/usr/share/seabios"
fi
# shellcheck disable=SC2086
qv=$("$qemu" $qemu_l --version 2>&1 | head -1) ||
    skip "$qemu does not run here: $qv (its shared libraries come with Debian's qemu-system-x86)"

cat >"$envfile" <<EOF
KV='$kv'
KERNEL='$kdir/vmlinux'
MODROOT='$kdir/root'
QEMU='$qemu'
QEMU_L='$qemu_l'
QEMU_VERSION='$(echo "$qv" | sed 's/^QEMU emulator version //')'
EOF
