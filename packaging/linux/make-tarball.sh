#!/bin/sh
# After `make package`: wrap dist/labsync/ into dist/labsync-<version>-linux-<arch>.tar.gz with install.sh and the
# desktop entry, and print the bundle's size.
set -eu
cd "$(dirname "$0")/../.."
[ -x dist/labsync/labsync ] || { echo "dist/labsync/labsync not found: run make package first" >&2; exit 1; }
version=$(cat dist/labsync/_internal/resources/VERSION)
arch=$(uname -m)
cp packaging/linux/install.sh packaging/linux/labsync.desktop packaging/site.example.toml dist/labsync/
tarball="dist/labsync-$version-linux-$arch.tar.gz"
tar -C dist -czf "$tarball" labsync
echo "bundle: $(du -sh dist/labsync | cut -f1) in dist/labsync/ ; archive: $(du -h "$tarball" | cut -f1) $tarball"
