//! The OpenAI chat-completions dialect (OpenAI and OpenAI-compatible servers).

use serde_json::{json, Value};

use super::client::StreamState;
use super::sse::SseEvent;
use super::{CompletionRequest, LlmError};

pub(super) fn body(request: &CompletionRequest, n: u8) -> Value {
    let mut body = json!({
        "model": request.model,
        "messages": request.messages,
        "max_tokens": request.max_tokens,
        "stream": request.stream,
    });
    if n > 1 {
        body["n"] = json!(n);
    }
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    if request.logprobs {
        body["logprobs"] = json!(true);
        body["top_logprobs"] = json!(0);
    }
    if request.stream {
        body["stream_options"] = json!({"include_usage": true});
    }
    body
}

fn index(choice: &Value, variants: usize) -> Result<usize, LlmError> {
    let i = choice["index"].as_u64().unwrap_or(0) as usize;
    if i >= variants {
        return Err(LlmError::malformed(format!(
            "the provider sent choice {i}, but only {variants} were requested"
        )));
    }
    Ok(i)
}

fn logprobs(choice: &Value) -> impl Iterator<Item = f64> + '_ {
    choice["logprobs"]["content"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["logprob"].as_f64())
}

pub(super) fn read_plain(json: &Value, state: &mut StreamState) -> Result<(), LlmError> {
    let choices = json["choices"]
        .as_array()
        .ok_or_else(|| LlmError::malformed("the provider's answer has no choices"))?;
    for choice in choices {
        let i = index(choice, state.variants.len())?;
        let v = &mut state.variants[i];
        v.text = choice["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        v.finish_reason = choice["finish_reason"].as_str().map(str::to_owned);
        v.logprobs.extend(logprobs(choice));
    }
    read_usage(json, state);
    state.done = true;
    Ok(())
}

fn read_usage(json: &Value, state: &mut StreamState) {
    if let Some(p) = json["usage"]["prompt_tokens"].as_u64() {
        state.prompt_tokens = Some(p as u32);
    }
    // The API reports one total over all choices.
    if let Some(c) = json["usage"]["completion_tokens"].as_u64() {
        let share = c as u32 / state.variants.len().max(1) as u32;
        for v in &mut state.variants {
            v.completion_tokens = Some(share);
        }
    }
}

pub(super) fn read_event(
    event: &SseEvent,
    state: &mut StreamState,
    emit: &mut impl FnMut(usize, &str),
) -> Result<(), LlmError> {
    if event.data.trim() == "[DONE]" {
        state.done = true;
        return Ok(());
    }
    let json: Value = serde_json::from_str(&event.data).map_err(|e| {
        LlmError::malformed(format!(
            "the provider sent a stream event that is not JSON: {e}"
        ))
    })?;
    if let Some(message) = json["error"]["message"].as_str() {
        return Err(LlmError::new(
            super::LlmErrorKind::Provider,
            format!("the provider reported an error mid-stream: {message}"),
        ));
    }
    for choice in json["choices"].as_array().into_iter().flatten() {
        let i = index(choice, state.variants.len())?;
        let v = &mut state.variants[i];
        if let Some(text) = choice["delta"]["content"].as_str() {
            v.text.push_str(text);
            emit(i, text);
        }
        if let Some(reason) = choice["finish_reason"].as_str() {
            v.finish_reason = Some(reason.to_owned());
        }
        v.logprobs.extend(logprobs(choice));
    }
    read_usage(&json, state);
    Ok(())
}

/// The vectors of an embeddings answer (`data[].embedding`), put in input order by
/// their `index`; exactly one per input.
pub(super) fn read_embeddings(json: &Value, inputs: usize) -> Result<Vec<Vec<f32>>, LlmError> {
    let data = json["data"]
        .as_array()
        .ok_or_else(|| LlmError::malformed("the embeddings answer has no data"))?;
    let mut out: Vec<Option<Vec<f32>>> = vec![None; inputs];
    for (position, item) in data.iter().enumerate() {
        let index = item["index"].as_u64().map_or(position, |i| i as usize);
        let vector: Option<Vec<f32>> = item["embedding"]
            .as_array()
            .and_then(|v| v.iter().map(|x| x.as_f64().map(|x| x as f32)).collect());
        match (out.get_mut(index), vector) {
            (Some(slot @ None), Some(v)) => *slot = Some(v),
            _ => {
                return Err(LlmError::malformed(format!(
                    "the embeddings answer's item {position} is not one vector for one input"
                )))
            }
        }
    }
    out.into_iter().collect::<Option<Vec<_>>>().ok_or_else(|| {
        LlmError::malformed(format!(
            "the embeddings answer has {} vectors for {inputs} inputs",
            data.len()
        ))
    })
}
