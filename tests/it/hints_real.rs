//! Every hint id provoked through the real stack: the engine over real sockets against the demo
//! Control Room (its scenarios and "common mistake" cases), a name under `.invalid` for DNS, a closed
//! local port, a listener that never answers, fake proxies, and the demo's TLS mode.
//!
//! One table ([`rows`]): each row names a hint id, the situation that provokes it, where the hint
//! must stand (first or anywhere) and what else must hold. [`every_row_passes_and_covers_the_catalogue`]
//! runs every situation once, checks its rows, and builds the coverage from the rows that ran and
//! passed: an id counts as provoked for real only when its row executed and held. Ids that cannot be
//! provoked for real are in [`UNIT_ONLY`] with the reason; the unit cases of `src/diagnose/tests.rs`
//! cover them.
//!
//! While iterating, `HINTS_REAL=name` runs only the situations whose name contains `name` (the
//! coverage is then not checked, and the test says so).

use crate::support::{field, tls};
use aa_conntest::demo::{self, DemoOptions, DemoServer, Scenario};
use aa_conntest::diagnose::{Hint, HintId, Severity};
use aa_conntest::engine::{self, CancelToken};
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Transcript;
use aa_conntest::worker;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Ids no row provokes, and why.
const UNIT_ONLY: &[(HintId, &str)] = &[
    (
        HintId::NetUnreachable,
        "needs a network without a route to the address; on a test machine with a default route an \
         unroutable address times out instead (net.timeout)",
    ),
    (
        HintId::CheckUnexplained,
        "the fallback for answers no rule knows; every situation the demo reproduces has its own hint",
    ),
];

/// A wrong API key of the demo's shape (40 characters, punctuation).
const WRONG_KEY: &str = "Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Xo";

// ---------------------------------------------------------------------------------------------
// The table

/// Where the row's hint must stand among the hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The most likely cause: the first hint.
    First,
    /// Anywhere.
    Present,
}
use Place::{First, Present};

type RunFuture = Pin<Box<dyn Future<Output = Run> + Send>>;

/// A situation made for real; several rows may check the same one (it runs once).
#[derive(Clone, Copy)]
struct Situation {
    name: &'static str,
    make: fn() -> RunFuture,
}

/// One row: id -> situation -> assertion.
struct Row {
    id: HintId,
    place: Place,
    situation: Situation,
    /// What else must hold, given the run and the row's hint.
    then: fn(&Run, &Hint),
}

macro_rules! situation {
    ($f:ident) => {
        Situation {
            name: stringify!($f),
            make: || Box::pin($f()),
        }
    };
}

fn row(id: HintId, place: Place, situation: Situation, then: fn(&Run, &Hint)) -> Row {
    Row {
        id,
        place,
        situation,
        then,
    }
}

fn nothing_else(_: &Run, _: &Hint) {}

