//! The query language's semantics (README, "Query language"), one pinned case at a time.

use super::*;
use crate::event::{Level, LogEvent, Timestamp};
use serde_json::json;

fn now() -> Timestamp {
    Timestamp::parse("2026-11-24T12:00:00Z").unwrap()
}

fn event() -> LogEvent {
    let mut e = LogEvent::new(
        Timestamp::parse("2026-11-24T11:50:00Z").unwrap(),
        Level::Warn,
        "auth",
        "canary-auth-1",
        "Connection refused while calling payments: timed out after 500ms (user_id=u42)",
    );
    e.trace_id = Some("4bf92f3577b34da6".into());
    e.fields.insert("latency_ms".into(), json!(812));
    e.fields.insert("status".into(), json!(503));
    e.fields.insert("code".into(), json!("500"));
    e.fields
        .insert("user".into(), json!({"id": "u42", "tier": "gold"}));
    e.fields.insert("cached".into(), json!(false));
    e.fields.insert("tags".into(), json!(["edge", "eu"]));
    e
}

fn check(query: &str) -> bool {
    let q = parse(query, now()).unwrap_or_else(|e| panic!("{query}: {e}"));
    matches(&q, &event())
}

fn err(query: &str) -> (usize, String) {
    let e = parse(query, now()).expect_err(query);
    (e.column, e.message)
}

#[test]
fn empty_and_star_match_everything() {
    assert!(check(""));
    assert!(check("   "));
    assert!(check("*"));
    assert!(!check("NOT *"));
}

#[test]
fn keywords_are_exact_and_case_sensitive() {
    assert!(check("service:auth"));
    assert!(!check("service:Auth"));
    assert!(!check("service:aut"));
    assert!(check("service:\"auth\""));
    assert!(check("service.name:auth"));
    assert!(check("host:canary*"));
    assert!(check("host:canary-auth-?"));
    assert!(!check("host:canary-auth-??"));
    assert!(!check("host:Canary*"));
    assert!(!check("service:\"au*\""), "quotes turn wildcards off");
    assert!(check("trace_id:4bf92f3577b34da6"));
    assert!(check("level:warn"));
    // Levels are names, not keywords: any case and the spellings logs use.
    assert!(check("level:WARN"));
    assert!(check("level:warning"));
    assert!(check("level:\"Warning\""));
    assert!(!check("level:ERROR"));
    assert!(parse("level:eror", now())
        .unwrap_err()
        .message
        .contains("unknown level"));
}

#[test]
fn empty_ranges_and_slashes_inside_a_term() {
    for q in [
        "status:[500 TO 400]",
        "status:{5 TO 5]",
        "code:[n TO a]",
        "level:[error TO warn]",
        "@timestamp:[now TO now-1h]",
    ] {
        let err = parse(q, now()).unwrap_err();
        assert!(
            err.message.contains("range is empty"),
            "{q}: {}",
            err.message
        );
    }
    assert!(parse("status:[500 TO 500]", now()).is_ok());
    // A regex is /.../ as a whole token; anything else with slashes is a literal.
    let mut e = event();
    e.fields.insert("path".into(), json!("/api/v1/orders"));
    let q = |text: &str| matches(&parse(text, now()).unwrap(), &e);
    assert!(q("path:/api/v1/orders"));
    assert!(!q("NOT path:/api/v1/orders"));
    assert!(q("path:/v1/"), "a whole /.../ token is a regex");
    assert!(q("message:/time(d)? ?out/"));
}

#[test]
fn levels_compare_by_order() {
    assert!(check("level:>=warn"));
    assert!(check("level:>info"));
    assert!(!check("level:>warn"));
    assert!(check("level:<=warn"));
    assert!(!check("level:<warn"));
    assert!(check("level:[info TO error]"));
    assert!(!check("level:{warn TO error]"));
    assert!(
        check("level:>=WARNING"),
        "comparisons read level words in any case"
    );
}

#[test]
fn message_words_are_case_insensitive_whole_words() {
    assert!(check("connection"));
    assert!(check("CONNECTION"));
    assert!(check("message:refused"));
    assert!(!check("connect"), "whole words only");
    assert!(check("conn*"));
    assert!(check("CONN*"));
    assert!(check("t?med"));
    assert!(!check("onnection*"));
    assert!(check("u42"), "a word is a run of letters and digits");
    assert!(check("user_id"), "user_id is the phrase 'user id'");
    assert!(check("500ms"));
    assert!(!check("500"));
}

#[test]
fn phrases_are_adjacent_words_in_order() {
    assert!(check("\"connection refused\""));
    assert!(check("\"CONNECTION   refused\""));
    assert!(!check("\"refused connection\""));
    assert!(check("\"timed out\""));
    assert!(!check("\"connection payments\""));
    assert!(check("message:\"calling payments\""));
}

