//! `logagg es setup`: the index template, installed explicitly.

use super::args::EsCommand;
use super::settings::Settings;
use super::Outcome;
use crate::backend::elasticsearch::{search, template::template_name, EsClient};
use anyhow::Result;

pub fn run(command: &EsCommand, settings: &Settings) -> Result<Outcome> {
    match command {
        EsCommand::Setup { es } => {
            let config = settings.es_config(es)?;
            let client = EsClient::connect(&config)?;
            search::setup(&client, &config.index_prefix)?;
            eprintln!(
                "index template '{}' for the daily indices {}-YYYY.MM.DD is installed on {}",
                template_name(&config.index_prefix),
                config.index_prefix,
                client.urls()
            );
            Ok(Outcome::Done)
        }
    }
}
