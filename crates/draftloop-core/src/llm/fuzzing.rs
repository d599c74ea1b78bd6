//! Entry points for the fuzz targets (`fuzz/`): what a provider's stream becomes, from
//! bytes cut into chunks anywhere. Not an API; nothing in the app calls it.

use super::client::StreamState;
use super::sse::SseDecoder;
use super::{anthropic, openai, Variant};

/// What decoding a stream came to: the variants' texts as streamed and as kept, whether
/// the stream said it was done, or the error that stopped it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub streamed: Vec<String>,
    pub kept: Vec<String>,
    pub done: bool,
    pub error: Option<String>,
}

/// Decodes `chunks` as the client does, for the Anthropic dialect or the OpenAI one,
/// with room for `variants` variants.
pub fn decode_stream(anthropic_api: bool, chunks: &[&[u8]], variants: usize) -> Decoded {
    let mut state = StreamState {
        variants: vec![Variant::default(); variants],
        prompt_tokens: None,
        done: false,
    };
    let mut streamed = vec![String::new(); variants];
    let mut emit = |i: usize, text: &str| {
        if let Some(s) = streamed.get_mut(i) {
            s.push_str(text);
        }
    };
    let mut decoder = SseDecoder::default();
    let mut error = None;
    'chunks: for chunk in chunks {
        let events = match decoder.feed(chunk) {
            Ok(events) => events,
            Err(e) => {
                error = Some(e.0);
                break;
            }
        };
        for event in events {
            let read = if anthropic_api {
                anthropic::read_event(&event, &mut state, &mut emit)
            } else {
                openai::read_event(&event, &mut state, &mut emit)
            };
            if let Err(e) = read {
                error = Some(e.to_string());
                break 'chunks;
            }
        }
        if state.done {
            break;
        }
    }
    Decoded {
        kept: state.variants.iter().map(|v| v.text.clone()).collect(),
        streamed,
        done: state.done,
        error,
    }
}

/// Reads a whole (not streamed) answer body as the client does.
pub fn read_body(anthropic_api: bool, body: &[u8], variants: usize) -> Result<Vec<String>, String> {
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let mut state = StreamState {
        variants: vec![Variant::default(); variants],
        prompt_tokens: None,
        done: false,
    };
    let read = if anthropic_api {
        anthropic::read_plain(&json, &mut state)
    } else {
        openai::read_plain(&json, &mut state)
    };
    read.map_err(|e| e.to_string())?;
    Ok(state.variants.into_iter().map(|v| v.text).collect())
}