#[test]
fn regexes_search_the_raw_value() {
    assert!(check("message:/time(d)? ?out/"));
    assert!(check("/refused while/"));
    assert!(!check("/^refused/"));
    assert!(check("service:/^au/"));
    assert!(check("user.tier:/ol/"));
}

#[test]
fn other_names_are_fields() {
    assert!(check("latency_ms:>500"));
    assert!(check("fields.latency_ms:>500"));
    assert!(!check("latency_ms:>812"));
    assert!(check("latency_ms:>=812"));
    assert!(check("latency_ms:[800 TO 812]"));
    assert!(!check("latency_ms:[800 TO 812}"));
    assert!(check("latency_ms:812"));
    assert!(check("latency_ms:812.0"), "numbers compare as numbers");
    assert!(check("status:503"));
    assert!(check("code:500"), "a string value compares as a keyword");
    assert!(!check("code:500.0"));
    assert!(!check("code:>400"), "numeric comparisons only see numbers");
    assert!(check("code:>4a"), "a non-numeric bound compares text");
    assert!(check("code:5*"));
    assert!(!check("status:5*"), "wildcards only see text");
    assert!(check("user.id:u42"), "nested objects are dotted keys");
    assert!(check("cached:false"));
    assert!(check("tags:eu"), "any element of an array");
}

#[test]
fn missing_keys_never_match() {
    assert!(!check("missing:1"));
    assert!(!check("missing:*"));
    assert!(check("NOT missing:1"));
    assert!(check("-missing:*"));
    assert!(!check("NOT status:503"));
    assert!(check("status:*"));
    assert!(check("trace_id:*"));
    let mut e = event();
    e.trace_id = None;
    assert!(!matches(&parse("trace_id:*", now()).unwrap(), &e));
    assert!(matches(&parse("NOT trace_id:*", now()).unwrap(), &e));
}

#[test]
fn boolean_precedence() {
    // AND binds tighter than OR.
    assert!(check("service:nope AND level:warn OR service:auth"));
    assert!(!check("service:nope AND (level:warn OR service:auth)"));
    assert!(check("service:auth OR service:nope AND level:error"));
    // NOT binds tightest.
    assert!(!check("NOT service:auth OR service:nope"));
    assert!(check("NOT service:nope level:warn"));
    // Juxtaposition is AND.
    assert!(check("service:auth level:warn"));
    assert!(!check("service:auth level:error"));
    assert!(check("service:(auth OR payments) -host:web*"));
    assert!(!check("service:(auth OR payments) -host:canary*"));
    assert!(check("service:(NOT payments)"));
    assert!(check("a OR connection"));
    assert!(check("service:auth && level:warn || x"));
    assert!(!check("!service:auth"));
}

#[test]
fn time_ranges() {
    assert!(check("@timestamp:[now-15m TO now]"));
    assert!(!check("@timestamp:[now-5m TO now]"));
    assert!(check("@timestamp:>2026-11-24T11:00:00Z"));
    assert!(check("@timestamp:2026-11-24T11:50:00Z"));
    assert!(check("@timestamp:>=2026-11-24"));
    assert!(!check("@timestamp:<2026-11-24T11:50:00Z"));
}

#[test]
fn errors_point_at_the_column() {
    assert_eq!(
        err("service:\"auth"),
        (8, "unterminated quote: add the closing '\"'".into())
    );
    assert_eq!(err("(service:auth").0, 0);
    assert_eq!(err("service:auth)").0, 12);
    assert_eq!(err("latency_ms:[1 TO 5").0, 11);
    assert_eq!(
        err("latency_ms:[1 5]").1,
        "expected 'TO' in the range, as in [100 TO 500]"
    );
    assert_eq!(err("service:").0, 8);
    assert_eq!(err("level:>=loud").0, 8);
    assert_eq!(err("@timestamp:>yesterday").0, 12);
    assert_eq!(err("a AND").0, 2);
    assert_eq!(err("AND a").0, 0);
    assert_eq!(err("a OR OR b").0, 2);
    assert_eq!(err("NOT").0, 0);
    assert_eq!(err("message:/(/").0, 8);
    assert_eq!(
        err("message:>5").1.split(';').next().unwrap(),
        "message is full text and cannot be compared"
    );
    assert_eq!(err("()").1, "empty parentheses");
    assert_eq!(err(":x").1, "missing field name before ':'");
    assert_eq!(err("- a").0, 0);
    let shown = parse("service:(auth OR", now()).unwrap_err().to_string();
    assert_eq!(shown, "invalid query at column 15: OR needs something on both sides\n  service:(auth OR\n                ^");
}

#[test]
fn explain_form_is_explicit() {
    let q = parse("service:auth latency_ms:>500 OR \"a b\" -host:c*", now()).unwrap();
    assert_eq!(
        q.to_string(),
        "((service:\"auth\" AND fields.latency_ms:{500 TO *]) OR (message:\"a b\" AND NOT host:c*))"
    );
}

