//! "Paste what you have": a failing request or an error answer, read and explained before any
//! login (issue 17; the API facts are in `docs/control-room-api.md`).
//!
//! One module per kind of input turns the text into raw requests and answers ([`RawPaste`]):
//! [`curl`] (POSIX and Windows `cmd` quoting), [`powershell`], [`http`] (raw HTTP text), [`har`],
//! [`postman`] (collection v2.1 and environment), [`bruno`], [`insomnia`] and [`answer`] (error
//! bodies, `{"valid": false}`, web pages, status lines). [`mask`] then takes every secret out at
//! once: each becomes a [`Secret`], every text kept is redacted with one
//! [`Redactor`](crate::secret::Redactor), and only facts about a secret (its length, spaces, shape)
//! go on. [`rules`] diagnoses the masked requests against what the Control Room expects, with the
//! hint catalogue (`request.*` ids), and [`explain_answer`](answer::explain) explains the answers with
//! the window's own words (the same [`crate::diagnose::diagnose`] on the answer), saying what an
//! answer alone cannot tell. [`fill`] turns a paste into a check's plan ("Test it the right way").
//!
//! Everything in a paste is hostile: the text is capped at [`MAX_PASTE_BYTES`], every parser is
//! total (a property test feeds random input), nested documents are walked to a fixed depth, and
//! at most [`MAX_REQUESTS`] requests are read.

mod answer;
mod bruno;
mod curl;
mod examples;
mod fields;
pub mod fill;
mod har;
mod http;
mod insomnia;
mod mask;
mod postman;
mod powershell;
mod rules;
mod vars;

#[cfg(test)]
mod tests;

use crate::diagnose::{Hint, HintId, Severity};
use crate::secret::Secret;
use serde::Serialize;

pub use examples::catalogue_example;
pub use fill::Fill;

/// The largest paste read (a HAR file of a few calls is far below this).
pub const MAX_PASTE_BYTES: usize = 2 * 1024 * 1024;
/// At most this many requests of a collection or HAR file are read.
pub const MAX_REQUESTS: usize = 50;
/// Folders of a collection are followed this deep.
pub(crate) const MAX_DEPTH: usize = 16;

/// What the paste was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// A curl command line for a POSIX shell (bash, zsh, Git Bash).
    Curl,
    /// A curl command line for Windows `cmd` (`^` continuations and escapes).
    CurlCmd,
    /// PowerShell `Invoke-RestMethod` / `Invoke-WebRequest`.
    #[serde(rename = "powershell")]
    PowerShell,
    /// A raw HTTP request (and maybe its answer), as a proxy or a debugging tool shows it.
    RawHttp,
    /// A HAR file (browser developer tools, Postman, Insomnia, Fiddler).
    Har,
    /// A Postman collection v2.1 (with its environment, if given).
    Postman,
    /// A Bruno `.bru` request.
    Bruno,
    /// An Insomnia export (v4 JSON).
    Insomnia,
    /// A login body alone (`{"username": …, "apiKey": …}`).
    Body,
    /// Only an answer: an error body, `{"valid": …}`, a web page or a status line.
    Answer,
}

impl InputKind {
    /// Words for a person: "a curl command (Windows cmd)".
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Curl => "a curl command",
            InputKind::CurlCmd => "a curl command for Windows cmd",
            InputKind::PowerShell => "a PowerShell command",
            InputKind::RawHttp => "an HTTP request",
            InputKind::Har => "a HAR file",
            InputKind::Postman => "a Postman collection",
            InputKind::Bruno => "a Bruno request",
            InputKind::Insomnia => "an Insomnia export",
            InputKind::Body => "a login body",
            InputKind::Answer => "an answer of the Control Room (or of something in between)",
        }
    }
}

/// Why a paste could not be read (exit code 3 of `explain`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("the paste is empty")]
    Empty,
    #[error("the paste is larger than {} MiB; paste only the request and its answer", MAX_PASTE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("{0}")]
    NotRecognised(String),
}

// ---------------------------------------------------------------------------------------------
// Raw: what the parsers produce. Holds secrets as they were pasted; it never leaves this module:
// `mask` turns it into a `Paste` right away.

