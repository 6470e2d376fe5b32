//! aa-conntest: tells in one click whether a set of Automation Anywhere Control Room credentials
//! works, and if not, exactly why and what to change.
//!
//! Data flows one way: form or command line -> [`plan::Plan`] -> [`engine`] (a ladder of steps)
//! -> [`transcript::Transcript`] -> [`diagnose`] (hints) -> views ([`report`], the CLI, the window).
// Unsafe code is denied everywhere; the one exception is a single Win32 call in `platform`.
#![deny(unsafe_code)]

pub mod build_info;
pub mod capabilities;
pub mod cli;
pub mod demo;
pub mod diagnose;
pub mod engine;
pub mod gui;
pub mod jwt;
pub mod key_expiry;
pub mod local_time;
pub mod paste;
pub mod plan;
pub mod platform;
pub mod profiles;
pub mod report;
pub mod report_markdown;
pub mod sanitize;
pub mod secret;
pub mod snippets;
pub mod target_url;
pub mod transcript;
pub mod verdict;
pub mod worker;
