//! `tls.*`: the secure session with the Control Room, one function per kind of TLS failure.
//!
//! Evidence: the step's TLS error (already sorted by the engine into [`TlsFailure`]) and the
//! certificate chain the server presented.

use super::facts::Ctx;
use super::rank::ROOT;
use super::text::{fmt_span, fmt_unix, parse_date, shorten};
use super::{Hint, HintId, Severity, links};
use crate::transcript::{CertificateInfo, StepName, TlsFailure};

/// Names that appear in the issuer of a certificate made by a TLS-inspecting proxy or firewall.
const INSPECTION_VENDORS: &[&str] = &[
    "zscaler",
    "blue coat",
    "bluecoat",
    "symantec web",
    "forcepoint",
    "websense",
    "fortinet",
    "fortigate",
    "palo alto",
    "netskope",
    "cisco umbrella",
    "sophos",
    "mcafee web gateway",
    "skyhigh",
    "check point",
    "checkpoint",
    "barracuda",
    "squid",
    "kaspersky",
    "avast",
    "eset ssl filter",
    "ssl inspection",
    "tls inspection",
];

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, kind: TlsFailure, detail: &str) {
    let cert = leaf(cx);
    let cert_txt = cert.map(describe_cert);
    let evidence = match &cert_txt {
        Some(c) => format!("{}; certificate {c}", shorten(detail, 200)),
        None => shorten(detail, 200),
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
        TlsFailure::Handshake => handshake(cx, step, &seen.evidence, detail),
    });
}

/// What the hints quote about the server's certificate.
struct Seen<'a> {
    /// The leaf certificate, when the handshake got that far.
    cert: Option<&'a CertificateInfo>,
    /// `issued by X for Y (names: …)`.
    cert_txt: Option<&'a str>,
    /// The error and the certificate, for the hint's evidence.
    evidence: String,
}

fn untrusted(cx: &Ctx, step: StepName, seen: Seen) -> Hint {
    let host = &cx.host;
    let issuer = seen.cert.map(|c| c.issuer.to_ascii_lowercase()).unwrap_or_default();
    let vendor = INSPECTION_VENDORS.iter().find(|v| issuer.contains(*v));
    let why = if let Some(v) = vendor {
        format!(
            "The certificate was {}. The issuer name points at a TLS-inspecting proxy or firewall ({v}): \
             your company decrypts and re-signs web traffic, and its root certificate is installed in the \
             browsers' store but not known to this tool (nor to Python, Java or bots by default).",
            seen.cert_txt.unwrap_or_default()
        )
    } else if seen.cert.is_some_and(|c| c.self_signed) {
        format!(
            "The certificate is self-signed ({}): on-premises Control Rooms use one when installed with the \
             default self-signed option. Nothing vouches for it, so it cannot be trusted automatically.",
            seen.cert_txt.unwrap_or_default()
        )
    } else if let Some(c) = seen.cert_txt {
        format!(
            "The certificate was {c}, an authority this computer does not trust: usually a company's own \
             (private) certificate authority, or a TLS-inspecting proxy."
        )
    } else {
        "The Control Room's certificate was signed by an authority this computer does not trust: a \
         self-signed certificate, a company's own certificate authority, or a TLS-inspecting proxy."
            .to_string()
    };
    let ca_note = match &cx.plan.target.options.ca_file {
        Some(p) => format!(
            " The CA file `{}` was used, and it does not contain the authority that signed this certificate.",
            shorten(&p.display().to_string(), 160)
        ),
        None => String::new(),
    };
    Hint::new(
        HintId::TlsUntrusted,
        Severity::Error,
        format!("The certificate of {host} is not trusted"),
    )
    .detail(format!("{why}{ca_note}"))
    .fix(
        "1. Ask the Control Room administrator (or the network team, for a TLS-inspecting proxy) for the \
                 certificate of the authority that signed it, as a PEM file.\n2. Set that file as the CA file \
                 in the options (`--ca-file`) and run the check again.\n3. Only to confirm that the certificate \
                 is the sole problem, you may run once with certificate checks off; do not keep that setting.",
    )
    .step(step)
    .evidence(seen.evidence)
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
        || d.contains("handshake_failure")
    {
        "The server and this tool found no TLS version or cipher in common. Current clients require TLS 1.2 or \
         1.3; a server that still offers only TLS 1.0/1.1 or old ciphers is refused by them."
            .to_string()
    } else if port == 80
        || d.contains("wrong version number")
        || d.contains("invalidcontenttype")
        || d.contains("corrupt")
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
