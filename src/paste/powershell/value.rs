//! What a PowerShell expression is worth to the reader: a value when the snippet says it (a
//! string, a hashtable, a JSON text), or a reference it cannot follow (`$env:AA_API_KEY`,
//! `Read-Host`), kept as written so the request shows where the secret came from.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Str(String),
    Table(Vec<(String, Val)>),
    Num(String),
    Bool(bool),
    Null,
    /// A JSON text made by `ConvertTo-Json`.
    Json(String),
    /// A reference that cannot be followed (`$env:AA_API_KEY`, `Read-Host`, an answer's `.token`).
    Ref(String),
}

impl Val {
    pub(super) fn text(&self) -> String {
        match self {
            Val::Str(s) | Val::Json(s) | Val::Num(s) | Val::Ref(s) => s.clone(),
            Val::Bool(b) => if *b { "True" } else { "False" }.into(),
            Val::Null => String::new(),
            Val::Table(t) => t
                .iter()
                .map(|(k, v)| format!("{k}={}", v.text()))
                .collect::<Vec<_>>()
                .join("&"),
        }
    }

    pub(super) fn json(&self) -> serde_json::Value {
        match self {
            Val::Str(s) | Val::Ref(s) => serde_json::Value::String(s.clone()),
            Val::Json(s) => serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.clone())),
            Val::Num(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::String(n.clone())),
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Null => serde_json::Value::Null,
            Val::Table(t) => serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), v.json())).collect()),
        }
    }
}
