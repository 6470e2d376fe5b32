#!/usr/bin/env bash
# The test command of README.md: the whole suite. The keyring tests run against a throwaway
# Secret Service (gnome-keyring in its own D-Bus session, with a scratch HOME), never the
# developer's own keyring; the window tests are headless (egui_kittest, no display), and its
# image snapshots render with wgpu on the software GL driver (no display either).
#   bash scripts/test.sh [cargo test arguments...] [-- test binary arguments...]
# The tests marked #[ignore = "needs …"] (real keyring; helper child processes) run here too
# (--include-ignored); a plain `cargo test` reports them as ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/run"
chmod 700 "$scratch/run"
export AA_CONNTEST_TEST_HOME="$scratch"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
exec env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
  HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" \
  dbus-run-session -- sh -c '
    echo -n ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
    # Tests that need a real service (the keyring) are #[ignore = "needs …"]: a plain cargo test
    # lists them as ignored; here they run.
    # --features snapshot: the image snapshots of the window (tests/it/snapshots.rs) are compared too;
    # they are pixel-identical from run to run on the software GL driver.
    case " $* " in
      *" -- "*) cargo test --locked --features snapshot "$@" --include-ignored ;;
      *) cargo test --locked --features snapshot "$@" -- --include-ignored ;;
    esac
  ' sh "$@"
