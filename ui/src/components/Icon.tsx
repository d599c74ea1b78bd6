// Line icons drawn in SVG: many Linux desktops have no colour emoji font.
export type IconName = "thumb-up" | "thumb-down" | "tag" | "comment" | "link" | "star" | "swap" | "pencil" | "check" | "cross" | "arrow-up" | "signal" | "trash";

const PATHS: Record<IconName, string> = {
  "thumb-up": "M7 10v11H3V10h4zm2 11h8.3a2 2 0 0 0 2-1.7l1.2-7A2 2 0 0 0 18.5 10H14V5.5A2.5 2.5 0 0 0 11.5 3L9 10v11z",
  "thumb-down": "M7 14V3H3v11h4zm2-11h8.3a2 2 0 0 1 2 1.7l1.2 7a2 2 0 0 1-2 2.3H14v4.5a2.5 2.5 0 0 1-2.5 2.5L9 14V3z",
  tag: "M3 3h8l10 10-8 8L3 11V3zm4.5 3a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
  comment: "M4 4h16v12H9l-5 4V4z",
  link: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  star: "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9L12 3z",
  swap: "M4 8h14l-4-4M20 16H6l4 4",
  pencil: "M4 20h4L19 9l-4-4L4 16v4z",
  check: "M4 12l5 5L20 6",
  cross: "M6 6l12 12M18 6L6 18",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  "arrow-up": "M12 20V5M5 12l7-7 7 7",
  signal: "M4 20v-4M9 20v-8M14 20V8M19 20V4",
};

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon-svg" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[name]} />
    </svg>
  );
}
