// The message body: a rich-text editor (contentEditable with a small toolbar) or a plain textarea; whatever is pasted or dropped in is cleaned first.

import { useEffect, useRef } from 'react';
import { sanitizeForEditor } from './editor-html';

interface Props {
  format: 'rich' | 'plain';
  /** The starting content; the editor is uncontrolled afterwards (remount it with a new key to replace it). */
  html: string | null;
  text: string;
  onHtml: (html: string) => void;
  onText: (text: string) => void;
}

/** document.execCommand is deprecated but is still what every browser's contentEditable implements for these. */
const COMMANDS: ReadonlyArray<{ command: string; value?: string; label: string; glyph: string }> = [
  { command: 'bold', label: 'Bold', glyph: 'B' },
  { command: 'italic', label: 'Italic', glyph: 'I' },
  { command: 'underline', label: 'Underline', glyph: 'U' },
  { command: 'insertUnorderedList', label: 'Bulleted list', glyph: '•' },
  { command: 'insertOrderedList', label: 'Numbered list', glyph: '1.' },
  { command: 'formatBlock', value: 'blockquote', label: 'Quote', glyph: '❝' },
  { command: 'removeFormat', label: 'Clear formatting', glyph: 'T̸' },
];

function insertCleanHtml(html: string): void {
  document.execCommand('insertHTML', false, sanitizeForEditor(html));
}

export function BodyEditor({ format, html, text, onHtml, onText }: Props) {
  const editor = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Set once, from the starting content: React must not own a contentEditable's children, or every keystroke
    // would reset the caret. Later changes come from the person.
    if (editor.current) editor.current.innerHTML = sanitizeForEditor(html ?? '');
  }, []);

  if (format === 'plain') {
    return <textarea className="body-editor plain" aria-label="Message body" defaultValue={text} onChange={(e) => onText(e.target.value)} spellCheck />;
  }

  const run = (command: string, value?: string) => {
    editor.current?.focus();
    document.execCommand(command, false, value);
    if (editor.current) onHtml(editor.current.innerHTML);
  };

  return (
    <div className="body-editor rich">
      <div role="toolbar" aria-label="Formatting" className="format-bar">
        {COMMANDS.map((c) => (
          <button
            key={c.label}
            type="button"
            className="tool"
            aria-label={c.label}
            title={c.label}
            // Keeps the selection in the editor: a click on a button would otherwise take the focus first.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => run(c.command, c.value)}
          >
            {c.glyph}
          </button>
        ))}
      </div>
      <div
        ref={editor}
        className="editable"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-label="Message body"
        spellCheck
        suppressContentEditableWarning
        onInput={(e) => onHtml(e.currentTarget.innerHTML)}
        onPaste={(e) => {
          const pastedHtml = e.clipboardData.getData('text/html');
          e.preventDefault();
          if (pastedHtml) insertCleanHtml(pastedHtml);
          else document.execCommand('insertText', false, e.clipboardData.getData('text/plain'));
          onHtml(e.currentTarget.innerHTML);
        }}
        onDrop={(e) => {
          // Files are attachments: the composer takes them. Dropped markup is cleaned like a paste.
          if (e.dataTransfer.files.length > 0) return;
          const droppedHtml = e.dataTransfer.getData('text/html');
          if (!droppedHtml) return;
          e.preventDefault();
          insertCleanHtml(droppedHtml);
          onHtml(e.currentTarget.innerHTML);
        }}
      />
    </div>
  );
}
