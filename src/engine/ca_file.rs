//! Reading a file named by the user or by a shared profile (a CA file, an import) without
//! trusting it: only a regular file, at most a given size, read on a thread of its own with a
//! time limit. A FIFO would block `open` forever, `/dev/zero` would be read until memory runs out,
//! and a file on a stalled network share would hang the check past its timeout and past Ctrl-C.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// A CA file is a few kilobytes; a bundle of every public root is about 250 kB.
pub const CA_FILE_MAX_BYTES: u64 = 1024 * 1024;
/// How long reading a local file may take.
pub const READ_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a file was not read. The words are about the input (this file), never the network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileProblem {
    #[error("it cannot be read: {0}")]
    Unreadable(String),
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("it is {} large, more than the {} a file of this kind can have", size_words(*.size), size_words(*.max))]
    TooLarge { size: u64, max: u64 },
    #[error("reading it took longer than {} s (a file on a network share that does not answer?)", .0.as_secs())]
    Timeout(Duration),
}

fn size_words(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(unix)]
fn kind_of(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a device (such as /dev/zero)"
    } else if t.is_block_device() {
        "a disk device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_dir() { "a directory" } else { "a special file" }
}

/// Read `path` if it is a regular file of at most `max` bytes, within `timeout`. The checks use
/// the file's metadata (which never blocks on a FIFO); the read runs on a detached thread, so a
/// read that hangs is abandoned, not waited for.
pub fn read_limited(path: &Path, max: u64, timeout: Duration) -> Result<Vec<u8>, FileProblem> {
    read_checked(path, max, timeout, false)
}

/// [`read_limited`], but a pipe is read too (`profiles import <(curl …)` gives one): still at
/// most `max` bytes, within `timeout`; directories, devices and sockets are refused.
pub fn read_limited_or_pipe(path: &Path, max: u64, timeout: Duration) -> Result<Vec<u8>, FileProblem> {
    read_checked(path, max, timeout, true)
}

#[cfg(unix)]
fn is_pipe(t: std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    t.is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_: std::fs::FileType) -> bool {
    false
}

fn read_checked(path: &Path, max: u64, timeout: Duration, pipe_ok: bool) -> Result<Vec<u8>, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    let pipe = pipe_ok && is_pipe(meta.file_type());
    if !meta.file_type().is_file() && !pipe {
        return Err(FileProblem::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > max {
        return Err(FileProblem::TooLarge { size: meta.len(), max });
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    let spawned = std::thread::Builder::new().name("read-file".into()).spawn(move || {
        let read = || -> Result<Vec<u8>, FileProblem> {
            let file = std::fs::File::open(&owned).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
            // The file may have been swapped or grown since its metadata was read.
            let t = file
                .metadata()
                .map_err(|e| FileProblem::Unreadable(e.to_string()))?
                .file_type();
            if !(t.is_file() || pipe && is_pipe(t)) {
                return Err(FileProblem::NotRegular("not a regular file any more"));
            }
            let mut bytes = Vec::new();
            file.take(max + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| FileProblem::Unreadable(e.to_string()))?;
            if bytes.len() as u64 > max {
                return Err(FileProblem::TooLarge {
                    size: bytes.len() as u64,
                    max,
                });
            }
            Ok(bytes)
        };
        let _ = tx.send(read());
    });
    if let Err(e) = spawned {
        return Err(FileProblem::Unreadable(e.to_string()));
    }
    match rx.recv_timeout(timeout) {
        Ok(r) => r,
        Err(_) => Err(FileProblem::Timeout(timeout)),
    }
}

/// The bytes of a CA file: [`read_limited`] with [`CA_FILE_MAX_BYTES`] and [`READ_TIMEOUT`], the
/// problem in words that name the file.
pub fn read_ca_file(path: &Path) -> Result<Vec<u8>, String> {
    read_limited(path, CA_FILE_MAX_BYTES, READ_TIMEOUT).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_regular_small_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, b"-----BEGIN CERTIFICATE-----").unwrap();
        assert_eq!(read_ca_file(&p).unwrap(), b"-----BEGIN CERTIFICATE-----");
    }

    #[test]
    fn directories_devices_and_large_files_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        assert_eq!(
            read_limited(dir.path(), 10, READ_TIMEOUT),
            Err(FileProblem::NotRegular("a directory"))
        );
        #[cfg(unix)]
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 10, READ_TIMEOUT),
            Err(FileProblem::NotRegular(k)) if k.contains("device")
        ));
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let e = read_limited(&big, 1024, READ_TIMEOUT).unwrap_err();
        assert_eq!(e, FileProblem::TooLarge { size: 2048, max: 1024 });
        assert_eq!(
            e.to_string(),
            "it is 2 KiB large, more than the 1 KiB a file of this kind can have"
        );
        assert!(matches!(
            read_limited(&dir.path().join("missing"), 10, READ_TIMEOUT),
            Err(FileProblem::Unreadable(_))
        ));
        assert!(start.elapsed() < Duration::from_secs(2));
    }
}
