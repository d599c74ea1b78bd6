//! The review queue: drafts waiting for a person, at tier 1 (reviewers) or tier 2
//! (senior reviewers), and auto-approved drafts drawn for audit. An opened item is
//! leased to its reviewer for a while so two people never review it at once; the time
//! each reviewer spends is added up; a decision on the document, wherever it is made,
//! resolves the item.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::ReviewKind;
use crate::actor::Actor;
use crate::audit;
use crate::error::{Error, Result};
use crate::feedback::Verdict;
use crate::host::stamp;
use crate::ids::new_id;
use crate::profile::ProfileRole;
use crate::store::Workspace;

/// How long an opened item stays with its reviewer without a decision.
pub const LEASE_MINUTES: i64 = 10;

pub(crate) struct NewItem<'a> {
    pub document_id: &'a str,
    pub generation_id: &'a str,
    pub confidence: Option<f64>,
    pub kind: ReviewKind,
    pub reasons: &'a [String],
    pub due_at: Option<String>,
    /// How many reviewers must each give a review (1: the first decision resolves it).
    pub reviews: u8,
    pub at: &'a str,
}

/// Queues a draft (a document has one open review item at most: a new one replaces
/// the open one, which the newer draft supersedes).
pub(crate) fn insert_item(tx: &Transaction, item: &NewItem<'_>) -> Result<String> {
    tx.execute(
        "UPDATE review_items SET resolved_at = ?2, lease_holder = NULL, lease_until = NULL
         WHERE document_id = ?1 AND resolved_at IS NULL AND kind = ?3",
        params![item.document_id, item.at, item.kind.as_str()],
    )?;
    let id = new_id();
    tx.execute(
        "INSERT INTO review_items (id, document_id, generation_id, confidence, reason, reasons,
             tier, kind, due_at, created_at, reviews_wanted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9, ?10)",
        params![
            id,
            item.document_id,
            item.generation_id,
            item.confidence,
            item.reasons.first().cloned().unwrap_or_default(),
            serde_json::to_string(item.reasons)?,
            item.kind.as_str(),
            item.due_at,
            item.at,
            item.reviews,
        ],
    )?;
    Ok(id)
}

/// A draft waiting for a person, as the queue lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QueueItem {
    pub id: String,
    pub document_id: String,
    pub generation_id: Option<String>,
    pub title: String,
    pub project_id: String,
    pub project: String,
    pub confidence: Option<f64>,
    pub reasons: Vec<String>,
    pub tier: u8,
    pub kind: ReviewKind,
    pub due_at: Option<String>,
    pub overdue: bool,
    /// The escalation's note, for the senior reviewer.
    pub note: Option<String>,
    /// Who holds the lease now (display name), if anyone.
    pub held_by: Option<String>,
    pub held_until: Option<String>,
    #[ts(type = "number")]
    pub time_spent_ms: i64,
    pub created_at: String,
    /// Reviews it asks for (1 but for drafts drawn for several reviews), and how many
    /// are in.
    pub reviews_wanted: u8,
    pub reviews_in: u8,
    /// Whether the person asking gave theirs.
    pub reviewed_by_me: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    /// Lowest confidence first, then oldest.
    #[default]
    LowestConfidence,
    /// Closest to the project's threshold first: the decisions that would teach the
    /// score most.
    MostUncertain,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
pub struct QueueFilter {
    pub project_id: Option<String>,
    pub tier: Option<u8>,
    pub kind: Option<ReviewKind>,
    #[serde(default)]
    pub order: QueueOrder,
}

/// `?9` is the profile id of the person asking.
const ITEM_COLUMNS: &str = "r.id, r.document_id, r.generation_id, d.title, p.id, p.name, \
    r.confidence, r.reasons, r.tier, r.kind, r.due_at, r.note, \
    (SELECT display_name FROM profiles WHERE id = r.lease_holder), r.lease_until, \
    r.time_spent_ms, r.created_at, p.routing, r.reviews_wanted, \
    (SELECT count(DISTINCT e.person) FROM feedback_events e WHERE e.document_id = r.document_id \
       AND e.kind = 'decision' AND json_extract(e.payload, '$.kind') = 'review' \
       AND e.generation_id IS r.generation_id AND e.created_at >= r.created_at), \
    EXISTS (SELECT 1 FROM feedback_events e WHERE e.document_id = r.document_id \
       AND e.kind = 'decision' AND json_extract(e.payload, '$.kind') = 'review' \
       AND e.generation_id IS r.generation_id AND e.created_at >= r.created_at \
       AND e.person = (SELECT n FROM profiles WHERE id = ?9))";

