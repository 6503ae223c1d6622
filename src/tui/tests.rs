//! Key sequences to state, and frames rendered on a test backend (insta snapshots at four
//! terminal sizes).

use super::feed::{FeedMessage, Health};
use super::keys::handle;
use super::state::{Dashboard, Mode, SidePanel};
use super::view::{fit, render};
use crate::event::{Level, LogEvent, Timestamp};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

const NOW_MS: i64 = 1_795_600_000_000;

fn event(i: i64) -> LogEvent {
    let levels = [
        Level::Info,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Info,
    ];
    let services = ["auth", "payments", "api-gateway", "orders"];
    let mut event = LogEvent::new(
        Timestamp::from_millis(NOW_MS - 30_000 + i * 250),
        levels[(i % 6) as usize],
        services[(i % 4) as usize],
        &format!("{}-{}", services[(i % 4) as usize], i % 2),
        &format!(
            "request {i} finished: connection refused by upstream after {} ms",
            i * 7
        ),
    );
    if i % 4 == 1 {
        event.trace_id = Some(format!("trace{:04}", i / 8));
    }
    event
}

fn dashboard(events: i64) -> Dashboard {
    let mut dash = Dashboard::new(
        500,
        "store /data/logagg".into(),
        false,
        Timestamp::from_millis(NOW_MS),
    );
    dash.absorb(FeedMessage::Health(Health {
        source: "store /data/logagg".into(),
        connected: true,
        problem: None,
        store_bytes: Some(5_300_000),
        stored_events: Some(120_000),
        lag: None,
        dead_letters: None,
    }));
    // Arrivals spread over the last 25 s, so the histogram has a shape.
    for i in 0..events {
        dash.tick(Timestamp::from_millis(NOW_MS - 25_000 + i * 250));
        dash.push(event(i));
    }
    dash.tick(Timestamp::from_millis(NOW_MS));
    dash
}

fn press(dash: &mut Dashboard, code: KeyCode) {
    handle(dash, KeyEvent::new(code, KeyModifiers::NONE), 10);
}

fn typed(dash: &mut Dashboard, text: &str) {
    for c in text.chars() {
        press(dash, KeyCode::Char(c));
    }
}

fn frame(dash: &Dashboard, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| {
            render(dash, f);
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

const SIZES: [(u16, u16); 4] = [(60, 20), (80, 24), (120, 30), (200, 60)];

fn snapshot_at_sizes(name: &str, dash: &Dashboard) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), frame(dash, w, h));
    }
}

#[test]
fn main_view() {
    snapshot_at_sizes("main", &dashboard(100));
}

#[test]
fn paused_with_new_events_counted() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Char(' '));
    dash.absorb(FeedMessage::Events((100..112).map(event).collect()));
    assert_eq!(dash.arrived_while_paused, 12);
    snapshot_at_sizes("paused", &dash);
}

#[test]
fn filter_with_a_parse_error() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, "service:(auth OR");
    assert!(dash.filter_error.is_some());
    snapshot_at_sizes("filter_error", &dash);
}

#[test]
fn detail_view() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Up);
    press(&mut dash, KeyCode::Up);
    press(&mut dash, KeyCode::Enter);
    assert!(matches!(dash.mode, Mode::Detail { .. }));
    snapshot_at_sizes("detail", &dash);
}

#[test]
fn narrow_terminals_keep_whole_words_titles_and_a_covering_detail_view() {
    let mut dash = dashboard(100);
    let wide = frame(&dash, 250, 24);
    let wide_status = wide
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_string();
    for width in [60u16, 72, 80, 100] {
        let text = frame(&dash, width, 24);
        let lines: Vec<&str> = text.lines().collect();
        // The histogram's title keeps its closing parenthesis whatever the peak.
        assert!(lines[1].contains("(+/-) "), "{}", lines[1]);
        // Key hints and status parts are whole: every hint shown is a known one.
        let hints = lines[23].trim_end();
        let known = [
            "q quit",
            "? help",
            "space pause",
            "/ filter",
            "1-6 levels",
            "enter detail",
            "tab services",
        ];
        assert!(
            hints.split(" · ").all(|h| known.contains(&h)),
            "{width}: {hints}"
        );
        // The status bar is the wide one cut between two parts, never inside one.
        let status = lines[0].trim_end();
        let rest = wide_status
            .strip_prefix(status)
            .unwrap_or_else(|| panic!("{width}: {status}"));
        assert!(
            rest.is_empty() || rest.starts_with("  "),
            "{width}: {status}"
        );
    }
    press(&mut dash, KeyCode::Up);
    press(&mut dash, KeyCode::Enter);
    let text = frame(&dash, 80, 24);
    // The detail view covers the stream from its first column.
    for line in text.lines().skip(2).take(18) {
        assert!(line.starts_with('│'), "{line}");
    }
}

