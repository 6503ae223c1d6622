//! Figures for the column store (issue 12) at a scale criterion cannot take: N simulated
//! events written the way ingest would (a commit every 200,000 events, about one second at
//! the goal's rate; full blocks sealed on a second thread), then the bytes on disk and the
//! latency of the queries
//! `scripts/bench-store` times, in-process (median of 5).
//!
//! usage: cargo run --release --example column_store_figures [N]   (default 1000000)

use logagg::backend::embedded::columns::{ColumnReader, ColumnWriter};
use logagg::backend::embedded::Order;
use logagg::event::{Position, Timestamp};
use logagg::query::{parse, Query};
use logagg::simulator::{SimConfig, SimEvent, Simulator};
use std::io::Write;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    match figures() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // Read by `head`: the reader has what it wanted.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn figures() -> anyhow::Result<()> {
    let n: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let out = std::cell::RefCell::new(std::io::stdout().lock());
    let dir = tempfile::tempdir()?;
    let mut sim = Simulator::new(&SimConfig {
        seed: 1,
        start: Timestamp::parse("2026-11-24T00:00:00Z")
            .ok_or_else(|| anyhow::anyhow!("bad start"))?,
        rate: 1000.0,
    });
    let mut event = SimEvent::default();
    let mut log_event = event.to_log_event();
    let started = Instant::now();
    let mut writer = ColumnWriter::open(dir.path())?;
    for offset in 0..n {
        sim.next_into(&mut event);
        let position = Position {
            stream: "simulate",
            offset,
        };
        event.fill(&mut log_event);
        writer.append(&log_event, Some(&position))?;
        if (offset + 1) % 200_000 == 0 {
            writer.commit()?;
        }
    }
    writer.commit()?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes: u64 = std::fs::read_dir(dir.path().join("parts"))?
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    writeln!(
        out.borrow_mut(),
        "{n} events: ingest {:.0} events/s (simulating included), {:.1} bytes per event",
        n as f64 / seconds,
        bytes as f64 / n as f64
    )?;
    let reader = ColumnReader::open(dir.path())?;
    let timed = |name: &str, run: &dyn Fn() -> anyhow::Result<u64>| -> anyhow::Result<()> {
        let mut times = Vec::new();
        let mut answer = 0;
        for _ in 0..5 {
            let began = Instant::now();
            answer = run()?;
            times.push(began.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        writeln!(out.borrow_mut(), "{name}: {:.2} ms ({answer})", times[2])?;
        Ok(())
    };
    let now = Timestamp::now();
    timed("total count", &|| Ok(reader.count(&Query::All)?))?;
    timed("count by service", &|| {
        Ok(reader
            .count_by(&Query::All, &logagg::query::Target::Service)?
            .len() as u64)
    })?;
    let selective = parse("service:auth AND level:error", now)?;
    timed("service:auth AND level:error newest 100", &|| {
        Ok(reader
            .search(&selective, Order::NewestFirst, Some(100))?
            .len() as u64)
    })?;
    for text in [
        "service:auth AND level:error",
        "\"connection refused\"",
        "\"circuit breaker open\"",
        "latency_ms:[100 TO 500]",
        "message:/time(d)? ?out/",
    ] {
        let query = parse(text, now)?;
        timed(&format!("{text} count"), &|| Ok(reader.count(&query)?))?;
    }
    Ok(())
}