#[test]
fn text_without_words_matches_nothing() {
    assert!(!check("message:\"...\""));
    assert!(check("NOT message:\"...\""));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn query_like() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "service",
            ":",
            "\"",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            " TO ",
            " AND ",
            " OR ",
            "NOT ",
            "-",
            "!",
            "+",
            "*",
            "?",
            "\\",
            "/",
            ">",
            ">=",
            "<=",
            "<",
            "now-15m",
            "@timestamp",
            "level",
            "warn",
            "500",
            "1e3",
            "é",
            "\u{0}",
            "\n",
            "fields.",
            "a.b",
            "&&",
            "||",
        ]);
        prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        #[test]
        fn parser_on_query_like_input(text in query_like()) {
            if let Ok(q) = parse(&text, now()) {
                let _ = matches(&q, &event());
                let _ = q.to_string();
            } else if let Err(e) = parse(&text, now()) {
                prop_assert!(e.column <= text.chars().count());
                let _ = e.to_string();
            }
        }

        #[test]
        fn parser_on_arbitrary_text(text in any::<String>()) {
            if let Ok(q) = parse(&text, now()) {
                let _ = matches(&q, &event());
            }
        }
    }
}

#[test]
fn escaped_terms_read_back_as_literals() {
    let q = parse(
        &format!("service:{}", escape_term("a b:(c)*\\\"", false)),
        now(),
    )
    .unwrap();
    assert_eq!(q.to_string(), "service:\"a b:(c)*\\\\\\\"\"");
    let q = parse(&format!("service:{}", escape_term("pay me*", true)), now()).unwrap();
    assert_eq!(q.to_string(), "service:pay\\ me*");
}

#[test]
fn deep_long_and_wide_queries_are_refused_at_the_place_they_cross_a_limit() {
    // Far past any stack: refused as soon as the nesting passes the limit.
    let deepest = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(parse(&deepest, now())
        .unwrap_err()
        .message
        .contains("bytes long"));
    let deep = format!("{}x{}", "(".repeat(30_000), ")".repeat(30_000));
    let err = parse(&deep, now()).unwrap_err();
    assert!(err.message.contains("nested more than"), "{}", err.message);
    assert_eq!(err.column, MAX_DEPTH);
    assert!(err.to_string().len() < 400, "the pointer shows a window");
    let nots = format!("{}x", "NOT ".repeat(10_000));
    assert!(parse(&nots, now()).unwrap_err().message.contains("nested"));
    let dashes = format!("{}x", "-".repeat(10_000));
    assert!(parse(&dashes, now()).is_err());
    // At the limit it parses and means what it says.
    let at_limit = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(parse(&at_limit, now()).is_ok());
    let twice_not = format!("{}connection", "NOT ".repeat(MAX_DEPTH));
    assert!(check(&twice_not), "an even number of NOTs keeps the match");
    let wide = (0..MAX_CLAUSES + 1)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    assert!(parse(&wide, now()).unwrap_err().message.contains("clauses"));
    let long = format!("\"{}\"", "a".repeat(MAX_QUERY_BYTES));
    let err = parse(&long, now()).unwrap_err();
    assert!(err.message.contains("bytes long"), "{}", err.message);
}

#[test]
fn where_the_time_came_from_and_unparsed_are_flags_with_known_values() {
    use crate::event::TimeFrom;
    let mut e = event();
    assert!(matches(&parse("time_from:line", now()).unwrap(), &e));
    assert!(matches(&parse("unparsed:false", now()).unwrap(), &e));
    e.time_from = TimeFrom::YearAssumed;
    e.unparsed = true;
    for (query, expected) in [
        ("time_from:year_assumed", true),
        ("time_from:YEAR_ASSUMED", true),
        ("logagg.time_from:\"year_assumed\"", true),
        ("time_from:*assumed", true),
        ("time_from:line", false),
        ("-time_from:line", true),
        ("unparsed:true", true),
        ("logagg.unparsed:TRUE", true),
        ("time_from:*", true),
    ] {
        assert_eq!(
            matches(&parse(query, now()).unwrap(), &e),
            expected,
            "{query}"
        );
    }
    let (_, message) = err("time_from:guessed");
    assert!(
        message.contains("line, year_assumed, date_assumed, time_assumed, received"),
        "{message}"
    );
    let (_, message) = err("unparsed:yes");
    assert!(message.contains("false, true"), "{message}");
    let (_, message) = err("time_from:[a TO b]");
    assert!(message.contains("flag"), "{message}");
}

#[test]
fn a_saved_query_name_is_never_read_as_a_word() {
    let now = Timestamp::from_millis(0);
    let error = parse("@errors AND x", now).unwrap_err();
    assert!(
        error.message.contains("'@errors' names a saved query"),
        "{error:?}"
    );
    assert_eq!(error.column, 0);
    // Quoted, it is the word; the field @timestamp stays a field.
    assert!(parse("\"@errors\"", now).is_ok());
    assert!(parse("@timestamp:[now-1h TO now]", now).is_ok());
}
