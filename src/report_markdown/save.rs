//! Where a report is written and how: both files (JSON and Markdown) atomically, only as
//! regular files, checked before any login is sent (issue 13).

use super::render;
use crate::report::Report;
use std::path::{Path, PathBuf};

/// Why a report could not be saved.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the report to {}: {source}", path.display())]
pub struct SaveReportError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The two file names of a report saved to `dir_or_path`:
/// - an existing directory (or a path ending in a separator): `aa-conntest-<host>-<time>.json`
///   and `.md` inside it;
/// - a file path (`x.json`, `x.md` or `x`): `x.json` and `x.md`.
pub fn report_paths(dir_or_path: &Path, r: &Report) -> (PathBuf, PathBuf) {
    let as_text = dir_or_path.to_string_lossy();
    let is_dir = dir_or_path.is_dir() || as_text.ends_with('/') || as_text.ends_with(std::path::MAIN_SEPARATOR);
    let stem_path = if is_dir {
        dir_or_path.join(default_file_stem(r))
    } else {
        match dir_or_path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "json" || e == "md" || e == "markdown" => dir_or_path.with_extension(""),
            _ => dir_or_path.to_path_buf(),
        }
    };
    let with = |ext: &str| {
        let mut s = stem_path.clone().into_os_string();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    };
    (with("json"), with("md"))
}

/// `aa-conntest-<host>-<YYYYMMDD-HHMMSS>`.
pub fn default_file_stem(r: &Report) -> String {
    let host = r
        .target
        .base_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "report".into());
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stamp: String = r
        .started_at
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .take(15)
        .collect::<String>()
        .replace('T', "-");
    format!("aa-conntest-{host}-{stamp}")
}

/// What is at `path`, when it is neither missing, nor a regular file, nor a directory.
fn special_kind(path: &Path) -> Option<&'static str> {
    let meta = std::fs::metadata(path).ok()?;
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Whether a report can be saved at `dir_or_path` (a directory, or a file name for `x.json` and
/// `x.md`): only regular files are ever written, so a device (`/dev/full`), a FIFO or a socket is
/// refused, and so is a `.json`/`.md` name that is one. Checked before the check runs.
pub fn check_report_path(dir_or_path: &Path) -> Result<(), String> {
    if dir_or_path.as_os_str().is_empty() {
        return Err("no path was given".into());
    }
    if let Some(kind) = special_kind(dir_or_path) {
        return Err(format!(
            "{} is {kind}, not a directory or a file name; the report is written as two regular files, NAME.json \
             and NAME.md",
            dir_or_path.display()
        ));
    }
    if dir_or_path.is_dir() {
        return Ok(());
    }
    let stem = match dir_or_path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(e) if e == "json" || e == "md" || e == "markdown" => dir_or_path.with_extension(""),
        _ => dir_or_path.to_path_buf(),
    };
    for ext in ["json", "md"] {
        let mut p = stem.clone().into_os_string();
        p.push(".");
        p.push(ext);
        let p = PathBuf::from(p);
        if let Some(kind) = special_kind(&p) {
            return Err(format!("{} is {kind}, not a regular file", p.display()));
        }
        if p.is_dir() {
            return Err(format!("{} is a directory, not a file name", p.display()));
        }
    }
    Ok(())
}

/// Write the JSON report and its Markdown next to each other, atomically; returns both paths.
/// Only regular files are written (see [`check_report_path`]).
/// Blocking: the window calls it off the UI thread with the path from its save dialog.
pub fn save_report(dir_or_path: &Path, r: &Report) -> Result<(PathBuf, PathBuf), SaveReportError> {
    check_report_path(dir_or_path).map_err(|msg| SaveReportError {
        path: dir_or_path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, msg),
    })?;
    let (json_path, md_path) = report_paths(dir_or_path, r);
    for p in [&json_path, &md_path] {
        if let Some(kind) = special_kind(p).or_else(|| p.is_dir().then_some("a directory")) {
            return Err(SaveReportError {
                path: p.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("it is {kind}, not a regular file"),
                ),
            });
        }
    }
    let mut json = r.to_json();
    json.push('\n');
    for (path, text) in [(&json_path, json), (&md_path, render(r))] {
        crate::profiles::write_atomically(path, text.as_bytes()).map_err(|source| SaveReportError {
            path: path.clone(),
            source,
        })?;
    }
    Ok((json_path, md_path))
}
