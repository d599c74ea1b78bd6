import { useId, useState, type KeyboardEvent } from "react";
import type { Document, DocumentFeedback, Feedback, Project, SpanNote, Verdict } from "../bindings";
import { when } from "../lib/dates";
import { describeFeedback, personName } from "../lib/feedback";
import { STATUS_LABELS } from "../lib/labels";
import { Icon } from "./Icon";

interface FeedbackPanelProps {
  project: Project | null;
  document: Document | null;
  words: number;
  feedback?: DocumentFeedback | null;
  /** Records one event; resolves once it is durable and the panel shows it. */
  record?: (feedback: Feedback) => Promise<void>;
  onShowSpan?: (anchor: string) => void;
  onRemoveSpanTag?: (note: SpanNote) => void;
  onEditSchema?: () => void;
}


/** The right-hand panel: feedback on the open document's current draft, and its timeline. */
export function FeedbackPanel(props: FeedbackPanelProps) {
  const { project, document, words, feedback, record } = props;
  return (
    <aside className="feedback" aria-label="Feedback" data-testid="feedback-panel">
      <h2>Feedback</h2>
      {!document || !project ? (
        <p className="muted">Open a document to rate it, tag it and comment on it.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`status status-${document.status}`} data-testid="document-status">
                {STATUS_LABELS[document.status]}
              </span>
            </dd>
            <dt>Project</dt>
            <dd>{project.name}</dd>
            <dt>Words</dt>
            <dd data-testid="word-count">{words}</dd>
            <dt>Draft</dt>
            <dd data-testid="feedback-draft">{feedback?.generation ? `${feedback.generation.model} · ${when(feedback.generation.created_at)}` : "written by hand"}</dd>
            <dt>Last saved</dt>
            <dd>{when(document.updated_at)}</dd>
          </dl>
          {feedback && record && <Controls {...props} feedback={feedback} record={record} project={project} />}
        </>
      )}
    </aside>
  );
}