fn rows() -> Vec<Row> {
    use HintId as H;
    vec![
        // Healthy
        row(H::TokenExpiry, Present, situation!(working_api_key), |r, _| {
            r.only_info()
        }),
        row(H::AuthSessionReplaced, Present, situation!(working_password), |r, _| {
            r.only_info()
        }),
        row(H::TokenExpiry, Present, situation!(trusted_with_the_ca_file), |r, _| {
            r.only_info()
        }),
        // URL and input
        row(H::UrlMissing, First, situation!(empty_url), |r, _| {
            assert_eq!(r.t.login_attempts, 0)
        }),
        row(H::UrlInvalid, First, situation!(url_with_a_space_inside), nothing_else),
        row(
            H::UrlNoScheme,
            First,
            situation!(url_without_scheme_against_a_plain_http_server),
            |r, h| {
                // https is assumed; the demo speaks plain http, so the handshake fails, and the port answers
                // a plain-http request: the missing scheme is the root cause, with the address to use.
                assert_eq!(h.severity, Severity::Error);
                let port = r.server().port();
                assert!(h.detail.contains(&format!("http://127.0.0.1:{port}")), "{}", h.detail);
            },
        ),
        row(
            H::TlsHandshake,
            Present,
            situation!(url_without_scheme_against_a_plain_http_server),
            nothing_else,
        ),
        row(
            H::UrlHttp,
            Present,
            situation!(plain_http_url_works_and_says_so),
            |r, h| {
                // To this computer (the demo listens on 127.0.0.1) plain http is only info; elsewhere a warning.
                assert_eq!(h.severity, Severity::Info);
                assert!(!r.hints.iter().any(|h| h.severity == Severity::Error), "{:?}", r.ids());
            },
        ),
        row(
            H::UrlPathDropped,
            Present,
            situation!(url_copied_from_the_browser),
            |_, h| {
                assert!(
                    h.evidence.as_deref().unwrap_or("").contains("#/login"),
                    "{:?}",
                    h.evidence
                )
            },
        ),
        row(
            H::UrlV1Endpoint,
            Present,
            situation!(url_with_v1_authentication),
            nothing_else,
        ),
        row(H::InputUsernameMissing, First, situation!(username_missing), |r, _| {
            assert_eq!(r.server().login_attempts(), 0)
        }),
        row(H::InputSecretMissing, First, situation!(api_key_missing), nothing_else),
        row(
            H::InputWhitespace,
            Present,
            situation!(key_with_trailing_newline_is_trimmed_and_works),
            |r, h| {
                assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Ok);
                assert!(h.detail.contains("removed"), "{}", h.detail);
            },
        ),
        row(
            H::InputSmartQuotes,
            First,
            situation!(username_with_curly_quotes),
            nothing_else,
        ),
        row(
            H::AuthBadCredentials,
            Present,
            situation!(username_with_curly_quotes),
            nothing_else,
        ),
        row(
            H::InputKeyIsToken,
            First,
            situation!(token_pasted_as_the_key_is_not_sent),
            |r, _| assert_eq!(r.server().login_attempts(), 0, "no login may be burnt on a token"),
        ),
        row(H::InputKeyLength, First, situation!(key_of_39_characters), |_, h| {
            assert_eq!(h.severity, Severity::Error)
        }),
        row(
            H::AuthBadCredentials,
            Present,
            situation!(key_of_39_characters),
            nothing_else,
        ),
        row(
            H::AuthRetryWarning,
            Present,
            situation!(key_of_39_characters),
            nothing_else,
        ),
        row(
            H::InputDomainUser,
            Present,
            situation!(domain_user_is_sent_escaped),
            |r, h| {
                assert_eq!(h.severity, Severity::Info);
                let received = r.server().received();
                let login = received
                    .iter()
                    .find(|q| q.path == "/v2/authentication")
                    .expect("login sent");
                assert!(login.body.contains(r#""DEMO\\svc_demo_api""#), "{}", login.body);
            },
        ),
        row(
            H::InputInsecure,
            Present,
            situation!(insecure_switch_against_an_untrusted_certificate),
            |_, h| assert!(h.detail.contains("would NOT have been accepted"), "{}", h.detail),
        ),
        row(
            H::InputCaFile,
            First,
            situation!(ca_file_that_does_not_exist),
            |r, _| assert_eq!(r.server().login_attempts(), 0),
        ),
        // Network
        row(
            H::NetDns,
            First,
            situation!(host_name_that_does_not_exist),
            nothing_else,
        ),
        row(H::NetRefused, First, situation!(closed_port_refuses), nothing_else),
        row(
            H::NetTimeout,
            First,
            situation!(server_that_never_answers_times_out),
            |_, h| assert!(h.evidence.as_deref().unwrap_or("").contains("tls"), "{:?}", h.evidence),
        ),
        row(H::NetTimeout, First, situation!(slow_login_times_out), |_, h| {
            assert!(h.detail.contains("counts as one attempt"), "{}", h.detail)
        }),
        row(
            H::NetReset,
            First,
            situation!(connection_cut_after_the_request),
            nothing_else,
        ),
        row(H::NetProxy, First, situation!(proxy_requires_authentication), |_, h| {
            assert!(h.detail.contains("407"), "{}", h.detail)
        }),
        row(H::NetProxy, First, situation!(proxy_that_is_not_running), nothing_else),
        // TLS
        row(
            H::TlsUntrusted,
            First,
            situation!(untrusted_demo_certificate),
            |_, h| assert!(h.fix.contains("CA file"), "{}", h.fix),
        ),
        row(H::TlsExpired, First, situation!(expired_certificate), |_, h| {
            assert!(
                h.title.contains("expired") || h.title.contains("not valid"),
                "{}",
                h.title
            )
        }),
        row(
            H::TlsNameMismatch,
            First,
            situation!(certificate_for_another_name),
            nothing_else,
        ),
        row(
            H::TlsHandshake,
            First,
            situation!(https_to_a_plain_http_server),
            nothing_else,
        ),
        // Answers that are not the API
        row(H::HttpBlocked, First, situation!(firewall_block_page), |r, h| {
            assert!(h.fix.contains("allow HTTPS to `127.0.0.1`"), "{}", h.fix);
            assert!(!r.has(HintId::AuthRetryWarning), "{:?}", r.ids());
        }),
        row(
            H::HttpNotApi,
            First,
            situation!(web_ui_answers_instead_of_the_api),
            nothing_else,
        ),
        row(
            H::HttpNotApi,
            First,
            situation!(something_that_is_not_a_web_server),
            nothing_else,
        ),
        row(H::HttpRedirect, First, situation!(redirect_to_https), |_, h| {
            assert!(h.title.contains("https"), "{}", h.title)
        }),
        row(
            H::HttpRedirect,
            First,
            situation!(redirect_to_single_sign_on),
            |_, h| assert!(h.title.contains("single sign-on"), "{}", h.title),
        ),
        row(H::HttpRedirect, First, situation!(redirect_to_another_host), |_, h| {
            assert!(h.title.contains("elsewhere"), "{}", h.title)
        }),
        row(
            H::HttpNotFound,
            First,
            situation!(nothing_at_the_api_path),
            nothing_else,
        ),
        row(H::HttpEnterprise11, First, situation!(old_server_without_v2), |r, h| {
            let e = h.evidence.as_deref().unwrap_or("");
            assert!(e.contains("/v1/authentication"), "{e}");
            // The v1 probe has no username: no account's failed-login count moved.
            let probe = r.server().received();
            let v1 = probe
                .iter()
                .find(|q| q.path == "/v1/authentication")
                .expect("v1 probe sent");
            assert_eq!(v1.body, "{}");
        }),
        row(H::HttpMaintenance, First, situation!(maintenance_window), |_, h| {
            assert!(h.evidence.as_deref().unwrap_or("").contains("503"), "{:?}", h.evidence)
        }),
        row(H::HttpMethod, First, situation!(login_method_not_allowed), nothing_else),
        row(H::HttpRateLimited, First, situation!(too_many_requests), nothing_else),
        row(H::HttpServerError, First, situation!(bad_gateway), nothing_else),
        row(H::HttpServerError, First, situation!(gateway_timeout), nothing_else),
        // The Control Room's verdict
        row(H::AuthBadCredentials, First, situation!(wrong_api_key), |r, h| {
            assert!(
                h.evidence.as_deref().unwrap_or("").contains("UM1110"),
                "{:?}",
                h.evidence
            );
            assert_eq!(r.server().login_attempts(), 1, "exactly one login, never a retry");
        }),
        row(H::AuthRetryWarning, Present, situation!(wrong_api_key), nothing_else),
        row(H::AuthBadCredentials, First, situation!(key_of_another_user), |_, h| {
            assert!(h.detail.contains("generated by another user"), "{}", h.detail)
        }),
        row(
            H::AuthServerException,
            First,
            situation!(generic_server_exception),
            |_, h| {
                let e = h.evidence.as_deref().unwrap_or("");
                assert!(e.contains("<redacted: 40 chars>"), "{e}");
            },
        ),
        row(
            H::AuthForbidden,
            First,
            situation!(forbidden_by_the_control_room),
            nothing_else,
        ),
        row(H::AuthDisabled, First, situation!(disabled_account), nothing_else),
        row(H::AuthRetryWarning, Present, situation!(disabled_account), |_, h| {
            assert!(h.detail.contains("already disabled"), "{}", h.detail)
        }),
        // docs/control-room-api.md §7.14: three failed logins disable the account; the fourth check,
        // with the right key, says so.
        row(
            H::AuthDisabled,
            First,
            situation!(three_failed_checks_disable_the_account),
            nothing_else,
        ),
        row(H::AuthNoToken, First, situation!(success_without_a_token), nothing_else),
        row(
            H::AuthCommunityEdition,
            Present,
            situation!(community_edition_host_through_a_proxy),
            nothing_else,
        ),
        // Token, validate, logout
        row(H::TokenNotJwt, Present, situation!(token_not_a_jwt), nothing_else),
        row(H::TokenTooLong, First, situation!(token_too_long_for_a_url), |r, h| {
            // A JWT of 70 KB: the login was sent once, the validate call never (nothing to blame on
            // the server's HTTP), and the words say how long it is.
            assert_eq!(r.t.login_attempts, 1);
            let v = r.t.step(aa_conntest::transcript::StepName::Validate).expect("validate");
            assert!(v.request.is_none() && v.response.is_none(), "{v:?}");
            assert!(h.detail.contains("a JSON Web Token"), "{}", h.detail);
            assert!(
                !r.has(HintId::HttpNotApi) && !r.has(HintId::CheckUnexplained),
                "{:?}",
                r.ids()
            );
        }),
        row(
            H::TokenClockSkew,
            Present,
            situation!(server_clock_two_hours_behind),
            |_, h| {
                assert!(
                    h.title.contains("2 hours") || h.title.contains("120 minutes"),
                    "{}",
                    h.title
                )
            },
        ),
        row(
            H::TokenInvalid,
            First,
            situation!(fresh_token_reported_invalid),
            nothing_else,
        ),
        row(
            H::TokenHeaderMissing,
            Present,
            situation!(proxy_strips_the_x_authorization_header),
            |r, h| {
                // The demo's validate takes the token in its query, so only the logout shows it.
                assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Ok);
                assert_eq!(h.severity, Severity::Warning);
                let e = h.evidence.as_deref().unwrap_or("");
                assert!(e.contains("X-Authorization was sent"), "{e}");
            },
        ),
        row(
            H::TokenHeaderMissing,
            First,
            situation!(strict_server_behind_a_header_stripping_proxy),
            |_, h| assert_eq!(h.severity, Severity::Error),
        ),
        row(
            H::TokenClockSkew,
            First,
            situation!(token_reported_invalid_from_a_server_two_hours_behind),
            |_, h| assert_eq!(h.severity, Severity::Error),
        ),
        row(
            H::LogoutFailed,
            Present,
            situation!(proxy_strips_the_x_authorization_header),
            nothing_else,
        ),
        row(H::LogoutFailed, Present, situation!(logout_fails), |r, _| {
            assert!(!r.hints.iter().any(|h| h.severity == Severity::Error), "{:?}", r.ids())
        }),
        // Field truth (issue 12)
        row(H::UrlCredentials, Present, situation!(url_with_credentials), |r, _| {
            assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Ok);
            assert!(!r.t.input_url.contains("Url-Pa55"), "{}", r.t.input_url);
            for q in r.server().received() {
                assert!(q.header("authorization").is_none(), "{q:?}");
            }
        }),
        row(
            H::TlsUntrusted,
            First,
            situation!(openssl_style_self_signed_certificate),
            |_, h| {
                assert!(h.detail.contains("self-signed"), "{}", h.detail);
                assert!(!h.detail.contains("inspect"), "{}", h.detail);
            },
        ),
        row(
            H::TlsUntrusted,
            First,
            situation!(certificate_from_an_inspecting_proxy),
            |_, h| assert!(h.detail.contains("company proxy is inspecting"), "{}", h.detail),
        ),
        row(
            H::TlsPinMismatch,
            First,
            situation!(pinned_certificate_that_changed),
            nothing_else,
        ),
        row(H::NetReset, First, situation!(firewall_resets_the_handshake), |_, h| {
            assert!(
                h.evidence.as_deref().unwrap_or("").contains("TLS handshake"),
                "{:?}",
                h.evidence
            )
        }),
        row(
            H::NetReset,
            First,
            situation!(firewall_closes_after_the_request),
            |_, h| {
                assert!(
                    h.evidence
                        .as_deref()
                        .unwrap_or("")
                        .contains("after the request was sent"),
                    "{:?}",
                    h.evidence
                )
            },
        ),
        row(
            H::HttpBlocked,
            First,
            situation!(gateway_403_without_an_aa_code),
            nothing_else,
        ),
        row(H::NetProxy, First, situation!(proxy_407_on_plain_http), |_, h| {
            assert!(h.detail.contains("407"), "{}", h.detail)
        }),
        row(
            H::AuthFirstLogin,
            First,
            situation!(first_sign_in_not_finished),
            nothing_else,
        ),
        row(
            H::AuthBadCredentials,
            First,
            situation!(ip_allow_list_refuses_a_right_key),
            |_, h| assert!(h.detail.contains("allow-list"), "{}", h.detail),
        ),
        row(
            H::AuthLicenseFailSafe,
            First,
            situation!(license_in_fail_safe),
            |r, h| {
                assert_eq!(h.severity, Severity::Error);
                assert!(
                    h.evidence.as_deref().unwrap_or("").contains("failSafeStatus 1"),
                    "{:?}",
                    h.evidence
                );
                assert!(r.server().received().iter().any(|q| q.path == "/v2/license/details"));
            },
        ),
        row(
            H::CheckCancelled,
            Present,
            situation!(cancelled_during_a_slow_login),
            |r, _| r.only_info(),
        ),
        // For admins (issue 14): probes, required capabilities, the key's expiry.
        row(
            H::TokenExpiry,
            Present,
            situation!(probes_of_the_service_account),
            |r, _| {
                r.only_info();
                assert_eq!(r.t.probes.len(), 4);
            },
        ),
        row(H::TokenExpiry, Present, situation!(probes_of_a_basic_user), |r, _| {
            // Probes answered 403 are facts about the account, not failures of the check.
            r.only_info();
            assert!(
                r.t.probes
                    .iter()
                    .any(|p| p.answer() == aa_conntest::transcript::ProbeAnswer::NotAllowed)
            );
        }),
        row(
            H::TokenExpiry,
            Present,
            situation!(list_calls_not_on_this_control_room),
            |r, _| {
                r.only_info();
                assert!(
                    r.t.probes
                        .iter()
                        .any(|p| p.answer() == aa_conntest::transcript::ProbeAnswer::NotHere)
                );
            },
        ),
        row(
            H::AccountMissingPermission,
            First,
            situation!(basic_user_required_to_read_the_repository),
            |r, h| {
                assert_eq!(h.severity, Severity::Error);
                assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Rejected);
                assert!(h.fix.contains("Administration > Roles"), "{}", h.fix);
                assert!(!r.has(HintId::AuthRetryWarning), "the credentials work: {:?}", r.ids());
            },
        ),
        row(
            H::InputKeyExpiring,
            Present,
            situation!(api_key_expiring_in_nine_days),
            |r, h| {
                assert_eq!(h.severity, Severity::Warning);
                assert!(h.title.contains("expires in"), "{}", h.title);
                assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Ok);
            },
        ),
        row(H::InputKeyExpiring, First, situation!(expired_key_refused), |r, h| {
            assert_eq!(h.severity, Severity::Error);
            assert!(r.has(HintId::AuthBadCredentials), "{:?}", r.ids());
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Running the table

/// At most this many situations at once (each starts servers and runs a whole check): as many as
/// the 2-core machines run tests in parallel, so the other suites keep their share of the CPU.
const PARALLEL: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_passes_and_covers_the_catalogue() {
    let rows = Arc::new(rows());
    let filter = std::env::var("HINTS_REAL").ok().filter(|f| !f.is_empty());
    // Each situation once, with the indexes of its rows.
    let mut by_situation: BTreeMap<&'static str, (Situation, Vec<usize>)> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if filter.as_deref().is_some_and(|f| !r.situation.name.contains(f)) {
            continue;
        }
        by_situation
            .entry(r.situation.name)
            .or_insert((r.situation, Vec::new()))
            .1
            .push(i);
    }
    assert!(!by_situation.is_empty(), "no situation matches HINTS_REAL={filter:?}");

    let gate = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut tasks = tokio::task::JoinSet::new();
    for (name, (situation, indexes)) in by_situation {
        let (rows, gate) = (rows.clone(), gate.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore open");
            // The situation runs in its own task, so a panic while making it fails its rows only.
            let made = tokio::spawn((situation.make)()).await;
            let results: Vec<(usize, Result<(), String>)> = match made {
                Ok(run) => {
                    let exit = exit_code_check(&run);
                    indexes
                        .iter()
                        .map(|&i| {
                            let checked = std::panic::catch_unwind(AssertUnwindSafe(|| check_row(&rows[i], &run)));
                            let checked = checked.map_err(panic_text).and_then(|()| match &exit {
                                Ok(_) => Ok(()),
                                Err(e) => Err(e.clone()),
                            });
                            (i, checked)
                        })
                        .collect::<Vec<_>>()
                        .into_iter()
                        .chain(std::iter::once((usize::MAX, exit.map(|_| ()))))
                        .collect()
                }
                Err(e) => {
                    let why = if e.is_panic() {
                        panic_text(e.into_panic())
                    } else {
                        e.to_string()
                    };
                    indexes
                        .iter()
                        .map(|&i| (i, Err(format!("the situation failed: {why}"))))
                        .collect()
                }
            };
            (name, results)
        });
    }

    // Coverage: the ids of the rows that executed and passed, and nothing else.
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (name, results) = joined.expect("situation task");
        for (i, result) in results {
            if i == usize::MAX {
                continue; // the situation's exit-code check, already folded into its rows
            }
            match result {
                Ok(()) => {
                    covered.insert(rows[i].id);
                }
                Err(why) => failures.push(format!("{} in {name}: {why}", rows[i].id)),
            }
        }
    }
    assert!(failures.is_empty(), "rows failed:\n{}", failures.join("\n"));
    if filter.is_some() {
        eprintln!(
            "HINTS_REAL is set: coverage not checked ({} ids covered)",
            covered.len()
        );
        return;
    }
    let unit_only: BTreeSet<HintId> = UNIT_ONLY.iter().map(|(id, _)| *id).collect();
    // The exit-code table: every id that can explain a failure had its exit code checked on a real run
    // where it was the most likely cause (see `exit_code_check`). `request.*` ids come from explaining
    // a paste, never from a check: tests/it/paste_corpus.rs holds the corpus that must produce each.
    let exit_checked = EXIT_CHECKED.lock().map(|s| s.clone()).unwrap_or_default();
    for id in HintId::ALL.iter().filter(|id| !id.from_paste_only()) {
        if !id.exit_codes().is_empty() && !unit_only.contains(id) {
            assert!(
                exit_checked.contains(id),
                "{id}: no real run where it was the most likely cause checked its exit code {:?}",
                id.exit_codes()
            );
        }
    }
    for id in HintId::ALL.iter().filter(|id| !id.from_paste_only()) {
        let real = covered.contains(id);
        let unit = unit_only.contains(id);
        assert!(
            real || unit,
            "{id}: no row provoked it for real, and UNIT_ONLY does not say why"
        );
        assert!(
            !(real && unit),
            "{id}: a row provokes it for real; remove it from UNIT_ONLY"
        );
    }
}

