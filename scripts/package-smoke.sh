#!/usr/bin/env bash
# The Linux packages end to end, as a user gets them: build them (scripts/package-linux.sh),
# install the .deb with dpkg -i, run the installed binary (--version; `check` against the
# installed `demo-server`), open the installed window from its menu entry under Xvfb and save a
# screenshot (target/package/smoke-window.png), then remove the package. Also unpacks the
# .tar.gz and runs its binary. Needs root (dpkg -i) or sudo. Part of CI (.ci/run).
#   bash scripts/package-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"

started=$(date +%s)
bash scripts/package-linux.sh
echo "package-smoke: packages built in $(( $(date +%s) - started )) s"

# Tools for the checks: a headless X server, window lookup, screenshots.
need=()
for p in xvfb xauth xdotool imagemagick x11-utils python3 man-db; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

out="$root/target/package"
deb=$(ls "$out"/aa-conntest_*.deb)
tarball=$(ls "$out"/aa-conntest-*.tar.gz)
version=$(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')
commit=$(git rev-parse --short HEAD 2>/dev/null || true)

work=$(mktemp -d)
pids=()
installed_by_us=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$installed_by_us" ] && dpkg-query -W aa-conntest >/dev/null 2>&1; then
    $sudo dpkg -r aa-conntest >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0; failed=0
pass() { passed=$((passed + 1)); echo "  ok    $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# The app's settings, profiles and keyring stay away from the machine's own (and from the
# developer's, when run by hand).
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY

echo "package-smoke: the .deb"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
has() { grep -qx "./$1" <<<"$contents"; }
check "the .deb has the binary" has usr/bin/aa-conntest
check "the .deb has the menu entry" has usr/share/applications/aa-conntest.desktop
for s in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  check "the .deb has the $s icon" has "usr/share/icons/hicolor/$s/apps/aa-conntest.png"
done
check "the .deb has the scalable icon" has usr/share/icons/hicolor/scalable/apps/aa-conntest.svg
check "the .deb has the man page" has usr/share/man/man1/aa-conntest.1.gz
check "the .deb has the licences" has usr/share/doc/aa-conntest/LICENSE-MIT
check "the .deb has the Apache licence" has usr/share/doc/aa-conntest/LICENSE-APACHE
check "the .deb has a copyright file" has usr/share/doc/aa-conntest/copyright

if dpkg-query -W -f='${Status}' aa-conntest 2>/dev/null | grep -q "install ok installed"; then
  echo "package-smoke: removing an aa-conntest package left from before"
  $sudo dpkg -r aa-conntest >/dev/null
fi
installed_by_us=1
if $sudo dpkg -i "$deb" > "$work/dpkg.log" 2>&1; then
  pass "dpkg -i $(basename "$deb")"
else
  cat "$work/dpkg.log"; fail "dpkg -i $(basename "$deb")"
  echo "smoke: $passed passed, $failed failed"; exit 1
fi

installed=$(command -v aa-conntest || true)
check "aa-conntest is on PATH at /usr/bin" test "$installed" = /usr/bin/aa-conntest
expected="aa-conntest $version${commit:+ (commit $commit)}"
got=$(aa-conntest --version)
echo "        aa-conntest --version: $got"
check "installed --version says \"$expected\"" test "$got" = "$expected"
check "the installed menu entry passes desktop-file-validate" \
  desktop-file-validate /usr/share/applications/aa-conntest.desktop
man_page() {
  [ "$(man -w aa-conntest)" = /usr/share/man/man1/aa-conntest.1.gz ] &&
    MANWIDTH=80 man aa-conntest 2>/dev/null | grep -q "aa-conntest check"
}
check "man aa-conntest shows the man page, with the commands" man_page

echo "package-smoke: the installed check against the installed demo Control Room"
aa-conntest demo-server --port 0 --json > "$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/demo.out" ] && break; sleep 0.1; done
field() { head -1 "$work/demo.out" | python3 -c 'import json,sys; v=json.loads(sys.stdin.readline()); print(eval("v"+sys.argv[1]), end="")' "$1"; }
url=$(field "['url']")
user=$(field "['api_key_user']['username']")
# The secret only through an environment variable, never as an argument.
export AA_SMOKE_API_KEY
AA_SMOKE_API_KEY=$(field "['api_key_user']['api_key']")
echo "        demo Control Room at $url"
set +e
aa-conntest check --url "$url" --username "$user" --api-key-env AA_SMOKE_API_KEY > "$work/check.txt" 2>&1
code=$?
aa-conntest check --url "$url" --username "$user" --api-key-env AA_SMOKE_API_KEY --json > "$work/check.json" 2>"$work/check.json.err"
json_code=$?
AA_SMOKE_WRONG="$AA_SMOKE_API_KEY-wrong" aa-conntest check --url "$url" --username "$user" \
  --api-key-env AA_SMOKE_WRONG --json > "$work/wrong.json" 2>/dev/null
wrong_code=$?
set -e
sed 's/^/        | /' "$work/check.txt" | head -12
report_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]], end="")' "$1" "$2"; }
check "check exits 0 with the right key" test "$code" -eq 0
check "check --json exits 0" test "$json_code" -eq 0
check "the report's outcome is ok" test "$(report_field "$work/check.json" outcome)" = ok
check "the report's tool_version is $version" test "$(report_field "$work/check.json" tool_version)" = "$version"
check "a wrong key exits 1" test "$wrong_code" -eq 1
check "a wrong key's report says rejected" test "$(report_field "$work/wrong.json" outcome)" = rejected
no_secret() { ! grep -qF -- "$AA_SMOKE_API_KEY" "$work/check.txt" "$work/check.json" "$work/wrong.json"; }
check "no output quotes the API key" no_secret

