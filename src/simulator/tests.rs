use super::*;
use crate::event::{decode_line, DecodeContext, EventWriter, Level, Timestamp};
use std::collections::{HashMap, HashSet};

fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        start: Timestamp::parse("2026-11-24T00:00:00Z").unwrap(),
        rate: 1000.0,
    }
}

fn generate(seed: u64, n: usize) -> Vec<SimEvent> {
    let mut sim = Simulator::new(&config(seed));
    (0..n)
        .map(|_| {
            let mut e = SimEvent::default();
            sim.next_into(&mut e);
            e
        })
        .collect()
}

#[test]
fn same_seed_same_bytes() {
    let encode = |events: &[SimEvent]| {
        let mut w = EventWriter::default();
        let mut out = Vec::new();
        events.iter().for_each(|e| e.write_json(&mut w, &mut out));
        out
    };
    assert_eq!(encode(&generate(7, 5000)), encode(&generate(7, 5000)));
    assert_ne!(encode(&generate(7, 500)), encode(&generate(8, 500)));
}

#[test]
fn direct_json_equals_the_event_model_encoding() {
    let mut w = EventWriter::default();
    for e in generate(3, 20_000) {
        let mut direct = Vec::new();
        e.write_json(&mut w, &mut direct);
        let model = e.to_log_event();
        assert_eq!(
            String::from_utf8(direct.clone()).unwrap(),
            format!("{}\n", model.to_json())
        );
        assert_eq!(decode_line(&direct, &DecodeContext::now()), model);
    }
}

#[test]
fn realistic_mix() {
    let events = generate(11, 200_000);
    let services: HashSet<_> = events.iter().map(|e| e.service).collect();
    assert!(services.len() >= 8, "{services:?}");
    let mut levels: HashMap<Level, usize> = HashMap::new();
    for e in &events {
        *levels.entry(e.level).or_default() += 1;
    }
    let share = |l| levels.get(&l).copied().unwrap_or(0) as f64 / events.len() as f64;
    assert!(share(Level::Info) > 0.4, "{levels:?}");
    assert!(
        share(Level::Error) > 0.001 && share(Level::Error) < 0.2,
        "{levels:?}"
    );
    assert!(share(Level::Warn) > 0.01, "{levels:?}");
    assert!(share(Level::Debug) > 0.01, "{levels:?}");
    // Requests share one trace id across services.
    let mut by_trace: HashMap<u128, HashSet<&str>> = HashMap::new();
    for e in &events {
        if let Some(t) = e.trace_id {
            by_trace.entry(t).or_default().insert(e.service);
        }
    }
    assert!(by_trace.values().filter(|s| s.len() >= 3).count() > 1000);
    assert!(
        events.iter().any(|e| e.message.contains("\n\tat ")),
        "stack traces"
    );
    assert!(events.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    let span = events.last().unwrap().timestamp.micros() - events[0].timestamp.micros();
    // 200k events at a nominal 1000/s, a little faster during bursts.
    assert!(span > 120_000_000 && span < 260_000_000, "{span}");
}

#[test]
fn a_reused_event_is_filled_exactly_like_a_new_one() {
    let mut reused = crate::event::LogEvent {
        unparsed: true,
        ..Default::default()
    };
    reused.fields.insert("left over".into(), "x".into());
    for e in generate(5, 20_000) {
        e.fill(&mut reused);
        assert_eq!(reused, e.to_log_event());
    }
}

#[test]
fn records_handed_back_are_filled_again_with_the_same_events() {
    use crate::pipeline::Source;
    let span = source::Span {
        count: Some(5_000),
        duration_micros: None,
    };
    let mut recycling = SimulatorSource::new(config(9), None, span);
    let mut fresh = SimulatorSource::new(config(9), None, span);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut seen = 0;
    loop {
        let ended = recycling.pull(&mut a, 1024).unwrap();
        fresh.pull(&mut b, 1024).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((&x.event, x.offset, x.bytes), (&y.event, y.offset, y.bytes));
            assert_eq!((&*x.stream, x.skipped), (&*y.stream, false));
        }
        seen += a.len();
        // Some records kept by the sink, the rest handed back, marked as a filter would.
        a.iter_mut().step_by(3).for_each(|r| r.skipped = true);
        if seen % 2 == 0 {
            a.truncate(a.len() / 2);
        }
        recycling.recycle(&mut a);
        assert!(a.is_empty());
        b.clear();
        if ended == crate::pipeline::Pull::Ended {
            break;
        }
    }
    assert_eq!(seen, 5_000);
}
