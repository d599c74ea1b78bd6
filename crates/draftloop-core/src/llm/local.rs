//! Finding local OpenAI-compatible servers on their usual ports.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

/// A local server that answered, ready to be added as a provider.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LocalServer {
    pub name: String,
    pub base_url: String,
    pub models: Vec<String>,
}

/// Ollama, LM Studio and llama.cpp's server, where they listen by default.
pub const KNOWN: &[(&str, u16)] = &[("Ollama", 11434), ("LM Studio", 1234), ("llama.cpp", 8080)];

/// Asks each known port for `/v1/models`, allowing each 800 ms; those that answer are
/// returned.
pub async fn detect(ports: &[(&str, u16)]) -> Vec<LocalServer> {
    detect_within(ports, Duration::from_millis(800)).await
}

/// [`detect`] allowing each port `timeout` to answer.
pub async fn detect_within(ports: &[(&str, u16)], timeout: Duration) -> Vec<LocalServer> {
    let Ok(http) = reqwest::Client::builder().timeout(timeout).build() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (name, port) in ports {
        let base_url = format!("http://127.0.0.1:{port}/v1");
        let Ok(response) = http.get(format!("{base_url}/models")).send().await else {
            continue;
        };
        let Ok(json) = response.json::<serde_json::Value>().await else {
            continue;
        };
        let models = json["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str().map(str::to_owned))
            .collect();
        found.push(LocalServer {
            name: (*name).to_owned(),
            base_url,
            models,
        });
    }
    found
}
