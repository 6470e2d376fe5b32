//! The ladder of steps. Each step is one method that records its [`StepRecord`] and either lets
//! the ladder go on or stops it with the outcome (`Err(outcome)`).

use super::cancel::CancelToken;
use super::preflight::{self, Prepared};
use super::proxy::{self, ProxyChoice};
use super::{Event, account, connect, http, phases};
use crate::plan::Plan;
use crate::secret::Redactor;
use crate::target_url::UrlNote;
use crate::transcript::*;
use std::time::Instant;

/// A step that ends the ladder, with the outcome of the check.
type Stop = Outcome;

/// The longest URL a request can have (`http::Uri` refuses 65 534 bytes and more).
const MAX_URL_BYTES: usize = 65_000;

pub(super) struct Ladder<'a, F: FnMut(Event)> {
    pub t: &'a mut Transcript,
    pub on_event: &'a mut F,
    pub cancel: &'a CancelToken,
}

/// What the HTTP steps share: one client (so validate and logout reuse the login's connection),
/// its phase recorder, and what to redact.
struct Wire {
    client: reqwest::Client,
    phases: phases::PhaseRecorder,
    redactor: Redactor,
    secs: f64,
    base: String,
}

impl<F: FnMut(Event)> Ladder<'_, F> {
    pub async fn run(&mut self, plan: &Plan) -> Outcome {
        self.climb(plan).await.unwrap_or_else(|stop| stop)
    }

    async fn climb(&mut self, plan: &Plan) -> Result<Outcome, Stop> {
        // Read the system trust store while preflight, DNS and TCP run. Not for a plain-http address, and
        // not when a CA file or pins are given: those decide first, and the store is then read only if a
        // certificate needs it.
        let o = &plan.target.options;
        if !plan.target.url.trim_start().to_ascii_lowercase().starts_with("http://")
            && o.ca_file.is_none()
            && o.pin_sha256.is_empty()
        {
            super::tls::preload();
        }
        let (prepared, proxy) = self.preflight(plan)?;
        self.connect(plan, &prepared, proxy.as_ref()).await?;
        let mut wire = self.wire(plan, &prepared, proxy.as_ref())?;
        let token = self.authenticate(plan, &prepared, &mut wire).await?;
        let mut outcome = self.validate(&wire, &token).await?;
        if outcome == Outcome::Ok {
            if self.capability_probes(plan, &wire, &token).await {
                return Err(Outcome::Cancelled);
            }
            // The credentials work, and the Control Room said (its login answer, or a 403 to a probe)
            // that the account lacks what the profile requires: the check does not pass.
            if crate::capabilities::requirements_missing(&plan.target.require, self.t) {
                outcome = Outcome::Rejected;
            }
        }
        // Leave no session behind, whatever validate said.
        if plan.target.options.logout {
            self.logout(&wire, &token).await;
        }
        Ok(outcome)
    }

    /// The capability probes the plan asks for (`engine::probes`), with the token just issued;
    /// each recorded in the transcript's probes. Read-only calls. True when a cancel stopped them.
    async fn capability_probes(&mut self, plan: &Plan, wire: &Wire, token: &str) -> bool {
        for purpose in super::probes::wanted(plan) {
            if self.cancel.is_cancelled() {
                return true;
            }
            let Some(c) = super::probes::call(purpose) else {
                continue;
            };
            let mut headers = vec![
                ("X-Authorization".to_string(), token.to_string()),
                ("Accept".to_string(), "application/json".to_string()),
            ];
            if c.body.is_some() {
                headers.push(("Content-Type".to_string(), "application/json".to_string()));
            }
            let call = http::Call {
                method: if c.method == "GET" {
                    reqwest::Method::GET
                } else {
                    reqwest::Method::POST
                },
                url: format!("{}{}", wire.base, c.path),
                headers,
                body: c.body.map(str::to_string),
            };
            self.probe(wire, purpose, call).await;
            if self
                .t
                .probes
                .last()
                .is_some_and(|p| matches!(p.error, Some(StepError::Cancelled)))
            {
                return true;
            }
        }
        false
    }

    fn start(&mut self, name: StepName) -> (StepRecord, Instant) {
        (self.on_event)(Event::StepStarted(name));
        let mut rec = StepRecord::new(name);
        rec.status = StepStatus::Running;
        (rec, Instant::now())
    }

    fn finish(&mut self, mut rec: StepRecord, started: Instant) {
        rec.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        if rec.status == StepStatus::Running {
            rec.status = if rec.error.is_some() {
                StepStatus::Failed
            } else {
                StepStatus::Ok
            };
        }
        (self.on_event)(Event::StepFinished(Box::new(rec.clone())));
        self.t.steps.push(rec);
    }

    /// Record a failed step and stop.
    fn fail(&mut self, mut rec: StepRecord, started: Instant, error: StepError, outcome: Outcome) -> Stop {
        let outcome = if matches!(error, StepError::Cancelled) {
            Outcome::Cancelled
        } else {
            outcome
        };
        rec.error = Some(error);
        self.finish(rec, started);
        outcome
    }

    fn preflight(&mut self, plan: &Plan) -> Result<(Prepared, Option<ProxyChoice>), Stop> {
        let (mut rec, started) = self.start(StepName::Preflight);
        let prepared = match preflight::prepare(plan) {
            Ok(p) => p,
            Err(e) => return Err(self.fail(rec, started, e, Outcome::InvalidInput)),
        };
        for note in &prepared.url.notes {
            match note {
                UrlNote::PathDropped { dropped } => rec.notes.push(format!("dropped from the URL: {dropped}")),
                UrlNote::Credentials { .. } => rec
                    .notes
                    .push("dropped from the URL: the user name and password before @ (never sent)".into()),
                _ => {}
            }
        }
        if !plan.target.options.pin_sha256.is_empty() {
            rec.notes.push(format!(
                "trusting only the pinned certificate{} (SHA-256)",
                if plan.target.options.pin_sha256.len() > 1 {
                    "s"
                } else {
                    ""
                }
            ));
        }
        self.t.base_url = Some(prepared.url.base.clone());
        rec.notes.push(format!("Control Room address: {}", prepared.url.base));
        let proxy = match proxy::choose(
            plan.target.options.proxy.as_deref(),
            prepared.url.https,
            &prepared.url.host,
        ) {
            Ok(p) => p,
            Err(reason) => return Err(self.fail(rec, started, StepError::Input { reason }, Outcome::InvalidInput)),
        };
        if let Some(p) = &proxy {
            rec.notes
                .push(format!("through the proxy {} (from {})", p.display(), p.source));
        }
        self.finish(rec, started);
        if self.cancel.is_cancelled() {
            return Err(Outcome::Cancelled);
        }
        Ok((prepared, proxy))
    }

    async fn connect(&mut self, plan: &Plan, prepared: &Prepared, proxy: Option<&ProxyChoice>) -> Result<(), Stop> {
        let (mut rec, started) = self.start(StepName::Connect);
        let target = connect::ConnectTarget {
            host: &prepared.url.host,
            port: prepared.url.port,
            https: prepared.url.https,
            proxy,
            trust: Some(&prepared.trust),
        };
        let (info, err) = connect::probe(&target, &plan.target.options, self.cancel).await;
        rec.timings = Some(Timings {
            dns_ms: info.dns_ms,
            connect_ms: info.tcp_ms,
            tls_ms: info.tls_ms,
            total_ms: [info.dns_ms, info.tcp_ms, info.tls_ms].iter().flatten().sum(),
            ..Default::default()
        });
        if let Some(addr) = &info.connected_to {
            rec.notes.push(format!("connected to {addr}"));
        }
        if let Some(v) = &info.tls_version {
            let cipher = info.cipher.as_deref().map(|c| format!(", {c}")).unwrap_or_default();
            rec.notes.push(format!("{v}{cipher}"));
        }
        self.t.connect = Some(info);
        match err {
            None => {
                self.finish(rec, started);
                Ok(())
            }
            Some(e) => Err(self.fail(rec, started, e, Outcome::Unreachable)),
        }
    }

    fn wire(&mut self, plan: &Plan, prepared: &Prepared, proxy: Option<&ProxyChoice>) -> Result<Wire, Stop> {
        let phases = phases::PhaseRecorder::default();
        let client = match http::client(&plan.target.options, proxy, &phases, &prepared.trust) {
            Ok(c) => c,
            Err(e) => {
                let (rec, started) = self.start(StepName::Authenticate);
                return Err(self.fail(rec, started, e, Outcome::InvalidInput));
            }
        };
        let mut redactor = Redactor::new();
        // The untrimmed form too, should a server echo what was typed (`add_secret` also adds
        // the trimmed one).
        redactor.add_secret(plan.secret.expose());
        if prepared.secret.expose() != plan.secret.expose() {
            redactor.add_secret(prepared.secret.expose());
        }
        // A proxy password travels in every request (`Proxy-Authorization`), and a proxy that
        // refuses it may echo it back.
        if let Some(pw) = proxy.and_then(|p| p.url.password()) {
            // Percent-decoding (RFC 3986): a `+` stays a `+`.
            let decoded = url::form_urlencoded::parse(format!("p={}", pw.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            redactor.add_secret(&decoded);
            redactor.add_secret(pw);
        }
        Ok(Wire {
            client,
            phases,
            redactor,
            secs: plan.target.options.timeout().as_secs_f64(),
            base: prepared.url.base.clone(),
        })
    }

    async fn send(&self, wire: &Wire, rec: &mut StepRecord, call: http::Call) -> Option<Vec<u8>> {
        let session = http::Session {
            client: &wire.client,
            phases: &wire.phases,
            redactor: &wire.redactor,
            cancel: self.cancel,
            secs: wire.secs,
        };
        let res = http::send(&session, call).await;
        rec.request = Some(res.request);
        rec.timings = Some(res.timings);
        rec.response = res.response;
        rec.error = res.error;
        res.raw_body
    }

    /// An extra call to explain a failure, recorded in the transcript's probes.
    async fn probe(&mut self, wire: &Wire, purpose: ProbePurpose, call: http::Call) {
        let session = http::Session {
            client: &wire.client,
            phases: &wire.phases,
            redactor: &wire.redactor,
            cancel: self.cancel,
            secs: wire.secs,
        };
        let res = http::send(&session, call).await;
        self.t.probes.push(Probe {
            purpose,
            request: res.request,
            response: res.response,
            error: res.error,
        });
    }

    /// `POST /v2/authentication` with `username` and exactly one of `apiKey`/`password`.
    /// Sent once: a failed login is never retried (three failures disable the account).
    async fn authenticate(&mut self, plan: &Plan, prepared: &Prepared, wire: &mut Wire) -> Result<String, Stop> {
        let (mut rec, started) = self.start(StepName::Authenticate);
        let mut body = serde_json::Map::new();
        body.insert("username".into(), prepared.username.clone().into());
        body.insert(plan.target.auth.body_field().into(), prepared.secret.expose().into());
        if plan.target.options.multiple_login {
            body.insert("multipleLogin".into(), true.into());
        }
        let call = http::Call {
            method: reqwest::Method::POST,
            url: format!("{}/v2/authentication", wire.base),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(serde_json::Value::Object(body).to_string()),
        };
        self.t.login_attempts += 1;
        let raw = self.send(wire, &mut rec, call).await;
        let answer: Option<serde_json::Value> = raw.as_deref().and_then(|b| serde_json::from_slice(b).ok());
        let token = answer
            .as_ref()
            .and_then(|a| a.get("token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string);
        if let Some(tok) = &token {
            wire.redactor.add_token(tok);
            // The answer was recorded before the token was known: its body and its headers
            // (`Set-Cookie`, `X-Authorization`, …) may carry the token in any form.
            if let (Some(r), Some(raw)) = (rec.response.as_mut(), raw.as_deref()) {
                r.body = wire.redactor.redact(&String::from_utf8_lossy(raw));
                wire.redactor.redact_headers(&mut r.headers);
            }
        }
        let status = rec.response.as_ref().map(|r| r.status);
        if status == Some(404) {
            // No v2 login here. An Enterprise 11.x Control Room still answers its v1 login: ask it with an
            // empty body (no username, so no account's failed-login count moves).
            let call = http::Call {
                method: reqwest::Method::POST,
                url: format!("{}/v1/authentication", wire.base),
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("Accept".into(), "application/json".into()),
                ],
                body: Some("{}".into()),
            };
            self.probe(wire, ProbePurpose::V1Login, call).await;
        }
        let token = match (token, status, rec.error.take()) {
            (Some(tok), Some(200..=299), None) => tok,
            (_, _, Some(e)) => {
                let outcome = failure_outcome(rec.response.as_ref());
                return Err(self.fail(rec, started, e, outcome));
            }
            (_, status, None) => {
                let detail = match status {
                    Some(s @ 300..=399) => {
                        format!("the server redirected the login (HTTP {s}); redirects are not followed")
                    }
                    Some(s @ 200..=299) => format!("HTTP {s} but no token in the answer"),
                    Some(s) => format!("the login was answered with HTTP {s}"),
                    None => "no answer".into(),
                };
                let outcome = failure_outcome(rec.response.as_ref());
                return Err(self.fail(rec, started, StepError::Answer { detail }, outcome));
            }
        };
        let mut info = account::token_info(&token);
        if let Some(claims) = info.claims.as_mut() {
            wire.redactor.redact_json(claims);
        }
        self.t.token_received_at = Some(time::OffsetDateTime::now_utc().unix_timestamp());
        if let Some(a) = &answer {
            // A hostile server may echo the key or the token in the user's fields.
            let mut summary = account::account_summary(a, &info);
            wire.redactor.redact_account(&mut summary);
            self.t.account = Some(summary);
        }
        if let Some(exp) = self.t.account.as_ref().and_then(|a| a.token_expires_at.clone()) {
            rec.notes.push(format!("token expires {exp}"));
        }
        self.t.token = Some(info);
        self.finish(rec, started);
        Ok(token)
    }

    /// `GET /v1/authentication/token?token=…` with `X-Authorization`. Its answer is the result:
    /// `{"valid": false}` is a refusal, not a transport error.
    async fn validate(&mut self, wire: &Wire, token: &str) -> Result<Outcome, Stop> {
        let (mut rec, started) = self.start(StepName::Validate);
        let mut url =
            url::Url::parse(&format!("{}/v1/authentication/token", wire.base)).map_err(|_| Outcome::InvalidInput)?;
        url.query_pairs_mut().append_pair("token", token);
        if url.as_str().len() > MAX_URL_BYTES {
            // No HTTP library sends such a URL: this is about the token, not about the server's
            // HTTP (a Control Room token has one to two thousand characters).
            rec.error = Some(StepError::Answer {
                detail: format!(
                    "the token the login returned is {} characters long, too long to be sent back for validation \
                     (a Control Room token has one to two thousand)",
                    token.chars().count()
                ),
            });
            self.finish(rec, started);
            return Ok(Outcome::Unreachable);
        }
        let call = http::Call {
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: vec![
                ("X-Authorization".into(), token.to_string()),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        };
        let raw = self.send(wire, &mut rec, call).await;
        let valid = raw
            .as_deref()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| v.get("valid").and_then(|x| x.as_bool()));
        let status = rec.response.as_ref().map(|r| r.status);
        self.t.token_valid = valid;
        let outcome = match (valid, status, rec.error.is_some()) {
            (Some(true), Some(200..=299), false) => Outcome::Ok,
            (Some(false), Some(200..=299), _) => {
                rec.error = Some(StepError::Answer {
                    detail: "the Control Room says the token it just issued is not valid".into(),
                });
                Outcome::Rejected
            }
            _ => {
                if rec.error.is_none() {
                    let status = status.map(|s| s.to_string()).unwrap_or_default();
                    rec.error = Some(StepError::Answer {
                        detail: format!("unexpected answer (HTTP {status})"),
                    });
                }
                if matches!(rec.error, Some(StepError::Cancelled)) {
                    Outcome::Cancelled
                } else {
                    failure_outcome(rec.response.as_ref())
                }
            }
        };
        let answered_by_cr = rec.response.as_ref().is_some_and(|r| r.from_control_room());
        self.finish(rec, started);
        if outcome == Outcome::Cancelled {
            return Err(outcome);
        }
        // Signed in, and the Control Room itself failed the next call: a licence in fail-safe does that.
        // Its state is readable only with the permission to view licences; never asked otherwise.
        let may = self.t.account.as_ref().is_some_and(|a| a.may_view_license());
        if outcome != Outcome::Ok && answered_by_cr && may && !self.cancel.is_cancelled() {
            let call = http::Call {
                method: reqwest::Method::GET,
                url: format!("{}/v2/license/details", wire.base),
                headers: vec![
                    ("X-Authorization".into(), token.to_string()),
                    ("Accept".into(), "application/json".into()),
                ],
                body: None,
            };
            self.probe(wire, ProbePurpose::LicenseDetails, call).await;
        }
        Ok(outcome)
    }

    /// `POST /v1/authentication/logout` with `X-Authorization`; 204 expected. Its result does not
    /// change the outcome.
    async fn logout(&mut self, wire: &Wire, token: &str) {
        let (mut rec, started) = self.start(StepName::Logout);
        let call = http::Call {
            method: reqwest::Method::POST,
            url: format!("{}/v1/authentication/logout", wire.base),
            headers: vec![("X-Authorization".into(), token.to_string())],
            body: None,
        };
        self.send(wire, &mut rec, call).await;
        if let (None, Some(s)) = (&rec.error, rec.response.as_ref().map(|r| r.status))
            && s != 204
        {
            rec.error = Some(StepError::Answer {
                detail: format!("expected 204 No Content, got HTTP {s}"),
            });
        }
        self.finish(rec, started);
    }
}

/// Exit-code class of a failed call, by who answered (docs/cli.md): the Control Room itself (its
/// own error body, with an Automation Anywhere error code) is a refusal; anything else that
/// answered (a gateway's `{"message":"Forbidden"}`, a block page, a 407, a 5xx page, a 404) or
/// nothing at all is "unreachable".
fn failure_outcome(resp: Option<&RecordedResponse>) -> Outcome {
    use crate::diagnose::classify::{Kind, classify};
    match resp {
        Some(r) if r.from_control_room() => Outcome::Rejected,
        // A 401 that is neither a web page nor a proxy's or filter's sign-in demand, e.g. a
        // plain-text or cut-off body: the diagnosis reads it as the Control Room refusing the
        // credentials (`auth.bad-credentials`), so the outcome says refused too.
        Some(r) if r.status == 401 && matches!(classify(r), Kind::Json | Kind::Other) => Outcome::Rejected,
        _ => Outcome::Unreachable,
    }
}
