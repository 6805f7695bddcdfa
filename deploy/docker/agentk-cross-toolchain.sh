#!/bin/sh
# Native AOT links the agent with the target architecture's C toolchain and libraries. The SDK's aot image carries
# its own architecture's; when buildx builds the other one (an arm64 image on an amd64 builder, or the reverse), this
# adds the target's cross linker and zlib from Ubuntu's archive. Building for the builder's own architecture, it does
# nothing.
# usage: agentk-cross-toolchain.sh BUILDARCH TARGETARCH   (Docker's names: amd64, arm64)
set -eu
build="$1"
target="$2"
[ "$build" = "$target" ] && exit 0

case "$target" in
  arm64) triple=aarch64-linux-gnu; archive=http://ports.ubuntu.com/ubuntu-ports/ ;;
  amd64) triple=x86-64-linux-gnu; archive=http://archive.ubuntu.com/ubuntu/ ;;
  *) echo "agentk-cross-toolchain: no cross toolchain for target architecture '$target'" >&2; exit 1 ;;
esac

# The image's own sources stay on its architecture; the target's packages come from the archive that carries them.
sed -i "/^Signed-By/a Architectures: $build" /etc/apt/sources.list.d/ubuntu.sources
cat > "/etc/apt/sources.list.d/$target.sources" <<SOURCES
Types: deb
URIs: $archive
Suites: noble noble-updates noble-security
Components: main restricted
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
Architectures: $target
SOURCES
dpkg --add-architecture "$target"
apt-get update
apt-get install -y --no-install-recommends "gcc-$triple" "zlib1g-dev:$target"
rm -rf /var/lib/apt/lists/*
