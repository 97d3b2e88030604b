// The mark the engine puts around each HTML part of a message that has several, so every reader of the HTML (the
// reader's sanitizer, the composer's quote) cleans each part as a document of its own (security.md B11, EFAIL).

/** An HTML comment, so anything else that shows the HTML shows nothing of it. A message may contain it too: that only splits its own markup further. */
export const HTML_PART_BREAK = '<!--heron:part-->';

/** The parts of a message's HTML, for cleaning one by one; HTML of one part is one part. */
export function htmlParts(html: string): string[] {
  return html.split(HTML_PART_BREAK).filter((part, _, all) => part !== '' || all.length === 1);
}
