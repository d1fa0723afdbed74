// The browser keeps what is typed in its own files, outside IndexedDB: form history for
// autofill ("Web Data") and the state of every form field for session restore ("Sessions").
// Neither is saved for a field marked autocomplete="off", so every field the app shows is marked,
// the ones added tomorrow included. Fields that say what they are (username, current-password)
// keep their own value.
const FIELDS = 'input, textarea, select';

function mark(el: Element): void {
  if (!el.hasAttribute('autocomplete')) el.setAttribute('autocomplete', 'off');
}

/** Mark every form field under `root`, now and whenever one is added. */
export function keepFieldsOutOfBrowserFiles(root: HTMLElement): MutationObserver {
  root.querySelectorAll(FIELDS).forEach(mark);
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(FIELDS)) mark(node);
        node.querySelectorAll(FIELDS).forEach(mark);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  return observer;
}
