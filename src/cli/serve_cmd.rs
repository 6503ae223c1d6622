//! `logagg serve`: the embedded store's HTTP API (`serve_api.rs`). Connections are held by
//! an async server (HTTP/1.1, keep-alive), each request's query runs on one of `--threads`
//! workers sharing one reader, which stays open between requests and moves to the store's
//! last commit before each one, so a writer (`ship`, `simulate`, `ingest`) may run beside it.
//!
//! What one client can cost is bounded: at most `--max-connections` connections (more are
//! answered 503 and closed), a connection that sends no complete request head within
//! `IDLE` is closed, a query that runs past `--timeout` is stopped and answered 503, and a
//! query whose client went away is stopped at its next block. `/health` never waits for a
//! worker. Ctrl-C or SIGTERM stops it within a fraction of a second, queries included.

use super::args::ServeArgs;
use super::serve_access::Access;
use super::serve_api::{self, Limits, Reply};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::store_warnings::DamageReport;
use super::Outcome;
use crate::backend::embedded::columns::interruptible;
use crate::backend::embedded::StoreReader;
use crate::event::Timestamp;
use crate::query::time::parse_duration;
use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a connection may take to send a request's head (and how long an idle
/// keep-alive connection is kept).
const IDLE: Duration = Duration::from_secs(10);
/// How often the server looks whether it was asked to stop.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// What the request handlers share.
struct Shared {
    reader: StoreReader,
    limits: Limits,
    /// One permit per worker: a query waits for one.
    workers: Semaphore,
    timeout: Duration,
    damage: Mutex<DamageReport>,
    /// The stop flags of the queries running, raised all at once on shutdown.
    running: Mutex<Vec<Arc<AtomicBool>>>,
    access: Access,
}

pub fn run(args: &ServeArgs, settings: &Settings) -> Result<Outcome> {
    let addr: SocketAddr = args.listen.parse().with_context(|| {
        format!(
            "--listen '{}' is not an address such as 127.0.0.1:9471",
            args.listen
        )
    })?;
    let timeout = parse_duration(&args.timeout)
        .filter(|t| !t.is_zero())
        .ok_or_else(|| anyhow!("--timeout '{}' is not a duration such as 30s", args.timeout))?;
    let access = Access::from_args(args, addr)?;
    let head_bytes = super::settings::parse_size("--head-cache", &args.head_cache)?;
    let reader = StoreReader::open_keeping_heads(
        &settings.data_dir,
        usize::try_from(head_bytes).unwrap_or(usize::MAX),
    )?;
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        anyhow!("cannot listen on {addr}: {e}; pick another --listen (port 0 picks a free one)")
    })?;
    listener
        .set_nonblocking(true)
        .context("cannot set up the listening socket")?;
    let bound = listener.local_addr().unwrap_or(addr);
    if !bound.ip().is_loopback() && !access.has_token() {
        eprintln!(
            "warning: serving on {bound}, which other hosts can reach, with no token (--no-auth): anyone who can reach it reads the whole store"
        );
    }
    let shutdown = Shutdown::install()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .clamp(1, 64);
    let shared = Arc::new(Shared {
        reader,
        limits: Limits {
            max_events: args.max_events.max(1),
        },
        workers: Semaphore::new(threads),
        timeout,
        damage: Mutex::new(DamageReport::default()),
        running: Mutex::new(Vec::new()),
        access,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(threads)
        .thread_name("serve")
        .enable_all()
        .build()
        .context("cannot start the server's threads")?;
    writeln!(std::io::stdout(),
        "serving the store at {} on {}://{bound} (GET /api/v1/query, /api/v1/count, /api/v1/count_by, /health); Ctrl-C stops",
        settings.data_dir.display(),
        shared.access.scheme()
    )?;
    use std::io::Write;
    std::io::stdout().flush()?;
    let connections = args.max_connections.max(1);
    runtime.block_on(accept_until_stopped(
        listener,
        shared.clone(),
        connections,
        shutdown,
    ))?;
    // Queries still running stop at their next block; nobody waits for their answers.
    stop_all(&shared);
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(Outcome::Done)
}

async fn accept_until_stopped(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    connections: usize,
    shutdown: Shutdown,
) -> Result<()> {
    let listener =
        tokio::net::TcpListener::from_std(listener).context("cannot take connections")?;
    let open = Arc::new(Semaphore::new(connections));
    let mut tick = tokio::time::interval(STOP_CHECK);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors or the like: the next accept may do.
                Err(_) => {
                    tokio::time::sleep(STOP_CHECK).await;
                    continue;
                }
            },
            _ = tick.tick() => {
                if shutdown.requested() {
                    return Ok(());
                }
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            // A TLS client could not read a plain answer: it is only closed.
            if shared.access.tls.is_none() {
                tokio::spawn(refuse_busy(stream, connections));
            }
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            match shared.access.tls.clone() {
                Some(tls) => {
                    // A handshake that does not finish in time holds no connection.
                    if let Ok(Ok(stream)) = tokio::time::timeout(IDLE, tls.accept(stream)).await {
                        serve_connection(stream, shared).await;
                    }
                }
                None => serve_connection(stream, shared).await,
            }
            drop(permit);
        });
    }
}

