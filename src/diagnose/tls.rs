//! `tls.*`: the secure session with the Control Room, one function per kind of TLS failure.
//!
//! Evidence: the step's TLS error (already sorted by the engine into [`TlsFailure`]) and the
//! certificate chain the server presented.

use super::facts::Ctx;
use super::rank::ROOT;
use super::text::{fmt_span, fmt_unix, numbered, parse_date, shorten};
use super::{Hint, HintId, Severity, links};
use crate::transcript::{CertificateInfo, StepName, TlsFailure};

/// Names that appear in the subject or issuer of a certificate made by a TLS-inspecting proxy or
/// firewall (it re-signs every site with its own authority).
const INSPECTION_VENDORS: &[&str] = &[
    "zscaler",
    "netskope",
    "blue coat",
    "bluecoat",
    "symantec web",
    "symantec ssl visibility",
    "palo alto",
    "paloalto",
    "pan-os",
    "fortinet",
    "fortigate",
    "forcepoint",
    "websense",
    "cisco umbrella",
    "opendns",
    "sophos",
    "mcafee web gateway",
    "skyhigh",
    "check point",
    "checkpoint",
    "barracuda",
    "iboss",
    "squid",
    "kaspersky",
    "avast",
    "eset ssl filter",
    "ssl inspection",
    "tls inspection",
    "ssl-inspection",
    "decryption",
];

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, kind: TlsFailure, reason: &str, detail: &str) {
    let cert = leaf(cx);
    let cert_txt = cert.map(describe_cert);
    // Words only: the TLS library's own text (`detail`) stays in the step's technical details.
    let evidence = match &cert_txt {
        Some(c) => format!("{}; certificate {c}", shorten(reason, 200)),
        None => shorten(reason, 200),
    };
    let seen = Seen {
        cert,
        cert_txt: cert_txt.as_deref(),
        evidence,
    };
    out.push(match kind {
        TlsFailure::Untrusted => untrusted(cx, step, seen),
        TlsFailure::Expired => expired(cx, step, seen),
        TlsFailure::NameMismatch => name_mismatch(cx, step, seen),
        TlsFailure::PinMismatch => pin_mismatch(cx, step, seen),
        TlsFailure::Handshake => handshake(cx, step, &seen.evidence, &format!("{reason} {detail}")),
    });
}

/// What the hints quote about the server's certificate.
struct Seen<'a> {
    /// The leaf certificate, when the handshake got that far.
    cert: Option<&'a CertificateInfo>,
    /// `issued by X for Y (names: …)`.
    cert_txt: Option<&'a str>,
    /// The error in words and the certificate, for the hint's evidence.
    evidence: String,
}

/// The inspection product named in the certificate's subject or issuer, if any.
pub(crate) fn inspection_vendor(c: &CertificateInfo) -> Option<&'static str> {
    let names = format!("{} {}", c.issuer, c.subject).to_ascii_lowercase();
    INSPECTION_VENDORS.iter().find(|v| names.contains(*v)).copied()
}

