//! `input.*`: the credential fields and the options, judged before and after the check (the URL is
//! [`super::url`]'s).
//!
//! Most of these are facts about the plan. Their severity and weight rise when the check failed in a
//! way they explain (a 39-character key and a rejected login; a plain-http URL and a redirect).

use super::facts::{API_KEY_LEN, Ctx};
use super::rank::{CONTEXT, LEAD, LIKELY, NOTE, ROOT};
use super::text::shorten;
use super::{Hint, HintId, Severity, links};
use crate::transcript::{StepError, StepName};

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    username_and_secret(cx, out);
    whitespace(cx, out);
    smart_quotes(cx, out);
    key_shape(cx, out);
    domain_user(cx, out);
    options(cx, out);
}

fn username_and_secret(cx: &Ctx, out: &mut Vec<Hint>) {
    if cx.username.is_empty() {
        out.push(
            Hint::new(HintId::InputUsernameMissing, Severity::Error, "No username was given")
                .detail(format!(
                    "The Control Room needs the username together with the {}: an API key or password alone is \
                     not accepted.",
                    cx.secret_label()
                ))
                .fix(if cx.api_key() {
                    "Enter the username of the user who generated the API key (the key only works with its owner's \
                     username)."
                } else {
                    "Enter the Control Room username you sign in with."
                })
                .step(StepName::Preflight)
                .evidence("username field is empty")
                .weight(ROOT),
        );
    }
    if cx.secret.empty {
        let (title, fix) = if cx.api_key() {
            (
                "No API key was given",
                "1. Sign in to the Control Room as the user and open *My settings > Generate API-Key*.\n\
                 2. Copy the key (40 characters) and paste it here.\n\
                 3. If the button is missing, an administrator must give the user a role with the Generate API-Key \
                 permission (*Administration > Roles*).",
            )
        } else {
            ("No password was given", "Enter the user's Control Room password.")
        };
        out.push(
            Hint::new(HintId::InputSecretMissing, Severity::Error, title)
                .detail(format!(
                    "The {} field is empty{}. The login needs the username and exactly one of an API key or a \
                     password.",
                    cx.secret_label(),
                    if cx.secret.len > 0 {
                        " (it only holds spaces or line breaks)"
                    } else {
                        ""
                    }
                ))
                .fix(fix)
                .step(StepName::Preflight)
                .evidence(format!(
                    "{} field: {} characters, none visible",
                    cx.secret_label(),
                    cx.secret.len
                ))
                .link(links::GENERATE_KEY)
                .weight(ROOT),
        );
    }
}

fn whitespace(cx: &Ctx, out: &mut Vec<Hint>) {
    let rejected = cx.login_rejected();
    let mut trimmed = Vec::new(); // fields we cleaned before sending
    let mut kept = Vec::new(); // problems we could not clean
    let url = &cx.plan.target.url;
    if !url.trim().is_empty() && url.trim().len() != url.len() {
        trimmed.push("the URL".to_string());
    }
    let user = &cx.plan.target.username;
    if !user.trim().is_empty() && user.trim().len() != user.len() {
        trimmed.push(format!("the username {}", cx.user()));
    }
    if cx.username.chars().any(char::is_whitespace) && !cx.username.contains(' ') {
        kept.push("the username has a tab or line break inside".to_string());
    }
    let s = &cx.secret;
    let mut password_spaces = false;
    if !s.empty {
        if cx.api_key() {
            if s.outer_whitespace {
                trimmed.push("the API key".to_string());
            }
            if s.inner_whitespace {
                kept.push(format!(
                    "the API key has a {} inside it; a generated key has none, so part of it was probably pasted twice \
                     or wrapped onto two lines",
                    if s.line_break { "line break" } else { "space" }
                ));
            }
        } else if s.outer_whitespace || s.line_break {
            password_spaces = true;
            kept.push(
                "the password starts or ends with a space or line break; passwords are sent exactly as typed, so \
                 it was sent with it"
                    .to_string(),
            );
        }
    }
    if trimmed.is_empty() && kept.is_empty() {
        return;
    }
    let mut detail = String::new();
    if !trimmed.is_empty() {
        detail.push_str(&format!(
            "Spaces or line breaks around {} were removed before sending. Many other tools send them as they are, \
             and the Control Room then rejects the login or the address.",
            join(&trimmed)
        ));
    }
    for k in &kept {
        if !detail.is_empty() {
            detail.push(' ');
        }
        detail.push_str(&capitalise(k));
        detail.push('.');
    }
    let weight = if rejected && (password_spaces || (cx.api_key() && s.inner_whitespace)) {
        LIKELY
    } else {
        CONTEXT
    };
    out.push(
        Hint::new(
            HintId::InputWhitespace,
            Severity::Warning,
            "Spaces or line breaks were found around or inside a field",
        )
        .detail(detail)
        .fix(
            "1. Copy the value again, without the surrounding spaces or the line break (copy from the field in \
                 the Control Room, not from an e-mail or a document).\n2. Fix the same value where your scripts or \
                 bots keep it.",
        )
        .step(StepName::Preflight)
        .evidence(
            [
                trimmed
                    .iter()
                    .map(|f| format!("whitespace removed from {f}"))
                    .collect::<Vec<_>>(),
                kept.clone(),
            ]
            .concat()
            .join("; "),
        )
        .weight(weight),
    );
}

