//! Server-sent events, decoded incrementally from network chunks.

/// One event: its `event:` name (if any) and its joined `data:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseError(pub String);

#[derive(Default)]
pub struct SseDecoder {
    buffer: Vec<u8>,
}

impl SseDecoder {
    /// Feeds bytes; returns every event completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some((end, sep)) = find_boundary(&self.buffer) {
            let raw: Vec<u8> = self.buffer.drain(..end + sep).take(end).collect();
            if let Some(event) = parse(&raw)? {
                events.push(event);
            }
        }
        Ok(events)
    }

    /// Bytes of an event that never finished (the stream was cut).
    pub fn has_partial(&self) -> bool {
        self.buffer.iter().any(|b| !b.is_ascii_whitespace())
    }
}

fn find_boundary(buf: &[u8]) -> Option<(usize, usize)> {
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn parse(raw: &[u8]) -> Result<Option<SseEvent>, SseError> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| SseError("the provider sent text that is not valid UTF-8".into()))?;
    let mut event = None;
    let mut data: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => data.push(value),
            "id" | "retry" => {}
            _ => {
                return Err(SseError(format!(
                    "the provider sent a malformed event line: {:?}",
                    truncate(line, 80)
                )))
            }
        }
    }
    if event.is_none() && data.is_empty() {
        return Ok(None);
    }
    Ok(Some(SseEvent {
        event,
        data: data.join("\n"),
    }))
}

pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_events_split_across_chunks() {
        let mut d = SseDecoder::default();
        assert!(d.feed(b"event: ping\nda").unwrap().is_empty());
        let events = d.feed(b"ta: {\"a\":1}\n\ndata: x\r\n\r\n").unwrap();
        assert_eq!(
            events,
            [
                SseEvent {
                    event: Some("ping".into()),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    event: None,
                    data: "x".into()
                }
            ]
        );
        assert!(!d.has_partial());
        d.feed(b"data: half").unwrap();
        assert!(d.has_partial());
    }

    #[test]
    fn refuses_invalid_utf8_and_unknown_fields() {
        let mut d = SseDecoder::default();
        assert!(d.feed(b"data: \xff\xfe\n\n").is_err());
        let mut d = SseDecoder::default();
        assert!(d.feed(b"garbage here\n\n").is_err());
    }
}