fn untrusted(cx: &Ctx, step: StepName, seen: Seen) -> Hint {
    let host = &cx.host;
    let vendor = seen.cert.and_then(inspection_vendor);
    let self_signed = seen.cert.is_some_and(|c| c.self_signed) && vendor.is_none();
    let fingerprint = seen.cert.map(|c| c.sha256.clone()).filter(|f| !f.is_empty());
    // Pinning is offered only where it is the answer: nothing trusted vouches for the certificate,
    // and nothing else is wrong with it (not for a revoked one, one for another name, …).
    let pinnable = cx.t.connect.as_ref().is_some_and(|c| c.pinnable);
    let (title, why) = if let Some(v) = vendor {
        (
            format!("A company proxy is inspecting encrypted traffic to {host}"),
            format!(
                "The certificate was {}. Its names point at a TLS-inspecting proxy or firewall ({v}): a company \
                 proxy is inspecting encrypted traffic, decrypting it and re-signing it with its own authority. That \
                 authority is installed in the browsers' store, but not known to this tool (nor to Python, Java or \
                 bots by default).",
                seen.cert_txt.unwrap_or_default()
            ),
        )
    } else if self_signed {
        let ca = if seen.cert.is_some_and(|c| c.is_ca) {
            " It is also marked as a certificate authority, as `openssl req -x509` makes it; that is fine once \
             it is trusted."
        } else {
            ""
        };
        (
            format!("The certificate of {host} is self-signed and not trusted"),
            format!(
                "The certificate is self-signed ({}): it vouches for itself, as on-premises Control Rooms installed \
                 with the self-signed option or by `openssl` have it. Nothing this computer trusts vouches for it, so \
                 it cannot be trusted automatically.{ca}",
                seen.cert_txt.unwrap_or_default()
            ),
        )
    } else if let Some(c) = seen.cert_txt {
        (
            format!("The certificate of {host} is not trusted"),
            format!(
                "The certificate was {c}, an authority this computer does not trust: usually a company's own \
                 (private) certificate authority."
            ),
        )
    } else {
        (
            format!("The certificate of {host} is not trusted"),
            "The Control Room's certificate was signed by an authority this computer does not trust: a \
             self-signed certificate or a company's own certificate authority."
                .to_string(),
        )
    };
    let ca_note = match &cx.plan.target.options.ca_file {
        Some(p) if self_signed => format!(
            " The CA file `{}` was used, and it does not contain this certificate.",
            shorten(&p.display().to_string(), 160)
        ),
        Some(p) => format!(
            " The CA file `{}` was used, and it does not contain the authority that signed this certificate.",
            shorten(&p.display().to_string(), 160)
        ),
        None => String::new(),
    };
    let pin = fingerprint
        .as_deref()
        .map(|f| format!("`--pin-sha256 {f}`"))
        .unwrap_or_else(|| "`--pin-sha256` with its SHA-256 fingerprint".into());
    let fix = if vendor.is_some() {
        "1. Ask your network team for the root certificate of the inspecting proxy, as a PEM file, or ask them \
         to exempt the Control Room's host from inspection.\n2. Set that file as the CA file in the options \
         (`--ca-file`) and run the check again.\n3. Only to confirm that the certificate is the sole problem, you \
         may run once with certificate checks off; do not keep that setting."
            .to_string()
    } else if self_signed {
        let mut steps = vec![
            "Get the server's certificate as a PEM file from the Control Room administrator (or export it from the \
             browser's certificate view) and set it as the CA file (`--ca-file`): a CA file holding the server's own \
             certificate trusts exactly that certificate."
                .to_string(),
        ];
        if pinnable {
            steps.push(format!(
                "Or trust exactly this certificate by its fingerprint: {pin}, after checking the fingerprint with the \
                 administrator."
            ));
        }
        steps.push(
            "Better for everyone: ask the administrator to install a certificate from the company's certificate \
             authority."
                .into(),
        );
        numbered(&steps)
    } else {
        let mut steps = vec![
            "Ask the Control Room administrator for the certificate of the authority that signed it, as a PEM file."
                .to_string(),
            "Set that file as the CA file in the options (`--ca-file`) and run the check again.".to_string(),
        ];
        if pinnable {
            steps.push(format!(
                "Or trust exactly this certificate by its fingerprint: {pin}, after checking the fingerprint with the \
                 administrator."
            ));
        }
        numbered(&steps)
    };
    let evidence = match &fingerprint {
        Some(f) => format!("{}; SHA-256 {f}", seen.evidence),
        None => seen.evidence,
    };
    Hint::new(HintId::TlsUntrusted, Severity::Error, title)
        .detail(format!("{why}{ca_note}"))
        .fix(fix)
        .step(step)
        .evidence(evidence)
        .link(links::CUSTOM_TLS)
        .weight(ROOT)
}

