//! The capability probes' answers in words.

use super::path_of;
use super::required::Capability;
use crate::transcript::{Probe, ProbeAnswer, ProbePurpose};
use serde::Serialize;

/// A capability probe, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeWords {
    pub purpose: ProbePurpose,
    /// `POST /v2/devices/list`.
    pub call: String,
    /// "list devices".
    pub question: String,
    pub answer: ProbeAnswer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// "allowed", "not allowed (403)", "not on this Control Room (404)", "no answer that tells (HTTP 500)".
    pub words: String,
    /// The permission it needs, as the role screen names it.
    pub needs: String,
}

/// What a probe asks, and the permission it needs (docs/capabilities.md).
pub fn probe_question(p: ProbePurpose) -> Option<(&'static str, Capability)> {
    Some(match p {
        ProbePurpose::LicenseDetails => ("view the licence details", Capability::ViewLicence),
        ProbePurpose::ListDevices => ("list devices", Capability::ListDevices),
        ProbePurpose::ListPublicFiles => ("list the public workspace's files", Capability::ReadRepository),
        ProbePurpose::ListSchedules => ("list scheduled automations", Capability::ViewSchedules),
        ProbePurpose::V1Login => return None,
    })
}

pub fn probe_words(p: &Probe) -> Option<ProbeWords> {
    let (question, cap) = probe_question(p.purpose)?;
    let status = p.response.as_ref().map(|r| r.status);
    let answer = p.answer();
    let words = match (answer, status) {
        (ProbeAnswer::Allowed, _) => "allowed".to_string(),
        (ProbeAnswer::NotAllowed, _) => "not allowed (403)".to_string(),
        (ProbeAnswer::NotHere, _) => "not on this Control Room (404)".to_string(),
        (ProbeAnswer::Unknown, Some(s)) => format!("no answer that tells (HTTP {s})"),
        (ProbeAnswer::Unknown, None) => match &p.error {
            Some(e) => format!("no answer that tells ({e})"),
            None => "no answer that tells".to_string(),
        },
    };
    Some(ProbeWords {
        purpose: p.purpose,
        call: format!("{} {}", p.request.method, path_of(&p.request.url)),
        question: question.to_string(),
        answer,
        status,
        words,
        needs: cap.role_permission().replace("**", ""),
    })
}
