//! The shape of a hint (see `docs/hint-style.md`): id, severity, title, why, fix, evidence.

use super::HintId;
use crate::transcript::StepName;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Order matters: errors sort first.
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hint {
    /// Stable id from the catalogue (`docs/hints.md`); serialised as its string, a contract.
    pub id: HintId,
    pub severity: Severity,
    /// What happened, one line, in the user's terms.
    pub title: String,
    /// Why: the likely causes, tied to the evidence.
    pub detail: String,
    /// What to do, as numbered steps where there are several.
    pub fix: String,
    /// The step the evidence came from.
    pub step: Option<StepName>,
    /// The status, code, message or detail that triggered the hint, quoted exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The Automation Anywhere documentation page that helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<&'static str>,
    /// How strongly the evidence points at this as the root cause (higher first). Not serialised.
    #[serde(skip)]
    pub weight: u32,
}

impl Hint {
    pub fn new(id: HintId, severity: Severity, title: impl Into<String>) -> Self {
        Self {
            id,
            severity,
            title: title.into(),
            detail: String::new(),
            fix: String::new(),
            step: None,
            evidence: None,
            link: None,
            weight: 0,
        }
    }

    pub fn detail(mut self, text: impl Into<String>) -> Self {
        self.detail = text.into();
        self
    }

    pub fn fix(mut self, text: impl Into<String>) -> Self {
        self.fix = text.into();
        self
    }

    pub fn step(mut self, step: StepName) -> Self {
        self.step = Some(step);
        self
    }

    pub fn evidence(mut self, text: impl Into<String>) -> Self {
        self.evidence = Some(text.into());
        self
    }

    pub fn link(mut self, url: &'static str) -> Self {
        self.link = Some(url);
        self
    }

    pub fn weight(mut self, w: u32) -> Self {
        self.weight = w;
        self
    }
}
