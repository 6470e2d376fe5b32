//! How the request travels, apart from what it says: plain http sends the key readable, and a
//! Control Room that forces https turns the login into a failing GET.

use super::corrected::{corrected_login, with_corrected};
use super::endpoint::is_loopback;
use super::login::{login_mode, username};
use super::{CONTEXT, evidence};
use crate::diagnose::{Hint, HintId, Severity};
use crate::paste::{Paste, PastedRequest};
use crate::transcript::StepName;

pub(super) fn plain_http(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
    let Ok(u) = url::Url::parse(r.url.trim()) else { return };
    if u.scheme() != "http" || u.host_str().is_some_and(is_loopback) {
        return;
    }
    out.push(
        Hint::new(
            HintId::RequestHttp,
            Severity::Warning,
            "The request uses plain http: the key or password travels unencrypted",
        )
        .detail(
            "The address starts with `http://`, so the credentials and the token cross the network as readable \
                 text. Control Rooms that force https answer with a redirect, and most tools then send the login \
                 again as a GET, which fails.",
        )
        .fix(with_corrected(
            &format!("Use `{base}` instead (ask the Control Room's administrator if it only offers http)."),
            &corrected_login(base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
        ))
        .step(StepName::Preflight)
        .evidence(evidence(paste, i, r.line()))
        .weight(CONTEXT),
    );
}
