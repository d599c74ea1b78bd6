//! The Anthropic Messages dialect.

use serde_json::{json, Value};

use super::client::StreamState;
use super::sse::SseEvent;
use super::{CompletionRequest, LlmError, LlmErrorKind, Role};

pub(super) fn body(request: &CompletionRequest) -> Value {
    // The system prompt is a top-level field, not a message.
    let system: Vec<&str> = request
        .messages
        .iter()
        .filter(|m| m.role == Role::System)
        .map(|m| m.content.as_str())
        .collect();
    let messages: Vec<&super::ChatMessage> = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .collect();
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "stream": request.stream,
    });
    if !system.is_empty() {
        body["system"] = json!(system.join("\n\n"));
    }
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    body
}

pub(super) fn read_plain(json: &Value, state: &mut StreamState) -> Result<(), LlmError> {
    let content = json["content"]
        .as_array()
        .ok_or_else(|| LlmError::malformed("the provider's answer has no content"))?;
    let v = &mut state.variants[0];
    v.text = content
        .iter()
        .filter(|b| b["type"] == "text")
        .filter_map(|b| b["text"].as_str())
        .collect();
    v.finish_reason = json["stop_reason"].as_str().map(str::to_owned);
    v.completion_tokens = json["usage"]["output_tokens"].as_u64().map(|t| t as u32);
    state.prompt_tokens = json["usage"]["input_tokens"].as_u64().map(|t| t as u32);
    state.done = true;
    Ok(())
}

pub(super) fn read_event(
    event: &SseEvent,
    state: &mut StreamState,
    emit: &mut impl FnMut(usize, &str),
) -> Result<(), LlmError> {
    let json: Value = serde_json::from_str(&event.data).map_err(|e| {
        LlmError::malformed(format!(
            "the provider sent a stream event that is not JSON: {e}"
        ))
    })?;
    let kind = json["type"]
        .as_str()
        .or(event.event.as_deref())
        .unwrap_or_default();
    let v = &mut state.variants[0];
    match kind {
        "message_start" => {
            state.prompt_tokens = json["message"]["usage"]["input_tokens"]
                .as_u64()
                .map(|t| t as u32);
        }
        "content_block_delta" => {
            if let Some(text) = json["delta"]["text"].as_str() {
                v.text.push_str(text);
                emit(0, text);
            }
        }
        "message_delta" => {
            v.finish_reason = json["delta"]["stop_reason"].as_str().map(str::to_owned);
            v.completion_tokens = json["usage"]["output_tokens"].as_u64().map(|t| t as u32);
        }
        "message_stop" => state.done = true,
        "error" => {
            let message = json["error"]["message"].as_str().unwrap_or("unknown error");
            let kind = match json["error"]["type"].as_str() {
                Some("overloaded_error" | "rate_limit_error") => LlmErrorKind::RateLimited,
                _ => LlmErrorKind::Provider,
            };
            return Err(LlmError::new(
                kind,
                format!("the provider reported an error mid-stream: {message}"),
            ));
        }
        // Anthropic may add event types; unknown ones are skipped, as its docs ask.
        _ => {}
    }
    Ok(())
}
