//! HTML and other non-API bodies: the web UI shell and the pages of proxies and filters in front of it.

/// The Control Room web UI: a single-page app shell (what `GET /` or a browser URL answers).
pub(crate) const WEB_UI: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<base href="/">
<title>Automation 360</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/static/css/main.3f2a1c.css">
</head>
<body>
<noscript>You need to enable JavaScript to run Automation 360.</noscript>
<div id="root" class="rio-app"></div>
<script src="/static/js/runtime.8e1d2b.js"></script>
<script src="/static/js/main.5c7f9a.js"></script>
</body>
</html>
"#;

/// A corporate web filter's block page (Zscaler style).
pub(crate) const BLOCK_PAGE: &str = r#"<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Access Denied</title></head>
<body style="font-family: Arial, sans-serif">
<div class="header"><img alt="Zscaler" src="https://login.zscaler.net/img/logo.png"></div>
<h1>Access Denied</h1>
<p>Your request was blocked by your organization's web security policy.</p>
<p>The site you tried to reach is not allowed under your organization's Internet use policy
(category: Miscellaneous or Unknown).</p>
<p>If you believe this is an error, contact your IT helpdesk and quote the reference below.</p>
<p class="ref">Reference: ZS-4fe2a91c &middot; Powered by Zscaler Internet Access</p>
</body>
</html>
"#;

/// The page a Control Room in its maintenance window answers (503). INFERRED: the wording is ours,
/// in the style of the web interface.
pub(crate) const MAINTENANCE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Automation 360 - Scheduled maintenance</title></head>
<body style="font-family: Arial, sans-serif">
<h1>We'll be back soon</h1>
<p>Your Control Room is undergoing scheduled maintenance. It will be available again when the
maintenance window ends.</p>
<p>Automation Anywhere</p>
</body>
</html>
"#;

fn nginx_page(status: &str) -> String {
    format!(
        "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

pub(crate) fn bad_gateway() -> String {
    nginx_page("502 Bad Gateway")
}

pub(crate) fn gateway_timeout() -> String {
    nginx_page("504 Gateway Time-out")
}

pub(crate) fn too_many_requests() -> String {
    nginx_page("429 Too Many Requests")
}

/// What nginx answers when a POST reaches a static web root.
pub(crate) fn not_allowed() -> String {
    nginx_page("405 Not Allowed")
}

pub(crate) fn redirect_page(status: &str) -> String {
    nginx_page(status)
}

/// The body of the "not a Control Room" 404: a bare text answer, like a default web server's.
pub(crate) const PLAIN_NOT_FOUND: &str = "404 page not found\n";

/// What another service on the port sends instead of HTTP: OpenSSH's banner and its answer to an
/// HTTP request line.
pub(crate) const GARBAGE: &[u8] =
    b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n\x00\x00\x01\x0c\x0a\x14Invalid SSH identification string.\r\n";
