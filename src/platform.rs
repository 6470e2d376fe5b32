//! Everything that differs by operating system, in one place, behind `cfg`. The rest of the
//! crate is the same code on Windows, macOS and Linux, so a build on any of them type-checks it.
//!
//! What else differs by OS is left to well-kept crates: paths (`directories`), the keyring
//! store (`keyring`'s default store per OS), file dialogs (`rfd`), opening a folder (`open`).

use std::path::Path;

/// Where this OS keeps the profiles' secrets (`keyring`'s default store), for the About window.
pub const SECRET_STORE: &str = if cfg!(windows) {
    "Windows Credential Manager"
} else if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else {
    "the Secret Service (GNOME Keyring, KWallet or KeePassXC)"
};

/// Open a folder in the system's file manager (Explorer, Finder, or the desktop's default via
/// xdg-open and its fallbacks). Blocks for up to a fraction of a second while the launcher
/// starts: call it off the UI thread.
pub fn open_folder(path: &Path) -> std::io::Result<()> {
    open::that_detached(path)
}

/// Windows: the .exe is a GUI program (no console window when double-clicked, see `main.rs`),
/// so a command typed in a terminal (`aa-conntest check …`, `--help`, `--version`) would print
/// nowhere. Attach to the console of the terminal that started it, if there is one, so output
/// shows there. Output redirected to a file or a pipe works either way. Elsewhere: nothing to do.
pub fn attach_parent_console() {
    #[cfg(windows)]
    windows::attach_parent_console();
}

#[cfg(windows)]
#[allow(unsafe_code)] // one Win32 call; the only unsafe code in the crate
mod windows {
    const ATTACH_PARENT_PROCESS: u32 = u32::MAX; // (DWORD)-1

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn AttachConsole(process_id: u32) -> i32;
    }

    pub fn attach_parent_console() {
        // SAFETY: AttachConsole takes a plain integer and has no memory-safety preconditions.
        // It fails harmlessly (returns 0) when the parent has no console (started from
        // Explorer) or the process already has one.
        let _ = unsafe { AttachConsole(ATTACH_PARENT_PROCESS) };
    }
}
