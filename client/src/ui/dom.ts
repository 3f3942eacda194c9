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
