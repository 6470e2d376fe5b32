//! What this build is: the version, the git commit it was built from (set by `build.rs` when
//! built from a checkout) and the licence. Shown by `--version`, the window title and the About
//! window; reports carry [`VERSION`] as `tool_version`.

/// The crate version, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The short git commit of the build, when it was built from a git checkout.
pub const GIT_COMMIT: Option<&str> = option_env!("AA_CONNTEST_GIT_COMMIT");

/// `0.1.0 (commit 1a2b3c4)`, or `0.1.0` without git: what `aa-conntest --version` prints after
/// the name.
pub const LONG_VERSION: &str = env!("AA_CONNTEST_LONG_VERSION");

/// The licence expression of the crate.
pub const LICENSE: &str = env!("CARGO_PKG_LICENSE");

/// The window title: the name and the version, so a screenshot says which build it shows.
pub fn window_title() -> String {
    format!("aa-conntest {VERSION} · Control Room connection test")
}