fn smart_quotes(cx: &Ctx, out: &mut Vec<Hint>) {
    use super::facts::SMART_QUOTES;
    let mut fields = Vec::new();
    if cx.plan.target.url.contains(SMART_QUOTES) {
        fields.push("the URL");
    }
    if cx.plan.target.username.contains(SMART_QUOTES) {
        fields.push("the username");
    }
    if cx.secret.smart_quotes {
        fields.push(if cx.api_key() { "the API key" } else { "the password" });
    }
    if fields.is_empty() {
        return;
    }
    let rejected = cx.login_rejected();
    let in_credential = fields.iter().any(|f| *f != "the URL");
    let (severity, weight) = if rejected && in_credential {
        (Severity::Error, LEAD)
    } else {
        (Severity::Warning, LIKELY)
    };
    out.push(
        Hint::new(HintId::InputSmartQuotes, severity, "A field contains curly quotes (“ ” ‘ ’) from a document or a forum post")
            .detail(format!(
                "{} contains typographic quotes. Word processors, e-mail and forum posts turn straight quotes into \
                 curly ones, and a Control Room username, API key or URL never contains them{}.",
                capitalise(&join(&fields.iter().map(|s| s.to_string()).collect::<Vec<_>>())),
                if rejected && in_credential {
                    ", so the value that was sent is not the real one: that is the most likely reason the login was rejected"
                } else {
                    ""
                }
            ))
            .fix(
                "1. Copy the value again from its source (the Control Room's *My settings* page for a key), not from \
                 a document or a chat message.\n2. Or type the quotes as plain `\"` / `'` if they are really part of \
                 a password.",
            )
            .step(StepName::Preflight)
            .evidence(format!("curly quote characters (U+201C/U+201D/U+2018/U+2019) in {}", join(
                &fields.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            )))
            .weight(weight),
    );
}

