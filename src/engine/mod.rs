//! The engine: a [`Plan`] goes through a fixed ladder of steps (preflight, connect, authenticate,
//! validate, logout) and comes out as a [`Transcript`]. Plain Rust and tokio; it knows nothing of
//! the window. The ladder stops at the first step that makes the rest meaningless.

mod account;
mod cancel;
mod certs;
mod connect;
pub mod http;
mod phases;
mod preflight;
mod proxy;
mod tls;

pub use cancel::{CancelHandle, CancelToken, cancel_pair};

use crate::plan::Plan;
use crate::secret::Redactor;
use crate::transcript::*;
use std::time::Instant;

/// What the engine reports while it runs, for live progress.
#[derive(Debug, Clone)]
pub enum Event {
    StepStarted(StepName),
    StepFinished(Box<StepRecord>),
}

/// Run a check. `on_event` is called as each step starts and ends.
pub async fn run_check(plan: &Plan, cancel: CancelToken, mut on_event: impl FnMut(Event) + Send) -> Transcript {
    let mut t = Transcript {
        started_at: time::OffsetDateTime::now_utc(),
        input_url: plan.input_url.clone(),
        base_url: None,
        steps: Vec::new(),
        outcome: Outcome::InvalidInput,
        connect: None,
        token: None,
        account: None,
        login_attempts: 0,
        token_valid: None,
        token_received_at: None,
    };
    let mut ladder = Ladder {
        t: &mut t,
        on_event: &mut on_event,
    };
    let outcome = ladder.run(plan, &cancel).await;
    t.outcome = outcome;
    // Steps that never ran are shown as skipped.
    for name in StepName::ALL {
        if t.step(name).is_none() {
            t.steps.push(StepRecord::skipped(name));
        }
    }
    t.steps.sort_by_key(|s| s.name);
    t
}

struct Ladder<'a, F: FnMut(Event)> {
    t: &'a mut Transcript,
    on_event: &'a mut F,
}

