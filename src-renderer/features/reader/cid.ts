// Puts a message's own inline images in place of its cid: references, before sanitizing (DOMPurify drops unknown schemes).

/** cid: URLs as HTML and CSS write them (src="cid:x", url(cid:x)); the engine finds referenced parts the same way. */
const CID_URL = /\bcid:([^'"\s<>()]{1,256})/gi;

/** Only what the engine makes: base64 image data, which cannot break out of an attribute or a CSS url(). */
const SAFE_DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,[a-z0-9+/=]*$/i;

function candidates(id: string): string[] {
  const unescaped = id.replace(/&amp;/gi, '&');
  const all = [id, unescaped];
  for (const value of [id, unescaped]) {
    try {
      all.push(decodeURIComponent(value));
    } catch {
      // Not valid %-encoding: the literal form is all there is.
    }
  }
  return all;
}

/**
 * Replaces each cid: reference whose Content-ID (as written, or %-decoded per RFC 2392) names an embedded part
 * with that part's data: URL. Others stay as written, and the sanitizer removes them: a cid: never reaches the network.
 */
export function inlineCidImages(html: string, inlineParts: Readonly<Record<string, string>>): string {
  return html.replace(CID_URL, (match, id: string) => {
    for (const candidate of candidates(id)) {
      const data = Object.hasOwn(inlineParts, candidate) ? inlineParts[candidate] : undefined;
      if (data && SAFE_DATA_URL.test(data)) return data;
    }
    return match;
  });
}