fn key_shape(cx: &Ctx, out: &mut Vec<Hint>) {
    if !cx.api_key() || cx.secret.empty {
        return;
    }
    let s = &cx.secret;
    if s.looks_like_jwt {
        let stopped = cx.failed(StepName::Preflight) || cx.t.login_attempts == 0;
        out.push(
            Hint::new(HintId::InputKeyIsToken, Severity::Error, "The API key field holds a token, not an API key")
                .detail(format!(
                    "The value starts with `eyJ` and has three parts separated by dots: that is a token (a JWT, {} \
                     characters), the thing a login returns, not the 40-character API key you log in with. A token \
                     expires after about 20 minutes and cannot be used to log in.{}",
                    s.trimmed_len,
                    if stopped {
                        " The check stopped here, without sending a login, so the account's failed-login counter was not touched."
                    } else {
                        ""
                    }
                ))
                .fix(
                    "1. Sign in to the Control Room as the user and open *My settings > Generate API-Key*.\n\
                     2. Paste that 40-character key here (not a token copied from Postman, Swagger or a script's output).\n\
                     3. In scripts, send the key as `apiKey` to `/v2/authentication` and use the returned token in the \
                     `X-Authorization` header.",
                )
                .step(StepName::Preflight)
                .evidence(format!("API key field: {} characters, starts with \"eyJ\", 3 dot-separated parts", s.trimmed_len))
                .link(links::AUTHENTICATE)
                .weight(ROOT),
        );
        return;
    }
    if s.trimmed_len != API_KEY_LEN {
        let rejected = cx.login_rejected();
        let n = s.trimmed_len;
        let diff = n as i64 - API_KEY_LEN as i64;
        let mut likely = if diff == -1 || diff == 1 {
            format!(
                "one character {} — typically the first or last character lost or added when selecting the key to copy",
                if diff < 0 { "is missing" } else { "too many" }
            )
        } else if n == 2 * API_KEY_LEN || n == 2 * API_KEY_LEN + 1 {
            "it looks like the key was pasted twice".to_string()
        } else if diff < 0 {
            "part of the key is missing (the copy was cut short)".to_string()
        } else {
            "it holds more than a key (extra text or a second value)".to_string()
        };
        if s.double_backslash {
            likely.push_str(
                "; it also has two backslashes in a row: old documentation (v.24 and earlier) told people to double \
                 backslashes for JSON, but this tool escapes the key itself, so paste it exactly as the Control Room shows it",
            );
        }
        let (severity, weight, title) = if rejected {
            (
                Severity::Error,
                LEAD,
                format!("The API key has {n} characters; a Control Room key has 40, so the login was refused"),
            )
        } else {
            (
                Severity::Warning,
                CONTEXT,
                format!("The API key has {n} characters; a Control Room key has 40"),
            )
        };
        out.push(
            Hint::new(HintId::InputKeyLength, severity, title)
                .detail(format!(
                    "API keys generated by the Control Room are exactly 40 characters. The key entered here has {n} \
                     (after removing surrounding spaces): {likely}.{}",
                    if rejected {
                        " The Control Room rejected the login, and a key of the wrong length is the most likely reason."
                    } else {
                        ""
                    }
                ))
                .fix(
                    "1. Open the place where the key was saved when it was generated and copy it again, all of it \
                     (the Control Room shows a key only once).\n2. If it is lost, sign in as the user and generate a \
                     new one in *My settings > Generate API-Key* (this voids the old key everywhere it is used).\n\
                     3. Paste it here and run the check once.",
                )
                .step(StepName::Preflight)
                .evidence(format!("API key length {n}, expected 40"))
                .link(links::GENERATE_KEY)
                .weight(weight),
        );
    }
}

fn domain_user(cx: &Ctx, out: &mut Vec<Hint>) {
    let u = &cx.username;
    if !u.contains('\\') {
        return;
    }
    if u.contains("\\\\") {
        out.push(
            Hint::new(
                HintId::InputDomainUser,
                Severity::Warning,
                "The username has two backslashes; type only one",
            )
            .detail(format!(
                "The username {} has `\\\\`. Samples show `DOMAIN\\\\user` because that is how one backslash is \
                     written inside JSON. This tool writes the JSON itself, so two typed backslashes reach the \
                     Control Room as two, and the user is not found.",
                cx.user()
            ))
            .fix("Type the username as `DOMAIN\\user`, with a single backslash.")
            .step(StepName::Preflight)
            .evidence(format!("username {}", cx.user()))
            .weight(if cx.login_rejected() { LIKELY } else { CONTEXT }),
        );
        return;
    }
    out.push(
        Hint::new(
            HintId::InputDomainUser,
            Severity::Info,
            "The username is a domain user (DOMAIN\\user)",
        )
        .detail(format!(
            "The username {} has a backslash, the form used for Active Directory users. That is fine: it is \
                 sent as `\"DOMAIN\\\\user\"` in the JSON body, which is how JSON writes one backslash.",
            cx.user()
        ))
        .fix(
            "Nothing to change here. In hand-written JSON (Postman, curl), write the backslash twice; in this \
                 tool, type it once.",
        )
        .step(StepName::Preflight)
        .evidence(format!("username {}", cx.user()))
        .link(links::AUTHENTICATE)
        .weight(NOTE),
    );
}

