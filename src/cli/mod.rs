//! The `logagg` command line: parse, resolve settings, run one command, map the outcome
//! to an exit status.

pub mod args;
mod completions;
mod context_out;
mod counts_out;
mod dash_cmd;
mod demo_cmd;
mod dlq_cmd;
mod es_cmd;
mod fields_cmd;
mod histogram_out;
mod history;
mod ingest_cmd;
mod logfmt;
mod man_page;
mod metrics_endpoint;
mod output;
mod pager;
mod patterns_compare;
mod patterns_out;
mod query_cmd;
mod query_es;
mod query_text;
mod query_warnings;
mod repair_cmd;
mod retention_cmd;
mod saved_cmd;
mod saved_queries;
mod serve_access;
mod serve_api;
mod serve_cmd;
mod settings;
mod ship_cmd;
mod shutdown;
mod simulate_cmd;
mod sinks;
mod stack_cmd;
mod store_warnings;
mod table;
mod tail_cmd;
mod tail_kafka;

pub use args::Cli;
pub use completions::{file_name as completion_file_name, render as render_completions};
pub use man_page::render_all as render_man_pages;

use crate::query::QueryError;
use clap::Parser;
use settings::Settings;
use std::process::ExitCode;

/// What a successful command found, for grep-like exit statuses.
pub enum Outcome {
    Done,
    NothingMatched,
    /// An answer was printed, but damaged parts of the store were left out of it (and
    /// named on standard error): neither "matched" nor "nothing matched" can be promised.
    Partial,
}

/// Exit status of an answer that left out damaged parts of the store.
const EXIT_PARTIAL: u8 = 3;

/// Exit status for bad usage, bad queries and failures.
const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = run(cli);
    pager::finish();
    match outcome {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NothingMatched) => ExitCode::from(1),
        Ok(Outcome::Partial) => ExitCode::from(EXIT_PARTIAL),
        Err(error) => report(&error),
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    use args::Command;
    if let Command::Completions { shell } = &cli.command {
        return completions::print(*shell);
    }
    if let Command::Man { command } = &cli.command {
        return man_page::print(command.as_deref());
    }
    if let Command::History(args) = &cli.command {
        return saved_cmd::history(args);
    }
    let settings = Settings::resolve(&cli.global)?;
    if let Command::Saved { action } = &cli.command {
        return saved_cmd::saved(action.as_ref(), &settings);
    }
    let no_pager = cli.global.no_pager;
    // `@name` in a query stands for a saved query; the query as typed goes to the history.
    let saved = || saved_queries::load(&saved_queries::file(&settings.config_path));
    let asked = |command: &str, query: &mut String| -> anyhow::Result<()> {
        history::record(command, query);
        *query = saved_queries::expand(query, &saved()?)?;
        Ok(())
    };
    match cli.command {
        Command::Simulate(args) => simulate_cmd::run(&args, &settings),
        Command::Ship(args) => ship_cmd::run(&args, &settings),
        Command::Ingest(args) => ingest_cmd::run(&args, &settings),
        Command::Dlq(args) => dlq_cmd::run(&args, &settings),
        Command::Dash(mut args) => {
            asked("dash", &mut args.query)?;
            dash_cmd::run(&args, &settings)
        }
        Command::Es(command) => es_cmd::run(&command, &settings),
        Command::Up(args) => stack_cmd::up(&args, &settings),
        Command::Down(args) => stack_cmd::down(&args, &settings),
        Command::Status => stack_cmd::status(&settings),
        Command::Demo(args) => demo_cmd::run(&args, &settings, cli.global.data_dir.is_some()),
        Command::Query(mut args) => {
            asked("query", &mut args.query)?;
            page_a_table(args.output, no_pager);
            query_cmd::run(&args, &settings)
        }
        Command::Fields(mut args) => {
            asked("fields", &mut args.query)?;
            page_a_table(args.output, no_pager);
            fields_cmd::run(&args, &settings)
        }
        Command::Tail(mut args) => {
            asked("tail", &mut args.query)?;
            tail_cmd::run(&args, &settings)
        }
        Command::Retention(args) => retention_cmd::run(&args, &settings),
        Command::Repair(args) => repair_cmd::run(&args, &settings),
        Command::Serve(args) => serve_cmd::run(&args, &settings),
        Command::Completions { .. }
        | Command::Man { .. }
        | Command::Saved { .. }
        | Command::History(_) => Ok(Outcome::Done),
    }
}

/// A table on a terminal goes through the pager (JSON and pipes never do).
fn page_a_table(output: args::OutputFormat, no_pager: bool) {
    if output::Format::resolve(output) == output::Format::Table {
        pager::start(no_pager);
    }
}

/// Prints an error as one line (a query error also shows where it broke) and picks the
/// exit status. A closed pipe (`logagg query | head`) is not an error.
fn report(error: &anyhow::Error) -> ExitCode {
    for cause in error.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
        }
        if let Some(query) = cause.downcast_ref::<QueryError>() {
            eprintln!("error: {query}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    eprintln!("error: {error:#}");
    ExitCode::from(EXIT_ERROR)
}