/// The ids whose exit code a real run checked (filled by [`exit_code_check`]).
static EXIT_CHECKED: std::sync::Mutex<BTreeSet<HintId>> = std::sync::Mutex::new(BTreeSet::new());

/// Exit codes follow who answered: a failed check's exit code is one its most likely cause allows
/// (`HintId::exit_codes`, the "exit" column of docs/hints.md). Checked on every situation's run.
fn exit_code_check(run: &Run) -> Result<(), String> {
    let code = aa_conntest::cli::exit::for_outcome(run.t.outcome);
    if code == 0 {
        return Ok(());
    }
    // A cancelled check says so whatever else it noticed before it stopped.
    let h = if run.t.outcome == aa_conntest::transcript::Outcome::Cancelled {
        run.hints.iter().find(|h| h.id == HintId::CheckCancelled)
    } else {
        run.hints.first()
    };
    let Some(h) = h else {
        return Err(format!(
            "exit {code} without the hint that explains it: {:?}",
            run.ids()
        ));
    };
    if !h.id.exit_codes().contains(&code) {
        return Err(format!(
            "exit {code} ({}) with {} as the most likely cause, which allows {:?}",
            run.t.outcome.as_str(),
            h.id,
            h.id.exit_codes()
        ));
    }
    if let Ok(mut s) = EXIT_CHECKED.lock() {
        s.insert(h.id);
    }
    Ok(())
}

