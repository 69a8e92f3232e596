#!/bin/sh
# Qt's xcb platform plugin needs X11 client libraries a fresh Debian/Ubuntu lacks; without them no window opens.
# Check for them; install with apt when we may (root or passwordless sudo), else say exactly what to install.
[ "$(uname -s)" = "Linux" ] || exit 0
[ "${QT_QPA_PLATFORM:-}" = "offscreen" ] && exit 0
PKGS="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libegl1 libgl1 libfontconfig1 libdbus-1-3"
missing=""
for lib in libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-image.so.0 libxcb-render-util.so.0 \
           libxcb-xkb.so.1 libxkbcommon-x11.so.0 libxcb-shape.so.0 libxcb-randr.so.0 libEGL.so.1 libGL.so.1 \
           libfontconfig.so.1 libdbus-1.so.3; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing="$missing $lib"
done
if [ -n "$missing" ]; then
  echo "LabSync: Qt needs system libraries that are missing:$missing"
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
    if [ "$SUDO" != "none" ]; then
      echo "LabSync: installing them with apt-get: $PKGS"
      $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS || exit 1
    else
      echo "Install them with:  sudo apt-get install $PKGS"
      exit 1
    fi
  else
    echo "Install your distribution's packages for: xcb-cursor, xcb-icccm, xcb-keysyms, xcb-image, xcb-render-util,"
    echo "xkbcommon-x11, EGL and fontconfig (Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms)."
    exit 1
  fi
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "LabSync: no display found (DISPLAY / WAYLAND_DISPLAY unset). Run 'make run' from a desktop session,"
  echo "or try it without a screen:  xvfb-run make run   (Debian: sudo apt-get install xvfb)"
  exit 1
fi
exit 0
