//! `--demo`: the built-in demo Control Room and "Try a common mistake". Picking a case sets the
//! demo server's scenario, fills the form with the mistake and runs the check, so a person can
//! see what each failure looks like. Servers start on the runtime, never on the UI thread.

use eframe::egui;

use super::command::{Background, Command, Msg};
use super::theme;
use crate::demo;
use crate::plan::{AuthMode, Plan, Target};
use crate::secret::Secret;
use egui::{RichText, Ui};
use std::sync::Arc;

/// The demo servers (plain HTTP, and HTTPS started on first need) and the picker's state.
#[derive(Default)]
pub struct DemoState {
    pub plain: Option<Arc<demo::DemoServer>>,
    pub tls: Option<Arc<demo::DemoServer>>,
    pub starting: bool,
    pub error: Option<String>,
    /// The case shown in the picker (index into `demo::cases()`).
    pub chosen: Option<usize>,
    /// A case waiting for its server to be ready.
    pub preparing: Option<usize>,
}

pub fn case_title(index: usize) -> Option<&'static str> {
    demo::cases().get(index).map(|c| c.title)
}

/// The working API-key login of the demo, for the form.
pub fn working_plan(server: &demo::DemoServer) -> Plan {
    Plan::new(
        Target::new(server.url(), AuthMode::ApiKey, demo::API_KEY_USER, Default::default()),
        Secret::new(demo::API_KEY),
    )
}

async fn start_server(tls: bool) -> Result<demo::DemoServer, String> {
    demo::DemoServer::start(demo::DemoOptions {
        port: 0,
        tls,
        scenario: Default::default(),
    })
    .await
    .map_err(|e| format!("the demo Control Room could not start: {e}"))
}

/// Start the plain demo server in the background.
pub fn start(bg: &Background) {
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        let r = start_server(false).await.map(Arc::new);
        out.send(Msg::DemoStarted(r));
    });
}

/// Get the server a case needs ready (starting the HTTPS one if needed), set its scenario, and
/// send back the case's plan.
pub fn prepare_case(bg: &Background, state: &DemoState, index: usize) {
    let plain = state.plain.clone();
    let tls = state.tls.clone();
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        let mut new_tls_server = None;
        let result = async {
            let case = demo::cases().get(index).ok_or("no such demo case")?;
            let server = if case.tls {
                match tls {
                    Some(s) => s,
                    None => {
                        let s = Arc::new(start_server(true).await?);
                        new_tls_server = Some(s.clone());
                        s
                    }
                }
            } else {
                plain.ok_or("the demo Control Room is not running")?
            };
            // A fresh server state per case: failed logins of an earlier case must not disable the account.
            server.reset_state();
            server.set_scenario(case.scenario);
            Ok::<Plan, String>(case.plan_for(&server))
        }
        .await;
        out.send(Msg::DemoCaseReady {
            index,
            result,
            new_tls_server,
        });
    });
}

/// Put both servers back to a healthy Control Room.
pub fn reset_scenarios(state: &DemoState) {
    for s in [&state.plain, &state.tls].into_iter().flatten() {
        s.set_scenario(Default::default());
        s.reset_state();
    }
}

/// The banner with the server address and the picker.
pub fn show(ui: &mut Ui, state: &DemoState, running: bool, cmds: &mut Vec<Command>) {
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                match (&state.plain, &state.error) {
                    (_, Some(e)) => {
                        super::plain_words::message(
                            ui,
                            "demo_error",
                            &format!("Demo: {e}"),
                            Some(theme::error(ui)),
                            false,
                        );
                    }
                    (Some(s), None) => {
                        ui.label(RichText::new(format!("Demo at {}", s.url())).strong())
                            .on_hover_text(format!(
                                "The demo Control Room, built into this app. The form is filled in for {} with its API \
                                 key.",
                                demo::API_KEY_USER
                            ));
                    }
                    (None, None) => {
                        ui.label("Starting the demo Control Room…");
                    }
                }
                if state.plain.is_none() {
                    return;
                }
                ui.add_space(8.0);
                let selected = state.chosen.and_then(case_title).unwrap_or("Choose one…");
                ui.add_enabled_ui(!running, |ui| {
                    // The label before the box (not inside it): at narrow widths the pair wraps to
                    // its own line instead of squeezing the label.
                    let label = ui.label("Try a common mistake");
                    let combo = egui::ComboBox::from_id_salt("demo_case")
                        .selected_text(selected)
                        .width(260.0)
                        .height(420.0)
                        .show_ui(ui, |ui| {
                            for (i, case) in demo::cases().iter().enumerate() {
                                if ui
                                    .selectable_label(state.chosen == Some(i), case.title)
                                    .on_hover_text(case.lesson)
                                    .clicked()
                                {
                                    cmds.push(Command::RunDemoCase(i));
                                }
                            }
                        });
                    combo.response.labelled_by(label.id);
                    if state.chosen.is_some()
                        && ui
                            .button("Back to the working setup")
                            .on_hover_text("Healthy demo server, working API key")
                            .clicked()
                    {
                        cmds.push(Command::DemoReset);
                    }
                });
            });
            if let Some(case) = state.chosen.and_then(|i| demo::cases().get(i)) {
                ui.label(RichText::new(format!("Lesson: {}", case.lesson)).italics());
            }
        });
}