/// The row's hint is where the row says, and its own assertion holds; and the verdict a person
/// reads first agrees with it.
fn check_row(row: &Row, run: &Run) {
    let h = match row.place {
        First => run.first(row.id),
        Present => run.get(row.id),
    };
    (row.then)(run, h);
    if row.place == First {
        verdict_agrees(run, h);
    }
}

/// The verdict (`src/verdict.rs`) of a real situation whose first hint is `h`: its headline is the
/// hint's title when the check failed, its kind is the one the id is classified as, and it never
/// says the credentials were refused unless the hint is about them.
fn verdict_agrees(run: &Run, h: &Hint) {
    use aa_conntest::transcript::Outcome;
    use aa_conntest::verdict::{self, VerdictKind};
    let v = verdict::verdict(run.t.outcome, &run.hints);
    if h.severity == Severity::Info {
        return;
    }
    assert_eq!(v.hint, Some(h.id), "the verdict is not about the first hint: {v:?}");
    match run.t.outcome {
        Outcome::Ok => assert_eq!(v.caveat.as_deref(), Some(h.title.as_str()), "{v:?}"),
        Outcome::Cancelled => assert_eq!(v.kind, VerdictKind::Cancelled),
        Outcome::InvalidInput => assert_eq!(v.kind, VerdictKind::CannotTest, "{v:?}"),
        _ => {
            assert_eq!(v.headline, h.title, "{v:?}");
            if let Some((kind, _)) = verdict::classify(h.id) {
                assert_eq!(v.kind, kind, "{v:?}");
            }
        }
    }
    let about_credentials = matches!(
        h.id,
        HintId::AuthBadCredentials
            | HintId::AuthForbidden
            | HintId::AuthDisabled
            | HintId::AuthFirstLogin
            | HintId::InputSmartQuotes
            | HintId::InputKeyLength
            | HintId::InputKeyExpiring
    );
    if !about_credentials && verdict::classify(h.id).is_some() {
        assert_ne!(
            v.kind,
            VerdictKind::CredentialsRefused,
            "{} blamed on the credentials: {v:?}",
            h.id
        );
    }
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

// ---------------------------------------------------------------------------------------------
// A run and its checks

/// Aborts a helper task (a fake proxy, a silent listener) when the run is dropped.
struct Abort(tokio::task::JoinHandle<()>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Run {
    t: Transcript,
    hints: Vec<Hint>,
    /// The demo server of the situation, kept alive for the row's assertions.
    server: Option<DemoServer>,
    _helpers: Vec<Abort>,
}

impl Run {
    fn ids(&self) -> Vec<HintId> {
        self.hints.iter().map(|h| h.id).collect()
    }

    fn has(&self, id: HintId) -> bool {
        self.hints.iter().any(|h| h.id == id)
    }

    fn get(&self, id: HintId) -> &Hint {
        self.hints
            .iter()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("{id} not produced; hints {:?}\nsteps {:#?}", self.ids(), self.t.steps))
    }

    fn first(&self, id: HintId) -> &Hint {
        assert_eq!(
            self.hints.first().map(|h| h.id),
            Some(id),
            "expected {id} first; hints {:?}\nsteps {:#?}",
            self.ids(),
            self.t.steps
        );
        &self.hints[0]
    }

    fn only_info(&self) {
        assert!(
            self.hints.iter().all(|h| h.severity == Severity::Info),
            "{:?}",
            self.ids()
        );
    }

    fn server(&self) -> &DemoServer {
        self.server.as_ref().expect("this situation has a demo server")
    }

    fn with_server(mut self, s: DemoServer) -> Self {
        self.server = Some(s);
        self
    }

    fn with_helper(mut self, task: tokio::task::JoinHandle<()>) -> Self {
        self._helpers.push(Abort(task));
        self
    }
}

/// Every form in which `secret` could show in a text: as typed, trimmed, JSON-escaped, and
/// URL-encoded both ways (`+` and `%20` for a space).
fn secret_forms(secret: &str) -> Vec<String> {
    let json = |v: &str| serde_json::to_string(v).unwrap().trim_matches('"').to_string();
    let form = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let mut forms = Vec::new();
    for v in [secret, secret.trim()] {
        forms.extend([v.to_string(), json(v), form(v), form(v).replace('+', "%20")]);
    }
    forms.retain(|f| f.trim().len() >= 3);
    forms.sort();
    forms.dedup();
    forms
}

/// No secret (the plan's, the demo's, the wrong key) in any form, in the hints' texts or anywhere in
/// the serialised hints and report.
fn assert_no_secret(plan: &Plan, t: &Transcript, hints: &[Hint]) {
    let report = aa_conntest::report::build(plan, t, hints).to_json();
    let serialised = serde_json::to_string(hints).expect("hints serialise");
    let texts: Vec<String> = hints
        .iter()
        .map(|h| {
            format!(
                "{}\n{}\n{}\n{}",
                h.title,
                h.detail,
                h.fix,
                h.evidence.as_deref().unwrap_or("")
            )
        })
        .collect();
    for secret in [plan.secret.expose(), demo::API_KEY, demo::PASSWORD, WRONG_KEY] {
        for form in secret_forms(secret) {
            for (what, text) in [("the report", &report), ("the hints' JSON", &serialised)]
                .into_iter()
                .chain(texts.iter().map(|t| ("a hint's text", t)))
            {
                assert!(!text.contains(&form), "{what} repeats a secret as {form:?}");
            }
        }
    }
}

async fn check(plan: &Plan) -> Run {
    let r = worker::check(plan, CancelToken::never()).await;
    assert_no_secret(plan, &r.transcript, &r.hints);
    for h in &r.hints {
        assert!(h.id.severities().contains(&h.severity), "{} as {:?}", h.id, h.severity);
    }
    Run {
        t: r.transcript,
        hints: r.hints,
        server: None,
        _helpers: Vec::new(),
    }
}

async fn server(scenario: Scenario, tls: bool) -> DemoServer {
    DemoServer::start(DemoOptions {
        scenario,
        tls,
        ..Default::default()
    })
    .await
    .expect("demo server starts")
}

/// A demo "common mistake" case on its own server.
async fn case(id: &str) -> Run {
    let c = demo::cases::find_case(id).unwrap_or_else(|| panic!("no demo case {id}"));
    let s = server(c.scenario, c.tls).await;
    let mut plan = c.plan_for(&s);
    plan.target.options.timeout_secs = plan.target.options.timeout_secs.min(5.0);
    check(&plan).await.with_server(s)
}

fn plan(url: &str, user: &str, auth: AuthMode, secret: &str) -> Plan {
    let options = CheckOptions {
        timeout_secs: 5.0,
        ..Default::default()
    };
    Plan::new(Target::new(url, auth, user, options), Secret::new(secret))
}

fn key_plan(url: &str) -> Plan {
    plan(url, demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY)
}

/// A local port nothing listens on.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// A listener that accepts connections and never answers.
async fn silent_listener() -> (u16, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (port, task)
}

/// A fake proxy that answers every request with `answer`.
async fn fake_proxy(answer: &'static str) -> (u16, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (port, task)
}

// ---------------------------------------------------------------------------------------------
// The situations

async fn working_api_key() -> Run {
    case("working-api-key").await
}

async fn probes_of_the_service_account() -> Run {
    case("working-api-key-probes").await
}

async fn probes_of_a_basic_user() -> Run {
    case("working-password-probes").await
}

async fn list_calls_not_on_this_control_room() -> Run {
    case("list-apis-missing").await
}

async fn basic_user_required_to_read_the_repository() -> Run {
    let s = server(Scenario::Normal, false).await;
    let mut p = plan(&s.url(), demo::PASSWORD_USER, AuthMode::Password, demo::PASSWORD);
    p.target.require = vec![aa_conntest::capabilities::Capability::ReadRepository];
    check(&p).await.with_server(s)
}

/// The key's expiry kept with the profile, `days` (and one hour) from now.
fn in_days(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc() + time::Duration::days(days) + time::Duration::hours(1);
    format!("{} {:02}:{:02}", d.date(), d.hour(), d.minute())
}

async fn api_key_expiring_in_nine_days() -> Run {
    let s = server(Scenario::Normal, false).await;
    let mut p = key_plan(&s.url());
    p.target.key_expires = Some(in_days(9));
    check(&p).await.with_server(s)
}

async fn expired_key_refused() -> Run {
    let s = server(Scenario::Normal, false).await;
    let mut p = plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, WRONG_KEY);
    p.target.key_expires = Some(in_days(-3));
    check(&p).await.with_server(s)
}

