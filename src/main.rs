//! The thin binary: everything lives in the library so the tests drive the same code.
#![forbid(unsafe_code)]

fn main() {
    // The first-frame figure (AA_CONNTEST_FRAME_TIMING=1) counts from here.
    aa_conntest::gui::mark_process_start();
    std::process::exit(aa_conntest::cli::main());
}
