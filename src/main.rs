//! The thin binary: everything lives in the library so the tests drive the same code.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(aa_conntest::cli::main());
}