fn options(cx: &Ctx, out: &mut Vec<Hint>) {
    if cx.plan.target.options.insecure {
        // The engine records why the chain would not have been trusted, even when the switch let it through.
        let would_fail =
            cx.t.connect
                .as_ref()
                .and_then(|c| c.trust_error.clone())
                .filter(|e| !e.trim().is_empty());
        let (weight, verdict) = match &would_fail {
            Some(e) => (
                LIKELY,
                format!(
                    " The certificate would NOT have been accepted with checks on ({}): this check only got through \
                     because of the switch, so scripts and bots will fail until the certificate is trusted.",
                    shorten(e, 160)
                ),
            ),
            None if cx.t.connect.as_ref().and_then(|c| c.trusted) == Some(true) => (
                NOTE,
                " The certificate was trusted anyway, so the switch is not needed: turn it off.".to_string(),
            ),
            None => (CONTEXT, String::new()),
        };
        out.push(
            Hint::new(
                HintId::InputInsecure,
                Severity::Warning,
                "Certificate checks were turned off for this check",
            )
            .detail(format!(
                "The option to accept invalid certificates is on, so this check would also have connected to an \
                     impostor. Use it only to confirm that a certificate problem is the only problem: a success here \
                     does not mean your scripts or bots will connect.{verdict}"
            ))
            .fix(
                "1. Get the certificate of the authority that signed the Control Room's certificate (your Control \
                     Room or network administrator has it, as a PEM file).\n2. Set it as the CA file in the options \
                     (`--ca-file`) and turn the insecure option off again.",
            )
            .step(StepName::Connect)
            .evidence(match &would_fail {
                Some(e) => format!(
                    "option: accept invalid certificates; certificate check: {}",
                    shorten(e, 160)
                ),
                None => "option: accept invalid certificates".to_string(),
            })
            .link(links::CUSTOM_TLS)
            .weight(weight),
        );
    }
    for s in &cx.t.steps {
        if let Some(StepError::Input { reason }) = &s.error
            && reason.starts_with("the pinned fingerprint")
        {
            out.push(
                Hint::new(
                    HintId::InputCaFile,
                    Severity::Error,
                    "The pinned certificate fingerprint cannot be used",
                )
                .detail(format!(
                    "{}. A pinned fingerprint trusts exactly one certificate: it is the SHA-256 of the \
                     certificate, 64 hexadecimal digits, written with or without colons (`AB:CD:…`), as the \
                     browser's certificate view or `openssl x509 -noout -fingerprint -sha256` shows it. Nothing was sent.",
                    capitalise(&shorten(reason, 200))
                ))
                .fix(
                    "1. Copy the SHA-256 fingerprint again, whole, from the certificate view or from this tool's \
                     report (`connect.certificates[].sha256`).\n2. Check it with the Control Room administrator \
                     before trusting it.",
                )
                .step(s.name)
                .evidence(shorten(reason, 200))
                .weight(ROOT),
            );
            break;
        }
        if let Some(StepError::CaFile { detail }) = &s.error {
            let path = cx
                .plan
                .target
                .options
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(not set)".into());
            out.push(
                Hint::new(HintId::InputCaFile, Severity::Error, "The CA file given in the options cannot be used")
                    .detail(format!(
                        "The check could not read trusted certificates from `{}`: {}. It needs a PEM file (text \
                         starting with `-----BEGIN CERTIFICATE-----`) holding the certificate of the authority that \
                         signed the Control Room's certificate.",
                        shorten(&path, 200),
                        shorten(detail, 200)
                    ))
                    .fix(
                        "1. Check the path and that the file can be read.\n2. If you have a `.cer`/`.der` file, export it \
                         as Base-64 (PEM) from the Windows certificate dialog or with `openssl x509 -inform der -in ca.cer -out ca.pem`.",
                    )
                    .step(s.name)
                    .evidence(shorten(detail, 200))
                    .weight(ROOT),
            );
            break;
        }
    }
}

pub(crate) fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