fn pin_mismatch(cx: &Ctx, step: StepName, seen: Seen) -> Hint {
    let host = &cx.host;
    let pinned: Vec<String> = cx
        .plan
        .target
        .options
        .pin_sha256
        .iter()
        .map(|p| shorten(p.trim(), 100))
        .collect();
    let presented = seen
        .cert
        .map(|c| c.sha256.clone())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let validity = seen
        .cert
        .map(|c| {
            format!(
                ", valid from {} to {}",
                c.not_before
                    .as_deref()
                    .map(|d| shorten(d, 40))
                    .unwrap_or_else(|| "?".into()),
                c.not_after
                    .as_deref()
                    .map(|d| shorten(d, 40))
                    .unwrap_or_else(|| "?".into())
            )
        })
        .unwrap_or_default();
    Hint::new(
        HintId::TlsPinMismatch,
        Severity::Error,
        format!("The certificate of {host} changed since you trusted it"),
    )
    .detail(format!(
        "This check trusts exactly one certificate for {host}, by its SHA-256 fingerprint. The server presented \
         another one ({}{validity}), so it was not accepted. A renewed certificate looks like this; so does \
         something in between that presents its own certificate (a TLS-inspecting proxy, or an impostor).",
        seen.cert_txt.unwrap_or("a certificate that could not be read")
    ))
    .fix(
        "1. Ask the Control Room administrator whether the certificate was renewed, and for the new certificate's \
         SHA-256 fingerprint.\n2. Only if it matches the one shown in the evidence, trust the new certificate \
         instead of the old one (`--pin-sha256` with the new fingerprint).\n3. If nobody renewed it, send this \
         report to your network team: something between this computer and the Control Room replaces the \
         certificate.",
    )
    .step(step)
    .evidence(format!(
        "pinned SHA-256 {}; presented SHA-256 {presented}",
        if pinned.is_empty() {
            "(none)".to_string()
        } else {
            pinned.join(", ")
        }
    ))
    .link(links::CUSTOM_TLS)
    .weight(ROOT)
}

fn expired(cx: &Ctx, step: StepName, seen: Seen) -> Hint {
    let host = &cx.host;
    let now = cx.t.started_at.unix_timestamp();
    let after = seen.cert.and_then(|c| c.not_after.as_deref());
    let before = seen.cert.and_then(|c| c.not_before.as_deref());
    let after_t = after.and_then(parse_date);
    let before_t = before.and_then(parse_date);
    let (title, why) = match (before_t, after_t) {
        (Some(b), _) if b > now => (
            format!("The certificate of {host} is not valid yet"),
            format!(
                "The certificate ({}) only becomes valid on {}, {} from this computer's clock. Either it was \
                 installed just now with a start date in the future, or this computer's date and time are wrong.",
                seen.cert_txt.unwrap_or_default(),
                fmt_unix(b),
                fmt_span(b - now)
            ),
        ),
        (_, Some(a)) if a < now => (
            format!("The certificate of {host} expired {} ago", fmt_span(now - a)),
            format!(
                "The certificate ({}) expired on {}, {} ago. Every client refuses it; browsers show a \
                 warning page. If the date looks wrong, check this computer's date and time too.",
                seen.cert_txt.unwrap_or_default(),
                fmt_unix(a),
                fmt_span(now - a)
            ),
        ),
        _ => (
            format!("The certificate of {host} has expired or is not valid yet"),
            format!(
                "The certificate is outside its validity period{}{}. Check this computer's date and time; \
                 if they are right, the certificate must be renewed.",
                seen.cert_txt.map(|c| format!(" ({c})")).unwrap_or_default(),
                match (before, after) {
                    (Some(b), Some(a)) => format!(", valid from {} to {}", shorten(b, 40), shorten(a, 40)),
                    _ => String::new(),
                }
            ),
        ),
    };
    Hint::new(HintId::TlsExpired, Severity::Error, title)
        .detail(why)
        .fix(
            "1. Check that this computer's date, time and time zone are right.\n2. Send this report to the \
                 Control Room administrator: the certificate must be renewed (for a cloud Control Room, \
                 Automation Anywhere support).",
        )
        .step(step)
        .evidence(seen.evidence)
        .link(links::CUSTOM_TLS)
        .weight(ROOT)
}

