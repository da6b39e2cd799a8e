/**
 * A strict enough XML check for the charts' tests, with no parser dependency: every tag closes
 * in order, every attribute is quoted, no stray "<" or "&" in text, and one root element.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const token =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g;
  for (const match of xml.matchAll(token)) {
    const [whole, closing, name, , selfClosing] = match;
    if (name === undefined) {
      problems.push(`stray "${whole}" at ${match.index}`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}> at ${match.index}`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** Every number in the path data and coordinate attributes, to check none is NaN or infinite. */
export function coordinates(svg: string): string[] {
  const out: string[] = [];
  for (const [, d] of svg.matchAll(/ d="([^"]*)"/g)) out.push(...(d.match(/[^MLZ\s]+/g) ?? []));
  for (const [, v] of svg.matchAll(/ (?:x|y|x1|y1|x2|y2|width|height)="([^"]*)"/g)) out.push(v);
  return out;
}
