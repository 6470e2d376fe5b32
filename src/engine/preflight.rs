//! The local step: is the input usable at all? Nothing is sent before it passes.

use crate::jwt;
use crate::plan::{AuthMode, Plan};
use crate::secret::Secret;
use crate::target_url::{self, NormalisedUrl};
use crate::transcript::StepError;

/// The input, cleaned of paste artefacts, ready to be sent.
#[derive(Clone)]
pub struct Prepared {
    pub url: NormalisedUrl,
    pub username: String,
    pub secret: Secret,
    /// The check's TLS setup (CA file read, pins parsed), shared by the probe and the HTTP client.
    pub trust: super::tls::Trust,
}

/// Leading/trailing whitespace is removed from the URL, the username and an API key (a 40-character
/// key never has it); a password is sent as typed, since a space may really be part of it.
pub fn prepare(plan: &Plan) -> Result<Prepared, StepError> {
    let url = target_url::normalise(&plan.target.url).map_err(|e| StepError::Input { reason: e.to_string() })?;
    let username = plan.target.username.trim().to_string();
    if username.is_empty() {
        return Err(StepError::Input {
            reason: "no username was given".into(),
        });
    }
    let secret = match plan.target.auth {
        AuthMode::ApiKey => Secret::new(plan.secret.expose().trim()),
        AuthMode::Password => plan.secret.clone(),
    };
    if secret.expose().trim().is_empty() {
        return Err(StepError::Input {
            reason: format!("no {} was given", plan.target.auth.secret_label()),
        });
    }
    if plan.target.auth == AuthMode::ApiKey && jwt::looks_like_jwt(secret.expose()) {
        // Sending it would only burn one of the three failed logins that disable the account.
        return Err(StepError::Input {
            reason: "the API key field holds an authentication token (a JWT), not an API key".into(),
        });
    }
    let trust = super::tls::trust(
        plan.target.options.ca_file.as_deref(),
        &plan.target.options.pin_sha256,
        plan.target.options.insecure,
    )?;
    Ok(Prepared {
        url,
        username,
        secret,
        trust,
    })
}