#[derive(Debug, Clone, Default)]
pub(crate) struct RawRequest {
    /// Where it came from, for a person: "curl", "Postman: Auth / Get token".
    pub origin: String,
    /// As written; `None` when the paste does not say (curl: GET, or POST with a body).
    pub method: Option<String>,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The Content-Type the tool sends when no header says (curl `-d`: form-urlencoded;
    /// `--json`: JSON; Postman raw JSON: JSON; PowerShell 5.1: form-urlencoded for POST).
    pub implied_content_type: Option<String>,
    /// `curl -u user:password`, Postman/Insomnia/Bruno "basic" auth.
    pub basic: Option<(String, String)>,
    /// A proxy given with the request (`curl -x`, `-Proxy`), with its userinfo if any.
    pub proxy: Option<String>,
    /// `{{variables}}` (or `$variables`) that nothing in the paste defines.
    pub unresolved: Vec<String>,
    /// Extra secrets the format marks as such (a Postman environment's secret values).
    pub secrets: Vec<(SecretKind, String)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawAnswer {
    pub origin: String,
    /// `None` when only a body was pasted.
    pub status: Option<u16>,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawPaste {
    pub requests: Vec<RawRequest>,
    /// Answers, each with the index of the request it answers (if the paste says).
    pub answers: Vec<(Option<usize>, RawAnswer)>,
    /// Values the paste defines (a Postman environment) that are secrets wherever they appear.
    pub secrets: Vec<(SecretKind, String)>,
}

// ---------------------------------------------------------------------------------------------
// Masked: what the rest of the program sees.

/// What kind of secret was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    ApiKey,
    Password,
    /// A JWT (`eyJ…`).
    Token,
    /// A value in a place for a token that is not one (an API key used as the token, usually).
    TokenPlace,
    /// Basic credentials (`-u user:password`, `Authorization: Basic …`).
    Basic,
    /// The password of a proxy or of a URL's userinfo.
    Userinfo,
    /// A variable of a Postman environment marked secret, or another header holding a credential.
    Other,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::ApiKey => "API key",
            SecretKind::Password => "password",
            SecretKind::Token => "token",
            SecretKind::TokenPlace => "value sent as the token",
            SecretKind::Basic => "Basic credentials",
            SecretKind::Userinfo => "password in an address",
            SecretKind::Other => "secret value",
        }
    }
}

/// Where in a request a secret was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "in", content = "name", rename_all = "snake_case")]
pub enum Place {
    /// A field of the body (`apiKey`, `password`, `token`, or a misspelling of them).
    Body(String),
    Header(String),
    Query(String),
    BasicAuth,
    Proxy,
    Url,
    /// A value defined by the paste (an environment), wherever it is used.
    Defined,
    /// The answer (a token in a login answer).
    Answer,
}

/// What may be said about a secret without saying it (like the check's own facts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecretFacts {
    /// Characters as pasted.
    pub chars: usize,
    /// Characters without surrounding whitespace.
    pub trimmed_chars: usize,
    pub outer_whitespace: bool,
    pub inner_whitespace: bool,
    pub line_break: bool,
    pub smart_quotes: bool,
    pub jwt: bool,
    /// Only a variable reference (`{{apiKey}}`, `$env:AA_API_KEY`): nothing secret in the paste.
    pub reference: bool,
}

impl SecretFacts {
    pub fn of(value: &str) -> Self {
        let t = value.trim();
        Self {
            chars: value.chars().count(),
            trimmed_chars: t.chars().count(),
            outer_whitespace: t.len() != value.len(),
            inner_whitespace: t.chars().any(char::is_whitespace),
            line_break: value.contains(['\n', '\r']),
            smart_quotes: value.contains(fields::SMART_QUOTES),
            jwt: crate::jwt::looks_like_jwt(value),
            reference: vars::is_reference(t),
        }
    }
}

/// A secret found in a paste: the value (masked everywhere), what it is, where it was.
#[derive(Debug, Clone)]
pub struct FoundSecret {
    pub kind: SecretKind,
    pub place: Place,
    /// Index of the request it was found in, if any.
    pub request: Option<usize>,
    pub secret: Secret,
    pub facts: SecretFacts,
}

/// A pasted request, every secret replaced by its marker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastedRequest {
    pub origin: String,
    pub method: Option<String>,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implied_content_type: Option<String>,
    /// The user of Basic credentials (the password is a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
}

