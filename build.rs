//! Build script: the git commit for `aa-conntest --version` (when built from a checkout), and on
//! Windows the .exe's icon and version resource.
//!
//! Without git (a source tarball, a vendored copy) the version is just the crate version: the
//! build never fails for want of git. `AA_CONNTEST_GIT_COMMIT` set in the environment wins (for
//! builds from an exported tree that still know their commit).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=AA_CONNTEST_GIT_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");

    let commit = std::env::var("AA_CONNTEST_GIT_COMMIT")
        .ok()
        .filter(|c| is_commit_like(c))
        .or_else(|| git_commit(&manifest_dir));
    let long_version = match &commit {
        Some(c) => {
            println!("cargo:rustc-env=AA_CONNTEST_GIT_COMMIT={c}");
            format!("{version} (commit {c})")
        }
        None => version,
    };
    println!("cargo:rustc-env=AA_CONNTEST_LONG_VERSION={long_version}");

    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resource(&manifest_dir);
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).current_dir(dir).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn is_commit_like(s: &str) -> bool {
    (4..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The short commit of HEAD, only if this crate is the top of its own checkout (a tarball
/// unpacked inside some other repository must not borrow that repository's commit).
fn git_commit(manifest_dir: &Path) -> Option<String> {
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), manifest_dir) {
        return None;
    }
    let commit = git(manifest_dir, &["rev-parse", "--short", "HEAD"]).filter(|c| is_commit_like(c))?;
    watch_head(manifest_dir);
    Some(commit)
}

/// Rebuild when HEAD moves: watch HEAD and the current branch's ref (loose or packed). Only
/// this checkout's own files, never the whole refs/ folder, so commits on other branches (other
/// worktrees) do not rebuild this one.
fn watch_head(dir: &Path) {
    let mut paths = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for p in paths {
        if let Some(path) = git(dir, &["rev-parse", "--git-path", &p]) {
            let path = dir.join(path);
            // A missing file would make cargo rerun this script on every build. A branch packed
            // by `git gc` has no loose ref until the next commit writes one into its folder.
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            } else if p.starts_with("refs/")
                && let Some(parent) = path.parent().filter(|d| d.exists())
            {
                println!("cargo:rerun-if-changed={}", parent.display());
            }
        }
    }
}

/// Icon, version and description in the .exe (Explorer's Properties, the taskbar, installers).
/// Needs the Windows SDK's rc.exe (MSVC) or windres (GNU), as on the forge's Windows runners.
fn windows_resource(manifest_dir: &Path) {
    let icon = manifest_dir.join("assets/icons/aa-conntest.ico");
    println!("cargo:rerun-if-changed={}", icon.display());
    let mut res = winresource::WindowsResource::new();
    res.set_icon(&icon.to_string_lossy())
        .set("ProductName", "aa-conntest")
        .set("FileDescription", "aa-conntest: Control Room connection test")
        .set("LegalCopyright", "The aa-conntest contributors; MIT OR Apache-2.0")
        .set("OriginalFilename", "aa-conntest.exe");
    // Only the app's .exe, not the test executables.
    if let Err(e) = res.compile_for("aa-conntest") {
        panic!("could not add the icon and version resource to the .exe: {e}");
    }
}
