//! `logagg repair`: says what is wrong with the embedded store and rebuilds its manifest
//! from its parts.

use super::args::RepairArgs;
use super::settings::Settings;
use super::Outcome;
use crate::backend::embedded::columns::repair::{repair, RepairPlan};
use anyhow::Result;
use std::io::Write;

pub fn run(args: &RepairArgs, settings: &Settings) -> Result<Outcome> {
    let plan = repair(&settings.data_dir, args.dry_run)?;
    // A closed pipe comes back as an I/O error, which `report` takes for a quiet end.
    say(&mut std::io::stdout().lock(), &plan, args.dry_run)?;
    Ok(Outcome::Done)
}

fn say(out: &mut dyn Write, plan: &RepairPlan, dry_run: bool) -> std::io::Result<()> {
    let dir = plan.dir.display();
    if !plan.needed() {
        return writeln!(out, "the store at {dir} needs no repair");
    }
    for problem in &plan.problems {
        writeln!(out, "found: {problem}")?;
    }
    let verb = |dry: &str, done: &str| {
        if dry_run {
            format!("would {dry}")
        } else {
            done.to_string()
        }
    };
    for moved in &plan.moves {
        writeln!(
            out,
            "{} parts/{} to {}/: {}",
            verb("move", "moved"),
            moved.name,
            moved.to,
            moved.why
        )?;
    }
    if plan.rebuild {
        let m = &plan.manifest;
        writeln!(
            out,
            "{} manifest.json from {} part(s): {} events, next sequence number {}, positions of {} source stream(s)",
            verb("rebuild", "rebuilt"),
            m.parts.len(),
            plan.events,
            m.next_seq,
            m.positions.len()
        )?;
    }
    if !plan.without_identity.is_empty() {
        writeln!(
            out,
            "warning: {} part(s) were written before parts recorded their source positions ({}); a source resumed into this store may store their events again",
            plan.without_identity.len(),
            plan.without_identity.join(", ")
        )?;
    }
    if plan.write_marker {
        writeln!(out, "{} store.json", verb("write", "wrote"))?;
    }
    if dry_run {
        writeln!(out, "nothing was changed (--dry-run)")?;
    }
    Ok(())
}
