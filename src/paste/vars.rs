//! `{{variables}}` of Postman, Bruno and Insomnia (`{{ _.name }}`): resolved from what the paste
//! defines (an environment, collection variables), the others named.

use std::collections::HashMap;

/// Variables a paste defines, by name.
pub(crate) type Vars = HashMap<String, String>;

/// How many times a value that refers to another variable is resolved again.
const MAX_PASSES: usize = 4;

/// `text` with every `{{name}}` it can resolve replaced; names it cannot are added to `unresolved`
/// (once each). Postman's dynamic variables (`{{$guid}}`) are left as they are.
pub(crate) fn resolve(text: &str, vars: &Vars, unresolved: &mut Vec<String>) -> String {
    let mut current = text.to_string();
    for _ in 0..MAX_PASSES {
        if !current.contains("{{") {
            break;
        }
        let (next, changed) = resolve_once(&current, vars);
        current = next;
        if !changed {
            break;
        }
    }
    for name in names(&current) {
        if !name.starts_with('$') && !unresolved.contains(&name) {
            unresolved.push(name);
        }
    }
    current
}

fn resolve_once(text: &str, vars: &Vars) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        let inner = &rest[start + 2..start + 2 + len];
        out.push_str(&rest[..start]);
        match vars.get(&clean_name(inner)) {
            Some(v) if !v.contains(&format!("{{{{{}}}}}", clean_name(inner))) => {
                out.push_str(v);
                changed = true;
            }
            _ => out.push_str(&rest[start..start + 2 + len + 2]),
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    (out, changed)
}

/// `{{ _.baseUrl }}` → `baseUrl`.
fn clean_name(inner: &str) -> String {
    let t = inner.trim();
    t.strip_prefix("_.").unwrap_or(t).trim().to_string()
}

/// The names of the `{{…}}` in a text.
pub(crate) fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        let name = clean_name(&rest[start + 2..start + 2 + len]);
        // A name is an identifier; a long "name" is text between stray braces.
        if !name.is_empty()
            && name.chars().count() <= 64
            && !name.contains('\n')
            && !out.contains(&name)
            && out.len() < 32
        {
            out.push(name);
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out
}

/// The whole value is only a reference to a variable: `{{apiKey}}`, `$env:AA_API_KEY`, `$apiKey`,
/// `${AA_API_KEY}`, `%AA_API_KEY%`. Such a value holds no secret.
pub(crate) fn is_reference(t: &str) -> bool {
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '.')
    };
    if let Some(inner) = t.strip_prefix("{{").and_then(|s| s.strip_suffix("}}")) {
        return !inner.contains("{{");
    }
    if let Some(inner) = t.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
        return ident(inner);
    }
    if let Some(inner) = t.strip_prefix('%').and_then(|s| s.strip_suffix('%')) {
        return ident(inner);
    }
    if let Some(inner) = t.strip_prefix('$') {
        return ident(inner);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_nested_and_names_the_rest() {
        let mut vars = Vars::new();
        vars.insert("baseUrl".into(), "https://{{host}}".into());
        vars.insert("host".into(), "cr.example.com".into());
        vars.insert("loop".into(), "{{loop}}".into());
        let mut un = Vec::new();
        let out = resolve(
            "{{baseUrl}}/v2/authentication?x={{ _.missing }}&y={{$guid}}&z={{loop}}",
            &vars,
            &mut un,
        );
        assert_eq!(
            out,
            "https://cr.example.com/v2/authentication?x={{ _.missing }}&y={{$guid}}&z={{loop}}"
        );
        assert_eq!(un, vec!["missing".to_string(), "loop".to_string()]);
        assert_eq!(resolve("{{", &vars, &mut un), "{{");
        assert_eq!(resolve("a}}b{{c", &vars, &mut un), "a}}b{{c");
    }

    #[test]
    fn references() {
        for r in [
            "{{apiKey}}",
            "$env:AA_API_KEY",
            "$apiKey",
            "${AA_API_KEY}",
            "%AA_API_KEY%",
        ] {
            assert!(is_reference(r), "{r}");
        }
        for v in ["abc", "$ab c", "Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO", "$"] {
            assert!(!is_reference(v), "{v}");
        }
    }
}