fn item_from_row(r: &rusqlite::Row<'_>, at: &str) -> rusqlite::Result<(QueueItem, f64)> {
    let reasons: String = r.get(7)?;
    let kind: String = r.get(9)?;
    let due_at: Option<String> = r.get(10)?;
    let held_until: Option<String> = r.get(13)?;
    let live = held_until.as_deref().is_some_and(|u| u > at);
    let routing: String = r.get(16)?;
    let threshold = serde_json::from_str::<super::RoutingPolicy>(&routing)
        .map(|p| p.threshold)
        .unwrap_or(0.85);
    Ok((
        QueueItem {
            id: r.get(0)?,
            document_id: r.get(1)?,
            generation_id: r.get(2)?,
            title: r.get(3)?,
            project_id: r.get(4)?,
            project: r.get(5)?,
            confidence: r.get(6)?,
            reasons: serde_json::from_str(&reasons).unwrap_or_default(),
            tier: r.get(8)?,
            kind: if kind == "audit" {
                ReviewKind::Audit
            } else {
                ReviewKind::Review
            },
            overdue: due_at.as_deref().is_some_and(|d| d < at),
            due_at,
            note: r.get(11)?,
            held_by: if live { r.get(12)? } else { None },
            held_until: if live { held_until } else { None },
            time_spent_ms: r.get(14)?,
            created_at: r.get(15)?,
            reviews_wanted: r.get(17)?,
            reviews_in: r.get(18)?,
            reviewed_by_me: r.get(19)?,
        },
        threshold,
    ))
}

/// The open item of a document, if any (a review item before an audit one).
fn open_item(conn: &Connection, document_id: &str) -> Result<Option<OpenItem>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, tier, kind, generation_id, lease_holder, lease_until, opened_at,
                    reviews_wanted, created_at
             FROM review_items WHERE document_id = ?1 AND resolved_at IS NULL
             ORDER BY kind = 'audit', created_at DESC LIMIT 1",
        )?
        .query_row([document_id], |r| {
            Ok(OpenItem {
                id: r.get(0)?,
                tier: r.get(1)?,
                kind: r.get(2)?,
                generation_id: r.get(3)?,
                lease_holder: r.get(4)?,
                lease_until: r.get(5)?,
                opened_at: r.get(6)?,
                reviews_wanted: r.get(7)?,
                created_at: r.get(8)?,
            })
        })
        .optional()?)
}

struct OpenItem {
    id: String,
    tier: u8,
    kind: String,
    generation_id: Option<String>,
    lease_holder: Option<String>,
    lease_until: Option<String>,
    opened_at: Option<String>,
    reviews_wanted: u8,
    created_at: String,
}

impl OpenItem {
    /// Reviewers give their reviews each on their own, nobody holding it: several at
    /// the first tier (an escalated one is one senior's to decide).
    fn asks_reviews(&self) -> bool {
        self.reviews_wanted > 1 && self.tier == 1 && self.kind == "review"
    }

    /// Someone else's lease, still running at `at`: (their name, until).
    fn held_by_other(
        &self,
        conn: &Connection,
        me: &str,
        at: &str,
    ) -> Result<Option<(String, String)>> {
        match (&self.lease_holder, &self.lease_until) {
            (Some(holder), Some(until))
                if holder != me && until.as_str() > at && !self.asks_reviews() =>
            {
                let name: String = conn
                    .query_row(
                        "SELECT display_name FROM profiles WHERE id = ?1",
                        [holder],
                        |r| r.get(0),
                    )
                    .optional()?
                    .unwrap_or_else(|| "another reviewer".into());
                Ok(Some((name, until.clone())))
            }
            _ => Ok(None),
        }
    }

    /// Time `me` has spent on it since opening, when they hold it.
    fn spent_by(&self, me: &str, at: &str) -> i64 {
        match (&self.lease_holder, &self.opened_at) {
            (Some(h), Some(opened)) if h == me => millis_between(opened, at),
            _ => 0,
        }
    }
}