function Controls({ project, feedback, record, onShowSpan, onRemoveSpanTag, onEditSchema }: FeedbackPanelProps & { project: Project; feedback: DocumentFeedback; record: (f: Feedback) => Promise<void> }) {
  const [why, setWhy] = useState("");
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const ids = useId();
  const thumb = feedback.thumb?.feedback.kind === "thumb" ? feedback.thumb.feedback : null;
  const standing = feedback.decision?.feedback.kind === "decision" ? feedback.decision.feedback.verdict : null;
  const rating = (dimension: string) => feedback.ratings.find((r) => r.dimension === dimension)?.value ?? null;
  // Taking back what was said is an event of its own: the log keeps both.
  const takeBack = (eventId: string) => record({ kind: "retraction", event_id: eventId });
  // The lit thumb, pressed again, is taken back.
  const pressThumb = (up: boolean) => {
    if (thumb?.up === up && feedback.thumb) return void takeBack(feedback.thumb.id);
    void record({ kind: "thumb", up, reason: null, text: null });
  };

  const sendComment = async () => {
    if (!comment.trim()) return;
    await record({ kind: "comment", text: comment, span: null });
    setComment("");
  };
  const decide = async (verdict: Verdict) => {
    await record({ kind: "decision", verdict, reason: reason.trim() || null });
    setReason("");
  };
  const onRatingKey = (e: KeyboardEvent<HTMLDivElement>, dimension: string, min: number, max: number) => {
    const current = rating(dimension);
    const standing = feedback.ratings.find((r) => r.dimension === dimension);
    if ((e.key === "Delete" || e.key === "Backspace") && standing) {
      e.preventDefault();
      return void takeBack(standing.event_id);
    }
    let value: number | null = null;
    if (/^[0-9]$/.test(e.key)) value = Number(e.key);
    else if (e.key === "ArrowRight" || e.key === "ArrowUp") value = Math.min(max, (current ?? min - 1) + 1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowDown") value = Math.max(min, (current ?? min + 1) - 1);
    if (value === null || value < min || value > max) return;
    e.preventDefault();
    void record({ kind: "rating", dimension, value });
  };

  return (
    <>
      <h3>Overall</h3>
      <div className="thumbs" role="group" aria-label="Thumbs">
        <button className={`thumb ${thumb?.up === true ? "on" : ""}`} aria-pressed={thumb?.up === true} aria-label="Thumbs up" data-testid="thumb-up" title={thumb?.up === true ? "Take back the thumbs up" : "Thumbs up (Alt+↑)"} onClick={() => pressThumb(true)}>
          <Icon name="thumb-up" size={18} />
        </button>
        <button className={`thumb ${thumb?.up === false ? "on" : ""}`} aria-pressed={thumb?.up === false} aria-label="Thumbs down" data-testid="thumb-down" title={thumb?.up === false ? "Take back the thumbs down" : "Thumbs down (Alt+↓)"} onClick={() => pressThumb(false)}>
          <Icon name="thumb-down" size={18} />
        </button>
      </div>
      {/* The reasons share the tags' names but belong to the thumb: one reason, kept with
          the thumbs down, apart from the draft's tags below. */}
      {thumb?.up === false && (
        <div className="why" data-testid="thumb-reasons" role="group" aria-labelledby={`${ids}-why`}>
          <span className="muted small" id={`${ids}-why`}>
            Why the thumbs down? One reason (optional)
          </span>
          <div className="tags">
            {project.tags.map((t) => (
              <button
                key={t}
                className={`chip-button ${thumb.reason === t ? "on" : ""}`}
                aria-pressed={thumb.reason === t}
                title={`“${t}” as the reason for the thumbs down (not a tag on the draft)`}
                onClick={() => void record({ kind: "thumb", up: false, reason: t, text: why.trim() || thumb.text })}
              >
                {t}
              </button>
            ))}
          </div>
          <input
            data-testid="thumb-text"
            placeholder="In your words… (Enter)"
            value={why}
            onChange={(e) => setWhy(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && why.trim()) {
                e.preventDefault();
                void record({ kind: "thumb", up: false, reason: thumb.reason, text: why }).then(() => setWhy(""));
              }
            }}
          />
          {thumb.text && <p className="small muted">“{thumb.text}”</p>}
        </div>
      )}

      <h3>
        Rubric
        <button className="link small" data-testid="edit-schema" onClick={onEditSchema} title="Edit the project's rubric and tags">
          Edit
        </button>
      </h3>
      <div className="ratings" data-testid="ratings">
        {project.rubric.map((d, index) => {
          const value = rating(d.name);
          const standing = feedback.ratings.find((r) => r.dimension === d.name);
          const scale = Array.from({ length: d.max - d.min + 1 }, (_, i) => d.min + i);
          const described = d.description.trim() ? `${ids}-dimension-${index}` : undefined;
          return (
            // The description in full: on hover (the title), and under the row while the
            // scale has the keyboard's focus (see `.rating-description`).
            <div key={d.name} className="rating-row" title={d.description || undefined}>
              <span className="dimension">{d.name}</span>
              <div
                role="radiogroup"
                aria-label={d.name}
                aria-describedby={described}
                data-testid={`rating-${d.name}`}
                className="scale"
                tabIndex={0}
                onKeyDown={(e) => onRatingKey(e, d.name, d.min, d.max)}
              >
                {scale.map((v) => (
                  <button
                    key={v}
                    role="radio"
                    aria-checked={value === v}
                    tabIndex={-1}
                    title={value === v ? "Clear this rating" : undefined}
                    className={`dot ${value !== null && v <= value ? "on" : ""}`}
                    // The chosen value, pressed again, clears the rating.
                    onClick={() => void (value === v && standing ? takeBack(standing.event_id) : record({ kind: "rating", dimension: d.name, value: v }))}
                  >
                    {v}
                  </button>
                ))}
              </div>
              {described && (
                <p className="rating-description" id={described}>
                  {d.description}
                </p>
              )}
            </div>
          );
        })}
      </div>

      <h3>Tags on the whole draft</h3>
      <p className="muted small tags-hint">Not the thumb's reason; select words to tag just them.</p>
      <div className="tags" data-testid="document-tags" role="group" aria-label="Tags on the whole draft">
        {project.tags.map((t) => {
          const on = feedback.tags.includes(t);
          return (
            <button
              key={t}
              className={`chip-button ${on ? "on" : ""}`}
              aria-pressed={on}
              title={on ? `Take “${t}” off the draft` : `Tag the whole draft “${t}”`}
              onClick={() => void record({ kind: "tag", tag: t, span: null, removed: on })}
            >
              {t}
            </button>
          );
        })}
      </div>

      {feedback.spans.length > 0 && (
        <>
          <h3>On the text</h3>
          <ul className="span-notes" data-testid="span-notes">
            {feedback.spans.map((s) => (
              <li key={s.event_id} className={s.tag ? "note-tag" : "note-comment"}>
                <button className="quote" onClick={() => onShowSpan?.(s.anchor)} title="Show in the text">
                  “{s.quote}”
                </button>
                {s.tag ? <span className="chip on">{s.tag}</span> : <span className="note-text">{s.comment}</span>}
                {s.tag && (
                  <button className="icon small" aria-label={`Remove ${s.tag}`} onClick={() => onRemoveSpanTag?.(s)}>
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Comment</h3>
      <textarea
        className="comment-box"
        data-testid="comment-text"
        rows={3}
        placeholder="A note on this draft (Ctrl+Enter)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void sendComment();
          }
        }}
      />
      <div className="row-end">
        <button data-testid="send-comment" disabled={!comment.trim()} onClick={() => void sendComment()}>
          Comment
        </button>
      </div>
      {feedback.comments.length > 0 && (
        <ul className="comments">
          {feedback.comments.map((c) => (
            <li key={c.id}>
              <span>{c.feedback.kind === "comment" ? c.feedback.text : ""}</span>
              <span className="muted small">
                {personName(feedback.people, c)} · {when(c.created_at)}
                <button className="icon small" aria-label="Delete this comment" data-testid="delete-comment" title="Delete this comment" onClick={() => void takeBack(c.id)}>
                  ×
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}

      <h3>Decision</h3>
      <input className="reason" data-testid="decision-reason" placeholder="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="decisions">
        <button data-testid="approve" className={`ok ${standing === "approve" ? "on" : ""}`} aria-pressed={standing === "approve"} title="Approve (Alt+Shift+A)" onClick={() => void decide("approve")}>
          Approve
        </button>
        <button data-testid="reject" className={`danger-text ${standing === "reject" ? "on" : ""}`} aria-pressed={standing === "reject"} title="Reject (Alt+Shift+R)" onClick={() => void decide("reject")}>
          Reject
        </button>
        <button data-testid="escalate" className={standing === "escalate" ? "on" : ""} aria-pressed={standing === "escalate"} title="Escalate to a senior reviewer (Alt+Shift+E)" onClick={() => void decide("escalate")}>
          Escalate
        </button>
      </div>
      {/* Where the person clicked: what now stands, by whom. */}
      {feedback.decision && (
        <p className="muted small" data-testid="decision-standing" role="status">
          {describeFeedback(feedback.decision.feedback).text} by {personName(feedback.people, feedback.decision)} · {when(feedback.decision.created_at)}
        </p>
      )}

      <h3>Timeline</h3>
      {feedback.timeline.length === 0 ? (
        <p className="muted hint">Nothing yet. Everything given on this document shows here, newest first.</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {feedback.timeline.map(({ event, model, variant, compared }) => {
            const { icon, text } = describeFeedback(event.feedback, compared);
            return (
              <li key={event.id} data-kind={event.feedback.kind}>
                <span className="icon-cell">
                  <Icon name={icon} size={14} />
                </span>
                <div>
                  <div>{text}</div>
                  <div className="muted small">
                    {personName(feedback.people, event)} · {when(event.created_at)}
                    {model ? ` · on ${model}${variant && event.feedback.kind !== "preference" ? `, variant ${variant}` : ""}` : ""}
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
