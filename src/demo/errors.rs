//! The Control Room's error bodies: `{"code", "details", "message"}` (reference §4.1).
//!
//! Each constant says where its text comes from. Texts marked INFERRED are our invention where the
//! reference found no verbatim answer (reference §4.3: "No verbatim body was found for bad password,
//! disabled user, expired key, or license errors").

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One error answer: status, code, details (null or text), message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CrError {
    pub status: StatusCode,
    pub code: &'static str,
    pub details: Option<&'static str>,
    pub message: &'static str,
}

impl CrError {
    pub fn body(&self) -> Value {
        // Key order as in the quoted bodies: code, details, message (serde_json sorts them so anyway).
        json!({"code": self.code, "details": self.details, "message": self.message})
    }
}

impl IntoResponse for CrError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Wrong key or password, or unknown user. CONFIRMED text: the forum thread's verbatim body
/// (reference, "From the forum thread"). Status 401: INFERRED from [C1][C3] client mappings (§4.2).
pub(crate) const BAD_CREDENTIALS: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "UM1110",
    details: Some(
        "This may be due to a misspelling or because your Caps Lock is on. To continue, please retype your username and password.",
    ),
    message: "Either your username or your password is incorrect",
};

/// A login body the server cannot process. CONFIRMED text [F1] (reference §4.3, §8); status 500 INFERRED.
pub(crate) const SERVER_EXCEPTION: CrError = CrError {
    status: StatusCode::INTERNAL_SERVER_ERROR,
    code: "generic.server.exception",
    details: None,
    message: "An unexpected problem occurred",
};

/// No `X-Authorization` header. CONFIRMED text [F2] (reference §2.4, §4.3); status 401 INFERRED.
pub(crate) const HEADER_MISSING: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "UM1117",
    details: None,
    message: "Access token expected in the 'X-Authorization' header",
};

/// Both `apiKey` and `password`. Status 400 INFERRED from [C2]'s comment ("an opaque 400",
/// reference §1.2); code and message INFERRED (ours).
pub(crate) const BOTH_SECRETS: CrError = CrError {
    status: StatusCode::BAD_REQUEST,
    code: "generic.bad.request",
    details: None,
    message: "Request URL or request parameters are incorrect",
};

/// The account is disabled (after three failed logins, or by an administrator).
/// INFERRED entirely: reference §4.3 found no verbatim body. Code `UM1105` is our choice.
pub(crate) const ACCOUNT_DISABLED: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "UM1105",
    details: Some("Your account has been disabled. Contact your Control Room administrator to enable it."),
    message: "User is disabled",
};

/// The user may not use the API (role permission or licence missing). Message: the 403 text of the
/// general code table [D5] (reference §4.2). Code `UM1403` INFERRED (ours).
pub(crate) const FORBIDDEN: CrError = CrError {
    status: StatusCode::FORBIDDEN,
    code: "UM1403",
    details: Some("Your role does not allow the use of the Control Room API, or your user has no license."),
    message: "The operation is not authorized",
};

/// The deprecated `POST /v1/authentication` (and v1 refresh) since A360 v.33. The phrase
/// "Access Denied" is all the reference has ([F1], §4.3, §5); status 401 and code INFERRED.
pub(crate) const V1_ACCESS_DENIED: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "access.denied",
    details: None,
    message: "Access Denied",
};

/// A token in `X-Authorization` that is unknown, expired or invalidated (refresh, logout).
/// INFERRED entirely (reference §11.3); code `UM1118` is ours.
pub(crate) const TOKEN_INVALID: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "UM1118",
    details: None,
    message: "Session expired or invalid. Please log in again.",
};

/// A correct login of an account whose first sign-in is not finished (a temporary password).
/// INFERRED entirely: no verbatim body is known (reference §4.3); code `UM1119` is ours.
pub(crate) const FIRST_LOGIN: CrError = CrError {
    status: StatusCode::UNAUTHORIZED,
    code: "UM1119",
    details: Some("Sign in to the Control Room web interface and change your temporary password before using the API."),
    message: "Password change required",
};

/// Validate without the `token` query parameter. INFERRED (a required parameter is missing, [D2]).
pub(crate) const TOKEN_PARAM_MISSING: CrError = CrError {
    status: StatusCode::BAD_REQUEST,
    code: "generic.bad.request",
    details: Some("Required request parameter 'token' is not present"),
    message: "Request URL or request parameters are incorrect",
};

/// An unknown path under the API prefixes. INFERRED: the Control Room is a Spring application, so we
/// answer Spring Boot's default JSON error shape rather than the CR shape (nothing in the reference).
pub(crate) fn api_not_found(path: &str) -> Response {
    let body = json!({
        "timestamp": crate::demo::clock::now_rfc3339(),
        "status": 404,
        "error": "Not Found",
        "path": path,
    });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}
