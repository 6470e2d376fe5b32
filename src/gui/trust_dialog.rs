//! "Trust this certificate": when the last check stopped because nothing this computer trusts
//! vouches for the Control Room's certificate (self-signed, or from a private authority), the
//! verdict card offers to trust exactly that certificate for these settings. This dialog shows the
//! certificate first (subject, issuer, names, validity, SHA-256 fingerprint, from the transcript's
//! `ConnectInfo`), says what trusting means, and warns that a TLS-inspecting proxy's certificate is
//! not the Control Room's. Confirming pins the fingerprint into the form's
//! `target.options.pin_sha256` (kept with the profile when it is saved, listed and removable in
//! the options) and tests again at once.
//!
//! Which failures offer it: only `tls.untrusted` where a pin is the answer
//! (`ConnectInfo::pinnable`, decided by `engine::tls::pin_would_trust`): the certificate is fine
//! but for who vouches for it. Not an expired certificate or one for another host name (a pin
//! would not change what is wrong: it must be renewed or the right name used), nor a revoked one,
//! a broken signature, or a certificate that changed since it was pinned (`tls.pin-mismatch`: that
//! is the warning a pin exists for; the old pin must be removed by hand first).
//!
//! Why it tests again at once: the check that offered it stopped at the connection, so nothing
//! was sent; the person has just looked at the certificate and said "trust it", and the next
//! check is the only way to see that the pin was all that was missing. The test goes through
//! the same guard as the Test button (a key refused before is not sent again without asking).

use eframe::egui;

use super::command::Command;
use super::state::State;
use super::theme;
use crate::local_time::Clock;
use crate::sanitize::for_display;
use crate::transcript::{CertificateInfo, StepError, StepName, TlsFailure};
use egui::{RichText, Ui};

/// What the verdict card offers to trust: the server's own certificate, for `host`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustOffer {
    pub host: String,
    pub cert: CertificateInfo,
    /// A TLS-inspection product named in the certificate's subject or issuer.
    pub vendor: Option<&'static str>,
}

/// The open dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustDialog {
    pub offer: TrustOffer,
}

/// What the offer and the dialog ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum TrustCmd {
    /// "Trust this certificate…": show it first.
    Ask,
    /// "Trust and test again": pin this SHA-256 fingerprint (as shown in the dialog).
    Confirm(String),
    Close,
}

/// The offer of the last check, if it has one: it stopped at the connection because the
/// certificate is not trusted and a pin would be the answer, the form still has the settings it
/// ran with, and this certificate is not pinned already.
pub fn offer(state: &State) -> Option<TrustOffer> {
    let run = state.run.as_ref()?;
    let result = run.result()?;
    if run.was_cancelled() || state.result_is_stale() {
        return None;
    }
    let connect = result.transcript.connect.as_ref()?;
    let untrusted = result
        .transcript
        .step(StepName::Connect)
        .and_then(|s| s.error.as_ref())
        .is_some_and(|e| {
            matches!(
                e,
                StepError::Tls {
                    kind: TlsFailure::Untrusted,
                    ..
                }
            )
        });
    if !untrusted || !connect.pinnable {
        return None;
    }
    let cert = connect.certificates.first()?.clone();
    if cert.sha256.is_empty() || is_pinned(&state.form.target.options.pin_sha256, &cert.sha256) {
        return None;
    }
    Some(TrustOffer {
        host: connect.host.clone(),
        vendor: crate::diagnose::inspection_vendor(&cert),
        cert,
    })
}

/// Whether `fingerprint` is among `pins` (written with or without colons, in any case).
pub fn is_pinned(pins: &[String], fingerprint: &str) -> bool {
    let Ok(fp) = crate::engine::tls::parse_pin(fingerprint) else {
        return false;
    };
    pins.iter()
        .any(|p| crate::engine::tls::parse_pin(p).is_ok_and(|p| p == fp))
}

/// Apply a command of the offer or the dialog. Returns the command to apply next (the test that
/// follows a confirmation).
pub fn apply(state: &mut State, cmd: TrustCmd) -> Option<Command> {
    match cmd {
        TrustCmd::Ask => {
            state.trust = offer(state).map(|offer| TrustDialog { offer });
            None
        }
        TrustCmd::Close => {
            state.trust = None;
            None
        }
        TrustCmd::Confirm(fingerprint) => {
            let dialog = state.trust.take()?;
            // Only the certificate the dialog showed, and only for the settings it was seen with.
            if dialog.offer.cert.sha256 != fingerprint || offer(state).as_ref() != Some(&dialog.offer) {
                state.status = super::state::Status::warn(
                    "Nothing was trusted: the settings changed since that check. Press Test connection first.",
                );
                return None;
            }
            state.form.target.options.pin_sha256.push(fingerprint.clone());
            state.status = super::state::Status::normal(format!(
                "Trusted exactly the certificate of {} (SHA-256 {}). Testing again…",
                for_display(&dialog.offer.host),
                short_fingerprint(&fingerprint)
            ));
            Some(Command::RunCheck)
        }
    }
}

/// `AB:CD:EF…78:9A`: enough to recognise a fingerprint in a status line.
pub fn short_fingerprint(fp: &str) -> String {
    let parts: Vec<&str> = fp.split(':').collect();
    if parts.len() <= 6 {
        return fp.to_string();
    }
    format!("{}…{}", parts[..3].join(":"), parts[parts.len() - 2..].join(":"))
}

