//! `logagg query --store elasticsearch`: the same query, output and exit statuses as on
//! the embedded store, answered by a cluster.

use super::args::QueryArgs;
use super::counts_out::print_groups;
use super::output::{Format, Printer};
use super::settings::Settings;
use super::Outcome;
use crate::backend::elasticsearch::{search, EsClient};
use crate::query::{Query, Target};
use anyhow::Result;

/// Most groups a `--count-by` asks for when there is no `--limit`.
const ALL_GROUPS: usize = 10_000;

pub fn run(
    args: &QueryArgs,
    settings: &Settings,
    query: &Query,
    target: Option<&Target>,
    windows: Option<&super::patterns_compare::Windows>,
) -> Result<Outcome> {
    let config = settings.es_config(&args.es)?;
    let client = EsClient::connect(&config)?;
    let prefix = &config.index_prefix;
    for warning in super::query_warnings::of_cluster(&client, prefix, query, target)? {
        eprintln!("warning: {warning}");
    }
    if super::context_out::Around::of(args.context, args.before_context, args.after_context)
        .is_some()
    {
        anyhow::bail!("-C/-B/-A (events around each match) are answered by the embedded store only for now: Elasticsearch keeps no arrival order to place events of the same time by; query the embedded store, or use --since/--until around the match");
    }
    let limit = (args.limit > 0).then_some(args.limit);
    let format = Format::resolve(args.output);
    if args.count {
        return super::counts_out::print_count(search::count(&client, prefix, query)?, args.output);
    }
    if let Some(asked) = &args.histogram {
        let (width, auto) = super::histogram_out::width(
            asked,
            args.since.as_deref(),
            args.until.as_deref(),
            crate::event::Timestamp::now(),
            || Ok(search::time_span(&client, prefix, query)?),
        )?;
        let mut histogram = crate::backend::histogram::Histogram::new(width);
        search::histogram(&client, prefix, query, &mut histogram)?;
        return super::histogram_out::print(&histogram, format, auto);
    }
    if let Some(target) = target {
        let groups = search::count_by(&client, prefix, query, target, limit.unwrap_or(ALL_GROUPS))?;
        return print_groups(
            groups,
            limit,
            args.count_by.as_deref().unwrap_or_default(),
            format,
        );
    }
    if super::patterns_out::wanted(args) {
        let matching = search::count(&client, prefix, query)?;
        let mut events = Vec::new();
        search::search(
            &client,
            prefix,
            query,
            true,
            Some(args.sample.max(1)),
            |event| {
                events.push(event.clone());
                Ok(())
            },
        )?;
        if let Some(windows) = windows {
            return super::patterns_compare::show(args, windows, events, matching, format);
        }
        if args.patterns {
            return super::patterns_out::show_patterns(args, events, Some(matching), format);
        }
        return super::patterns_out::show_events(
            args,
            events,
            Some(matching),
            format,
            settings.color,
        );
    }
    let mut printer = Printer::stdout(format, settings.color).marking(query);
    let found = search::search(&client, prefix, query, !args.asc, limit, |event| {
        printer.event(event)
    })?;
    printer.flush()?;
    if let Some(limit) = limit.filter(|&limit| found >= limit as u64) {
        super::counts_out::say_cut(limit, search::count(&client, prefix, query)?, args.asc);
    }
    if let Some(legend) = printer.legend() {
        eprintln!("{legend}");
    }
    Ok(if found > 0 {
        Outcome::Done
    } else {
        Outcome::NothingMatched
    })
}