fn millis_between(from: &str, to: &str) -> i64 {
    match (
        DateTime::parse_from_rfc3339(from),
        DateTime::parse_from_rfc3339(to),
    ) {
        (Ok(a), Ok(b)) => (b - a).num_milliseconds().max(0),
        _ => 0,
    }
}

fn role_of(conn: &Connection, actor: &Actor) -> Result<ProfileRole> {
    let role: Option<String> = conn
        .query_row(
            "SELECT role FROM profiles WHERE id = ?1",
            [actor.person()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match role.as_deref() {
        Some("admin") => ProfileRole::Admin,
        Some("senior_reviewer") => ProfileRole::SeniorReviewer,
        Some("reviewer") => ProfileRole::Reviewer,
        Some("author") => ProfileRole::Author,
        _ => ProfileRole::Viewer,
    })
}

/// Whether `role` may decide items at `tier`.
fn may_review(role: ProfileRole, tier: u8) -> bool {
    match role {
        ProfileRole::Admin | ProfileRole::SeniorReviewer => true,
        ProfileRole::Reviewer => tier == 1,
        ProfileRole::Author | ProfileRole::Viewer => false,
    }
}

fn tier_refusal(tier: u8) -> Error {
    if tier == 2 {
        Error::invalid("this draft was escalated: only a senior reviewer can decide it")
    } else {
        Error::invalid("only reviewers can decide drafts in the review queue")
    }
}

fn held(name: &str, until: &str) -> Error {
    let time = until.get(11..16).unwrap_or(until);
    Error::Conflict(format!(
        "{name} is reviewing this draft (held until {time} UTC)"
    ))
}

/// Called by every decision on a document, inside its transaction: a decision on a
/// queued document must come from someone allowed at its tier and not while another
/// reviewer holds it; it resolves the item (an escalation moves it to tier 2 instead).
pub(crate) fn on_decision(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    verdict: Verdict,
    reason: &Option<String>,
    at: &str,
) -> Result<()> {
    let Some(item) = open_item(tx, document_id)? else {
        if verdict == Verdict::Escalate {
            // Escalated from the editor: straight to the senior tier.
            let generation = crate::drafting::revision::latest_model_generation(tx, document_id)?;
            tx.execute(
                "INSERT INTO review_items (id, document_id, generation_id, confidence, reason,
                     reasons, tier, kind, note, created_at)
                 VALUES (?1, ?2, ?3, (SELECT confidence FROM generations WHERE id = ?3), ?4, ?5,
                     2, 'review', ?6, ?7)",
                params![
                    new_id(),
                    document_id,
                    generation,
                    "escalated",
                    json!(["escalated to a senior reviewer"]).to_string(),
                    reason,
                    at
                ],
            )?;
        }
        return Ok(());
    };
    if verdict == Verdict::Reopen {
        return Ok(());
    }
    let me = actor.person();
    if !may_review(role_of(tx, actor)?, item.tier) {
        return Err(tier_refusal(item.tier));
    }
    if let Some((name, until)) = item.held_by_other(tx, me, at)? {
        return Err(held(&name, &until));
    }
    let spent = item.spent_by(me, at);
    match verdict {
        Verdict::Escalate => {
            if item.tier >= 2 {
                return Err(Error::invalid(
                    "a senior reviewer's decision is final: approve or reject it",
                ));
            }
            if item.kind == "audit" {
                return Err(Error::invalid(
                    "an audited draft is approved or rejected, not escalated",
                ));
            }
            tx.execute(
                "UPDATE review_items SET tier = 2, note = ?2, lease_holder = NULL,
                     lease_until = NULL, opened_at = NULL, time_spent_ms = time_spent_ms + ?3
                 WHERE id = ?1",
                params![item.id, reason, spent],
            )?;
        }
        Verdict::Approve | Verdict::Reject => {
            let outcome = if verdict == Verdict::Reject {
                "rejected"
            } else if unchanged(tx, document_id, item.generation_id.as_deref())? {
                "approved"
            } else {
                "edited"
            };
            tx.execute(
                "UPDATE review_items SET resolved_at = ?2, resolved_by = ?3, outcome = ?4,
                     lease_holder = NULL, lease_until = NULL, opened_at = NULL,
                     time_spent_ms = time_spent_ms + ?5
                 WHERE id = ?1",
                params![item.id, at, me, outcome, spent],
            )?;
        }
        Verdict::Reopen => {}
    }
    Ok(())
}

