//! The thin binary: everything lives in the library so the tests drive the same code.
#![forbid(unsafe_code)]
// Windows: a GUI program, so double-clicking it opens no console window; commands typed in a
// terminal attach to that terminal's console instead (see `platform::attach_parent_console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() {
    // The first-frame figure (AA_CONNTEST_FRAME_TIMING=1) counts from here.
    aa_conntest::gui::mark_process_start();
    // Any argument (a command, --help, --version, --demo) means a terminal or a script started
    // it; double-clicking passes none.
    if std::env::args_os().len() > 1 {
        aa_conntest::platform::attach_parent_console();
    }
    std::process::exit(aa_conntest::cli::main());
}