#[test]
fn help_overlay() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Char('?'));
    snapshot_at_sizes("help", &dash);
}

#[test]
fn too_small_a_terminal_says_so() {
    let text = frame(&dashboard(10), 50, 10);
    assert!(
        text.contains("needs at least") && text.contains("60x12"),
        "{text}"
    );
    insta::assert_snapshot!("too_small_50x10", text);
}

#[test]
fn pause_freezes_the_stream_and_resume_follows_again() {
    let mut dash = dashboard(10);
    press(&mut dash, KeyCode::Char(' '));
    dash.push(event(10));
    assert_eq!(dash.shown().count(), 10, "paused: the new event waits");
    assert_eq!(dash.arrived_while_paused, 1);
    press(&mut dash, KeyCode::Char(' '));
    assert!(dash.following());
    assert_eq!(dash.shown().count(), 11);
}

#[test]
fn scrolling_up_leaves_follow_and_capital_g_returns() {
    let mut dash = dashboard(50);
    press(&mut dash, KeyCode::Char('k'));
    press(&mut dash, KeyCode::Char('k'));
    assert_eq!(dash.current().map(|e| e.seq), Some(47));
    assert!(!dash.following());
    press(&mut dash, KeyCode::PageUp);
    assert_eq!(dash.current().map(|e| e.seq), Some(37));
    press(&mut dash, KeyCode::Char('g'));
    assert_eq!(dash.current().map(|e| e.seq), Some(0));
    press(&mut dash, KeyCode::Char('j'));
    assert_eq!(dash.current().map(|e| e.seq), Some(1));
    press(&mut dash, KeyCode::Char('G'));
    assert!(dash.following());
    assert_eq!(dash.current().map(|e| e.seq), Some(49));
}

#[test]
fn a_filter_applies_on_enter_and_a_bad_one_keeps_the_old() {
    let mut dash = dashboard(40);
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, "service:auth");
    press(&mut dash, KeyCode::Enter);
    assert_eq!(dash.mode, Mode::Stream);
    assert!(dash.shown().all(|e| e.event.service == "auth"));
    press(&mut dash, KeyCode::Char('/'));
    for _ in 0.."service:auth".len() {
        press(&mut dash, KeyCode::Backspace);
    }
    typed(&mut dash, "level:>=");
    press(&mut dash, KeyCode::Enter);
    assert!(
        matches!(dash.mode, Mode::FilterInput { .. }),
        "a bad filter is not applied"
    );
    assert_eq!(dash.filter.text, "service:auth");
    press(&mut dash, KeyCode::Esc);
    // History: up recalls the last applied filter.
    press(&mut dash, KeyCode::Char('/'));
    for _ in 0.."service:auth".len() {
        press(&mut dash, KeyCode::Backspace);
    }
    press(&mut dash, KeyCode::Up);
    assert_eq!(
        dash.mode,
        Mode::FilterInput {
            text: "service:auth".into(),
            cursor: 12
        }
    );
}

#[test]
fn level_keys_toggle_levels() {
    let mut dash = dashboard(60);
    press(&mut dash, KeyCode::Char('3'));
    assert!(dash.shown().all(|e| e.event.level != Level::Info));
    press(&mut dash, KeyCode::Char('3'));
    assert!(dash.shown().any(|e| e.event.level == Level::Info));
}

