//! The connection layer: our own accept loop in front of `axum::serve`.
//!
//! Why not a plain `TcpListener`: two scenarios must break the connection itself (`reset`: a TCP
//! RST and no HTTP answer; `garbage`: bytes that are not HTTP), which a handler cannot do through
//! hyper. So each connection's I/O is wrapped in [`DemoIo`], and the handler reaches it through a
//! [`ConnInfo`] (axum's connect-info): it sets a [`Sabotage`], and when hyper writes the response
//! the wrapper resets the socket or writes the garbage instead. The accept loop also runs the TLS
//! handshakes, each in its own task so a stalled client does not hold up the others.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// What to do to a connection instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Sabotage {
    None = 0,
    Reset = 1,
    Garbage = 2,
}

/// Per-connection control shared by the I/O wrapper and the handlers.
#[derive(Debug, Default)]
pub(crate) struct ConnCtl {
    sabotage: AtomicU8,
}

impl ConnCtl {
    pub fn sabotage(&self, s: Sabotage) {
        self.sabotage.store(s as u8, Ordering::SeqCst);
    }

    fn get(&self) -> Sabotage {
        match self.sabotage.load(Ordering::SeqCst) {
            1 => Sabotage::Reset,
            2 => Sabotage::Garbage,
            _ => Sabotage::None,
        }
    }
}

/// The connect-info handlers receive.
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo {
    #[allow(dead_code)] // kept for debugging output
    pub peer: SocketAddr,
    pub ctl: Arc<ConnCtl>,
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, DemoListener>> for ConnInfo {
    fn connect_info(stream: axum::serve::IncomingStream<'_, DemoListener>) -> Self {
        stream.remote_addr().clone()
    }
}

enum Inner {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A client connection, plain or TLS, that can be sabotaged.
pub(crate) struct DemoIo {
    inner: Inner,
    ctl: Arc<ConnCtl>,
    garbage_sent: usize,
}

impl DemoIo {
    fn tcp(&self) -> &TcpStream {
        match &self.inner {
            Inner::Plain(s) => s,
            Inner::Tls(s) => s.get_ref().0,
        }
    }

    fn pin_inner(&mut self) -> Pin<&mut dyn AsyncWriteRead> {
        match &mut self.inner {
            Inner::Plain(s) => Pin::new(s),
            Inner::Tls(s) => Pin::new(s.as_mut()),
        }
    }
}

trait AsyncWriteRead: AsyncRead + AsyncWrite + Unpin {}
impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWriteRead for T {}

impl AsyncRead for DemoIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.pin_inner().poll_read(cx, buf)
    }
}

impl AsyncWrite for DemoIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.ctl.get() {
            Sabotage::None => self.pin_inner().poll_write(cx, buf),
            Sabotage::Reset => {
                // SO_LINGER 0: closing the socket (hyper drops it after this error) sends a RST.
                let _ = self.tcp().set_zero_linger();
                Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionReset, "demo: reset")))
            }
            Sabotage::Garbage => {
                while self.garbage_sent < super::pages::GARBAGE.len() {
                    let from = self.garbage_sent;
                    let n = ready!(self.pin_inner().poll_write(cx, &super::pages::GARBAGE[from..]))?;
                    if n == 0 {
                        break;
                    }
                    self.garbage_sent += n;
                }
                ready!(self.pin_inner().poll_flush(cx))?;
                // Make hyper drop the connection: the client sees the garbage, then end of stream.
                Poll::Ready(Err(io::Error::new(io::ErrorKind::BrokenPipe, "demo: garbage sent")))
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.pin_inner().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.pin_inner().poll_shutdown(cx)
    }
}

/// The listener `axum::serve` pulls connections from; an accept task fills it.
pub(crate) struct DemoListener {
    rx: mpsc::Receiver<(DemoIo, ConnInfo)>,
    local: SocketAddr,
}

impl axum::serve::Listener for DemoListener {
    type Io = DemoIo;
    type Addr = ConnInfo;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // The accept task ended (shutdown): never yield another connection.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnInfo {
            peer: self.local,
            ctl: Arc::default(),
        })
    }
}

/// How long a client may take to finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Start accepting on `tcp`; returns the listener for axum and the accept task.
pub(crate) fn start(
    tcp: TcpListener,
    tls: Option<TlsAcceptor>,
) -> io::Result<(DemoListener, tokio::task::JoinHandle<()>)> {
    let local = tcp.local_addr()?;
    let (tx, rx) = mpsc::channel(64);
    let task = tokio::spawn(async move {
        loop {
            let (stream, peer) = match tcp.accept().await {
                Ok(x) => x,
                Err(_) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let ctl = Arc::new(ConnCtl::default());
            let info = ConnInfo { peer, ctl: ctl.clone() };
            match &tls {
                None => {
                    let io = DemoIo {
                        inner: Inner::Plain(stream),
                        ctl,
                        garbage_sent: 0,
                    };
                    if tx.send((io, info)).await.is_err() {
                        return;
                    }
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        // A failed handshake (untrusted CA, plain HTTP on the TLS port) just closes.
                        if let Ok(Ok(s)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                            let io = DemoIo {
                                inner: Inner::Tls(Box::new(s)),
                                ctl,
                                garbage_sent: 0,
                            };
                            let _ = tx.send((io, info)).await;
                        }
                    });
                }
            }
        }
    });
    Ok((DemoListener { rx, local }, task))
}
