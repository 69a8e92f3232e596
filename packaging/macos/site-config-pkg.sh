#!/usr/bin/env bash
# Wrap IT's site configuration (site.toml and, say, campus-ca.pem) into a signed .pkg that MDM installs into
# LabSync's site config directory, /Library/Application Support/LabSync (`labsync config paths` shows it).
#   packaging/macos/site-config-pkg.sh /path/to/site-folder 2026.1
# The folder must contain site.toml; everything in it is installed, owned by root, mode 644.
set -euo pipefail
SRC=${1:?usage: site-config-pkg.sh SITE_FOLDER VERSION}
VERSION=${2:?usage: site-config-pkg.sh SITE_FOLDER VERSION}
[ -f "$SRC/site.toml" ] || { echo "no site.toml in $SRC" >&2; exit 2; }
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
DEST="$ROOT/Library/Application Support/LabSync"
mkdir -p "$DEST"
cp -R "$SRC"/. "$DEST"/
chmod -R u=rwX,go=rX "$ROOT/Library"
cd "$(dirname "$0")/../.."
mkdir -p dist
pkgbuild --root "$ROOT" --identifier edu.labsync.site-config --version "$VERSION" \
  ${LABSYNC_INSTALLER_IDENTITY:+--sign "$LABSYNC_INSTALLER_IDENTITY"} "dist/LabSync-site-config-$VERSION.pkg"
echo "built dist/LabSync-site-config-$VERSION.pkg"