#[test]
fn context_keys_filter_to_the_events_trace_host_or_service() {
    let mut dash = dashboard(40);
    // Select an event with a trace id (every fourth, starting at 1).
    while dash
        .current()
        .and_then(|e| e.event.trace_id.clone())
        .is_none()
    {
        press(&mut dash, KeyCode::Up);
    }
    let trace = dash
        .current()
        .and_then(|e| e.event.trace_id.clone())
        .unwrap();
    press(&mut dash, KeyCode::Enter);
    press(&mut dash, KeyCode::Char('t'));
    assert_eq!(dash.filter.text, format!("trace_id:{trace}"));
    assert!(dash
        .shown()
        .all(|e| e.event.trace_id.as_deref() == Some(trace.as_str())));
    press(&mut dash, KeyCode::Enter);
    press(&mut dash, KeyCode::Char('h'));
    assert!(dash.filter.text.starts_with("host:"));
}

#[test]
fn enter_on_a_top_service_filters_to_it() {
    let mut dash = dashboard(40);
    press(&mut dash, KeyCode::Tab);
    press(&mut dash, KeyCode::Down);
    let second = dash.top_services()[1].0.clone();
    press(&mut dash, KeyCode::Enter);
    assert_eq!(dash.filter.text, format!("service:{second}"));
}

#[test]
fn the_side_panel_ranks_hosts_too() {
    let mut dash = dashboard(40);
    press(&mut dash, KeyCode::Tab);
    press(&mut dash, KeyCode::Char('h'));
    assert_eq!(dash.side, SidePanel::Hosts);
    let first = dash.top_services()[0].0.clone();
    assert!(first.contains('-'), "{first} is a host");
    press(&mut dash, KeyCode::Enter);
    assert_eq!(
        dash.filter.text,
        format!("host:{}", crate::query::escape_term(&first, false))
    );
}

#[test]
fn tab_cycles_services_hosts_and_patterns_and_enter_shows_a_pattern() {
    let mut dash = dashboard(100);
    for _ in 0..30 {
        let i = dash.next_seq as i64;
        let mut e = event(i);
        e.message = format!("disk almost full on /dev/sda{} at {}%", i % 3, 90 + i % 9);
        e.level = Level::Warn;
        dash.push(e);
    }
    dash.tick(Timestamp::from_millis(NOW_MS + 1_000));
    press(&mut dash, KeyCode::Tab);
    assert_eq!(dash.side, SidePanel::Services);
    press(&mut dash, KeyCode::Tab);
    assert_eq!(dash.side, SidePanel::Hosts);
    press(&mut dash, KeyCode::Tab);
    assert_eq!(dash.side, SidePanel::Patterns);
    let templates: Vec<&str> = dash
        .patterns
        .table
        .iter()
        .map(|p| p.template.as_str())
        .collect();
    assert_eq!(
        templates,
        vec![
            "request <NUM> finished: connection refused by upstream after <DURATION>",
            "disk almost full on <PATH> at <NUM>",
        ]
    );
    snapshot_at_sizes("patterns", &dash);
    press(&mut dash, KeyCode::Down);
    press(&mut dash, KeyCode::Enter);
    assert!(matches!(dash.mode, Mode::Stream));
    let shown: Vec<&str> = dash.shown().map(|e| e.event.message.as_str()).collect();
    assert_eq!(shown.len(), 30);
    assert!(shown.iter().all(|m| m.starts_with("disk almost full")));
    assert!(frame(&dash, 120, 40).contains("pattern: disk almost full on <PATH> at <NUM>"));
    press(&mut dash, KeyCode::Esc);
    assert_eq!(dash.shown().count(), 130);
}

#[test]
fn memory_stays_bounded_by_the_buffer() {
    let mut dash = Dashboard::new(100, "x".into(), false, Timestamp::from_millis(NOW_MS));
    for i in 0..10_000 {
        dash.push(event(i % 200));
    }
    assert_eq!(dash.entries.len(), 100);
    assert_eq!(dash.entries.front().map(|e| e.seq), Some(9_900));
}

