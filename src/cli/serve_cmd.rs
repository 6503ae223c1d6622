//! `logagg serve`: the embedded store's HTTP API (`serve_api.rs`), answered by a few threads
//! sharing one reader until Ctrl-C or SIGTERM. The reader stays open between requests and
//! moves to the store's last commit before each one, so a writer (`ship`, `simulate`,
//! `ingest`) may run beside it.

use super::args::ServeArgs;
use super::serve_api::{self, Limits, Reply};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::store_warnings::DamageReport;
use super::Outcome;
use crate::backend::embedded::StoreReader;
use crate::event::Timestamp;
use anyhow::{anyhow, Context, Result};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

/// How often an idle thread looks whether it was asked to stop.
const STOP_CHECK: Duration = Duration::from_millis(200);

pub fn run(args: &ServeArgs, settings: &Settings) -> Result<Outcome> {
    let addr: SocketAddr = args.listen.parse().with_context(|| {
        format!(
            "--listen '{}' is not an address such as 127.0.0.1:9471",
            args.listen
        )
    })?;
    let head_bytes = super::settings::parse_size("--head-cache", &args.head_cache)?;
    let reader = StoreReader::open_keeping_heads(
        &settings.data_dir,
        usize::try_from(head_bytes).unwrap_or(usize::MAX),
    )?;
    let server = tiny_http::Server::http(addr).map_err(|e| {
        anyhow!("cannot listen on {addr}: {e}; pick another --listen (port 0 picks a free one)")
    })?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
    let shutdown = Shutdown::install()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .clamp(1, 64);
    println!(
        "serving the store at {} on http://{bound} (GET /api/v1/query, /api/v1/count, /api/v1/count_by, /health); Ctrl-C stops",
        settings.data_dir.display()
    );
    use std::io::Write;
    std::io::stdout().flush()?;
    let limits = Limits {
        max_events: args.max_events.max(1),
    };
    let damage = Mutex::new(DamageReport::default());
    let stopped = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| answer_until_stopped(&server, &reader, limits, &shutdown, &damage))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(anyhow!("a thread answering requests stopped")))
            })
            .collect::<Result<Vec<()>>>()
    });
    stopped?;
    Ok(Outcome::Done)
}

fn answer_until_stopped(
    server: &tiny_http::Server,
    reader: &StoreReader,
    limits: Limits,
    shutdown: &Shutdown,
    damage: &Mutex<DamageReport>,
) -> Result<()> {
    while !shutdown.requested() {
        let request = match server.recv_timeout(STOP_CHECK) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(e) => return Err(anyhow!("cannot take requests any more: {e}")),
        };
        let reply = reply_to(&request, reader, limits);
        if let Ok(mut report) = damage.lock() {
            report.say_new(reader);
        }
        let mut response =
            tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        if let Ok(header) =
            tiny_http::Header::from_bytes(&b"Content-Type"[..], reply.content_type.as_bytes())
        {
            response.add_header(header);
        }
        // A client that went away before its answer is its own business.
        let _ = request.respond(response);
    }
    Ok(())
}

fn reply_to(request: &tiny_http::Request, reader: &StoreReader, limits: Limits) -> Reply {
    if *request.method() != tiny_http::Method::Get {
        return Reply::error(405, "only GET is answered");
    }
    if let Err(e) = reader.refresh() {
        return Reply::error(500, &format!("cannot read the store's last commit: {e}"));
    }
    serve_api::answer(reader, request.url(), Timestamp::now(), limits)
}
