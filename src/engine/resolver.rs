//! Name resolution that never holds the process. The system resolver (`getaddrinfo`) is a
//! blocking call with its own retries (10 s with glibc's defaults against a DNS server that never
//! answers, 60 s with `options timeout:20`), and tokio's `lookup_host` runs it on the runtime's
//! blocking pool, which the runtime waits for when it shuts down: the check ended on time, but the
//! process did not. Here each lookup runs on a detached thread of its own and the caller waits
//! only until its deadline (or until it is dropped, e.g. on Ctrl-C); a stuck lookup is abandoned
//! and ends with the process.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Instant;

/// Resolve `host:port` with the system resolver, giving up at `deadline` (`None`: wait until the
/// caller stops waiting, e.g. reqwest's own request timeout). A deadline that passes gives
/// [`io::ErrorKind::TimedOut`].
pub async fn lookup(host: &str, port: u16, deadline: Option<Instant>) -> io::Result<Vec<SocketAddr>> {
    let host = host.to_string();
    lookup_with(
        move || (host.as_str(), port).to_socket_addrs().map(Iterator::collect),
        deadline,
    )
    .await
}

/// [`lookup`] with any blocking resolver (tests use one that never returns).
pub async fn lookup_with(
    resolve: impl FnOnce() -> io::Result<Vec<SocketAddr>> + Send + 'static,
    deadline: Option<Instant>,
) -> io::Result<Vec<SocketAddr>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new().name("resolve".into()).spawn(move || {
        // Nobody waiting any more (deadline passed, check cancelled) is fine.
        let _ = tx.send(resolve());
    })?;
    let answer = async {
        rx.await
            .unwrap_or_else(|_| Err(io::Error::other("the name lookup ended without an answer")))
    };
    match deadline {
        None => answer.await,
        Some(d) => match tokio::time::timeout_at(d.into(), answer).await {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the name lookup did not finish in time",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A resolver that never answers (what a DNS server that drops every query looks like from
    /// here): the lookup ends at its deadline, and the runtime shuts down at once afterwards.
    #[test]
    fn a_stuck_resolver_neither_passes_the_deadline_nor_holds_the_runtime() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (_keep, blocked) = std::sync::mpsc::channel::<()>();
        let start = Instant::now();
        let r = rt.block_on(lookup_with(
            move || {
                let _ = blocked.recv();
                Ok(Vec::new())
            },
            Some(Instant::now() + Duration::from_millis(300)),
        ));
        let took = start.elapsed();
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(2),
            "{took:?}"
        );
        let start = Instant::now();
        drop(rt);
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "dropping the runtime waited for the stuck lookup: {:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_working_resolver_answers() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let addrs = rt
            .block_on(lookup("127.0.0.1", 8080, Some(Instant::now() + Duration::from_secs(5))))
            .unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:8080".parse().unwrap()]);
    }
}
