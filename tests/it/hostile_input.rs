use crate::support::{self, scripted};

#[tokio::test]
async fn scratch_big_token() {
    for in_header in [false, true] {
        let token: String = "t".repeat(70 * 1024);
        let tok = token.clone();
        let srv = scripted::Scripted::start(move |r| {
            if r.path.starts_with("/v2/authentication") {
                let body = serde_json::json!({"token": tok, "user": {"username": "svc"}}).to_string();
                let h = if in_header { vec![("X-Authorization", tok.as_str()), ("Content-Type", "application/json")] } else { vec![("Content-Type", "application/json")] };
                scripted::response(200, "OK", &h, &body)
            } else if r.path.starts_with("/v1/authentication/token") {
                scripted::json(200, &serde_json::json!({"valid": true}))
            } else {
                scripted::response(204, "No Content", &[], "")
            }
        });
        let plan = support::api_key_plan(&srv.url(), "svc", "0123456789012345678901234567890123456789");
        let r = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
        for s in &r.transcript.steps { eprintln!("{in_header} {:?} {:?} {:?}", s.name, s.status, s.error); }
        for h in &r.hints { eprintln!("  {} {}", h.id, h.title); }
    }
}
