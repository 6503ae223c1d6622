//! Random queries of the language (proptest strategies), shared by the store-vs-predicate
//! unit test (`src/backend/embedded/tests.rs` includes this file) and the three-way
//! agreement test against a real engine (`tests/query_agreement.rs`).
#![allow(dead_code)]

use proptest::prelude::*;

pub const WORDS: &[&str] = &[
    "connection",
    "refused",
    "Connection",
    "Timeout",
    "timed",
    "out",
    "timeout",
    "time",
    "user",
    "u42",
    "GET",
    "api",
    "500",
    "ERROR",
    "ok",
    "Ünïcode",
    "payments",
    "conn",
    "connect",
];
pub const SERVICES: &[&str] = &["auth", "payments", "api-gateway", "Auth", "db"];
pub const HOSTS: &[&str] = &["web-1", "canary-auth-1", "db-2", "web-10"];
/// Short ids and long ones that share their first characters: the store indexes only a
/// trace id's prefix, so lookups must still tell these apart.
pub const TRACE_IDS: &[&str] = &["t1", "t2", "4bf92f3577b34da6", "4bf92f35", "4bf9", "4bf"];

pub const LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "fatal"];

/// One clause. `relative_times` adds `now-…` ranges, which only a test that controls
/// "now" on every side can compare.
pub fn arb_leaf(relative_times: bool) -> impl Strategy<Value = String> {
    let level = prop::sample::select(LEVELS);
    let mut fixed = vec![
        "code:500",
        "code:ok",
        "code:\"a b\"",
        "code:>m",
        "code:[a TO n]",
        "code:5*",
        "cached:true",
        "tags:eu",
        "user.id:u42",
        "fields.user.id:u*",
        "status:\"500\"",
        "latency_ms:*",
        "missing:*",
        "trace_id:*",
        "trace_id:t1",
        "trace_id:4bf92f35",
        "trace_id:4bf",
        "trace_id:4bf9*",
        "trace_id:4bf92f3*",
        "trace_id:4b?9*",
        "trace_id:*6",
        "trace_id:[4bf92 TO 4bf93]",
        "code:/^a/",
        "message:/time(d)? ?out/",
        "/Timed? out/",
        "/(?i)TIMEOUT/",
        "/ed ou/",
        "/^[a-z]+[,:] /",
        "/connection (refused|reset)/",
        "/onn/",
        "/i42 5/",
        "/Ü/",
        "*",
        "message:\"...\"",
        "@timestamp:[2026-11-24T11:30:00Z TO 2026-11-24T11:45:00Z]",
    ];
    if relative_times {
        fixed.extend(["@timestamp:>now-30m", "@timestamp:[now-1h TO now-10m}"]);
    }
    prop_oneof![
        prop::sample::select(SERVICES).prop_map(|s| format!("service:{s}")),
        prop::sample::select(vec![
            "service:pay*",
            "service:[b TO p]",
            "host:canary*",
            "host:web-?"
        ])
        .prop_map(str::to_string),
        level.clone().prop_map(|l| format!("level:{l}")),
        (
            prop::sample::select(vec![">", ">=", "<", "<="]),
            level.clone()
        )
            .prop_map(|(op, l)| format!("level:{op}{l}")),
        // Ranges are written low end first: a reversed one is refused as a query error.
        (0..LEVELS.len(), 0..LEVELS.len())
            .prop_map(|(a, b)| { format!("level:[{} TO {}]", LEVELS[a.min(b)], LEVELS[a.max(b)]) }),
        prop::sample::select(WORDS).prop_map(str::to_string),
        (prop::sample::select(WORDS), prop::sample::select(WORDS))
            .prop_map(|(a, b)| format!("\"{a} {b}\"")),
        prop::sample::select(vec!["conn*", "t?med", "TIME*", "*i*", "u*2"])
            .prop_map(str::to_string),
        (0i64..1000).prop_map(|n| format!("status:{n}")),
        (prop::sample::select(vec![">", ">=", "<", "<="]), 0i64..1000)
            .prop_map(|(op, n)| format!("latency_ms:{op}{n}")),
        (0i64..500, 1i64..500).prop_map(|(a, b)| format!("status:[{a} TO {}}}", a + b)),
        prop::sample::select(fixed).prop_map(str::to_string),
    ]
}

/// Clauses combined with NOT, `-`, AND, OR and juxtaposition.
pub fn arb_query(relative_times: bool) -> impl Strategy<Value = String> {
    arb_leaf(relative_times).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|q| format!("NOT {q}")),
            inner.clone().prop_map(|q| format!("-({q})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} {b}")),
        ]
    })
}
