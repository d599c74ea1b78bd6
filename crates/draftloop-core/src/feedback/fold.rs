//! The one reading of the feedback log: what was said about a document and about each
//! of its generations, taken in the order things were said, (time, id).
//!
//! The panel, the dataset exports and Insights all read the log through [`Fold`], so
//! they cannot disagree on what "the latest thumb" or "the tags in force" means.
//!
//! - Thumbs, ratings (per dimension), decisions and implicit signals: the latest stands.
//!   A reopening (approved text changed) withdraws the decision: none stands.
//! - A retraction takes back a thumb, a rating or a comment: as if it was not said.
//! - Tags on the whole draft and tags on words are kept apart: taking a tag off words
//!   leaves the same tag on the whole draft (and on other words) alone.
//! - Comments and span notes stay with the text, whichever draft was in view.
//! - A preference belongs to the two variants it compares, whichever draft was in
//!   view; the latest between two stands, and a tie prefers neither.

use super::{Feedback, FeedbackEvent, Span, Verdict};

/// What was said about one generation.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct GenerationFeedback<'a> {
    pub thumb: Option<&'a FeedbackEvent>,
    /// By dimension, in rubric-name order.
    pub ratings: Vec<(&'a str, i32)>,
    /// Tags on the whole draft, in the order they were given.
    pub tags: Vec<&'a str>,
    /// Tags on words of it that are still in force, one per (words, tag).
    pub span_tags: Vec<(&'a str, &'a str)>,
    /// Comments given while it was the draft, on words or on the whole, oldest first.
    pub comments: Vec<&'a str>,
    pub decision: Option<Decided<'a>>,
    /// Reviews given of it (when it asked for several), oldest first: each reviewer's
    /// own verdict, not the draft's decision.
    pub reviews: Vec<&'a FeedbackEvent>,
    pub implicit: Implicit<'a>,
    /// The events that speak about it, oldest first: what a dataset row cites. Edits
    /// and implicit signals are Draftloop's own and not cited.
    pub event_ids: Vec<&'a str>,
    /// The event each standing rating came from, by dimension.
    rating_events: Vec<(&'a str, &'a str)>,
    /// The event of each comment, in the order of `comments`.
    comment_events: Vec<&'a str>,
}

impl<'a> GenerationFeedback<'a> {
    pub fn rating(&self, dimension: &str) -> Option<i32> {
        self.ratings
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, v)| *v)
    }

    /// Tags in force anywhere on it, the whole draft's first, each once.
    pub fn all_tags(&self) -> Vec<&'a str> {
        let mut out = self.tags.clone();
        for (_, tag) in &self.span_tags {
            if !out.contains(tag) {
                out.push(tag);
            }
        }
        out
    }

    /// The event a standing rating on `dimension` came from.
    pub fn rating_event(&self, dimension: &str) -> Option<&'a str> {
        self.rating_events
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, e)| *e)
    }

    pub fn thumb_up(&self) -> Option<bool> {
        self.thumb.and_then(|e| match e.feedback {
            Feedback::Thumb { up, .. } => Some(up),
            _ => None,
        })
    }
}

static NOTHING_SAID: GenerationFeedback<'static> = GenerationFeedback {
    thumb: None,
    ratings: Vec::new(),
    tags: Vec::new(),
    span_tags: Vec::new(),
    comments: Vec::new(),
    decision: None,
    reviews: Vec::new(),
    implicit: Implicit {
        kept_ratio: None,
        time_to_accept_ms: None,
        copied_chars: 0,
        exported_formats: Vec::new(),
    },
    event_ids: Vec::new(),
    rating_events: Vec::new(),
    comment_events: Vec::new(),
};

/// The latest decision and who made it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decided<'a> {
    pub verdict: Verdict,
    pub actor: &'a str,
    pub event: &'a FeedbackEvent,
}

/// The latest of each implicit signal.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Implicit<'a> {
    pub kept_ratio: Option<f64>,
    pub time_to_accept_ms: Option<i64>,
    /// All characters copied out, summed.
    pub copied_chars: u64,
    pub exported_formats: Vec<&'a str>,
}

/// A tag or comment on words that is still in force.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanSaid<'a> {
    pub event: &'a FeedbackEvent,
    pub span: &'a Span,
    pub tag: Option<&'a str>,
    pub comment: Option<&'a str>,
}

