//! Import and export: exports carry no secret (structurally), imports show a plan and never
//! overwrite silently; the CLI refuses conflicts unless --rename / --replace / --skip.

use crate::profiles_support;

use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::transfer::{self, ConflictPolicy};
use aa_conntest::profiles::{Profile, ProfileStore, StoreError};
use profiles_support::{Sandbox, text};

fn profile(name: &str, url: &str) -> Profile {
    Profile::new(name, url, AuthMode::ApiKey, "svc_api", CheckOptions::default())
}

fn store_with(dir: &std::path::Path, profiles: &[Profile]) -> ProfileStore {
    let (mut s, _) = ProfileStore::open(dir).unwrap();
    for p in profiles {
        s.upsert(p.clone()).unwrap();
    }
    s.save().unwrap();
    s
}

#[test]
fn export_is_a_profiles_file_and_drops_secret_fields_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let s = store_with(dir.path(), &[profile("Prod", "https://cr.example.com")]);
    let out = dir.path().join("export.json");
    transfer::export_to_file(&out, s.list()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "aa-conntest.profiles/1");
    assert_eq!(v["profiles"][0]["name"], "Prod");

    // A hand-edited file with a secret in it: the secret never enters the store.
    let hand = r#"{"schema":"aa-conntest.profiles/1","profiles":[
        {"id":"x","name":"Hand","url":"https://h.example.com","username":"u",
         "apiKey":"HAND-TYPED-SECRET-1234567890","password":"HAND-TYPED-SECRET-1234567890"}]}"#;
    let incoming = transfer::parse_import(hand.as_bytes()).unwrap();
    let (mut s2, _) = ProfileStore::open(&dir.path().join("other")).unwrap();
    let plan = transfer::plan_import(&s2, &incoming);
    transfer::apply_import(&mut s2, &plan, ConflictPolicy::Refuse).unwrap();
    s2.save().unwrap();
    let saved = std::fs::read_to_string(s2.path()).unwrap();
    assert!(!saved.contains("HAND-TYPED-SECRET"), "{saved}");
    assert_eq!(s2.get_by_name("Hand").unwrap().target.url, "https://h.example.com");

    assert!(transfer::parse_import(b"[1,2,3]").is_err());
    assert!(transfer::parse_import(br#"{"schema":"something-else/1","profiles":[]}"#).is_err());
    assert!(
        transfer::parse_import(br#"{"schema":"aa-conntest.profiles/9","profiles":[]}"#)
            .unwrap_err()
            .contains("newer version")
    );
}

#[test]
fn import_plan_lists_additions_conflicts_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let prod = profile("Prod", "https://cr.example.com");
    let dev = profile("Dev", "https://dev.example.com");
    let mut s = store_with(dir.path(), &[prod.clone(), dev.clone()]);
    let incoming = vec![
        profile("prod", "https://cr.example.com"), // same settings, other case: unchanged
        profile("Dev", "https://dev2.example.com"), // conflict
        profile("New one", "https://new.example.com"), // add
        profile("New one", "https://new2.example.com"), // twice in the file: added as "New one (2)"
        profile("  ", "https://nameless.example.com"), // no name: named after its address, never dropped
    ];
    let plan = transfer::plan_import(&s, &incoming);
    assert_eq!(plan.unchanged, ["Prod"]);
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.conflicts[0].existing.id, dev.id);
    let added: Vec<&str> = plan.add.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(added, ["New one", "New one (2)", "https://nameless.example.com"]);
    assert!(plan.skipped.is_empty());
    assert_eq!(plan.repaired.len(), 1, "{:?}", plan.repaired);
    assert!(plan.describe().contains("CONFLICT"));
    assert!(plan.describe().contains("repaired  https://nameless.example.com"));

    // Refuse: nothing changes.
    let err = transfer::apply_import(&mut s, &plan, ConflictPolicy::Refuse).unwrap_err();
    assert!(matches!(err, StoreError::ImportConflicts { .. }), "{err}");
    assert_eq!(s.list().len(), 2);
    assert!(!s.is_dirty());

    // Rename: the conflicting one comes in as "Dev (2)"; the saved Dev is untouched.
    let mut s_rename = store_with(&dir.path().join("r"), &[prod.clone(), dev.clone()]);
    let plan_r = transfer::plan_import(&s_rename, &incoming);
    let sum = transfer::apply_import(&mut s_rename, &plan_r, ConflictPolicy::Rename).unwrap();
    assert!(
        sum.renamed.contains(&("Dev".to_string(), "Dev (2)".to_string())),
        "{sum:?}"
    );
    assert_eq!(
        s_rename.get_by_name("Dev").unwrap().target.url,
        "https://dev.example.com"
    );
    assert_eq!(
        s_rename.get_by_name("Dev (2)").unwrap().target.url,
        "https://dev2.example.com"
    );
    assert_ne!(s_rename.get_by_name("Dev (2)").unwrap().id, dev.id);

    // Replace: the saved Dev gets the new settings and keeps its id (so its keyring secret).
    let mut s_replace = store_with(&dir.path().join("p"), &[prod.clone(), dev.clone()]);
    let plan_p = transfer::plan_import(&s_replace, &incoming);
    let sum = transfer::apply_import(&mut s_replace, &plan_p, ConflictPolicy::Replace).unwrap();
    assert_eq!(sum.replaced, ["Dev"]);
    let replaced = s_replace.get_by_name("Dev").unwrap();
    assert_eq!(
        (replaced.id.as_str(), replaced.target.url.as_str()),
        (dev.id.as_str(), "https://dev2.example.com")
    );

    // Skip: the saved Dev stays, the others are added.
    let mut s_skip = store_with(&dir.path().join("s"), &[prod, dev]);
    let plan_s = transfer::plan_import(&s_skip, &incoming);
    let sum = transfer::apply_import(&mut s_skip, &plan_s, ConflictPolicy::Skip).unwrap();
    assert_eq!(s_skip.get_by_name("Dev").unwrap().target.url, "https://dev.example.com");
    assert_eq!(sum.added.len(), 3);
}

