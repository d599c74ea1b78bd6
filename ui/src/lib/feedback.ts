// How feedback reads in the timeline.
import type { Feedback, FeedbackEvent, Profile } from "../bindings";
import type { IconName } from "../components/Icon";

function quoted(text: string, max = 48): string {
  const t = text.replace(/\s+/g, " ").trim();
  return `“${t.length > max ? `${t.slice(0, max - 1)}…` : t}”`;
}

/** `compared`: for a preference, the letters of the chosen variant and the other. */
export function describeFeedback(f: Feedback, compared: [string, string] | null = null): { icon: IconName; text: string } {
  switch (f.kind) {
    case "thumb":
      return { icon: f.up ? "thumb-up" : "thumb-down", text: [f.up ? "Thumbs up" : "Thumbs down", f.reason, f.text && quoted(f.text)].filter(Boolean).join(" · ") };
    case "rating":
      return { icon: "star", text: `Rated ${f.dimension} ${f.value}` };
    case "tag":
      return { icon: "tag", text: `${f.removed ? "Removed" : "Tagged"} ${f.tag}${f.span ? ` on ${quoted(f.span.quote)}` : ""}` };
    case "comment":
      return { icon: "comment", text: `${f.span ? `On ${quoted(f.span.quote)}: ` : ""}${quoted(f.text, 80)}` };
    case "preference": {
      const said = !compared
        ? f.tie
          ? "Tie between two variants"
          : "Preferred one variant over another"
        : f.tie
          ? `Tie between ${[...compared].sort().join(" and ")}`
          : `Preferred ${compared[0]} over ${compared[1]}`;
      return { icon: "swap", text: `${said}${f.reason ? ` · ${quoted(f.reason)}` : ""}` };
    }
    case "edit":
      return { icon: "pencil", text: "Edited the text" };
    case "decision": {
      if (f.verdict === "reopen") return { icon: "pencil", text: `Back to draft${f.reason ? `: ${f.reason}` : ""}` };
      const verb = { approve: "Approved", reject: "Rejected", escalate: "Escalated" }[f.verdict];
      return { icon: f.verdict === "approve" ? "check" : f.verdict === "reject" ? "cross" : "arrow-up", text: `${verb}${f.reason ? ` · ${quoted(f.reason)}` : ""}` };
    }
    case "review": {
      const verb = f.verdict === "approve" ? "Reviewed: approve" : "Reviewed: reject";
      return { icon: f.verdict === "approve" ? "check" : "cross", text: `${verb}${f.reason ? ` · ${quoted(f.reason)}` : ""}` };
    }
    case "retraction":
      return { icon: "cross", text: "Took back earlier feedback" };
    case "implicit": {
      const parts: string[] = [];
      if (f.kept_ratio !== null) parts.push(`${Math.round(f.kept_ratio * 100)}% of the draft kept`);
      if (f.time_to_accept_ms !== null) parts.push(`accepted after ${duration(f.time_to_accept_ms)}`);
      if (f.copied_chars !== null) parts.push(`copied ${f.copied_chars} characters`);
      if (f.exported_format !== null) parts.push(`exported as ${f.exported_format}`);
      return { icon: "signal", text: parts.join(" · ") };
    }
  }
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

/** The name to show for who did something (an event, a revision): their profile's,
 * else their handle's. */
export function personName(people: readonly Profile[], who: Pick<FeedbackEvent, "actor"> & { person_id?: string }): string {
  const person = people.find((p) => p.id === who.person_id) ?? people.find((p) => p.handle === who.actor);
  return person?.display_name ?? actorName(who.actor);
}

/** "local:alice" → "alice". */
export function actorName(actor: string): string {
  return actor.replace(/^[a-z]+:/, "");
}
