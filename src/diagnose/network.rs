//! `net.*`: the link between this computer and the Control Room, up to the TLS handshake (whose
//! failures are [`super::tls`]'s).
//!
//! Evidence: the typed step errors and the connect facts (addresses, proxy).

use super::facts::Ctx;
use super::rank::{LIKELY, ROOT};
use super::text::shorten;
use super::{Hint, HintId, Severity, links, tls};
use crate::transcript::{ResetPhase, StepError, StepName};

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    // Logout failures are only `logout.failed` (the check's answer is already known).
    for s in cx.t.steps.iter().filter(|s| s.name != StepName::Logout) {
        let Some(err) = &s.error else { continue };
        let step = s.name;
        match err {
            StepError::Dns { host, detail } => dns(cx, out, step, host, detail),
            StepError::Refused { addr } => refused(cx, out, step, addr),
            StepError::Timeout { phase, secs } => timeout(cx, out, step, phase, *secs),
            StepError::Reset { phase, orderly, .. } => reset(cx, out, step, *phase, *orderly),
            StepError::Proxy { detail } => proxy(cx, out, step, detail),
            StepError::Unreachable { addr, reason, .. } => unreachable(cx, out, step, addr, reason),
            StepError::Tls { kind, reason, detail } => tls::check(cx, out, step, *kind, reason, detail),
            StepError::Protocol { detail } => protocol(cx, out, step, detail),
            StepError::Input { reason } if reason.starts_with("the proxy address") => proxy_setting(out, step, reason),
            // Any other network failure has no rule of its own: the fallback (`check.unexplained`)
            // quotes it in words.
            StepError::Network { .. }
            | StepError::Input { .. }
            | StepError::CaFile { .. }
            | StepError::Cancelled
            | StepError::Answer { .. } => {}
        }
    }
}

fn proxy_in_use(cx: &Ctx) -> Option<String> {
    cx.plan
        .target
        .options
        .proxy
        .clone()
        .or_else(|| cx.t.connect.as_ref().and_then(|c| c.proxy.clone()))
        .filter(|p| !p.trim().is_empty())
        .map(|p| hide_userinfo(&p))
}

/// `http://user:pass@proxy:8080` → `http://proxy:8080` (a proxy password is a secret too).
pub(crate) fn hide_userinfo(p: &str) -> String {
    let p = p.trim();
    let (scheme, rest) = match p.find("://") {
        Some(i) => (&p[..i + 3], &p[i + 3..]),
        None => ("", p),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", shorten(&rest[at + 1..], 120)),
        None => shorten(p, 120),
    }
}

fn is_private_address(a: &str) -> bool {
    let ip = a.rsplit_once(':').map(|(h, _)| h).unwrap_or(a).trim_matches(['[', ']']);
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        Ok(std::net::IpAddr::V6(v6)) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
        Err(_) => false,
    }
}

fn dns(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, host: &str, detail: &str) {
    let host = if host.is_empty() { cx.host.as_str() } else { host };
    let h = host.to_ascii_lowercase();
    let likely = if let Some(tenant) = h.strip_suffix(".my.automationanywhere.digital") {
        format!(
            "This is an Automation 360 cloud address, so the most likely cause is the tenant name `{tenant}`: check \
             its spelling against the address you use in the browser."
        )
    } else if !h.contains('.') {
        format!(
            "`{host}` is a short name without a domain: it only resolves inside the company network (with the \
             company's DNS suffix), so you may need the VPN or the full name such as `{host}.company.local`."
        )
    } else if [".local", ".corp", ".internal", ".lan", ".intranet", ".intra", ".ad"]
        .iter()
        .any(|s| h.ends_with(s))
    {
        "This looks like an internal name, known only to the company's DNS: connect to the VPN or the office \
         network, or ask IT for the address reachable from where you are."
            .to_string()
    } else {
        "Either the name has a typo, or it is only known inside a company network (VPN needed), or this \
         computer's DNS cannot answer right now."
            .to_string()
    };
    let proxy_note = if proxy_in_use(cx).is_none() {
        " If your company reaches the internet only through a proxy, this computer may not look up outside names \
         itself: set the proxy in the options."
    } else {
        ""
    };
    out.push(
        Hint::new(HintId::NetDns, Severity::Error, format!("The host name {host} could not be found"))
            .detail(format!(
                "This computer could not turn `{host}` into a network address, so no connection was attempted. \
                 {likely}{proxy_note}"
            ))
            .fix(format!(
                "1. Open the Control Room in a browser on this computer and compare the address letter by letter.\n\
                 2. If the browser cannot open it either, connect to the VPN or office network and try again.\n\
                 3. Ask IT whether `{host}` is the right name from this network (`nslookup {host}` shows what DNS answers)."
            ))
            .step(step)
            .evidence(format!("DNS lookup of {host} failed: {}", shorten(detail, 200)))
            .weight(ROOT),
    );
}