/// What the log of one document says.
#[derive(Debug, Default, Clone)]
pub struct Fold<'a> {
    /// By generation id, in the order first spoken of: a document has a few, so a
    /// search beats hashing (the export folds every document).
    generations: Vec<(&'a str, GenerationFeedback<'a>)>,
    /// Tags and comments on words still in force, oldest first.
    pub spans: Vec<SpanSaid<'a>>,
    /// Comments on the whole document, oldest first.
    pub comments: Vec<&'a FeedbackEvent>,
    /// The latest decision on the document, whichever draft it was on.
    pub decision: Option<&'a FeedbackEvent>,
    /// The preference standing between each compared pair (a tie included), by the
    /// latest event between the two.
    preferences: Vec<Standing<'a>>,
}

#[derive(Debug, Clone, Copy)]
struct Standing<'a> {
    chosen: &'a str,
    rejected: &'a str,
    tie: bool,
    event: &'a str,
}

impl<'a> Standing<'a> {
    fn between(&self, a: &str, b: &str) -> bool {
        (self.chosen == a && self.rejected == b) || (self.chosen == b && self.rejected == a)
    }
}

/// Earlier first: by time, then by id (UUIDv7, so by time again within a millisecond).
pub(crate) fn said_before(a: &FeedbackEvent, b: &FeedbackEvent) -> std::cmp::Ordering {
    (a.created_at.as_str(), a.id.as_str()).cmp(&(b.created_at.as_str(), b.id.as_str()))
}

impl<'a> Fold<'a> {
    /// Folds one document's events, given in any order.
    pub fn of(events: &'a [FeedbackEvent]) -> Fold<'a> {
        let mut ordered: Vec<&'a FeedbackEvent> = events.iter().collect();
        ordered.sort_by(|a, b| said_before(a, b));
        let mut fold = Fold::default();
        for e in ordered {
            fold.take(e);
        }
        for (_, g) in &mut fold.generations {
            g.ratings.sort_by(|a, b| a.0.cmp(b.0));
        }
        fold
    }

    /// Feedback given while no model draft was in view is kept as about "no draft" (the
    /// empty id), so a document a person wrote alone shows it too.
    fn generation_mut(&mut self, e: &'a FeedbackEvent) -> &mut GenerationFeedback<'a> {
        let id = e.generation_id.as_deref().unwrap_or("");
        let at = match self.generations.iter().position(|(g, _)| *g == id) {
            Some(at) => at,
            None => {
                self.generations.push((id, GenerationFeedback::default()));
                self.generations.len() - 1
            }
        };
        &mut self.generations[at].1
    }

    fn find(&self, generation: &str) -> Option<&GenerationFeedback<'a>> {
        self.generations
            .iter()
            .find(|(g, _)| *g == generation)
            .map(|(_, f)| f)
    }

    fn take(&mut self, e: &'a FeedbackEvent) {
        match &e.feedback {
            Feedback::Preference {
                chosen,
                rejected,
                tie,
                ..
            } => {
                let standing = Standing {
                    chosen,
                    rejected,
                    tie: *tie,
                    event: &e.id,
                };
                match self
                    .preferences
                    .iter_mut()
                    .find(|s| s.between(chosen, rejected))
                {
                    Some(s) => *s = standing,
                    None => self.preferences.push(standing),
                }
            }
            Feedback::Tag {
                tag,
                span: Some(span),
                removed,
            } => {
                self.spans
                    .retain(|s| !(s.span.anchor == span.anchor && s.tag == Some(tag.as_str())));
                if !removed {
                    self.spans.push(SpanSaid {
                        event: e,
                        span,
                        tag: Some(tag),
                        comment: None,
                    });
                }
                let g = self.generation_mut(e);
                g.span_tags
                    .retain(|(a, t)| !(*a == span.anchor && *t == tag.as_str()));
                if !removed {
                    g.span_tags.push((&span.anchor, tag));
                }
                g.event_ids.push(&e.id);
            }
            Feedback::Comment { text, span } => {
                match span {
                    Some(span) => self.spans.push(SpanSaid {
                        event: e,
                        span,
                        tag: None,
                        comment: Some(text),
                    }),
                    None => self.comments.push(e),
                }
                let g = self.generation_mut(e);
                g.comments.push(text);
                g.comment_events.push(&e.id);
                g.event_ids.push(&e.id);
            }
            Feedback::Decision { verdict, .. } => {
                let standing = *verdict != Verdict::Reopen;
                self.decision = standing.then_some(e);
                // Reopened, no draft of the document stands decided.
                if !standing {
                    for (_, g) in &mut self.generations {
                        g.decision = None;
                    }
                }
                let g = self.generation_mut(e);
                g.decision = standing.then_some(Decided {
                    verdict: *verdict,
                    actor: &e.actor,
                    event: e,
                });
                g.event_ids.push(&e.id);
            }
            Feedback::Review { .. } => {
                let g = self.generation_mut(e);
                g.reviews.push(e);
                g.event_ids.push(&e.id);
            }
            Feedback::Thumb { .. } => {
                let g = self.generation_mut(e);
                g.thumb = Some(e);
                g.event_ids.push(&e.id);
            }
            Feedback::Rating { dimension, value } => {
                let g = self.generation_mut(e);
                match g.ratings.iter_mut().find(|(d, _)| *d == dimension.as_str()) {
                    Some(r) => r.1 = *value,
                    None => g.ratings.push((dimension, *value)),
                }
                match g
                    .rating_events
                    .iter_mut()
                    .find(|(d, _)| *d == dimension.as_str())
                {
                    Some(r) => r.1 = &e.id,
                    None => g.rating_events.push((dimension, &e.id)),
                }
                g.event_ids.push(&e.id);
            }
            Feedback::Tag {
                tag,
                span: None,
                removed,
            } => {
                let g = self.generation_mut(e);
                g.tags.retain(|t| *t != tag.as_str());
                if !removed {
                    g.tags.push(tag);
                }
                g.event_ids.push(&e.id);
            }
            Feedback::Implicit {
                kept_ratio,
                time_to_accept_ms,
                copied_chars,
                exported_format,
            } => {
                let g = self.generation_mut(e);
                let i = &mut g.implicit;
                i.kept_ratio = kept_ratio.or(i.kept_ratio);
                i.time_to_accept_ms = time_to_accept_ms.or(i.time_to_accept_ms);
                i.copied_chars += u64::from(copied_chars.unwrap_or(0));
                if let Some(f) = exported_format {
                    i.exported_formats.push(f);
                }
            }
            Feedback::Retraction { event_id } => {
                let taken = event_id.as_str();
                self.spans.retain(|s| s.event.id != taken);
                self.comments.retain(|c| c.id != taken);
                let g = self.generation_mut(e);
                if g.thumb.is_some_and(|t| t.id == taken) {
                    g.thumb = None;
                }
                if let Some(at) = g.rating_events.iter().position(|(_, id)| *id == taken) {
                    let (dimension, _) = g.rating_events.remove(at);
                    g.ratings.retain(|(d, _)| *d != dimension);
                }
                if let Some(at) = g.comment_events.iter().position(|id| *id == taken) {
                    g.comment_events.remove(at);
                    g.comments.remove(at);
                }
                g.event_ids.retain(|id| *id != taken);
            }
            Feedback::Edit { .. } => {}
        }
    }

    /// What was said about `generation` (nothing, when nobody said anything).
    pub fn generation(&self, generation: &str) -> &GenerationFeedback<'a> {
        self.find(generation).unwrap_or(&NOTHING_SAID)
    }

