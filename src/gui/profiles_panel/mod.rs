//! The "Profiles" sidebar: the saved profiles with their last result, New / Save / Rename /
//! Duplicate / Delete, Import / Export, Test all, and the selected profile's history.
//!
//! Selecting a profile fills the form at once and its secret from the keyring a moment later (off
//! the UI thread; the sidebar says "loading secret…"). Secrets are never shown here: the sidebar,
//! the history and the dialogs hold names, addresses, usernames, outcomes and our own hints only.
//!
//! [`state`] is what the sidebar shows, [`update`] the only code that changes it (called by the
//! window's reducer, `gui::update`), [`view`] draws it and pushes [`ProfilesCmd`]s. All file and
//! keyring work runs in the background, in [`super::profiles_worker`]. [`guard`] is asked before
//! the window sends a login (a secret refused before, a profile whose secret is not here); its
//! state and the path field's (`gui::path_dialog`) live here too, as they need the profiles'
//! history and the sidebar's file operations.

pub mod guard;
pub mod state;
pub mod update;
pub mod view;

pub use super::profiles_worker::ProfilesMsg;
pub use state::{Dialog, InFlight, ProfilesCmd, ProfilesState, SecretState, Selection, Ticket, Work, form_changed};
