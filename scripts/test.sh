#!/usr/bin/env bash
# The test command of README.md: the whole suite, with the keyring tests against a throwaway
# Secret Service (gnome-keyring in its own D-Bus session and HOME), never the developer's keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export AA_CONNTEST_TEST_HOME="$scratch"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Headless: the UI tests use egui_kittest, no display; unset so nothing reaches a real desktop.
exec env -u DISPLAY -u WAYLAND_DISPLAY HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" \
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
  dbus-run-session -- sh -c '
    mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    echo -n ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
    cargo test --locked "$@"
  ' sh "$@"