fn refused(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, addr: &str) {
    let port = cx.url.as_ref().map(|u| u.port).unwrap_or(443);
    let fallback = format!("{}:{port}", cx.host);
    let addr = if addr.trim().is_empty() {
        fallback.as_str()
    } else {
        addr
    };
    let local = addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("localhost");
    let likely = if local {
        format!("Nothing runs on this computer at port {port}: the address points at this machine itself.")
    } else if port != 443 && port != 80 {
        format!(
            "The address uses port {port}. Control Rooms normally listen on 443 (https) or 80 (http); a wrong port \
             number, or a Control Room service that is stopped, are the likely causes."
        )
    } else if cx.plain_http() {
        "The address uses plain http (port 80), and many Control Rooms only listen on https (port 443).".to_string()
    } else {
        "The machine answered but nothing accepts connections on that port: the Control Room service may be \
         stopped or restarting, the name may point at another machine, or a firewall rejects the connection."
            .to_string()
    };
    out.push(
        Hint::new(
            HintId::NetRefused,
            Severity::Error,
            format!("{} refused the connection", cx.host),
        )
        .detail(format!(
            "The connection to {addr} was actively refused. {likely} Because the refusal came back at once, the \
                 network path to the machine works."
        ))
        .fix(format!(
            "1. Check the port in the address (https uses 443 unless your administrator set another).\n\
                 2. {}\n3. Ask the Control Room administrator whether the Control Room services are running.",
            if cx.plain_http() {
                format!("Try `{}`.", cx.https_base())
            } else {
                "Open the same address in a browser on this computer.".to_string()
            }
        ))
        .step(step)
        .evidence(format!("connection to {addr} refused"))
        .weight(ROOT),
    );
}

fn timeout(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, phase: &str, secs: f64) {
    let secs_txt = if secs.is_finite() && secs >= 0.0 {
        format!("{secs:.0} s")
    } else {
        "the time limit".into()
    };
    let phase_l = phase.to_ascii_lowercase();
    let addresses = cx.t.connect.as_ref().map(|c| c.addresses.clone()).unwrap_or_default();
    let private = addresses.iter().any(|a| is_private_address(a));
    let proxy = proxy_in_use(cx);
    let (title, why, fix) = match phase_l.as_str() {
        "dns" => (
            format!("Looking up {} took too long", cx.host),
            "The DNS server did not answer in time: this usually means the name is only known to a company DNS \
             server that is not reachable from here (VPN off)."
                .to_string(),
            "1. Connect to the VPN or office network.\n2. Ask IT which DNS server resolves this name.".to_string(),
        ),
        "connect" | "tcp" => {
            let mut why = String::from(
                "Nothing answered the connection attempt: a firewall silently dropping the traffic, a VPN that is \
                 needed and not connected",
            );
            if proxy.is_none() {
                why.push_str(", or a company network that only lets traffic out through a proxy");
            }
            why.push('.');
            if private {
                why.push_str(&format!(
                    " The name resolves to a private address ({}), which is only reachable inside the company \
                     network or through the VPN.",
                    shorten(&addresses.join(", "), 120)
                ));
            }
            (
                format!("{} did not answer the connection within {secs_txt}", cx.host),
                why,
                format!(
                    "1. Open the Control Room in a browser on this computer: if it does not load either, connect to the \
                     VPN or ask your network team to allow HTTPS (port 443) to `{}`.\n2. If the browser works, it \
                     probably uses a proxy: set the same proxy in the options.",
                    cx.host
                ),
            )
        }
        "tls" => (
            format!(
                "{} accepted the connection but did not start the secure session",
                cx.host
            ),
            format!(
                "The connection opened, but the TLS handshake got no answer within {secs_txt}. Something between \
                 this computer and the Control Room (a firewall or TLS-inspecting proxy) may be holding the \
                 connection, or the port is not a TLS (https) port."
            ),
            format!(
                "1. Check that the port is the Control Room's https port.\n2. Ask your network team to allow HTTPS to \
                 `{}` from this computer.",
                cx.host
            ),
        ),
        _ => {
            let login = step == StepName::Authenticate;
            let mut why = format!(
                "The connection worked and the request was sent, but no answer came within {secs_txt}. The \
                 Control Room may be overloaded or restarting, or a proxy or firewall is holding the request."
            );
            if login {
                why.push_str(
                    " The login request was sent, so if it reached the Control Room it counts as one attempt on the account.",
                );
            }
            (
                format!("The Control Room did not answer the {} request within {secs_txt}", step.as_str()),
                why,
                "1. Open the Control Room in a browser: if it is slow there too, ask its administrator about its health.\n\
                 2. Run the check once with a longer timeout (e.g. 60 s) in the options; do not rerun it in a loop."
                    .to_string(),
            )
        }
    };
    out.push(
        Hint::new(HintId::NetTimeout, Severity::Error, title)
            .detail(why)
            .fix(fix)
            .step(step)
            .evidence(format!(
                "no answer within {secs_txt} ({phase}){}",
                proxy.map(|p| format!(", via proxy {p}")).unwrap_or_default()
            ))
            .link(links::FIREWALL)
            .weight(ROOT),
    );
}

