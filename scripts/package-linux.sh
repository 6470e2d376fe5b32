#!/usr/bin/env bash
# Build the Linux packages into target/package/:
#   aa-conntest_<version>-1_<arch>.deb        binary, menu entry, icons, man page, licences (cargo-deb)
#   aa-conntest-<version>-<target>.tar.gz     binary, man page, README, CHANGELOG, licences
#   SHA256SUMS                                 for both
# Installs what it needs (system packages via scripts/deps.sh and apt-get, cargo-deb from
# crates.io). Takes ~5 min from clean on 2 cores (the release build); seconds when it is built.
#   bash scripts/package-linux.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
CARGO_DEB_VERSION=3.8.0

step_start=$(date +%s)
say() { echo "package-linux: $* ($(( $(date +%s) - step_start )) s)"; }

# ---- tools ----
bash scripts/deps.sh
need=()
for p in help2man man-db desktop-file-utils dpkg-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ "$(cargo deb --version 2>/dev/null | awk '{print $NF}')" != "$CARGO_DEB_VERSION" ]; then
  say "installing cargo-deb $CARGO_DEB_VERSION from crates.io"
  cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION" --quiet
fi
say "tools ready"

# ---- the release binary ----
cargo build --release --locked
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/aa-conntest"
version=$("$bin" --version | awk '{print $2}')
triple=$(rustc -vV | awk '/^host:/ {print $2}')
say "release binary built: $("$bin" --version), $(stat -c %s "$bin") bytes"

out="$root/target/package"
rm -rf "$out"
mkdir -p "$out"

# ---- man page from --help (help2man), with every command's own help ----
roff_escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
commands_of() { "$bin" "$@" --help | awk '/^Commands:/ {on=1; next} on && /^$/ {exit} on && $1 != "help" {print $1}'; }
{
  echo "[COMMANDS]"
  for c in $(commands_of); do
    echo ".SS \"aa-conntest $c\""
    echo ".nf"; "$bin" "$c" --help | roff_escape; echo ".fi"
    for s in $(commands_of "$c"); do
      echo ".SS \"aa-conntest $c $s\""
      echo ".nf"; "$bin" "$c" "$s" --help | roff_escape; echo ".fi"
    done
  done
  cat <<'EOF'
[EXIT STATUS]
.TP
.B 0
the Control Room issued a token and confirmed it
.TP
.B 1
the Control Room answered and refused (login rejected, token invalid, permission missing)
.TP
.B 2
the Control Room could not be reached or something else answered (DNS, TCP, TLS, timeout, proxy, an HTML page, 404)
.TP
.B 3
unusable input (usage, a missing or malformed field)
[FILES]
.TP
.I ~/.config/aa-conntest/profiles.json
saved connection profiles (no secrets)
.TP
.I ~/.local/share/aa-conntest/history.json
the last results of each profile
.PP
Secrets (API keys, passwords) are kept in the desktop keyring (Secret Service), never in a file.
The About window shows the folders in use.
[ENVIRONMENT]
.TP
.B AA_CONNTEST_CONFIG_DIR, AA_CONNTEST_DATA_DIR, AA_CONNTEST_CACHE_DIR
use these folders instead of the ones above
.TP
.B AA_CONNTEST_KEYRING_SERVICE
the keyring service name (default aa-conntest)
.TP
.B HTTPS_PROXY, NO_PROXY
the proxy for checks without --proxy
EOF
} > "$out/man-include.h2m"
help2man --no-info --section=1 \
  --name="test Automation Anywhere Control Room credentials and explain what is wrong" \
  --version-string="$version" --include="$out/man-include.h2m" \
  --output="$out/aa-conntest.1" "$bin"
rm "$out/man-include.h2m"
# Render it once: a roff error fails the build here rather than in a user's `man`.
if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$out/aa-conntest.1" 2>"$out/man.warnings" >/dev/null \
   && [ ! -s "$out/man.warnings" ]; then
  rm "$out/man.warnings"
else
  cat "$out/man.warnings" >&2; exit 1
fi
say "man page generated"

# ---- .deb ----
desktop-file-validate packaging/linux/aa-conntest.desktop
cargo deb --no-build --locked --output "$out/" >/dev/null
deb=$(ls "$out"/aa-conntest_*.deb)
say "deb built: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# ---- .tar.gz ----
name="aa-conntest-$version-$triple"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
install -m 755 "$bin" "$stage/$name/aa-conntest"
install -m 644 README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$out/aa-conntest.1" "$stage/$name/"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
say "tarball built: $name.tar.gz, $(stat -c %s "$out/$name.tar.gz") bytes"

(cd "$out" && sha256sum ./*.deb ./*.tar.gz | sed 's# \./# #' > SHA256SUMS)
cat "$out/SHA256SUMS"
