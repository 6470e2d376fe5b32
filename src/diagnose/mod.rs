//! Diagnosis: a pure function from plan + transcript to hints, most likely root cause first.

mod hint;

pub use hint::{Hint, Severity};
