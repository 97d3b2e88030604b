// Keeps message CSS from fetching anything: url()s are checked on the browser's own parse of the CSS, so escapes cannot hide them.

/** What a URL in a message may be: an embedded image, a remote resource (only with consent), or nothing at all. */
export type UrlKind = 'data-image' | 'remote' | 'other';

/** Raster images only: an SVG data: image is a document of its own. */
const DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp)[;,]/i;

export function urlKind(value: string): UrlKind {
  const url = value.trim();
  if (DATA_IMAGE.test(url)) return 'data-image';
  if (/^https?:\/\/[^/\\]/i.test(url)) return 'remote';
  return 'other';
}

export interface UrlPolicy {
  allowRemote: boolean;
  /** Called for every remote URL seen, shown or not, so the reader knows to offer "Show remote content". */
  onRemote: () => void;
}

export function allowsUrl(value: string, policy: UrlPolicy): boolean {
  const kind = urlKind(value);
  if (kind === 'remote') policy.onRemote();
  return kind === 'data-image' || (kind === 'remote' && policy.allowRemote);
}

/** CSS functions that load resources without the word url( (or compose images from elsewhere). */
const OTHER_LOADERS = /(?:image-set|\bimage|cross-fade|element|paint|\bsrc)\s*\(/i;
const URL_FUNCTION = /url\(\s*(?:"((?:[^"\\]|\\[\s\S])*)"|'((?:[^'\\]|\\[\s\S])*)'|([^)\s]*))\s*\)/gi;

function unescapeCss(value: string): string {
  return value.replace(/\\(?:([0-9a-f]{1,6})\s?|([\s\S]))/gi, (_, hex: string | undefined, char: string | undefined) =>
    hex ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff) || 0xfffd) : (char ?? ''),
  );
}

/** Whether a declaration value as the browser serialized it may stay: every url() allowed, no other loader. */
function valueAllowed(value: string, policy: UrlPolicy): boolean {
  if (OTHER_LOADERS.test(value)) return false;
  let allowed = true;
  for (const match of value.matchAll(URL_FUNCTION)) {
    if (!allowsUrl(unescapeCss(match[1] ?? match[2] ?? match[3] ?? ''), policy)) allowed = false;
  }
  return allowed;
}

/**
 * Removes every declaration that would load something not allowed. Custom properties are kept raw by the browser
 * (var() resolves them later), so one that could spell a loader, escapes included, goes too.
 */
export function rewriteDeclarations(style: CSSStyleDeclaration, policy: UrlPolicy): void {
  const names = Array.from({ length: style.length }, (_, i) => style.item(i));
  for (const name of names) {
    const value = style.getPropertyValue(name);
    const risky = name.startsWith('--') ? /\\|url\s*\(/i.test(value) || !valueAllowed(value, policy) : /\(/.test(value) && !valueAllowed(value, policy);
    if (!risky) continue;
    // The shorthand goes with it ("background-image" → "background"), or its other longhands would read "initial".
    const shorthand = name.replace(/-[a-z]+$/, '');
    if (shorthand !== name && !name.startsWith('--')) style.removeProperty(shorthand);
    style.removeProperty(name);
  }
}

/** Rules that hold declarations or other rules; @import, @namespace, @property, @counter-style and the unknown are dropped. */
const KEPT_RULES = ['CSSStyleRule', 'CSSMediaRule', 'CSSSupportsRule', 'CSSFontFaceRule', 'CSSPageRule', 'CSSKeyframesRule', 'CSSKeyframeRule', 'CSSLayerBlockRule', 'CSSLayerStatementRule', 'CSSContainerRule', 'CSSNestedDeclarations'];

type CssWindow = Window & typeof globalThis;

function isKept(win: CssWindow, rule: CSSRule): boolean {
  return KEPT_RULES.some((name) => {
    const type = (win as unknown as Record<string, unknown>)[name];
    return typeof type === 'function' && rule instanceof (type as typeof CSSRule);
  });
}

interface RuleContainer {
  cssRules: CSSRuleList;
  deleteRule?: (index: number) => void;
}

function rewriteRules(win: CssWindow, container: RuleContainer, policy: UrlPolicy): void {
  for (let i = container.cssRules.length - 1; i >= 0; i--) {
    const rule = container.cssRules[i] as CSSRule;
    if (!isKept(win, rule) && container.deleteRule) {
      container.deleteRule(i);
      continue;
    }
    const style = (rule as Partial<CSSStyleRule>).style;
    if (style) rewriteDeclarations(style, policy);
    if ('cssRules' in rule) rewriteRules(win, rule as unknown as RuleContainer, policy);
  }
}

/**
 * A <style> block's text, re-serialized from the browser's parse with nothing that loads anything not allowed.
 * replaceSync never runs @import; every "<" is escaped so the text can never close its <style> element.
 */
export function rewriteStyleSheet(win: CssWindow, cssText: string, policy: UrlPolicy): string {
  const sheet = new win.CSSStyleSheet();
  try {
    sheet.replaceSync(cssText);
  } catch {
    return '';
  }
  rewriteRules(win, sheet, policy);
  return Array.from(sheet.cssRules, (rule) => rule.cssText)
    .join('\n')
    .replace(/</g, '\\3c ');
}