impl PastedRequest {
    /// The method as sent: as written, or what the tool sends by default.
    pub fn effective_method(&self) -> String {
        match &self.method {
            Some(m) if !m.trim().is_empty() => m.trim().to_ascii_uppercase(),
            _ if self.body.is_some() => "POST".into(),
            _ => "GET".into(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `POST https://…/v2/authentication`, for evidence.
    pub fn line(&self) -> String {
        format!("{} {}", self.effective_method(), quote(&self.url, 160))
    }
}

/// A pasted answer, secrets and tokens masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastedAnswer {
    pub origin: String,
    /// The request it answers, when the paste says.
    pub request: Option<usize>,
    /// `None`: only a body was pasted.
    pub status: Option<u16>,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A paste, read and masked: what every view shows.
#[derive(Debug, Clone)]
pub struct Paste {
    pub kind: InputKind,
    pub requests: Vec<PastedRequest>,
    pub answers: Vec<PastedAnswer>,
    pub secrets: Vec<FoundSecret>,
    /// The whole paste with every secret masked (what the paste box shows once read).
    pub masked_text: String,
    /// Variables nothing in the paste defines, in order of appearance.
    pub unresolved: Vec<String>,
}

impl Paste {
    /// Read a paste. Never panics; the text is capped at [`MAX_PASTE_BYTES`].
    pub fn read(text: &str) -> Result<Paste, Unreadable> {
        if text.len() > MAX_PASTE_BYTES {
            return Err(Unreadable::TooLarge);
        }
        if text.trim().is_empty() {
            return Err(Unreadable::Empty);
        }
        let (kind, raw) = read_raw(text)?;
        Ok(mask::mask(kind, raw, text))
    }

    /// The secret a check would sign in with: the login's API key or password.
    pub fn login_secret(&self) -> Option<&FoundSecret> {
        fill::login_secret(self)
    }
}

/// The explanation of a paste: the paste (masked) and its hints, most likely cause first.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub paste: Paste,
    pub hints: Vec<Hint>,
    /// What "Test it the right way" / `explain --run` would test, when the paste has enough.
    pub fill: Result<Fill, String>,
}

impl Explanation {
    /// The exit code of `explain`, as `check`'s: 0 nothing wrong found, 1 the Control Room (or the
    /// request it was sent) is the cause, 2 something else answered or nothing could reach it.
    pub fn exit_code(&self) -> i32 {
        match self.hints.first() {
            Some(h) if h.severity == Severity::Error => exit_code_of(h.id),
            _ => crate::cli::exit::SUCCESS,
        }
    }

    /// The outcome word of the exit code, for the JSON output.
    pub fn verdict(&self) -> &'static str {
        match self.exit_code() {
            0 => "nothing_wrong_found",
            2 => "unreachable",
            _ => "rejected",
        }
    }
}

/// 2 for what means "not the Control Room's API" (networks, certificates, web pages, gateways),
/// 1 for the rest (the Control Room refused, or the request it was sent is wrong).
pub fn exit_code_of(id: HintId) -> i32 {
    let area = id.as_str().split('.').next().unwrap_or("");
    let not_the_api = matches!(area, "net" | "tls" | "http") || id == HintId::RequestWebUrl;
    if not_the_api {
        crate::cli::exit::UNREACHABLE
    } else {
        crate::cli::exit::REFUSED
    }
}

/// Read and explain a paste.
pub fn explain(text: &str) -> Result<Explanation, Unreadable> {
    let paste = Paste::read(text)?;
    Ok(explain_paste(paste))
}

/// Explain a paste already read.
pub fn explain_paste(paste: Paste) -> Explanation {
    let mut hints = rules::check(&paste);
    let answered = answer::explain(&paste, &hints);
    hints.extend(answered);
    let hints = finish(&paste, hints);
    let fill = fill::fill(&paste);
    Explanation { paste, hints, fill }
}

/// De-duplicate (the strongest of an id wins), mask every secret once more, escape what the paste
/// put in (as `diagnose` does for a server's answer), order.
fn finish(paste: &Paste, hints: Vec<Hint>) -> Vec<Hint> {
    let mut kept: Vec<Hint> = Vec::with_capacity(hints.len());
    for h in hints {
        match kept.iter_mut().find(|k| k.id == h.id) {
            Some(k) => {
                if (h.severity, std::cmp::Reverse(h.weight)) < (k.severity, std::cmp::Reverse(k.weight)) {
                    *k = h;
                }
            }
            None => kept.push(h),
        }
    }
    let redactor = mask::redactor_for(&paste.secrets);
    use crate::sanitize::{for_display, for_display_multiline};
    for h in &mut kept {
        let clean = |s: &str| redactor.redact(s);
        h.title = for_display(&clean(&h.title)).into_owned();
        h.detail = for_display_multiline(&clean(&h.detail)).into_owned();
        h.fix = for_display_multiline(&clean(&h.fix)).into_owned();
        h.evidence = h.evidence.as_deref().map(|e| for_display(&clean(e)).into_owned());
    }
    kept.sort_by_key(|h| (h.severity, std::cmp::Reverse(h.weight), h.id));
    kept
}

// ---------------------------------------------------------------------------------------------
// Environments: the variables of a Postman environment, a Bruno environment or an Insomnia export,
// read by the same parsers, for importing a profile from them (`profiles::environments`).

/// The tool an environment file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentTool {
    Postman,
    Bruno,
    Insomnia,
}