    /// What was said while `draft` was in view: a generation, or none.
    pub fn on_draft(&self, draft: Option<&str>) -> &GenerationFeedback<'a> {
        self.generation(draft.unwrap_or(""))
    }

    /// The generations something was said about.
    pub fn generation_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.generations
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !id.is_empty())
    }

    /// The variants `generation` is preferred over, with the events that say so: by the
    /// preference standing between the two, or else by its approval over the other
    /// `variants` of its request that were not approved too. A pair the person compared
    /// (a tie included) is never overruled by an approval.
    pub fn preferred_over<'v>(
        &self,
        generation: &str,
        variants: impl IntoIterator<Item = &'v str>,
    ) -> Vec<(String, Option<&'a str>)> {
        let mut out: Vec<(String, Option<&'a str>)> = self
            .preferences
            .iter()
            .filter(|s| !s.tie && s.chosen == generation)
            .map(|s| (s.rejected.to_owned(), Some(s.event)))
            .collect();
        let approved = |g: &str| {
            self.find(g)
                .and_then(|f| f.decision)
                .is_some_and(|d| d.verdict == Verdict::Approve)
        };
        if approved(generation) {
            for other in variants {
                if other != generation
                    && !approved(other)
                    && !self
                        .preferences
                        .iter()
                        .any(|s| s.between(generation, other))
                {
                    out.push((other.to_owned(), None));
                }
            }
        }
        out
    }
}
