//! Unit tests of the paste module: one per kind of input at least, and the rules.

use super::*;

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/it/data/pastes/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn debug_dump() {
    for f in ["powershell-good.ps1", "powershell-bearer-iwr.ps1", "curl-cmd-chrome-copy.cmd"] {
        let p = Paste::read(&corpus(f));
        eprintln!("{f}: {:#?}", p.map(|p| (p.kind, p.requests)));
    }
}