fn name_mismatch(cx: &Ctx, step: StepName, seen: Seen) -> Hint {
    let host = &cx.host;
    let names: Vec<String> = match seen.cert {
        Some(c) if !c.sans.is_empty() => c.sans.clone(),
        Some(c) if !c.subject.is_empty() => vec![c.subject.clone()],
        _ => Vec::new(),
    };
    let ip = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok();
    let mut why = if names.is_empty() {
        format!("The certificate the server presented is for another name than `{host}`.")
    } else {
        format!(
            "The certificate is for {}, but the address used was `{host}`.",
            shorten(
                &names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                240
            )
        )
    };
    if ip {
        why.push_str(" Certificates name hosts, not IP addresses: use the host name.");
    } else if !names.is_empty() {
        why.push_str(
            " Either the address is a different name for the same server (an alias or a short name), or \
             something in between (a proxy or load balancer) presented its own certificate.",
        );
    }
    let fix = match names.iter().find(|n| !n.starts_with('*')) {
        Some(n) => format!(
            "1. Use the name on the certificate: `https://{n}`.\n2. If `{host}` is the official address, ask the \
             Control Room administrator to add it to the certificate."
        ),
        None => format!(
            "1. Use the address exactly as it appears on the certificate (see the evidence).\n2. If `{host}` is \
             the official address, ask the Control Room administrator to add it to the certificate."
        ),
    };
    Hint::new(
        HintId::TlsNameMismatch,
        Severity::Error,
        format!("The certificate does not match the name {host}"),
    )
    .detail(why)
    .fix(fix)
    .step(step)
    .evidence(seen.evidence)
    .link(links::CUSTOM_TLS)
    .weight(ROOT)
}

fn leaf<'a>(cx: &Ctx<'a>) -> Option<&'a CertificateInfo> {
    cx.t.connect.as_ref().and_then(|c| c.certificates.first())
}

/// `issued by X for Y`.
fn describe_cert(c: &CertificateInfo) -> String {
    let mut s = format!(
        "issued by \"{}\" for \"{}\"",
        shorten(&c.issuer, 120),
        shorten(&c.subject, 120)
    );
    if !c.sans.is_empty() {
        s.push_str(&format!(" (names: {})", shorten(&c.sans.join(", "), 200)));
    }
    s
}

/// Also used for a protocol error on an https address (`network::protocol`).
pub(crate) fn handshake(cx: &Ctx, step: StepName, evidence: &str, detail: &str) -> Hint {
    let d = detail.to_ascii_lowercase();
    let port = cx.url.as_ref().map(|u| u.port).unwrap_or(443);
    let plain_http = cx.t.connect.as_ref().and_then(|c| c.speaks_plain_http) == Some(true);
    let why = if plain_http {
        format!(
            "The server at port {port} does not speak TLS: it answered a plain-http request on the same port. The \
             address says https, but this server (or whatever listens on that port) speaks http."
        )
    } else if d.contains("version") && !d.contains("wrong version number")
        || d.contains("protocol_version")
        || d.contains("no common")
        || d.contains("in common")
        || d.contains("handshake_failure")
    {
        "The server and this tool found no TLS version or cipher in common. Current clients require TLS 1.2 or \
         1.3; a server that still offers only TLS 1.0/1.1 or old ciphers is refused by them."
            .to_string()
    } else if port == 80
        || d.contains("wrong version number")
        || d.contains("invalidcontenttype")
        || d.contains("corrupt")
        || d.contains("not tls")
        || d.contains("http")
    {
        format!(
            "The server at port {port} answered the secure handshake with something that is not TLS, typically \
             plain http on a port where https was expected."
        )
    } else {
        "The secure (TLS) session could not be set up. A TLS-inspecting proxy, a server that speaks another protocol \
         on this port, or an outdated TLS configuration can cause this."
            .to_string()
    };
    Hint::new(
        HintId::TlsHandshake,
        Severity::Error,
        format!("The secure connection to {} could not be set up", cx.host),
    )
    .detail(why)
    .fix(
        "1. Check the address and port: https usually uses port 443.\n2. Open the same address in a browser \
                 and look at its security details.\n3. If the browser works and this does not, send this report to \
                 your network team (a proxy may be rewriting the connection).",
    )
    .step(step)
    .evidence(evidence.to_string())
    .link(links::CUSTOM_TLS)
    .weight(ROOT)
}