impl EnvironmentTool {
    /// "a Postman environment".
    pub fn describe(self) -> &'static str {
        match self {
            EnvironmentTool::Postman => "a Postman environment",
            EnvironmentTool::Bruno => "a Bruno environment",
            EnvironmentTool::Insomnia => "an Insomnia export",
        }
    }
}

/// One variable of an environment, as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentVariable {
    pub key: String,
    /// The value as written (a secret's value too: the caller must never keep it).
    pub value: String,
    /// The file marks it secret (Postman `"type": "secret"`, Bruno `vars:secret`), or its name is a
    /// secret's (`apiKey`, `password`, `token`, …).
    pub secret: bool,
}

impl EnvironmentVariable {
    pub(crate) fn new(key: String, value: String, marked_secret: bool) -> Self {
        let secret = marked_secret || fields::secret_field(&key).is_some();
        Self { key, value, secret }
    }
}

/// An environment file's variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub tool: EnvironmentTool,
    /// The environment's own name, when the file has one (Bruno's is its file name).
    pub name: Option<String>,
    pub variables: Vec<EnvironmentVariable>,
}

impl Environment {
    /// `{{name}}` references in `text` resolved from this environment's variables, the rest kept.
    pub fn resolve(&self, text: &str) -> String {
        let defined: vars::Vars = self
            .variables
            .iter()
            .map(|v| (v.key.clone(), v.value.clone()))
            .collect();
        vars::resolve(text, &defined, &mut Vec::new())
    }
}

/// The environments in a file's text: a Postman environment, a Bruno environment, or the
/// environments of an Insomnia export. Empty when the text is none of them (a collection, a
/// request, …). Never panics; the text is capped at [`MAX_PASTE_BYTES`].
pub fn environments(text: &str) -> Vec<Environment> {
    if text.len() > MAX_PASTE_BYTES {
        return Vec::new();
    }
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with('{') {
        let docs = json_documents(t);
        if let Some(envs) = insomnia::environments(&docs) {
            return envs;
        }
        return docs.iter().take(8).filter_map(postman::environment).collect();
    }
    bruno::environment(t).into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// Which parser: the first whose shape the text has.

fn read_raw(text: &str) -> Result<(InputKind, RawPaste), Unreadable> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with('{') || t.starts_with('[') {
        let docs = json_documents(t);
        if !docs.is_empty() {
            if let Some(p) = har::read(&docs) {
                return Ok((InputKind::Har, p));
            }
            if let Some(p) = postman::read(&docs) {
                return Ok((InputKind::Postman, p));
            }
            if let Some(p) = insomnia::read(&docs) {
                return Ok((InputKind::Insomnia, p));
            }
        }
        if let Some(p) = answer::read_login_body(t) {
            return Ok((InputKind::Body, p));
        }
    }
    if let Some(p) = bruno::read(t) {
        return Ok((InputKind::Bruno, p));
    }
    if let Some((kind, p)) = curl::read(t) {
        return Ok((kind, p));
    }
    if let Some(p) = powershell::read(t) {
        return Ok((InputKind::PowerShell, p));
    }
    if let Some(p) = http::read_request(t) {
        return Ok((InputKind::RawHttp, p));
    }
    if let Some(p) = answer::read(t) {
        return Ok((InputKind::Answer, p));
    }
    Err(Unreadable::NotRecognised(
        "this does not look like a request (curl, PowerShell, HTTP, HAR, Postman, Bruno, Insomnia) or an answer \
         of the Control Room; paste the whole command or the whole answer"
            .into(),
    ))
}