async fn working_password() -> Run {
    case("working-password").await
}

async fn trusted_with_the_ca_file() -> Run {
    case("tls-trusted").await
}

async fn empty_url() -> Run {
    check(&key_plan("")).await
}

async fn url_with_a_space_inside() -> Run {
    check(&key_plan("https://cr example.com")).await
}

async fn url_without_scheme_against_a_plain_http_server() -> Run {
    let s = server(Scenario::Normal, false).await;
    check(&key_plan(&format!("127.0.0.1:{}", s.port())))
        .await
        .with_server(s)
}

async fn plain_http_url_works_and_says_so() -> Run {
    let s = server(Scenario::Normal, false).await;
    check(&key_plan(&s.url())).await.with_server(s)
}

async fn url_copied_from_the_browser() -> Run {
    case("url-from-browser").await
}

async fn url_with_v1_authentication() -> Run {
    case("url-v1-endpoint").await
}

async fn username_missing() -> Run {
    let s = server(Scenario::Normal, false).await;
    check(&plan(&s.url(), " ", AuthMode::ApiKey, demo::API_KEY))
        .await
        .with_server(s)
}

async fn api_key_missing() -> Run {
    let s = server(Scenario::Normal, false).await;
    check(&plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, ""))
        .await
        .with_server(s)
}