fn reset(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, phase: ResetPhase, orderly: bool) {
    let cut = if orderly { "closed without an answer" } else { "cut" };
    let why = match phase {
        ResetPhase::Connect => format!(
            "The connection to {} was {cut} right after it opened, before anything was exchanged. A firewall or \
             intrusion-prevention system that accepts connections and then resets the ones it does not allow does \
             this; so does a server that is restarting.",
            cx.host
        ),
        ResetPhase::Proxy => {
            "The connection was cut while the proxy was opening the way to the Control Room: the proxy or a \
             firewall behind it does not let this connection through."
                .to_string()
        }
        ResetPhase::TlsHandshake => format!(
            "The connection was {cut} while the secure session was being set up. Firewalls and TLS-inspecting \
             proxies do this to sites that are not on their allow list; a server that is restarting does it too."
        ),
        ResetPhase::Sending | ResetPhase::AfterRequest => format!(
            "The connection was {cut} after the request was sent, before any answer came back. A firewall, \
             intrusion-prevention system or web filter that inspects traffic, a load balancer, or a Control Room \
             that is restarting can do this."
        ),
        ResetPhase::ReadingAnswer => format!(
            "The connection was {cut} while the answer was coming back, so only part of it arrived. A proxy or \
             firewall that inspects answers, or a server that is restarting, can do this."
        ),
    };
    let login = step == StepName::Authenticate
        && matches!(
            phase,
            ResetPhase::Sending | ResetPhase::AfterRequest | ResetPhase::ReadingAnswer
        );
    let mut detail = format!(
        "{why} The network path exists (the connection was opened): something on it cut the line. The Control \
         Room's own errors come back as answers, not as a cut connection."
    );
    if login {
        detail.push_str(" The login request was sent: if it reached the Control Room it counts as one attempt.");
    }
    out.push(
        Hint::new(
            HintId::NetReset,
            Severity::Error,
            format!("The connection to {} was {cut}", cx.host),
        )
        .detail(detail)
        .fix(format!(
            "1. Run the check once from another network (e.g. off or on the VPN) to see whether the network is the cause.\n\
             2. Send this report to your network team and ask them to allow HTTPS to `{}` from this computer \
             (firewall, IPS and TLS-inspection rules).",
            cx.host
        ))
        .step(step)
        .evidence(format!(
            "connection {} {} ({} step)",
            if orderly { "closed" } else { "reset" },
            phase.words(),
            step.as_str()
        ))
        .link(links::FIREWALL)
        .weight(ROOT),
    );
}

/// A proxy setting that cannot be used at all (not http, no host, port 0): nothing was sent.
fn proxy_setting(out: &mut Vec<Hint>, step: StepName, reason: &str) {
    out.push(
        Hint::new(HintId::NetProxy, Severity::Error, "The proxy setting cannot be used")
            .detail(format!(
                "{}. Nothing was sent. This check reaches the Control Room directly or through an HTTP proxy \
                 (`http://proxy.company.com:8080`).",
                super::input::capitalise(&shorten(reason, 240))
            ))
            .fix(
                "1. Set the proxy as the browser's or the system's proxy settings show it, e.g. \
                 `http://proxy.company.com:8080`.\n2. If the Control Room is reachable without a proxy, clear the \
                 proxy option (and the HTTPS_PROXY variable).",
            )
            .step(step)
            .evidence(shorten(reason, 240))
            .weight(ROOT),
    );
}

