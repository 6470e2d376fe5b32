//! One example paste per `request.*` hint id: the catalogue's example titles (docs/hints.md) and a
//! unit test that each id is produced by its example.

use crate::diagnose::HintId;

const KEY: &str = "f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi";
const H: &str = "https://acme.my.automationanywhere.digital";

/// The example paste of a `request.*` id.
pub(crate) fn example(id: HintId) -> Option<String> {
    let login = |url: &str, body: &str| format!("curl -X POST '{url}' -H 'Content-Type: application/json' -d '{body}'");
    let good = format!(r#"{{"username":"svc_api","apiKey":"{KEY}"}}"#);
    Some(match id {
        HintId::RequestV1Login => login(&format!("{H}/v1/authentication"), &good),
        HintId::RequestKeyAsToken => format!("curl '{H}/v1/authentication/token?token={KEY}' -H 'X-Authorization: {KEY}'"),
        HintId::RequestTokenInBody => format!(r#"curl -X POST '{H}/v2/automations/deploy' -H 'Content-Type: application/json' -d '{{"token":"{KEY}","fileId":42}}'"#),
        HintId::RequestAuthorizationHeader => {
            "curl -X POST 'https://acme.my.automationanywhere.digital/v2/devices/list' -H 'Authorization: Bearer eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIyNyJ9.c2ln' --json '{}'".into()
        }
        HintId::RequestBothSecrets => login(
            &format!("{H}/v2/authentication"),
            &format!(r#"{{"username":"svc_api","apiKey":"{KEY}","password":"Winter-2025!pw"}}"#),
        ),
        HintId::RequestUsernameMissing => login(&format!("{H}/v2/authentication"), &format!(r#"{{"apiKey":"{KEY}"}}"#)),
        HintId::RequestFieldName => login(&format!("{H}/v2/authentication"), &format!(r#"{{"username":"svc_api","apikey":"{KEY}"}}"#)),
        HintId::RequestNotJson => format!("curl -X POST {H}/v2/authentication -d 'username=svc_api&apiKey=abc'"),
        HintId::RequestSmartQuotes => format!("{{“username”:”svc_api”,”apiKey”:”{KEY}”}}"),
        HintId::RequestContentType => format!("curl {H}/v2/authentication -d '{good}'"),
        HintId::RequestHttp => login("http://cr.corp.example.com/v2/authentication", &good),
        HintId::RequestKeyWhitespace => login(
            &format!("{H}/v2/authentication"),
            &format!(r#"{{"username":"svc_api","apiKey":"{} {}"}}"#, &KEY[..20], &KEY[20..]),
        ),
        HintId::RequestWebUrl => login(&format!("{H}/#/login"), &good),
        HintId::RequestMethod => format!("curl -X GET '{H}/v2/authentication'"),
        HintId::RequestUnresolved => login("{{baseUrl}}/v2/authentication", &good),
        _ => return None,
    })
}

/// The title the id has in its example (for docs/hints.md).
pub fn catalogue_example(id: HintId) -> Option<String> {
    let text = example(id)?;
    let e = super::explain(&text).ok()?;
    e.hints.into_iter().find(|h| h.id == id).map(|h| h.title)
}
