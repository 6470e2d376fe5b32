//! TEMPORARY stand-in for `crate::demo` until the demo Control Room is merged into main.
//! Same API subset as `crate::demo`; starting fails with a clear message.
#![allow(dead_code)]

use crate::plan::Plan;
use std::io;
use std::path::Path;

pub const API_KEY_USER: &str = "svc_demo_api";
pub const API_KEY: &str = "demo-key-not-available-in-this-build-xx";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    #[default]
    Normal,
    Slow,
}

impl Scenario {
    pub fn title(self) -> &'static str {
        "normal"
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DemoOptions {
    pub port: u16,
    pub tls: bool,
    pub scenario: Scenario,
}

#[derive(Debug)]
pub struct DemoServer;

impl DemoServer {
    pub async fn start(_o: DemoOptions) -> io::Result<DemoServer> {
        Err(io::Error::other("the demo Control Room is not part of this build yet"))
    }
    pub fn url(&self) -> String {
        String::new()
    }
    pub fn set_scenario(&self, _s: Scenario) {}
    pub fn reset_state(&self) {}
    pub fn ca_file(&self) -> Option<&Path> {
        None
    }
}

#[derive(Debug, Clone, Copy)]
pub struct DemoCase {
    pub id: &'static str,
    pub title: &'static str,
    pub lesson: &'static str,
    pub scenario: Scenario,
    pub tls: bool,
}

impl DemoCase {
    pub fn plan_for(&self, _s: &DemoServer) -> Plan {
        Plan::default()
    }
}

pub fn cases() -> &'static [DemoCase] {
    &[]
}
