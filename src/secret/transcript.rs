//! Redacting everything a check records, field by field: the engine records redacted copies
//! already, but the diagnosis and the reports quote server text that a hostile server may have
//! filled with what it was sent, so every text of a transcript passes the redactor once more.

use super::Redactor;
use crate::transcript::{AccountSummary, StepError, Transcript};

impl Redactor {
    /// A copy of `t` with every recorded text redacted: requests, answers, errors, notes, the
    /// account summary and the token's claims. The engine records redacted copies already; the
    /// diagnosis, which quotes server text cut to a length, redacts once more before quoting, so a
    /// cut can never leave part of a secret behind.
    pub fn redact_transcript(&self, t: &Transcript) -> Transcript {
        let mut t = t.clone();
        for step in &mut t.steps {
            if let Some(q) = &mut step.request {
                q.url = self.redact(&q.url);
                self.redact_headers(&mut q.headers);
                q.body = q.body.as_deref().map(|b| self.redact(b));
            }
            if let Some(r) = &mut step.response {
                self.redact_headers(&mut r.headers);
                r.body = self.redact(&r.body);
            }
            if let Some(e) = &mut step.error {
                self.redact_error(e);
            }
            for n in &mut step.notes {
                *n = self.redact(n);
            }
        }
        if let Some(a) = &mut t.account {
            self.redact_account(a);
        }
        if let Some(claims) = t.token.as_mut().and_then(|tok| tok.claims.as_mut()) {
            self.redact_json(claims);
        }
        t
    }

    pub fn redact_headers(&self, headers: &mut [(String, String)]) {
        for (_, v) in headers {
            *v = self.redact(v);
        }
    }

    /// The account summary is read from the login answer, which a hostile server may fill with
    /// what it was sent.
    pub fn redact_account(&self, a: &mut AccountSummary) {
        for v in [
            &mut a.username,
            &mut a.id,
            &mut a.email,
            &mut a.domain,
            &mut a.first_name,
            &mut a.last_name,
            &mut a.tenant,
            &mut a.token_expires_at,
        ]
        .into_iter()
        .flatten()
        {
            *v = self.redact(v);
        }
        for v in a.roles.iter_mut().chain(a.license_features.iter_mut()) {
            *v = self.redact(v);
        }
        let permissions = std::mem::take(&mut a.permissions);
        for (resource, mut actions) in permissions {
            for v in &mut actions {
                *v = self.redact(v);
            }
            a.permissions.insert(self.redact(&resource), actions);
        }
    }

    /// Every string (and key) in a JSON value.
    pub fn redact_json(&self, v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => *s = self.redact(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| self.redact_json(x)),
            serde_json::Value::Object(o) => {
                let old = std::mem::take(o);
                for (k, mut x) in old {
                    self.redact_json(&mut x);
                    o.insert(self.redact(&k), x);
                }
            }
            _ => {}
        }
    }

    fn redact_error(&self, e: &mut StepError) {
        let texts: Vec<&mut String> = match e {
            StepError::Input { reason } => vec![reason],
            StepError::Dns { host, detail } => vec![host, detail],
            StepError::Refused { addr } => vec![addr],
            StepError::Timeout { phase, .. } => vec![phase],
            StepError::Unreachable { addr, reason, detail } => vec![addr, reason, detail],
            StepError::Tls { reason, detail, .. } | StepError::Network { reason, detail } => vec![reason, detail],
            StepError::Reset { detail, .. }
            | StepError::Proxy { detail }
            | StepError::Protocol { detail }
            | StepError::CaFile { detail }
            | StepError::Answer { detail } => vec![detail],
            StepError::Cancelled => vec![],
        };
        for t in texts {
            *t = self.redact(t);
        }
    }
}