async fn serve_connection<IO>(stream: IO, shared: Arc<Shared>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| {
        let shared = shared.clone();
        async move { Ok::<_, std::convert::Infallible>(respond(&shared, request).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(IDLE)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    // A client that goes away mid-request drops the request's future, which stops its
    // query (see `StopOnDrop`).
    let _ = connection.await;
}

/// Answers a connection over the limit with 503 and closes it. What the client sent is
/// read first (for a moment at most): closing a socket with unread bytes resets it, and
/// the client would see the reset instead of the answer.
async fn refuse_busy(mut stream: tokio::net::TcpStream, connections: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = serde_json::json!({
        "error": format!("the server holds {connections} connections already (its --max-connections); try again shortly")
    })
    .to_string();
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nRetry-After: 1\r\n\r\n{body}",
        body.len()
    );
    let answered = async {
        let mut head = [0u8; 4096];
        let _ = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut head)).await;
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await?;
        let mut rest = [0u8; 4096];
        while stream.read(&mut rest).await? > 0 {}
        Ok::<(), std::io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), answered).await;
}

/// A query's stop flag, known to the server while the query runs and raised when this is
/// dropped: when the answer is given up on (the client went away, or the time ran out) the
/// query stops at its next block.
struct Running {
    shared: Arc<Shared>,
    flag: Arc<AtomicBool>,
}

impl Running {
    fn start(shared: &Arc<Shared>) -> Running {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut running) = shared.running.lock() {
            running.push(flag.clone());
        }
        Running {
            shared: shared.clone(),
            flag,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.flag.store(true, Ordering::Relaxed);
        if let Ok(mut running) = self.shared.running.lock() {
            running.retain(|f| !Arc::ptr_eq(f, &self.flag));
        }
    }
}

async fn respond(shared: &Arc<Shared>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let url = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_string(),
        |p| p.as_str().to_string(),
    );
    let health = url == "/health" || url.starts_with("/health?");
    let authorization = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    let reply = if request.method() != hyper::Method::GET {
        Reply::error(405, "only GET is answered")
    } else if health {
        serve_api::answer_health(&url)
    } else if !shared.access.admits(authorization) {
        Reply::error(
            401,
            "this server needs a token: send Authorization: Bearer TOKEN (the token of its --token-file)",
        )
    } else {
        answer_query(shared, url).await
    };
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::OK);
    if let Ok(value) = hyper::header::HeaderValue::from_str(reply.content_type) {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    if reply.status == 401 {
        response.headers_mut().insert(
            hyper::header::WWW_AUTHENTICATE,
            hyper::header::HeaderValue::from_static("Bearer"),
        );
    }
    for warning in &reply.warnings {
        // RFC 7234's form: code, agent, quoted text (the text made header-safe).
        let text: String = warning
            .chars()
            .map(|c| {
                if c == '"' || c.is_control() || !c.is_ascii() {
                    '\''
                } else {
                    c
                }
            })
            .collect();
        if let Ok(value) = hyper::header::HeaderValue::from_str(&format!("199 logagg \"{text}\"")) {
            response.headers_mut().append(hyper::header::WARNING, value);
        }
    }
    response
}

async fn answer_query(shared: &Arc<Shared>, url: String) -> Reply {
    let running = Running::start(shared);
    let deadline = tokio::time::Instant::now() + shared.timeout;
    let too_long = || {
        Reply::error(
            503,
            &format!(
                "the query took longer than this server allows ({:?}, its --timeout) and was stopped; narrow it or its time range",
                shared.timeout
            ),
        )
    };
    let Ok(Ok(worker)) = tokio::time::timeout_at(deadline, shared.workers.acquire()).await else {
        return too_long();
    };
    let work = {
        let (shared, flag) = (shared.clone(), running.flag.clone());
        tokio::task::spawn_blocking(move || {
            interruptible(&flag, || {
                let reply = match shared.reader.refresh() {
                    Ok(()) => {
                        serve_api::answer(&shared.reader, &url, Timestamp::now(), shared.limits)
                    }
                    Err(e) => {
                        Reply::error(500, &format!("cannot read the store's last commit: {e}"))
                    }
                };
                if let Ok(mut report) = shared.damage.lock() {
                    report.say_new(&shared.reader);
                }
                reply
            })
        })
    };
    let reply = match tokio::time::timeout_at(deadline, work).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(_)) => Reply::error(500, "the query stopped unexpectedly"),
        Err(_) => too_long(),
    };
    drop(worker);
    reply
}

fn stop_all(shared: &Shared) {
    if let Ok(running) = shared.running.lock() {
        for flag in running.iter() {
            flag.store(true, Ordering::Relaxed);
        }
    }
}
