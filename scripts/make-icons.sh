#!/usr/bin/env bash
# Render every icon file from assets/icon.svg (run after changing the SVG; the results are
# committed, so building and packaging never need these tools):
#   assets/icon.png                     128 px, the window icon (src/gui)
#   assets/icons/aa-conntest-N.png      the hicolor sizes for Linux menus and the macOS .icns
#   assets/icons/aa-conntest.ico        the Windows .exe and installer icon
# Needs rsvg-convert (librsvg2-bin) and ImageMagick; installs them on Debian/Ubuntu if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
command -v convert >/dev/null || need+=(imagemagick)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
mkdir -p assets/icons
for n in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$n" -h "$n" assets/icon.svg -o "assets/icons/aa-conntest-$n.png"
done
cp assets/icons/aa-conntest-128.png assets/icon.png
# Windows wants several sizes in one .ico (Explorer picks per view); 256 is stored as PNG.
convert assets/icons/aa-conntest-{16,24,32,48,64,128,256}.png assets/icons/aa-conntest.ico
ls -l assets/icon.png assets/icons
