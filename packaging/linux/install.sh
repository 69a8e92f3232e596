#!/bin/sh
# Install the LabSync bundle this script sits in (run as root):
#   sudo ./install.sh [--site-config /path/to/site.toml-or-folder] [--prefix /opt/labsync]
# Installs to /opt/labsync, links /usr/local/bin/labsync, adds the desktop entry, and copies IT's site
# configuration to /etc/xdg/LabSync (LabSync's site config directory; `labsync config paths` prints it).
# Uninstall: sudo rm -rf /opt/labsync /usr/local/bin/labsync /usr/share/applications/labsync.desktop
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=/opt/labsync
site=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --site-config) site=$2; shift 2 ;;
    *) echo "usage: install.sh [--site-config FILE|DIR] [--prefix DIR]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = "0" ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
rm -rf "$prefix.new"
mkdir -p "$prefix.new"
cp -a "$here"/. "$prefix.new"/
rm -rf "$prefix.old"
[ -d "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
chmod -R go-w "$prefix"
ln -sf "$prefix/labsync" /usr/local/bin/labsync
if [ -d /usr/share/applications ]; then
  sed "s#/opt/labsync#$prefix#g" "$here/labsync.desktop" > /usr/share/applications/labsync.desktop
fi
if [ -n "$site" ]; then
  install -d -m 755 /etc/xdg/LabSync
  if [ -d "$site" ]; then cp -R "$site"/. /etc/xdg/LabSync/; else install -m 644 "$site" /etc/xdg/LabSync/site.toml; fi
  chmod -R u=rwX,go=rX /etc/xdg/LabSync
fi
"$prefix/labsync" --version