async fn key_with_trailing_newline_is_trimmed_and_works() -> Run {
    case("key-trailing-newline").await
}

async fn username_with_curly_quotes() -> Run {
    let s = server(Scenario::Normal, false).await;
    let p = plan(&s.url(), "“svc_demo_api”", AuthMode::ApiKey, demo::API_KEY);
    check(&p).await.with_server(s)
}

async fn token_pasted_as_the_key_is_not_sent() -> Run {
    case("token-as-key").await
}

async fn key_of_39_characters() -> Run {
    case("key-39-chars").await
}

async fn domain_user_is_sent_escaped() -> Run {
    let s = server(Scenario::Normal, false).await;
    let p = plan(&s.url(), "DEMO\\svc_demo_api", AuthMode::ApiKey, demo::API_KEY);
    check(&p).await.with_server(s)
}

async fn insecure_switch_against_an_untrusted_certificate() -> Run {
    let s = server(Scenario::Normal, true).await;
    let mut p = key_plan(&s.url());
    p.target.options.insecure = true;
    check(&p).await.with_server(s)
}

async fn ca_file_that_does_not_exist() -> Run {
    let s = server(Scenario::Normal, true).await;
    let mut p = key_plan(&s.url());
    p.target.options.ca_file = Some("/nonexistent/aa-conntest-ca.pem".into());
    check(&p).await.with_server(s)
}

