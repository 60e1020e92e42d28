#!/usr/bin/env bash
# Makes the base image the Dockerfiles start FROM, debian:<release>-slim, in the local Podman
# storage when no registry can be reached (our CI machines reach Debian's mirror, not Docker Hub).
# Where Docker Hub is reachable none of this is needed: `FROM debian:trixie-slim` is pulled.
#
#   docker/debian-base.sh [release]      # default trixie; as root (debootstrap), needs podman
#
# debootstrap --variant=minbase installs the Essential and Required packages, which is what the
# official slim image holds; ca-certificates is added for apt over https. The result is stored
# under the name the FROM line resolves to (docker.io/library/debian:<release>-slim), so the
# Dockerfiles are the same wherever they are built. Does nothing when that image exists.
set -euo pipefail
release="${1:-trixie}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
image="docker.io/library/debian:${release}-slim"

if podman image exists "$image"; then
  echo "$image present"
  exit 0
fi
rootfs="$(mktemp -d /tmp/debian-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "Making $image with debootstrap from $mirror (about a minute)..."
debootstrap --variant=minbase --include=ca-certificates "$release" "$rootfs" "$mirror" > "$rootfs.log" 2>&1 \
  || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
# As the official image: the release's updates and security suites, no package cache, no lists.
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $release main
deb $mirror $release-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $release-security main
SOURCES
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' - "$image" > /dev/null
echo "$image made"