#[test]
fn huge_and_binary_messages_fit_one_row() {
    let huge = "x".repeat(1_000_000);
    assert_eq!(fit(&huge, 10), "xxxxxxxxx…");
    assert_eq!(fit("a\nb\tc", 10), "a b c");
    // A logged escape sequence (here: set the window title) is shown, never obeyed.
    assert_eq!(
        fit("x\u{1b}]0;pwned\u{7}y \u{202e}z", 40),
        "x\\e]0;pwned\\u{7}y \\u{202e}z"
    );
    assert_eq!(fit("ab\u{1b}cd", 4), "ab…");
    assert_eq!(fit("short", 10), "short");
    let mut dash = dashboard(0);
    let mut big = event(1);
    big.message = format!("{}\u{1b}[31m\u{fffd}", "y".repeat(1_000_000));
    dash.push(big);
    let text = frame(&dash, 80, 24);
    assert!(text.contains("yyy…"));
}

#[test]
fn quit_keys() {
    let mut dash = dashboard(1);
    press(&mut dash, KeyCode::Char('q'));
    assert!(dash.quit);
    let mut dash = dashboard(1);
    handle(
        &mut dash,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        10,
    );
    assert!(dash.quit);
}

#[test]
fn a_warning_from_a_connected_source_shows_beside_live() {
    let mut dash = dashboard(10);
    dash.absorb(FeedMessage::Health(Health {
        source: "store /data/logagg".into(),
        connected: true,
        problem: Some("1 damaged segment(s) left out (7 events)".into()),
        store_bytes: Some(5_300_000),
        stored_events: Some(120_000),
        lag: None,
        dead_letters: None,
    }));
    let screen = frame(&dash, 200, 30);
    assert!(
        screen.contains("● live  ⚠ 1 damaged segment(s) left out (7 events)"),
        "{screen}"
    );
}

#[test]
fn side_panels_count_only_what_the_filter_lets_through() {
    let mut dash = dashboard(200);
    let all: u64 = dash.top_services().iter().map(|(_, n, _)| n).sum();
    assert!(dash.apply_filter("level:error"));
    dash.tick(Timestamp::from_millis(NOW_MS));
    let services = dash.top_services();
    let errors: u64 = services.iter().map(|(_, n, _)| n).sum();
    assert!(errors > 0 && errors < all, "{errors} of {all}");
    // Every event counted is an error, and choosing a service or a pattern shows events.
    assert!(services.iter().all(|(_, n, e)| n == e), "{services:?}");
    let table = dash.patterns.table.clone();
    assert!(!table.is_empty());
    let counted: u64 = table.iter().map(|p| p.count).sum();
    assert_eq!(counted, errors, "patterns count the filtered events");
    dash.choose_pattern(&table[0].template);
    assert!(
        dash.shown().next().is_some(),
        "a chosen pattern shows events under the filter"
    );
    // Level keys narrow the panels too.
    assert!(dash.apply_filter(""));
    press(&mut dash, KeyCode::Char('3'));
    dash.tick(Timestamp::from_millis(NOW_MS));
    assert!(dash.top_services().iter().all(|(_, n, _)| *n > 0));
    let infos: u64 = dash
        .entries
        .iter()
        .filter(|e| e.event.level == Level::Info)
        .count() as u64;
    let without_info: u64 = dash.top_services().iter().map(|(_, n, _)| n).sum();
    assert_eq!(without_info, all - infos);
}

