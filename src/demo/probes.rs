//! The read-only calls the capability probes make (docs/capabilities.md), answered per user: a
//! valid token of a user whose permissions allow it gets a small documented list; another user
//! gets 403 in the Control Room's error shape; the `list-apis-missing` scenario answers 404 for the
//! list calls, as a Control Room without them would.
//!
//! INFERRED (the documentation gives the calls, the permissions and the success bodies, not the
//! refusals): a refused operation answers 403 `UM1403` "The operation is not authorized" (the 403 text
//! of the general code table [D5]; the code is ours), as the `forbidden` scenario does.

use super::errors::{self, CrError};
use super::routes::header_token;
use super::scenario::Scenario;
use super::state::Shared;
use super::users::{self, DemoUser};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

type St = State<Arc<Shared>>;

/// A valid token of a user without the permission the call needs.
const NOT_ALLOWED: CrError = CrError {
    status: StatusCode::FORBIDDEN,
    code: "UM1403",
    details: Some("Your role does not have the permission this operation needs."),
    message: "The operation is not authorized",
};

impl DemoUser {
    /// The user's roles give one of these `(resourceType, action)` permissions.
    pub fn may(&self, any_of: &[(&str, &str)]) -> bool {
        self.permissions
            .iter()
            .any(|(r, a)| any_of.iter().any(|(wr, wa)| r == wr && a == wa))
    }
}

/// The user behind a valid `X-Authorization` token who may do the call, or the Control Room's
/// answer: UM1117 without a token, UM1118 for an invalid one, 403 without the permission.
fn authorise(shared: &Shared, headers: &HeaderMap, needs: &[(&str, &str)]) -> Result<&'static DemoUser, CrError> {
    let Some(token) = header_token(shared, headers) else {
        return Err(errors::HEADER_MISSING);
    };
    let acc = shared.accounts();
    if !acc.tokens.is_valid(&token) {
        return Err(errors::TOKEN_INVALID);
    }
    let user = acc
        .tokens
        .owner(&token)
        .and_then(|(id, _)| users::USERS.iter().find(|u| u.id == id));
    match user {
        Some(u) if u.may(needs) => Ok(u),
        _ => Err(NOT_ALLOWED),
    }
}

/// How many items a list call asks for: its `page.length` (default 100, at most 100).
fn page_length(body: &[u8]) -> usize {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.pointer("/page/length").and_then(Value::as_u64))
        .map(|n| n.min(100) as usize)
        .unwrap_or(100)
}

/// A documented list answer: `{"page": {"offset", "total", "totalFilter"}, "list": […]}` [D27].
fn list(items: Vec<Value>, body: &[u8]) -> Response {
    let total = items.len();
    let list: Vec<Value> = items.into_iter().take(page_length(body)).collect();
    Json(json!({"page": {"offset": 0, "total": total, "totalFilter": total}, "list": list})).into_response()
}

/// `GET /v2/license/details` ([D20]): the licence state, for a valid token of an account that may
/// view licences (`licensemanagement`, "View licenses" [D23]).
pub(crate) async fn license_details(State(shared): St, headers: HeaderMap) -> Response {
    if let Err(e) = authorise(&shared, &headers, &[("licensemanagement", "licensemanagement")]) {
        return e.into_response();
    }
    let fail_safe = shared.scenario() == Scenario::LicenseFailSafe;
    Json(json!({
        "type": "PURCHASED",
        "installationDate": "2025-01-15T10:00:00.000Z",
        "expirationDate": "2027-01-14T23:59:59.999Z",
        "failSafeStatus": if fail_safe { 1 } else { 0 },
        "controlRoomLicenseServerSyncStatus": !fail_safe,
        "installedCrId": "c3a1d2e4-0b7f-4c59-9a1e-demo00000001",
        "licenseMode": "CloudLicense",
    }))
    .into_response()
}

/// `POST /v2/devices/list` ([D28]): the devices the account may see (`devices: view` or `all` [D21]).
pub(crate) async fn list_devices(State(shared): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    if shared.scenario() == Scenario::ListApisMissing {
        return errors::api_not_found(uri.path());
    }
    let user = match authorise(&shared, &headers, &[("devices", "view"), ("devices", "all")]) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    list(
        vec![json!({
            "id": "7",
            "type": "BOT_RUNNER",
            "hostName": "DEMO-RUNNER-01",
            "userId": user.id.to_string(),
            "userName": user.username,
            "status": "CONNECTED",
            "poolName": "",
            "fullyQualifiedHostName": "demo-runner-01.demo.example.com",
            "updatedOn": "2025-06-02T16:40:05Z",
            "botAgentVersion": "22.60.10",
        })],
        &body,
    )
}

/// `POST /v2/repository/workspaces/public/files/list` ([D27]): the public workspace's objects, for
/// an account that may view bots (`repositorymanager: view` [D22], "View my bots").
pub(crate) async fn list_public_files(State(shared): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    if shared.scenario() == Scenario::ListApisMissing {
        return errors::api_not_found(uri.path());
    }
    if let Err(e) = authorise(
        &shared,
        &headers,
        &[("repositorymanager", "view"), ("repositorymanager", "all")],
    ) {
        return e.into_response();
    }
    list(
        vec![json!({
            "id": "14277",
            "parentId": "12",
            "name": "Invoice processing",
            "path": "Automation Anywhere\\Bots\\Finance\\Invoice processing",
            "type": "application/vnd.aa.taskbot",
            "size": "2048",
            "folder": false,
            "productionVersion": "",
            "latestVersion": "",
            "lastModified": "2025-05-20T08:12:44Z",
        })],
        &body,
    )
}

/// `POST /v1/schedule/automations/list` ([D29]): the schedules the account may see
/// (`taskscheduling: view`, `manageallmyfolderschedules` or `manageallschedules` [D24]).
pub(crate) async fn list_schedules(State(shared): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    if shared.scenario() == Scenario::ListApisMissing {
        return errors::api_not_found(uri.path());
    }
    if let Err(e) = authorise(
        &shared,
        &headers,
        &[
            ("taskscheduling", "view"),
            ("taskscheduling", "manageallmyfolderschedules"),
            ("taskscheduling", "manageallschedules"),
        ],
    ) {
        return e.into_response();
    }
    list(
        vec![json!({
            "id": "661",
            "name": "eodReport",
            "fileId": "14277",
            "status": "ACTIVE",
            "scheduleType": "DAILY",
            "dailyRecurrence": {"interval": 1},
            "timeZone": "Europe/Paris",
            "startDate": "2025-06-02",
            "startTime": "23:30",
            "zonedNextRunDateTime": "2025-06-03T21:30:00Z",
        })],
        &body,
    )
}