echo "package-smoke: the installed window, opened from its menu entry under Xvfb"
d=90; while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp > "$work/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=":$d"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
# What the desktop runs: the Exec line of the installed entry, without field codes.
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/aa-conntest.desktop | sed 's/ %[a-zA-Z]//g')
echo "        Exec=$exec_line"
$exec_line > "$work/app.out" 2>&1 &
app=$!
pids+=("$app")
win=$(timeout 20 xdotool search --sync --onlyvisible --pid "$app" 2>/dev/null | head -1 || true)
check "the window opens" test -n "$win"
if [ -n "$win" ]; then
  title=$(xdotool getwindowname "$win")
  echo "        window title: $title"
  check "the window title names version $version" test "${title#"aa-conntest $version "}" != "$title"
  sleep 3   # the first frames, and the profiles sidebar finding no keyring
  shot="$out/smoke-window.png"
  import -window root "$shot"
  colours=$(convert "$shot" -format '%k' info:)
  echo "        screenshot: target/package/smoke-window.png ($colours colours)"
  check "the screenshot shows a drawn window (not blank)" test "$colours" -gt 50
fi
check "the window is still running (no crash)" kill -0 "$app"
kill "$app" 2>/dev/null || true

echo "package-smoke: removing the package"
$sudo dpkg -r aa-conntest > "$work/remove.log" 2>&1 && installed_by_us=""
not_installed() { ! dpkg-query -W -f='${Status}' aa-conntest 2>/dev/null | grep -q "install ok installed"; }
check "dpkg -r removes the package" not_installed
check "the binary is gone" test ! -e /usr/bin/aa-conntest
check "the menu entry is gone" test ! -e /usr/share/applications/aa-conntest.desktop

echo "package-smoke: the .tar.gz"
tar -C "$work" -xzf "$tarball"
dir="$work/$(basename "$tarball" .tar.gz)"
for f in aa-conntest README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE aa-conntest.1; do
  check "the tarball has $f" test -f "$dir/$f"
done
check "the tarball's binary runs (--version)" test "$("$dir/aa-conntest" --version)" = "$expected"
sums_match() { (cd "$out" && sha256sum --quiet -c SHA256SUMS); }
check "SHA256SUMS matches both packages" sums_match

echo "package-smoke: took $(( $(date +%s) - started )) s"
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