async fn host_name_that_does_not_exist() -> Run {
    check(&key_plan("https://no-such-control-room.invalid")).await
}

async fn closed_port_refuses() -> Run {
    let port = closed_port().await;
    check(&key_plan(&format!("http://127.0.0.1:{port}"))).await
}

async fn server_that_never_answers_times_out() -> Run {
    let (port, task) = silent_listener().await;
    let mut p = key_plan(&format!("https://127.0.0.1:{port}"));
    p.target.options.timeout_secs = 1.0;
    check(&p).await.with_helper(task)
}

async fn slow_login_times_out() -> Run {
    case("slow").await
}

async fn connection_cut_after_the_request() -> Run {
    case("reset").await
}

async fn proxy_requires_authentication() -> Run {
    let s = server(Scenario::Normal, true).await;
    let (port, task) = fake_proxy(
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\
         Content-Length: 0\r\n\r\n",
    )
    .await;
    let mut p = key_plan(&s.url());
    p.target.options.proxy = Some(format!("http://127.0.0.1:{port}"));
    check(&p).await.with_server(s).with_helper(task)
}

async fn proxy_that_is_not_running() -> Run {
    let s = server(Scenario::Normal, true).await;
    let port = closed_port().await;
    let mut p = key_plan(&s.url());
    p.target.options.proxy = Some(format!("http://127.0.0.1:{port}"));
    check(&p).await.with_server(s)
}

async fn untrusted_demo_certificate() -> Run {
    case("tls-untrusted").await
}

async fn expired_certificate() -> Run {
    case("tls-expired").await
}

async fn certificate_for_another_name() -> Run {
    case("tls-wrong-name").await
}

async fn https_to_a_plain_http_server() -> Run {
    let s = server(Scenario::Normal, false).await;
    check(&key_plan(&s.url().replace("http://", "https://")))
        .await
        .with_server(s)
}

async fn firewall_block_page() -> Run {
    case("block-page").await
}

async fn web_ui_answers_instead_of_the_api() -> Run {
    case("spa-html").await
}

async fn something_that_is_not_a_web_server() -> Run {
    case("garbage").await
}

async fn redirect_to_https() -> Run {
    case("redirect-https").await
}

async fn redirect_to_single_sign_on() -> Run {
    case("redirect-sso").await
}

async fn redirect_to_another_host() -> Run {
    case("redirect-elsewhere").await
}

async fn nothing_at_the_api_path() -> Run {
    case("not-found").await
}

async fn old_server_without_v2() -> Run {
    let c = demo::cases()
        .iter()
        .find(|c| c.scenario == Scenario::V1Only)
        .expect("v1-only case");
    case(c.id).await
}

async fn login_method_not_allowed() -> Run {
    case("method-not-allowed").await
}

async fn too_many_requests() -> Run {
    case("rate-limited").await
}

async fn bad_gateway() -> Run {
    case("bad-gateway").await
}

async fn gateway_timeout() -> Run {
    case("gateway-timeout").await
}

async fn wrong_api_key() -> Run {
    case("wrong-api-key").await
}

async fn key_of_another_user() -> Run {
    case("key-of-another-user").await
}

async fn generic_server_exception() -> Run {
    case("server-exception").await
}

async fn forbidden_by_the_control_room() -> Run {
    case("forbidden").await
}

async fn disabled_account() -> Run {
    case("disabled").await
}

async fn three_failed_checks_disable_the_account() -> Run {
    let s = server(Scenario::Normal, false).await;
    let mut wrong = key_plan(&s.url());
    wrong.secret = Secret::new(WRONG_KEY);
    for _ in 0..3 {
        check(&wrong).await.first(HintId::AuthBadCredentials);
    }
    check(&key_plan(&s.url())).await.with_server(s)
}

