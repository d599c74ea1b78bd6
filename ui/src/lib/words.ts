/** Words as the core counts them: whitespace-separated runs with a letter or digit. */
export function wordCount(markdown: string): number {
  return markdown.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