impl<F: FnMut(Event)> Ladder<'_, F> {
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

    async fn run(&mut self, plan: &Plan, cancel: &CancelToken) -> Outcome {
        // preflight
        let (mut rec, started) = self.start(StepName::Preflight);
        let prepared = match preflight::prepare(plan) {
            Ok(p) => p,
            Err(e) => {
                rec.error = Some(e);
                self.finish(rec, started);
                return Outcome::InvalidInput;
            }
        };
        if prepared
            .url
            .notes
            .iter()
            .any(|n| matches!(n, crate::target_url::UrlNote::PathDropped { .. }))
        {
            rec.notes
                .push(format!("dropped from the URL: {}", dropped_part(&prepared.url)));
        }
        let base = prepared.url.base.clone();
        self.t.base_url = Some(base.clone());
        rec.notes.push(format!("Control Room address: {base}"));
        let proxy = match proxy::choose(plan.options.proxy.as_deref(), prepared.url.https, &prepared.url.host) {
            Ok(p) => p,
            Err(reason) => {
                rec.error = Some(StepError::Input { reason });
                self.finish(rec, started);
                return Outcome::InvalidInput;
            }
        };
        if let Some(p) = &proxy {
            rec.notes
                .push(format!("through the proxy {} (from {})", p.display(), p.source));
        }
        self.finish(rec, started);
        if cancel.is_cancelled() {
            return Outcome::Cancelled;
        }

        // connect
        let (mut rec, started) = self.start(StepName::Connect);
        let target = connect::ConnectTarget {
            host: &prepared.url.host,
            port: prepared.url.port,
            https: prepared.url.https,
            proxy: proxy.as_ref(),
        };
        let (info, err) = connect::probe(&target, &plan.options, cancel).await;
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
            rec.notes.push(format!(
                "{v}{}",
                info.cipher.as_deref().map(|c| format!(", {c}")).unwrap_or_default()
            ));
        }
        self.t.connect = Some(info);
        let cancelled = matches!(err, Some(StepError::Cancelled));
        rec.error = err;
        let failed = rec.error.is_some();
        self.finish(rec, started);
        if cancelled {
            return Outcome::Cancelled;
        }
        if failed {
            return match self.t.step(StepName::Connect).and_then(|s| s.error.as_ref()) {
                Some(StepError::CaFile { .. }) => Outcome::InvalidInput,
                _ => Outcome::Unreachable,
            };
        }

        let phases = phases::PhaseRecorder::default();
        let client = match http::client(&plan.options, proxy.as_ref(), &phases) {
            Ok(c) => c,
            Err(e) => {
                let (mut rec, started) = self.start(StepName::Authenticate);
                rec.error = Some(e);
                self.finish(rec, started);
                return Outcome::InvalidInput;
            }
        };
        let secs = plan.options.timeout().as_secs_f64();
        let mut redactor = Redactor::new();
        redactor.add_secret(prepared.secret.expose());
        if plan.secret.expose() != prepared.secret.expose() {
            redactor.add_secret(plan.secret.expose());
        }

        // authenticate
        let (mut rec, started) = self.start(StepName::Authenticate);
        let mut body = serde_json::Map::new();
        body.insert("username".into(), prepared.username.clone().into());
        body.insert(plan.auth.body_field().into(), prepared.secret.expose().into());
        if plan.options.multiple_login {
            body.insert("multipleLogin".into(), true.into());
        }
        let call = http::Call {
            method: reqwest::Method::POST,
            url: format!("{base}/v2/authentication"),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(serde_json::Value::Object(body).to_string()),
        };
        self.t.login_attempts += 1;
        let res = http::send(
            &http::Session {
                client: &client,
                phases: &phases,
                redactor: &redactor,
                cancel,
                secs,
            },
            call,
        )
        .await;
        rec.request = Some(res.request);
        rec.timings = Some(res.timings);
        let answer: Option<serde_json::Value> = res.raw_body.as_deref().and_then(|b| serde_json::from_slice(b).ok());
        let token = answer
            .as_ref()
            .and_then(|a| a.get("token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string);
        if let Some(tok) = &token {
            redactor.add_token(tok);
        }
        // The body was recorded before the token was known; redact it now.
        rec.response = res.response.map(|mut r| {
            r.body = redactor.redact(&r.body);
            r
        });
        let status = rec.response.as_ref().map(|r| r.status);
        rec.error = res.error;
        let cancelled = matches!(rec.error, Some(StepError::Cancelled));
        let outcome_on_failure = login_failure_outcome(rec.response.as_ref(), rec.error.as_ref());
        let token = match (token, status) {
            (Some(tok), Some(200..=299)) if rec.error.is_none() => tok,
            _ => {
                if rec.error.is_none() {
                    rec.error = Some(StepError::Answer {
                        detail: match status {
                            Some(s @ 300..=399) => {
                                format!("the server redirected the login (HTTP {s}); redirects are not followed")
                            }
                            Some(s @ 200..=299) => format!("HTTP {s} but no token in the answer"),
                            Some(s) => format!("the login was refused (HTTP {s})"),
                            None => "no answer".into(),
                        },
                    });
                }
                self.finish(rec, started);
                return if cancelled {
                    Outcome::Cancelled
                } else {
                    outcome_on_failure
                };
            }
        };
        let info = account::token_info(&token);
        self.t.token_received_at = Some(time::OffsetDateTime::now_utc().unix_timestamp());
        if let Some(a) = &answer {
            self.t.account = Some(account::account_summary(a, &info));
        }
        if let Some(exp) = self.t.account.as_ref().and_then(|a| a.token_expires_at.clone()) {
            rec.notes.push(format!("token expires {exp}"));
        }
        self.t.token = Some(info);
        self.finish(rec, started);

        // validate
        let (mut rec, started) = self.start(StepName::Validate);
        let mut url = url::Url::parse(&format!("{base}/v1/authentication/token")).expect("base URL was normalised");
        url.query_pairs_mut().append_pair("token", &token);
        let call = http::Call {
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: vec![
                ("X-Authorization".into(), token.clone()),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        };
        let res = http::send(
            &http::Session {
                client: &client,
                phases: &phases,
                redactor: &redactor,
                cancel,
                secs,
            },
            call,
        )
        .await;
        rec.request = Some(res.request);
        rec.timings = Some(res.timings);
        rec.error = res.error;
        let valid = res
            .raw_body
            .as_deref()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| v.get("valid").and_then(|x| x.as_bool()));
        let status = res.response.as_ref().map(|r| r.status);
        rec.response = res.response;
        let cancelled = matches!(rec.error, Some(StepError::Cancelled));
        let outcome = match (valid, status) {
            (Some(true), Some(200..=299)) if rec.error.is_none() => Outcome::Ok,
            (Some(false), Some(200..=299)) => {
                rec.error = Some(StepError::Answer {
                    detail: "the Control Room says the token it just issued is not valid".into(),
                });
                Outcome::Rejected
            }
            _ => {
                if rec.error.is_none() {
                    rec.error = Some(StepError::Answer {
                        detail: format!(
                            "unexpected answer (HTTP {})",
                            status.map(|s| s.to_string()).unwrap_or_default()
                        ),
                    });
                }
                if cancelled {
                    Outcome::Cancelled
                } else {
                    login_failure_outcome(rec.response.as_ref(), rec.error.as_ref())
                }
            }
        };
        self.t.token_valid = valid;
        self.finish(rec, started);
        if outcome == Outcome::Cancelled {
            return outcome;
        }

        // logout: leave no session behind, whatever validate said
        if plan.options.logout {
            let (mut rec, started) = self.start(StepName::Logout);
            let call = http::Call {
                method: reqwest::Method::POST,
                url: format!("{base}/v1/authentication/logout"),
                headers: vec![("X-Authorization".into(), token.clone())],
                body: None,
            };
            let res = http::send(
                &http::Session {
                    client: &client,
                    phases: &phases,
                    redactor: &redactor,
                    cancel,
                    secs,
                },
                call,
            )
            .await;
            rec.request = Some(res.request);
            rec.timings = Some(res.timings);
            rec.error = res.error;
            if rec.error.is_none() && res.response.as_ref().is_some_and(|r| r.status != 204) {
                let s = res.response.as_ref().map(|r| r.status).unwrap_or_default();
                rec.error = Some(StepError::Answer {
                    detail: format!("expected 204 No Content, got HTTP {s}"),
                });
            }
            rec.response = res.response;
            self.finish(rec, started);
        }
        outcome
    }
}

fn dropped_part(url: &crate::target_url::NormalisedUrl) -> String {
    url.notes
        .iter()
        .find_map(|n| match n {
            crate::target_url::UrlNote::PathDropped { dropped } => Some(dropped.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Exit-code class of a failed call: the Control Room answered and refused (its own JSON error
/// shape, a `valid:false`), or it could not be reached / something else answered.
fn login_failure_outcome(resp: Option<&RecordedResponse>, err: Option<&StepError>) -> Outcome {
    match (resp, err) {
        (_, Some(StepError::Cancelled)) => Outcome::Cancelled,
        (Some(r), _) if r.control_room_error().is_some() && !r.looks_like_html() => Outcome::Rejected,
        (Some(r), _) if r.status == 429 => Outcome::Rejected,
        _ => Outcome::Unreachable,
    }
}