#[test]
fn e_jumps_to_errors_and_f_finds_without_narrowing() {
    let mut dash = dashboard(100);
    // Event 99 (newest) is info; errors are every 6th from 4: 94 is the newest error.
    press(&mut dash, KeyCode::Char('e'));
    let at = |dash: &Dashboard| dash.current().map(|e| e.event.message.clone()).unwrap();
    assert!(at(&dash).starts_with("request 94 "), "{}", at(&dash));
    press(&mut dash, KeyCode::Char('e'));
    assert!(at(&dash).starts_with("request 88 "));
    press(&mut dash, KeyCode::Char('E'));
    assert!(at(&dash).starts_with("request 94 "));
    press(&mut dash, KeyCode::Char('E'));
    assert!(at(&dash).starts_with("request 94 "));
    assert_eq!(dash.notice.as_deref(), Some("no newer error in the buffer"));
    // Find: the stream keeps every event, the cursor goes to the matches.
    press(&mut dash, KeyCode::Char('f'));
    typed(&mut dash, "service:orders AND level:warn");
    press(&mut dash, KeyCode::Enter);
    assert_eq!(dash.mode, Mode::Stream);
    assert_eq!(dash.shown().count(), 100);
    // orders is i % 4 == 3, warn is i % 6 == 3: i = 3, 15, 27, ..., 87, 99.
    assert!(at(&dash).starts_with("request 87 "), "{}", at(&dash));
    press(&mut dash, KeyCode::Char('n'));
    assert!(at(&dash).starts_with("request 75 "));
    press(&mut dash, KeyCode::Char('N'));
    assert!(at(&dash).starts_with("request 87 "));
    let text = frame(&dash, 120, 30);
    assert!(
        text.contains("find: service:orders AND level:warn (n/N)"),
        "{text}"
    );
    // A find that does not parse says why and stays open.
    press(&mut dash, KeyCode::Char('f'));
    typed(&mut dash, " AND (");
    press(&mut dash, KeyCode::Enter);
    assert!(matches!(dash.mode, Mode::FindInput { .. }));
    assert!(dash
        .notice
        .as_deref()
        .unwrap_or("")
        .starts_with("cannot find"));
}

#[test]
fn help_fits_small_terminals_by_wrapping_and_scrolling() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Char('?'));
    let text = frame(&dash, 60, 20);
    assert!(text.contains("keys 1-"), "{text}");
    // Every description is whole: read all pages and find each one's last word.
    let mut seen = String::new();
    for _ in 0..30 {
        seen.push_str(&frame(&dash, 60, 20));
        press(&mut dash, KeyCode::Char('j'));
    }
    for (key, what) in super::overlays::HELP {
        let last = what.split(' ').next_back().unwrap();
        assert!(seen.contains(last), "{key}: {last}");
    }
    press(&mut dash, KeyCode::Char('x'));
    assert_eq!(dash.mode, Mode::Stream);
}

#[test]
fn stored_events_shown_at_start_do_not_count_as_arriving() {
    let mut dash = Dashboard::new(500, "store".into(), false, Timestamp::from_millis(NOW_MS));
    dash.absorb(FeedMessage::Backlog((0..200).map(event).collect()));
    dash.tick(Timestamp::from_millis(NOW_MS + 1_000));
    assert_eq!(dash.entries.len(), 200);
    assert_eq!(dash.histogram.rate(dash.now), 0.0);
    dash.absorb(FeedMessage::Events((200..210).map(event).collect()));
    dash.tick(Timestamp::from_millis(NOW_MS + 2_000));
    assert_eq!(dash.histogram.rate(dash.now), 2.0);
}

#[test]
fn the_detail_view_names_the_source_shows_its_neighbours_and_says_when_there_is_more() {
    let mut dash = Dashboard::new(500, "store".into(), false, Timestamp::from_millis(NOW_MS));
    let lines: Vec<LogEvent> = (0..20)
        .map(|i| {
            let mut e = event(i);
            e.service = "app".into();
            e.fields.insert(
                "log.file.path".into(),
                serde_json::json!(if i % 2 == 0 {
                    "/var/log/app.log"
                } else {
                    "/var/log/other.log"
                }),
            );
            e
        })
        .collect();
    dash.absorb(FeedMessage::Events(lines));
    dash.tick(Timestamp::from_millis(NOW_MS));
    for _ in 0..5 {
        press(&mut dash, KeyCode::Up);
    }
    press(&mut dash, KeyCode::Enter);
    let text = frame(&dash, 80, 24);
    assert!(text.contains("from /var/log/app.log"), "{text}");
    assert!(
        text.contains("around it, from the same source (6 of 10 buffered)"),
        "{text}"
    );
    assert!(text.contains("▶ 09:46:13 INFO  request 14 "), "{text}");
    assert!(text.contains("more lines"), "{text}");
    // Lines of the other file are not its neighbours.
    assert!(!text.contains("request 13 "), "{text}");
}

#[test]
fn the_side_panel_grows_with_the_terminal() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Tab);
    let wide = frame(&dash, 200, 60);
    // The panel's left border sits at 200 - 60.
    let second = wide.lines().nth(1).unwrap();
    let border = second.chars().position(|c| c == '┌').filter(|&p| p > 0);
    assert_eq!(border, Some(140), "{second}");
}