/// The JSON documents at the start of the text, one after the other (a collection followed by
/// its environment); stops at the first thing that is not JSON.
fn json_documents(text: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for v in stream {
        match v {
            Ok(v) => out.push(v),
            Err(_) => break,
        }
        if out.len() >= 8 {
            break;
        }
    }
    out
}

/// The index of the first line at or after `from` (a byte offset) that starts an answer:
/// `HTTP/1.1 401 …`, a JSON body, a web page, PowerShell's error record. Labels such as
/// "Response:" alone on a line are skipped.
pub(crate) fn answer_start(text: &str, from: usize) -> Option<usize> {
    let mut at = from.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    let rest = &text[at..];
    let mut offset = at;
    for line in rest.split_inclusive('\n') {
        let l = line.trim();
        let lower = l.to_ascii_lowercase();
        if !l.is_empty() && answer::starts_answer(&lower) {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
}

/// Keep at most [`MAX_REQUESTS`].
pub(crate) fn push_request(out: &mut Vec<RawRequest>, r: RawRequest) -> bool {
    if out.len() >= MAX_REQUESTS {
        return false;
    }
    out.push(r);
    true
}

/// An evidence quote of at most `max` characters.
pub(crate) fn quote(s: &str, max: usize) -> String {
    let squashed: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // A paste is outside text: shown escaped (an ESC sequence or a bidi override in a pasted URL
    // must not drive the terminal or reorder what is shown), after the cut so no escape is halved.
    let shown = if squashed.chars().count() > max {
        format!("{}…", squashed.chars().take(max).collect::<String>())
    } else {
        squashed
    };
    crate::sanitize::for_display(&shown).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The JSON form of an explanation (`aa-conntest explain --json`, docs/cli.md).

/// A found secret as the JSON output shows it: what and where, never its value.
#[derive(Debug, Serialize)]
struct SecretJson<'a> {
    kind: SecretKind,
    place: &'a Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<usize>,
    marker: String,
    reference: bool,
}

#[derive(Debug, Serialize)]
struct FillJson<'a> {
    url: &'a str,
    username: &'a str,
    auth: crate::plan::AuthMode,
    secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_from: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ExplanationJson<'a> {
    kind: InputKind,
    verdict: &'static str,
    exit_code: i32,
    requests: &'a [PastedRequest],
    answers: &'a [PastedAnswer],
    secrets: Vec<SecretJson<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    unresolved: &'a [String],
    hints: &'a [Hint],
    #[serde(skip_serializing_if = "Option::is_none")]
    fill: Option<FillJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cannot_test: Option<&'a str>,
}

impl Explanation {
    /// The explanation as a JSON value (every secret as its marker).
    pub fn to_json_value(&self) -> serde_json::Value {
        let j = ExplanationJson {
            kind: self.paste.kind,
            verdict: self.verdict(),
            exit_code: self.exit_code(),
            requests: &self.paste.requests,
            answers: &self.paste.answers,
            secrets: self
                .paste
                .secrets
                .iter()
                .map(|s| SecretJson {
                    kind: s.kind,
                    place: &s.place,
                    request: s.request,
                    marker: if s.facts.reference {
                        quote(s.secret.expose(), 60)
                    } else if s.kind == SecretKind::Token {
                        crate::secret::token_marker(s.secret.expose())
                    } else {
                        s.secret.marker()
                    },
                    reference: s.facts.reference,
                })
                .collect(),
            unresolved: &self.paste.unresolved,
            hints: &self.hints,
            fill: self.fill.as_ref().ok().map(|f| FillJson {
                url: &f.url,
                username: &f.username,
                auth: f.auth,
                secret: f.secret.as_ref().map(|s| s.marker()),
                secret_from: f.secret_from.as_deref(),
            }),
            cannot_test: self.fill.as_ref().err().map(String::as_str),
        };
        let mut v = serde_json::to_value(&j).unwrap_or(serde_json::Value::Null);
        // A last pass: nothing of a secret in any string, in any form.
        mask::redactor_for(&self.paste.secrets).redact_json(&mut v);
        v
    }
}

/// A text cut for one line of output (whitespace squashed), e.g. an answer's body.
pub fn quote_for_text(s: &str, max: usize) -> String {
    quote(s, max)
}