/// The offer on the verdict card: a button and one line saying what it does.
pub fn offer_row(ui: &mut Ui, offer: &TrustOffer, dim: bool, cmds: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        let b = ui
            .add_enabled(!dim, egui::Button::new("Trust this certificate…"))
            .on_hover_text(
                "See the certificate first; then trust exactly it, by its SHA-256 fingerprint, for these settings.",
            );
        if b.clicked() {
            cmds.push(Command::Trust(TrustCmd::Ask));
        }
        let what = if offer.cert.self_signed {
            "It is self-signed."
        } else {
            "Its authority is not trusted here."
        };
        ui.label(
            RichText::new(format!(
                "{what} Compare its fingerprint with the administrator's before you trust it."
            ))
            .weak(),
        );
    });
}

/// The dialog, as a modal. Esc or a click outside closes it; the safe choice has the focus.
pub fn show(ctx: &egui::Context, dialog: Option<&TrustDialog>, clock: &Clock, cmds: &mut Vec<Command>) {
    let Some(d) = dialog else { return };
    let o = &d.offer;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("trust_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Trust this certificate?");
        ui.add_space(4.0);
        ui.label(format!(
            "Nothing this computer trusts vouches for the certificate {} presented. This is it:",
            for_display(&o.host)
        ));
        ui.add_space(4.0);
        certificate(ui, &o.cert, clock, cmds);
        ui.add_space(6.0);
        if let Some(v) = o.vendor {
            ui.horizontal_wrapped(|ui| {
                theme::icon(ui, theme::Icon::Error, 14.0);
                ui.label(
                    RichText::new(format!(
                        "This certificate names {v}, a product that inspects encrypted traffic: it comes from a \
                         company proxy, not from the Control Room. Trusting it sends the key through that proxy, \
                         readable there. The usual way is the proxy's root certificate as the CA file, from your \
                         network team."
                    ))
                    .color(theme::error(ui))
                    .strong(),
                );
            });
            ui.add_space(4.0);
        }
        ui.label(RichText::new("Trusting it means").strong());
        for line in [
            "Only this certificate is accepted for these settings, recognised by its SHA-256 fingerprint: no \
             other, not even one this computer trusts. Its dates and host name are still checked.",
            "It is kept with the profile when you save it. Options › Trusted certificates lists it, with a \
             Remove button.",
            "If the certificate changes (renewed, or replaced by something in between), the check stops and \
             says so.",
        ] {
            ui.label(format!("• {line}"));
        }
        ui.add_space(4.0);
        ui.label(
            "Before you trust it, compare the SHA-256 fingerprint above with the one the Control Room \
             administrator gives you (or the server's own certificate shows).",
        );
        ui.horizontal_wrapped(|ui| {
            theme::icon(ui, theme::Icon::Warning, 14.0);
            ui.label(
                RichText::new(
                    "A TLS-inspecting proxy's certificate is not the Control Room's: trusting it lets that proxy \
                     read the API key or password. If your company inspects encrypted traffic, ask for its root \
                     certificate and set it as the CA file instead.",
                )
                .color(theme::warn(ui)),
            );
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let trust = ui.button(RichText::new("Trust and test again").strong());
            if trust.clicked() {
                cmds.push(Command::Trust(TrustCmd::Confirm(o.cert.sha256.clone())));
            }
            let back = ui.button("Go back");
            close |= back.clicked();
            // Keyboard: the safe choice has the focus.
            if !trust.has_focus() && !back.has_focus() {
                back.request_focus();
            }
        });
    });
    if close || modal.should_close() {
        cmds.push(Command::Trust(TrustCmd::Close));
    }
}

/// The certificate's facts, outside text escaped (a certificate is hostile until shown safe).
fn certificate(ui: &mut Ui, c: &CertificateInfo, clock: &Clock, cmds: &mut Vec<Command>) {
    egui::Grid::new("trust_certificate")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let row = |ui: &mut Ui, k: &str, v: String| {
                ui.label(RichText::new(k).strong());
                ui.add(egui::Label::new(v).selectable(true).wrap());
                ui.end_row();
            };
            row(ui, "Subject", for_display(&c.subject).into_owned());
            let issuer = if c.self_signed {
                format!("{} (self-signed)", for_display(&c.issuer))
            } else {
                for_display(&c.issuer).into_owned()
            };
            row(ui, "Issuer", issuer);
            if !c.sans.is_empty() {
                row(ui, "Names", for_display(&c.sans.join(", ")).into_owned());
            }
            let when = |t: Option<&str>| t.map(|t| clock.rfc3339_local(t)).unwrap_or_else(|| "?".into());
            row(
                ui,
                "Valid",
                format!(
                    "from {} to {}",
                    when(c.not_before.as_deref()),
                    when(c.not_after.as_deref())
                ),
            );
            ui.label(RichText::new("SHA-256").strong());
            ui.horizontal_wrapped(|ui| {
                ui.add(
                    egui::Label::new(RichText::new(for_display(&c.sha256)).monospace())
                        .selectable(true)
                        .wrap(),
                );
                if ui
                    .small_button("Copy")
                    .on_hover_text("Copy the fingerprint, to compare it with the administrator's")
                    .clicked()
                {
                    cmds.push(Command::Copy(c.sha256.clone(), "fingerprint"));
                }
            });
            ui.end_row();
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_compare_whatever_their_spelling() {
        let fp = "AB:".repeat(31) + "CD";
        let plain = fp.replace(':', "").to_ascii_lowercase();
        assert!(is_pinned(std::slice::from_ref(&plain), &fp));
        assert!(!is_pinned(&["00".repeat(32)], &fp));
        assert!(!is_pinned(&["not a pin".into()], &fp));
        assert_eq!(short_fingerprint(&fp), "AB:AB:AB…AB:CD");
    }
}