#[test]
fn saved_queries_work_in_the_filter_and_in_find() {
    let mut dash = dashboard(100);
    dash.saved.insert("pay".into(), "service:payments".into());
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, "@pay AND level:warn");
    press(&mut dash, KeyCode::Enter);
    assert_eq!(dash.mode, Mode::Stream);
    assert!(dash.shown().count() > 0);
    assert!(dash
        .shown()
        .all(|e| e.event.service == "payments" && e.event.level == Level::Warn));
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, " OR @nope");
    assert!(dash
        .filter_error
        .as_ref()
        .is_some_and(|e| e.message.contains("no saved query '@nope'")));
}

#[test]
fn tab_completes_names_and_values_from_the_events_held() {
    let mut dash = dashboard(100);
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, "serv");
    press(&mut dash, KeyCode::Tab);
    typed(&mut dash, "a");
    press(&mut dash, KeyCode::Tab);
    // Two services start so: both are listed, the line keeps what they share.
    assert_eq!(dash.notice.as_deref(), Some("tab: api-gateway  auth"));
    let text = frame(&dash, 80, 24);
    assert!(text.contains("tab: api-gateway  auth"), "{text}");
    typed(&mut dash, "u");
    press(&mut dash, KeyCode::Tab);
    typed(&mut dash, "AND lev");
    press(&mut dash, KeyCode::Tab);
    typed(&mut dash, "wa");
    press(&mut dash, KeyCode::Tab);
    assert_eq!(
        dash.mode,
        Mode::FilterInput {
            text: "service:auth AND level:warn ".into(),
            cursor: 28
        }
    );
    press(&mut dash, KeyCode::Enter);
    assert!(dash
        .shown()
        .all(|e| e.event.service == "auth" && e.event.level == Level::Warn));
    // And in find.
    press(&mut dash, KeyCode::Char('f'));
    typed(&mut dash, "hos");
    press(&mut dash, KeyCode::Tab);
    assert!(matches!(&dash.mode, Mode::FindInput { text, .. } if text == "host:"));
}

#[test]
fn the_histogram_follows_the_filter() {
    let mut dash = dashboard(100);
    assert!(dash.filtered_histogram().is_none());
    press(&mut dash, KeyCode::Char('/'));
    typed(&mut dash, "level:error");
    press(&mut dash, KeyCode::Enter);
    let filtered = dash.filtered_histogram().unwrap();
    let (buckets, _) = filtered.buckets(dash.now, std::time::Duration::from_secs(60), 60);
    let counted: u64 = buckets.iter().map(|b| b.iter().sum::<u64>()).sum();
    assert_eq!(counted, dash.shown().count() as u64);
    assert!(buckets.iter().all(|b| b[..4].iter().sum::<u64>() == 0));
    for width in [60u16, 80, 120] {
        let text = frame(&dash, width, 24);
        assert!(text.contains("matching/s, last 1m (+/-) "), "{text}");
    }
}

#[test]
fn the_patterns_pane_marks_a_spike() {
    let mut dash = Dashboard::new(5000, "store".into(), false, Timestamp::from_millis(NOW_MS));
    let start = NOW_MS - 12 * 60_000;
    let line = |ms: i64, text: String| {
        LogEvent::new(Timestamp::from_millis(ms), Level::Warn, "pay", "h", &text)
    };
    let mut events = Vec::new();
    for s in (0..600).step_by(10) {
        events.push(line(
            start + s * 1000,
            format!("payment {s} declined: card expired"),
        ));
    }
    for s in 600..720 {
        events.push(line(
            start + s * 1000,
            format!("payment {s} declined: card expired"),
        ));
    }
    dash.absorb(FeedMessage::Events(events));
    dash.tick(Timestamp::from_millis(start + 719_000));
    press(&mut dash, KeyCode::Tab);
    press(&mut dash, KeyCode::Tab);
    press(&mut dash, KeyCode::Tab);
    assert_eq!(dash.side, SidePanel::Patterns);
    let text = frame(&dash, 120, 30);
    assert!(text.contains("↑6  payment <NUM> declined"), "{text}");
}
