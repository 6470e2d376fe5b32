//! Diagnosis: a pure function from plan + transcript to hints, most likely root cause first.

mod hint;

pub use hint::{Hint, Severity};

use crate::plan::Plan;
use crate::transcript::Transcript;

/// Hints for a finished check, most likely root cause first.
pub fn diagnose(_plan: &Plan, _t: &Transcript) -> Vec<Hint> {
    // Filled in by the diagnosis catalogue (branch `diagnose`).
    Vec::new()
}
