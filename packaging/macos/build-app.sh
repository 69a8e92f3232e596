#!/usr/bin/env bash
# Build, sign, notarize and staple LabSync.app (and a signed .pkg for MDM), on macOS 12+ with Xcode CLT.
# It cannot run on Linux or Windows: PyInstaller builds only for the OS it runs on, and codesign/notarytool
# are Apple tools.
#
#   python3.11 -m venv .venv && .venv/bin/pip install -e '.[portal,packaging]'
#   export LABSYNC_CODESIGN_IDENTITY="Developer ID Application: Example University (TEAMID1234)"
#   export LABSYNC_INSTALLER_IDENTITY="Developer ID Installer: Example University (TEAMID1234)"   # optional: .pkg
#   xcrun notarytool store-credentials labsync-notary --apple-id it@example.edu --team-id TEAMID1234
#   export LABSYNC_NOTARY_PROFILE=labsync-notary
#   packaging/macos/build-app.sh
#
# Without LABSYNC_CODESIGN_IDENTITY it builds an unsigned .app (fine for a local try; Gatekeeper will block it
# on other Macs). Outputs: dist/LabSync.app, dist/LabSync-<version>-macos.zip, dist/LabSync-<version>.pkg.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
APP=dist/LabSync.app
ENTITLEMENTS=packaging/macos/entitlements.plist
IDENTITY=${LABSYNC_CODESIGN_IDENTITY:-}
PROFILE=${LABSYNC_NOTARY_PROFILE:-}

# 1. Build the windowed .app (the spec's BUNDLE step on macOS).
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/labsync.spec
"$APP/Contents/MacOS/LabSync" --version

if [ -z "$IDENTITY" ]; then
  echo "LABSYNC_CODESIGN_IDENTITY is not set: $APP is unsigned (ad-hoc). Stopping before notarization."
  exit 0
fi

# 2. Sign inside-out with the hardened runtime (notarization requires it) and a secure timestamp.
#    PyInstaller already signed with LABSYNC_CODESIGN_IDENTITY (the spec passes it on); signing again here makes
#    sure every nested binary carries the runtime flag, the timestamp and our entitlements.
sign() { codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" --sign "$IDENTITY" "$@"; }
while IFS= read -r -d '' lib; do sign "$lib"; done \
  < <(find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' \) -print0)
while IFS= read -r -d '' fw; do sign "$fw"; done \
  < <(find "$APP/Contents" -type d -name '*.framework' -prune -print0)
sign "$APP/Contents/MacOS/LabSync"
sign "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

# 3. Notarize (Apple scans the upload; --wait blocks until accepted or rejected), then staple the ticket.
ZIP="dist/LabSync-$VERSION-macos.zip"
ditto -c -k --keepParent "$APP" "$ZIP"
if [ -n "$PROFILE" ]; then
  xcrun notarytool submit "$ZIP" --keychain-profile "$PROFILE" --wait
  xcrun stapler staple "$APP"
  xcrun stapler validate "$APP"
  ditto -c -k --keepParent "$APP" "$ZIP"   # re-zip with the stapled ticket
  spctl --assess --type execute --verbose=4 "$APP"
else
  echo "LABSYNC_NOTARY_PROFILE is not set: signed but not notarized."
fi

# 4. A signed installer package for MDM (Jamf, Intune, Munki): installs /Applications/LabSync.app.
if [ -n "${LABSYNC_INSTALLER_IDENTITY:-}" ]; then
  PKG="dist/LabSync-$VERSION.pkg"
  pkgbuild --component "$APP" --install-location /Applications --identifier edu.labsync.LabSync \
    --version "$VERSION" --sign "$LABSYNC_INSTALLER_IDENTITY" "$PKG"
  if [ -n "$PROFILE" ]; then
    xcrun notarytool submit "$PKG" --keychain-profile "$PROFILE" --wait
    xcrun stapler staple "$PKG"
  fi
  echo "built $PKG"
fi
echo "built $APP ($VERSION)"
