//! Before the window sends a login: the guard of the Test button.
//!
//! - A selected profile whose secret is not on this computer (saved without a keyring, imported,
//!   or unreadable) is not checked with an empty secret: that would only say "No API key was
//!   given" and suggest generating a new key, which voids the key that bots use. The window asks
//!   for the key instead ([`GuardDialog::SecretMissing`]).
//! - A username and secret that the Control Room refused before, in this session or in the
//!   selected profile's history ([`crate::profiles::refused_before`]), are not sent again without
//!   asking ([`GuardDialog::RefusedBefore`]), naming how many refusals were seen and what a
//!   lock-out costs.
//!
//! `gui::update` calls [`allows_check`] for `Command::RunCheck`; "Send the login anyway" is
//! `Command::RunCheckAnyway`. The dialogs are drawn by `gui::guard_dialog`.

use super::super::state::{State, Status};
use super::state::SecretState;
use crate::plan::AuthMode;
use crate::profiles::guard::SessionRefusals;
use crate::profiles::{NoSecret, Refusals};
use crate::secret::Secret;

/// A question before a login is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardDialog {
    /// This username and secret were refused before: send anyway?
    RefusedBefore {
        refusals: Refusals,
        auth: AuthMode,
        username: String,
    },
    /// The selected profile has no secret on this computer: paste it.
    SecretMissing {
        profile: String,
        auth: AuthMode,
        headline: String,
        why: String,
        technical: Option<String>,
    },
}

/// What the guard remembers: the refusals of this session, and the open question.
#[derive(Debug, Default)]
pub struct GuardState {
    pub session: SessionRefusals,
    pub dialog: Option<GuardDialog>,
}

/// May the window's check run now? If not, a dialog (or the status line) says why.
pub fn allows_check(state: &mut State) -> bool {
    let p = &mut state.profiles;
    let secret_typed = !state.form.secret.trim().is_empty();
    if let Some(profile) = p.selected()
        && !secret_typed
    {
        let missing = match &p.secret {
            SecretState::Loading => {
                state.status = Status::normal(format!(
                    "The saved {} of \"{}\" is still being read; press Test connection again in a moment.",
                    profile.target.auth.secret_label(),
                    profile.name
                ));
                return false;
            }
            SecretState::Loaded(None) => Some(match &p.backend {
                Some(b) if !b.secrets.status().is_persistent() => NoSecret::NoKeyring(b.secrets.status()),
                _ => NoSecret::NotSaved,
            }),
            SecretState::Failed(e) => Some(NoSecret::Unreadable(e.clone())),
            // Saved, and cleared in the field on purpose: check the form as it is.
            SecretState::Loaded(Some(_)) | SecretState::None => None,
        };
        if let Some(why) = missing {
            let auth = state.form.target.auth;
            p.guard.dialog = Some(GuardDialog::SecretMissing {
                profile: profile.name.clone(),
                auth,
                headline: why.headline(auth),
                why: why.why(),
                technical: why.technical(),
            });
            state.status = Status::bad(format!("{}: paste it to test. No login was sent.", why.headline(auth)));
            return false;
        }
    }
    let target = state.form.checked_target();
    let secret = Secret::new(state.form.secret.clone());
    let in_session = p.guard.session.refused(&target, &secret).cloned();
    let in_history = match (p.selected(), p.backend.as_ref().and_then(|b| b.tagger.as_ref())) {
        (Some(_), Some(tagger)) => crate::profiles::refused_before(&p.history, &tagger.tag(&target, &secret)),
        _ => None,
    };
    // The history holds this session's refusals of a saved profile too: the larger count is the
    // one seen, not the sum.
    let refused = match (in_session, in_history) {
        (Some(a), Some(b)) => Some(if b.count >= a.count { b } else { a }),
        (a, b) => a.or(b),
    };
    if let Some(refusals) = refused {
        state.status = Status::bad(format!(
            "Not sent: this {} was refused before.",
            target.auth.secret_label()
        ));
        p.guard.dialog = Some(GuardDialog::RefusedBefore {
            refusals,
            auth: target.auth,
            username: target.username.trim().to_string(),
        });
        return false;
    }
    true
}

/// "Send the login anyway" (or the dialog closed): the question is answered.
pub fn close(state: &mut State) {
    state.profiles.guard.dialog = None;
}

/// The window's check finished: remember a refusal (or that the secret works) for this session.
pub fn on_check_finished(state: &mut State) {
    let Some(run) = &state.run else { return };
    if run.was_cancelled() {
        return;
    }
    let Some(result) = run.result() else { return };
    state
        .profiles
        .guard
        .session
        .note(&run.plan.target, &run.plan.secret, result);
}
