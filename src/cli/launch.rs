//! Starting the window and the demo server (wired once those parts land).

use super::args::DemoServerArgs;

pub fn demo_server(_args: DemoServerArgs) -> i32 {
    eprintln!("demo-server: not built yet");
    2
}

pub fn window(_demo: bool) -> i32 {
    eprintln!("the window is not built yet; use `aa-conntest check`");
    2
}
