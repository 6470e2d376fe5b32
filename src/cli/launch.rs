//! Starting the window and the demo server (wired once those parts land).

use super::args::DemoServerArgs;

pub fn demo_server(_args: DemoServerArgs) -> i32 {
    eprintln!("demo-server: not built yet");
    2
}

pub fn window(demo: bool) -> i32 {
    crate::gui::run(demo)
}