/// Whether the document's open item asks for several reviews, so that approving or
/// rejecting it gives one of them.
pub(crate) fn asks_reviews(conn: &Connection, document_id: &str) -> Result<bool> {
    Ok(open_item(conn, document_id)?.is_some_and(|i| i.asks_reviews()))
}

/// A review given of an item's draft.
struct GivenReview {
    person: String,
    name: String,
    approved: bool,
    reason: Option<String>,
}

/// The reviews given of `item`'s draft since it was queued, oldest first.
fn reviews_of(conn: &Connection, document_id: &str, item: &OpenItem) -> Result<Vec<GivenReview>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(p.id, e.actor), coalesce(p.display_name, e.actor),
                json_extract(e.payload, '$.verdict') = 'approve', json_extract(e.payload, '$.reason')
         FROM feedback_events e LEFT JOIN profiles p ON p.n = e.person
         WHERE e.document_id = ?1 AND e.kind = 'decision'
           AND json_extract(e.payload, '$.kind') = 'review'
           AND e.generation_id IS ?2 AND e.created_at >= ?3
         ORDER BY e.created_at, e.id",
    )?;
    let rows = stmt.query_map(
        params![document_id, item.generation_id, item.created_at],
        |r| {
            Ok(GivenReview {
                person: r.get(0)?,
                name: r.get(1)?,
                approved: r.get(2)?,
                reason: r.get(3)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When `person` may not see the others' reviews of the document's draft yet (it waits
/// for several and theirs is not in): the draft, and since when.
pub(crate) fn blind_to(
    conn: &Connection,
    document_id: &str,
    person: &str,
) -> Result<Option<(Option<String>, String)>> {
    let Some(item) = open_item(conn, document_id)?.filter(OpenItem::asks_reviews) else {
        return Ok(None);
    };
    if reviews_of(conn, document_id, &item)?
        .iter()
        .any(|r| r.person == person)
    {
        return Ok(None);
    }
    Ok(Some((item.generation_id, item.created_at)))
}

fn already_reviewed() -> Error {
    Error::Conflict(
        "you gave your review of this draft already: it waits for the other reviewers".into(),
    )
}

/// What a decision on `document_id` would be refused for, checked before anything of it
/// is written (the text a reviewer left goes in first).
pub(crate) fn check_decision(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    verdict: Verdict,
    reason: &Option<String>,
    at: &str,
) -> Result<()> {
    match open_item(tx, document_id)? {
        Some(item)
            if item.asks_reviews() && matches!(verdict, Verdict::Approve | Verdict::Reject) =>
        {
            if !may_review(role_of(tx, actor)?, item.tier) {
                return Err(tier_refusal(item.tier));
            }
            if reviews_of(tx, document_id, &item)?
                .iter()
                .any(|r| r.person == actor.person())
            {
                return Err(already_reviewed());
            }
            Ok(())
        }
        _ => on_decision(tx, actor, document_id, verdict, reason, at),
    }
}

/// Called by every review (already recorded, in its transaction): one review per
/// reviewer. Once all are in, either they agree, and the reason of the decision they
/// make together is returned, or the draft goes to a senior reviewer with what each
/// said.
pub(crate) fn on_review(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    verdict: Verdict,
) -> Result<Option<String>> {
    let item = open_item(tx, document_id)?
        .filter(OpenItem::asks_reviews)
        .ok_or_else(|| Error::Internal("a review of a draft that asks for none".into()))?;
    if !may_review(role_of(tx, actor)?, item.tier) {
        return Err(tier_refusal(item.tier));
    }
    let reviews = reviews_of(tx, document_id, &item)?;
    if reviews
        .iter()
        .filter(|r| r.person == actor.person())
        .count()
        > 1
    {
        return Err(already_reviewed());
    }
    let wanted = usize::from(item.reviews_wanted);
    audit::record(
        tx,
        actor,
        "review.given",
        "review_item",
        &item.id,
        json!({"document_id": document_id, "verdict": verdict, "reviews_in": reviews.len(),
               "reviews_wanted": wanted}),
    )?;
    if reviews.len() < wanted {
        return Ok(None);
    }
    let approved = reviews.iter().filter(|r| r.approved).count();
    if approved == reviews.len() || approved == 0 {
        return Ok(Some(format!("{} reviewers agreed", reviews.len())));
    }
    // What each said, for the senior reviewer: "bob rejected: off-brand".
    let said: Vec<String> = reviews
        .iter()
        .map(|r| {
            let done = if r.approved { "approved" } else { "rejected" };
            match &r.reason {
                Some(reason) => format!("{} {done}: {reason}", r.name),
                None => format!("{} {done}", r.name),
            }
        })
        .collect();
    let note = format!(
        "Reviewers disagreed: {approved} approved, {} rejected ({})",
        reviews.len() - approved,
        said.join("; ")
    );
    tx.execute(
        "UPDATE review_items SET tier = 2, note = ?2, lease_holder = NULL, lease_until = NULL,
             opened_at = NULL
         WHERE id = ?1",
        params![item.id, note],
    )?;
    audit::record(
        tx,
        actor,
        "review.disagreed",
        "review_item",
        &item.id,
        json!({"document_id": document_id, "approved": approved,
               "rejected": reviews.len() - approved}),
    )?;
    Ok(None)
}

/// Whether the document's text is still the model's draft, word for word.
fn unchanged(conn: &Connection, document_id: &str, generation_id: Option<&str>) -> Result<bool> {
    let Some(g) = generation_id else {
        return Ok(false);
    };
    let output: String =
        conn.query_row("SELECT output FROM generations WHERE id = ?1", [g], |r| {
            r.get(0)
        })?;
    let text = crate::document::text_of(conn, document_id)?.body_markdown;
    Ok(squash(&output) == squash(&text))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Workspace {
    /// What waits for a person, in the order asked for; `at` decides what is overdue
    /// and whose lease still holds.
    pub fn review_queue(&self, filter: &QueueFilter, at: DateTime<Utc>) -> Result<Vec<QueueItem>> {
        let at = stamp(at);
        let mut stmt = self.conn().prepare(
            &format!(
                // CROSS JOIN keeps the open items first: without statistics SQLite
                // would walk a project's documents (200,000 after an import) instead.
                "SELECT {ITEM_COLUMNS} FROM review_items r
             CROSS JOIN live_documents d ON d.id = r.document_id
             JOIN projects p ON p.id = d.project_id
             WHERE r.resolved_at IS NULL
               AND (?1 IS NULL OR p.id = ?1)
               AND (?2 IS NULL OR r.tier = ?2)
               AND (?3 IS NULL OR r.kind = ?3)
             ORDER BY r.confidence IS NOT NULL, r.confidence, r.created_at, r.id"
            )
            .replace("?9", "?4"),
        )?;
        let rows = stmt.query_map(
            params![
                filter.project_id,
                filter.tier,
                filter.kind.map(ReviewKind::as_str),
                self.actor().person(),
            ],
            |r| item_from_row(r, &at),
        )?;
        let mut items: Vec<(QueueItem, f64)> = rows.collect::<rusqlite::Result<_>>()?;
        if filter.order == QueueOrder::MostUncertain {
            // A stable sort keeps lowest-confidence-then-oldest among equals.
            items.sort_by(|a, b| {
                let d = |(i, t): &(QueueItem, f64)| i.confidence.map_or(0.0, |c| (c - t).abs());
                d(a).total_cmp(&d(b))
            });
        }
        Ok(items.into_iter().map(|(i, _)| i).collect())
    }

    /// Opens an item for review: it is held for this reviewer for [`LEASE_MINUTES`]
    /// (opening it again renews the hold); refused while another reviewer holds it,
    /// or when the reviewer's role does not reach its tier.
    pub fn open_review_item(&mut self, item_id: &str, at: DateTime<Utc>) -> Result<QueueItem> {
        let now = stamp(at);
        let until = stamp(at + Duration::minutes(LEASE_MINUTES));
        let document_id: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT document_id, resolved_at FROM review_items WHERE id = ?1",
                [item_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let document_id = match document_id {
            None => return Err(Error::NotFound(format!("review item {item_id}"))),
            Some((_, Some(_))) => {
                return Err(Error::Conflict("this draft was already decided".into()))
            }
            Some((d, None)) => d,
        };
        self.write(|tx, actor| {
            let item = open_item(tx, &document_id)?
                .filter(|i| i.id == item_id)
                .ok_or_else(|| Error::Conflict("this draft was already decided".into()))?;
            if !may_review(role_of(tx, actor)?, item.tier) {
                return Err(tier_refusal(item.tier));
            }
            if let Some((name, until)) = item.held_by_other(tx, actor.person(), &now)? {
                return Err(held(&name, &until));
            }
            if item.asks_reviews() {
                // Each reviewer reviews on their own: nobody holds it.
                return audit::record(
                    tx,
                    actor,
                    "review.opened",
                    "review_item",
                    item_id,
                    json!({"document_id": document_id}),
                );
            }
            let mine = item.lease_holder.as_deref() == Some(actor.person())
                && item
                    .lease_until
                    .as_deref()
                    .is_some_and(|u| u > now.as_str());
            // A lapsed hold of another reviewer counts the time they spent.
            let lapsed = match (&item.lease_holder, &item.opened_at, &item.lease_until) {
                (Some(_), Some(opened), Some(until)) if !mine => millis_between(opened, until),
                _ => 0,
            };
            tx.execute(
                "UPDATE review_items SET lease_holder = ?2, lease_until = ?3,
                     opened_at = CASE WHEN ?4 THEN opened_at ELSE ?5 END,
                     time_spent_ms = time_spent_ms + ?6
                 WHERE id = ?1",
                params![item_id, actor.person(), until, mine, now, lapsed],
            )?;
            audit::record(
                tx,
                actor,
                "review.opened",
                "review_item",
                item_id,
                json!({"document_id": document_id, "until": until}),
            )
        })?;
        self.review_queue(&QueueFilter::default(), at)?
            .into_iter()
            .find(|i| i.id == item_id)
            .ok_or_else(|| Error::NotFound(format!("review item {item_id}")))
    }

    /// Lets go of an item without deciding it (the reviewer moved on); their time on it
    /// is kept.
    pub fn release_review_item(&mut self, item_id: &str, at: DateTime<Utc>) -> Result<()> {
        let now = stamp(at);
        self.write(|tx, actor| {
            let opened: Option<String> = tx
                .query_row(
                    "SELECT opened_at FROM review_items WHERE id = ?1 AND lease_holder = ?2
                       AND resolved_at IS NULL",
                    [item_id, actor.person()],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            if let Some(opened) = opened {
                tx.execute(
                    "UPDATE review_items SET lease_holder = NULL, lease_until = NULL,
                         opened_at = NULL, time_spent_ms = time_spent_ms + ?2
                     WHERE id = ?1",
                    params![item_id, millis_between(&opened, &now)],
                )?;
            }
            Ok(())
        })
    }

    /// The open item of a document, as the queue lists it.
    pub fn review_item_of(
        &self,
        document_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<QueueItem>> {
        let Some(open) = open_item(self.conn(), document_id)? else {
            return Ok(None);
        };
        Ok(self
            .review_queue(&QueueFilter::default(), at)?
            .into_iter()
            .find(|i| i.id == open.id))
    }

    /// Open items past their deadline that nobody was told of yet; marks them told.
    pub(crate) fn newly_overdue(&mut self, at: DateTime<Utc>) -> Result<Vec<QueueItem>> {
        let now = stamp(at);
        let items: Vec<QueueItem> = self
            .review_queue(&QueueFilter::default(), at)?
            .into_iter()
            .filter(|i| i.overdue)
            .collect();
        let told: std::collections::HashSet<String> = {
            let mut stmt = self.conn().prepare(
                "SELECT id FROM review_items WHERE overdue_told = 1 AND resolved_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let fresh: Vec<QueueItem> = items
            .into_iter()
            .filter(|i| !told.contains(&i.id))
            .collect();
        if !fresh.is_empty() {
            self.write(|tx, _| {
                for i in &fresh {
                    tx.execute(
                        "UPDATE review_items SET overdue_told = 1 WHERE id = ?1 AND due_at < ?2",
                        [&i.id, &now],
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(fresh)
    }
}