/// A 407 answer to a plain-http request sent through a proxy: the same proxy sign-in as a 407 on
/// CONNECT, met at the HTTP step instead of the tunnel.
pub(crate) fn proxy_auth(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &crate::transcript::RecordedResponse) {
    let realm = r
        .header("proxy-authenticate")
        .map(|v| format!(", Proxy-Authenticate: {}", shorten(v, 80)))
        .unwrap_or_default();
    proxy(
        cx,
        out,
        step,
        &format!(
            "the proxy answered the request with 407 Proxy Authentication Required (it requires authentication){realm}"
        ),
    );
}

fn proxy(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, detail: &str) {
    let p = proxy_in_use(cx).unwrap_or_else(|| "the system proxy".to_string());
    let d = detail.to_ascii_lowercase();
    let (title, why, fix) = if d.contains("407") || d.contains("authenticat") {
        (
            "The proxy asks for a sign-in before it lets the check through".to_string(),
            format!(
                "The proxy {p} answered 407 (Proxy Authentication Required): it only forwards traffic from signed-in \
                 users. Browsers sign in to it automatically with your Windows account; this tool does not."
            ),
            "1. Ask your network team for a proxy address that does not need a sign-in for this host, or to exempt \
             the Control Room's host.\n2. Or put the proxy user in the proxy URL (`http://user@proxy:8080`)."
                .to_string(),
        )
    } else {
        (
            "The proxy could not be used".to_string(),
            format!(
                "The check was told to go through the proxy {p}, and that did not work: the proxy address or port is \
                 wrong, it is not reachable from here, or it refused to connect to `{}`.",
                cx.host
            ),
            "1. Check the proxy address and port (the same as in the browser's or the system's proxy settings).\n\
             2. If the Control Room is reachable without a proxy, clear the proxy option (or add its host to NO_PROXY)."
                .to_string(),
        )
    };
    out.push(
        Hint::new(HintId::NetProxy, Severity::Error, title)
            .detail(why)
            .fix(fix)
            .step(step)
            .evidence(format!("proxy {p}: {}", shorten(detail, 200)))
            .weight(ROOT),
    );
}

fn unreachable(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, addr: &str, reason: &str) {
    let addr = if addr.is_empty() { cx.host.as_str() } else { addr };
    out.push(
        Hint::new(
            HintId::NetUnreachable,
            Severity::Error,
            format!("This computer has no network path to {}", cx.host),
        )
        .detail(format!(
            "The operating system could not send anything to {addr}: {reason}. No connection was opened, so \
             nothing on the other side was reached. The address may be in a network that is only reachable \
             through the VPN."
        ))
        .fix(
            "1. Check that this computer is online and, for an internal Control Room, that the VPN is connected.\n\
                 2. Open the Control Room in a browser on this computer.",
        )
        .step(step)
        .evidence(format!("{addr}: {reason}"))
        .weight(ROOT),
    );
}

/// What the HTTP parser's complaint means, in words (its own text stays in the technical details).
fn protocol_words(detail: &str) -> &'static str {
    let d = detail.to_ascii_lowercase();
    if d.contains("too large") || d.contains("too many headers") {
        "the answer's header was far larger than any web server's"
    } else if d.contains("invalid header") {
        "the answer has a header line that is not valid HTTP"
    } else if d.contains("status") {
        "the answer's status line is not valid HTTP"
    } else {
        "the answer did not start like an HTTP answer"
    }
}

fn protocol(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, detail: &str) {
    let https = cx.url.as_ref().map(|u| u.https).unwrap_or(true);
    let words = protocol_words(detail);
    if https && step == StepName::Connect {
        out.push(tls::handshake(cx, step, words, detail));
        return;
    }
    out.push(
        Hint::new(
            HintId::HttpNotApi,
            Severity::Error,
            format!("The server at {} did not answer in HTTP", cx.host),
        )
        .detail(
            "Something answered on this address and port, but not with HTTP: it is not a web server (wrong port), \
                 or it expects https while the address says http.",
        )
        .fix(format!(
            "1. Try `{}`.\n2. Check the port number with the Control Room administrator.",
            cx.https_base()
        ))
        .step(step)
        .evidence(words)
        .weight(if https { LIKELY } else { ROOT }),
    );
}
