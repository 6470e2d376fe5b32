#!/usr/bin/env bash
# System packages for building, running and testing aa-conntest on Debian/Ubuntu.
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
# libxml2-utils: xmllint checks the JUnit files of `check --all-profiles --junit` against
# tests/fixtures/junit.xsd (tests/it/cli_scheduled.rs). iproute2, util-linux, mount: the DNS
# deadline test runs the check in a network namespace of its own (tests/it/hostile_deadlines.rs).
pkgs=(build-essential pkg-config ca-certificates curl dbus gnome-keyring
      libx11-6 libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon0 libxkbcommon-x11-0
      libgl1 libegl1 libgl1-mesa-dri
      libxml2-utils iproute2 util-linux mount)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
