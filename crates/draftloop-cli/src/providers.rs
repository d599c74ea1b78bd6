use std::io::Read;

use clap::Subcommand;
use draftloop_core::drafting::ProviderKind;
use draftloop_core::provider::{KeyChange, NewProvider};
use draftloop_core::{Core, Error, Result, Secret};

use crate::output::{self, Format};

#[derive(Subcommand)]
pub enum ProvidersCommand {
    /// Add a provider. The key is read from an environment variable or stdin, never from
    /// the command line, and is stored in the OS keychain.
    Add {
        name: String,
        #[arg(long, value_parser = parse_kind)]
        kind: ProviderKind,
        /// `…/v1` for openai and openai-compatible; the host for anthropic.
        #[arg(long)]
        base_url: String,
        #[arg(long)]
        model: String,
        /// Read the API key from this environment variable.
        #[arg(long, value_name = "VAR", conflicts_with = "api_key_stdin")]
        api_key_env: Option<String>,
        /// Read the API key from standard input.
        #[arg(long)]
        api_key_stdin: bool,
    },
    /// Change a provider's kind, base URL, default model or key (its name stays).
    /// Options not given keep their values.
    Set {
        name: String,
        #[arg(long, value_parser = parse_kind)]
        kind: Option<ProviderKind>,
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        model: Option<String>,
        /// Read a new API key from this environment variable.
        #[arg(long, value_name = "VAR", conflicts_with_all = ["api_key_stdin", "remove_key"])]
        api_key_env: Option<String>,
        /// Read a new API key from standard input.
        #[arg(long, conflicts_with = "remove_key")]
        api_key_stdin: bool,
        /// Remove the key from the OS keychain (a local server needs none).
        #[arg(long)]
        remove_key: bool,
    },
    /// List providers.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check a provider: works, bad key, unknown model, unreachable or rate limited.
    Test { name: String },
    /// Remove a provider and its key.
    Remove { name: String },
}

fn parse_kind(s: &str) -> std::result::Result<ProviderKind, String> {
    ProviderKind::parse(s).ok_or_else(|| "expected openai, anthropic or openai-compatible".into())
}

fn read_key(env: Option<String>, stdin: bool) -> Result<Option<Secret>> {
    let key = if let Some(var) = env {
        Some(std::env::var(&var).map_err(|_| {
            Error::InvalidInput(format!("the environment variable {var} is not set"))
        })?)
    } else if stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Some(s)
    } else {
        None
    };
    match key.map(|k| k.trim().to_owned()) {
        Some(k) if k.is_empty() => Err(Error::InvalidInput("the API key is empty".into())),
        other => Ok(other.map(Secret::new)),
    }
}

pub fn run(core: &Core, cmd: ProvidersCommand) -> Result<()> {
    match cmd {
        ProvidersCommand::Add {
            name,
            kind,
            base_url,
            model,
            api_key_env,
            api_key_stdin,
        } => {
            let key = read_key(api_key_env, api_key_stdin)?;
            let new = NewProvider {
                name,
                kind,
                base_url,
                default_model: model,
            };
            let p = core.add_provider(&new, key.as_ref())?;
            let key_note = if p.has_key {
                ", key in the OS keychain"
            } else {
                ""
            };
            println!(
                "added provider \"{}\" ({}{key_note})",
                p.name,
                p.kind.as_str()
            );
        }
        ProvidersCommand::Set {
            name,
            kind,
            base_url,
            model,
            api_key_env,
            api_key_stdin,
            remove_key,
        } => {
            let key = match read_key(api_key_env, api_key_stdin)? {
                Some(secret) => KeyChange::Set(secret),
                None if remove_key => KeyChange::Remove,
                None => KeyChange::Keep,
            };
            let before = core.with(|ws| ws.provider_named(&name))?;
            let change = NewProvider {
                name: before.name.clone(),
                kind: kind.unwrap_or(before.kind),
                base_url: base_url.unwrap_or(before.base_url.clone()),
                default_model: model.unwrap_or(before.default_model.clone()),
            };
            let after = core.change_provider(&name, &change, &key)?;
            if after == before && !matches!(key, KeyChange::Set(_)) {
                println!("provider \"{}\" is unchanged", after.name);
            } else {
                println!(
                    "changed provider \"{}\" ({}, {}, model {}{})",
                    after.name,
                    after.kind.as_str(),
                    after.base_url,
                    after.default_model,
                    if after.has_key {
                        ", key in the OS keychain"
                    } else {
                        ", no key"
                    }
                );
            }
        }
        ProvidersCommand::List { format } => {
            let providers = core.with(|ws| ws.providers())?;
            match format {
                Format::Json => output::json(&providers)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = providers
                        .iter()
                        .map(|p| {
                            vec![
                                p.name.clone(),
                                p.kind.as_str().to_owned(),
                                p.base_url.clone(),
                                p.default_model.clone(),
                                if p.has_key { "yes" } else { "no" }.to_owned(),
                            ]
                        })
                        .collect();
                    output::table(&["NAME", "KIND", "BASE URL", "MODEL", "KEY"], &rows)?;
                }
            }
        }
        ProvidersCommand::Test { name } => {
            let check = crate::generate::runtime()?.block_on(core.test_provider(&name))?;
            if !check.works {
                return Err(Error::Internal(format!(
                    "{}: {}",
                    check.verdict, check.message
                )));
            }
            println!("works: \"{}\" {}", name.trim(), check.message);
        }
        ProvidersCommand::Remove { name } => {
            core.remove_provider(&name)?;
            println!("removed provider \"{}\"", name.trim());
        }
    }
    Ok(())
}
