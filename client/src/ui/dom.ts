/** The element with `id`, which index.html MUST contain, checked to be of the expected class. */
export function requireElement<T extends HTMLElement>(
  doc: Document,
  id: string,
  type: new () => T,
): T {
  const element = doc.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`index.html has no <${type.name}> with id "${id}"`);
  }
  return element;
}

/**
 * Calls `release` when the page loses the keyboard and the pointer: the window blurs or the tab
 * is hidden. No keyup or pointerup comes then, so whatever was held must be let go.
 */
export function onFocusLost(
  target: Window,
  release: () => void,
  options: AddEventListenerOptions,
): void {
  target.addEventListener('blur', release, options);
  target.document.addEventListener(
    'visibilitychange',
    () => {
      if (target.document.hidden) release();
    },
    options,
  );
}