async fn success_without_a_token() -> Run {
    case("no-token").await
}

async fn community_edition_host_through_a_proxy() -> Run {
    // The demo answers absolute-form requests, so it can stand in for a proxy that reaches a
    // Community Edition host name (which never resolves here).
    let s = server(Scenario::Normal, false).await;
    let mut p = key_plan("http://community.cloud.automationanywhere.digital");
    p.target.options.proxy = Some(s.url());
    check(&p).await.with_server(s)
}

async fn token_not_a_jwt() -> Run {
    case("not-jwt").await
}

/// A login that answers with a real JWT whose claims make it 70 KB long.
async fn token_too_long_for_a_url() -> Run {
    use base64::Engine;
    let e = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let roles: Vec<String> = (0..3000).map(|i| format!("role_number_{i:05}")).collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = format!(
        "{}.{}.c2lnbmF0dXJl",
        e(serde_json::json!({"alg": "RS512"})),
        e(serde_json::json!({"sub": "12", "iat": now, "exp": now + 1200, "roles": roles}))
    );
    assert!(token.len() > 66_000, "{}", token.len());
    let (port, task) = field::fake_http(vec![
        ("POST /v2/authentication", field::login_ok(&token)),
        (
            "GET /v1/authentication/token",
            field::response(200, "application/json", r#"{"valid":true}"#),
        ),
        ("POST /v1/authentication/logout", field::response(204, "text/plain", "")),
    ])
    .await;
    check(&key_plan(&format!("http://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn server_clock_two_hours_behind() -> Run {
    case("clock-skew").await
}

async fn fresh_token_reported_invalid() -> Run {
    case("valid-false").await
}

async fn proxy_strips_the_x_authorization_header() -> Run {
    case("header-stripped").await
}

async fn logout_fails() -> Run {
    case("logout-fails").await
}

async fn maintenance_window() -> Run {
    case("maintenance").await
}

async fn first_sign_in_not_finished() -> Run {
    case("first-login").await
}

async fn ip_allow_list_refuses_a_right_key() -> Run {
    case("ip-allow-list").await
}

async fn license_in_fail_safe() -> Run {
    case("license-fail-safe").await
}

async fn url_with_credentials() -> Run {
    let s = server(Scenario::Normal, false).await;
    let url = s.url().replace("http://", "http://admin:Url-Pa55word@");
    check(&key_plan(&url)).await.with_server(s)
}

async fn openssl_style_self_signed_certificate() -> Run {
    let (leaf, _) = field::openssl_style(&["localhost"]);
    let port = tls::serve(leaf).await;
    check(&key_plan(&format!("https://localhost:{port}"))).await
}

async fn certificate_from_an_inspecting_proxy() -> Run {
    let (leaf, _) = field::inspected(&["localhost"]);
    let port = tls::serve(leaf).await;
    check(&key_plan(&format!("https://localhost:{port}"))).await
}

async fn pinned_certificate_that_changed() -> Run {
    let s = server(Scenario::Normal, true).await;
    let mut p = key_plan(&s.url());
    p.target.options.ca_file = s.ca_file().map(|p| p.to_path_buf());
    p.target.options.pin_sha256 = vec!["5A".repeat(32)];
    check(&p).await.with_server(s)
}

async fn firewall_resets_the_handshake() -> Run {
    let (port, task) = field::resetting(field::Cut::AfterFirstBytes).await;
    check(&key_plan(&format!("https://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn firewall_closes_after_the_request() -> Run {
    let (port, task) = field::resetting(field::Cut::CloseAfterRequest).await;
    check(&key_plan(&format!("http://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn gateway_403_without_an_aa_code() -> Run {
    let (port, task) = field::fake_http(vec![(
        "POST /v2/authentication",
        field::response(403, "application/json", r#"{"message":"Forbidden"}"#),
    )])
    .await;
    check(&key_plan(&format!("http://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn proxy_407_on_plain_http() -> Run {
    let (port, task) = fake_proxy(
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\
         Content-Length: 0\r\n\r\n",
    )
    .await;
    let mut p = key_plan("http://cr.acme.example:8080");
    p.target.options.proxy = Some(format!("http://127.0.0.1:{port}"));
    check(&p).await.with_helper(task)
}

async fn strict_server_behind_a_header_stripping_proxy() -> Run {
    let (port, task) = field::fake_http(vec![
        ("POST /v2/authentication", field::login_ok(&field::token(0))),
        (
            "GET /v1/authentication/token",
            field::response(401, "application/json", field::UM1117),
        ),
        (
            "POST /v1/authentication/logout",
            field::response(401, "application/json", field::UM1117),
        ),
    ])
    .await;
    check(&key_plan(&format!("http://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn token_reported_invalid_from_a_server_two_hours_behind() -> Run {
    let (port, task) = field::fake_http(vec![
        ("POST /v2/authentication", field::login_ok(&field::token(-7200))),
        (
            "GET /v1/authentication/token",
            field::response(200, "application/json", r#"{"valid":false}"#),
        ),
        ("POST /v1/authentication/logout", field::response(204, "text/plain", "")),
    ])
    .await;
    check(&key_plan(&format!("http://127.0.0.1:{port}")))
        .await
        .with_helper(task)
}

async fn cancelled_during_a_slow_login() -> Run {
    let s = server(Scenario::Slow, false).await;
    let p = key_plan(&s.url());
    let (handle, token) = engine::cancel_pair();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        handle.cancel();
    });
    let r = worker::check(&p, token).await;
    canceller.await.unwrap();
    assert_no_secret(&p, &r.transcript, &r.hints);
    Run {
        t: r.transcript,
        hints: r.hints,
        server: Some(s),
        _helpers: Vec::new(),
    }
}
