//! Operating-system and HTTP-stack failures in words, for the step errors a person reads. The raw
//! text (`Connection reset by peer (os error 104)`, `client error (SendRequest)`) is kept beside the
//! words as the step's technical details, never instead of them.

use crate::transcript::{ResetPhase, StepError};
use std::io::ErrorKind;

/// `EHOSTDOWN`, `EADDRNOTAVAIL` and the like, which std has no kind for: no way to the address,
/// like `EHOSTUNREACH`.
#[cfg(target_os = "linux")]
const UNREACHABLE_OS_CODES: &[i32] = &[112, 99];
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const UNREACHABLE_OS_CODES: &[i32] = &[64, 65, 49];
#[cfg(windows)]
const UNREACHABLE_OS_CODES: &[i32] = &[10064, 10065, 10051, 10050, 10049];
#[cfg(not(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    windows
)))]
const UNREACHABLE_OS_CODES: &[i32] = &[];

/// What an I/O error means, in words.
pub fn io_words(e: &std::io::Error) -> &'static str {
    match e.kind() {
        ErrorKind::ConnectionReset => "the other side reset the connection",
        ErrorKind::ConnectionAborted => "the connection was aborted",
        ErrorKind::BrokenPipe => "the other side had already closed the connection",
        ErrorKind::UnexpectedEof => "the other side closed the connection",
        ErrorKind::ConnectionRefused => "the connection was refused",
        ErrorKind::TimedOut => "no answer in time",
        ErrorKind::HostUnreachable => "there is no route to the host",
        ErrorKind::NetworkUnreachable => "the network is unreachable",
        ErrorKind::NetworkDown => "the network is down",
        ErrorKind::AddrNotAvailable => "this computer has no address to connect from",
        ErrorKind::PermissionDenied => "this computer refused to send it (a local firewall or security software)",
        ErrorKind::NotFound => "the file does not exist",
        ErrorKind::IsADirectory => "it is a folder, not a file",
        ErrorKind::InvalidData => "its content cannot be read",
        ErrorKind::Interrupted => "the operation was interrupted",
        ErrorKind::OutOfMemory => "this computer ran out of memory",
        _ => "the operating system reported an error (see the technical details)",
    }
}

/// The address cannot be reached at all (no route, network down, blocked locally): the errors
/// `net.unreachable` is for.
pub fn is_unreachable(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable
            | ErrorKind::PermissionDenied
    ) || e.raw_os_error().is_some_and(|c| UNREACHABLE_OS_CODES.contains(&c))
}

/// The connection was cut: reset, broken pipe, or closed before an answer.
pub fn is_cut(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof
    )
}

/// The step error for an I/O failure on a connection, in `phase`.
pub fn io_error(e: &std::io::Error, addr: &str, phase: ResetPhase, raw: String) -> StepError {
    if is_cut(e) {
        return StepError::Reset {
            phase,
            orderly: e.kind() == ErrorKind::UnexpectedEof,
            detail: raw,
        };
    }
    if is_unreachable(e) {
        return StepError::Unreachable {
            addr: addr.to_string(),
            reason: io_words(e).to_string(),
            detail: raw,
        };
    }
    StepError::Network {
        reason: io_words(e).to_string(),
        detail: raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_and_missing_routes_are_told_apart() {
        let err = |k: ErrorKind| std::io::Error::new(k, "x");
        for k in [
            ErrorKind::ConnectionReset,
            ErrorKind::BrokenPipe,
            ErrorKind::UnexpectedEof,
            ErrorKind::ConnectionAborted,
        ] {
            assert!(matches!(
                io_error(&err(k), "1.2.3.4:443", ResetPhase::AfterRequest, "raw".into()),
                StepError::Reset { .. }
            ));
        }
        for k in [
            ErrorKind::HostUnreachable,
            ErrorKind::NetworkUnreachable,
            ErrorKind::NetworkDown,
        ] {
            assert!(matches!(
                io_error(&err(k), "1.2.3.4:443", ResetPhase::Connect, "raw".into()),
                StepError::Unreachable { .. }
            ));
        }
        assert!(matches!(
            io_error(&err(ErrorKind::Other), "a", ResetPhase::Connect, "raw".into()),
            StepError::Network { .. }
        ));
        #[cfg(target_os = "linux")]
        {
            // EHOSTUNREACH and ENETUNREACH as the OS reports them.
            for code in [113, 101] {
                assert!(is_unreachable(&std::io::Error::from_raw_os_error(code)), "{code}");
            }
            // ECONNRESET and EPIPE are cuts, never "unreachable".
            for code in [104, 32] {
                let e = std::io::Error::from_raw_os_error(code);
                assert!(is_cut(&e) && !is_unreachable(&e), "{code}");
            }
        }
    }
}