#[test]
fn cli_export_import_refuses_conflicts_then_renames_or_replaces() {
    let a = Sandbox::new("transfer-a");
    let b = Sandbox::new("transfer-b");
    // Profiles written directly (no keyring needed): the CLI reads the same files.
    std::fs::create_dir_all(a.config_dir()).unwrap();
    store_with(
        &a.config_dir(),
        &[
            profile("Prod", "https://cr.example.com"),
            profile("Dev", "https://dev.example.com"),
        ],
    );
    store_with(&b.config_dir(), &[profile("Dev", "https://other-dev.example.com")]);
    let file = a.dir.path().join("export.json");
    let f = file.to_str().unwrap();

    let out = a.run(&["profiles", "export", f], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exported 2 profiles"));

    let out = b.run(&["profiles", "import", f], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("CONFLICT") && all.contains("nothing was imported") && all.contains("--rename"),
        "{all}"
    );
    assert_eq!(
        ProfileStore::open(&b.config_dir()).unwrap().0.list().len(),
        1,
        "nothing imported"
    );

    let out = b.run(&["profiles", "import", f, "--dry-run", "--rename"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        ProfileStore::open(&b.config_dir()).unwrap().0.list().len(),
        1,
        "dry run"
    );

    let out = b.run(&["profiles", "import", f, "--rename"], "");
    assert!(out.status.success(), "{}", text(&out));
    let s = ProfileStore::open(&b.config_dir()).unwrap().0;
    assert_eq!(
        s.get_by_name("Dev").unwrap().target.url,
        "https://other-dev.example.com"
    );
    assert_eq!(s.get_by_name("Dev (2)").unwrap().target.url, "https://dev.example.com");
    assert!(s.get_by_name("Prod").is_some());

    let out = b.run(&["profiles", "import", f, "--replace"], "");
    assert!(out.status.success(), "{}", text(&out));
    let s = ProfileStore::open(&b.config_dir()).unwrap().0;
    assert_eq!(s.get_by_name("Dev").unwrap().target.url, "https://dev.example.com");
    assert_eq!(s.list().len(), 3, "Prod unchanged, Dev replaced, Dev (2) kept");

    let out = b.run(&["profiles", "import", "/nonexistent/file.json"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));

    let out = b.run(&["profiles", "list"], "");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("NAME") && listing.contains("Dev (2)") && listing.contains("never tested"),
        "{listing}"
    );
}
