/**
 * A strict little XML reader for tests: it throws on anything not well-formed (unbalanced or
 * crossed tags, unquoted or repeated attributes, a raw `<` or `&` in text, unknown entities,
 * characters XML 1.0 forbids) and returns the element tree with entities decoded.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string): string {
  if (raw.includes("<")) throw new Error(`raw < in ${JSON.stringify(raw)}`);
  if (FORBIDDEN.test(raw)) throw new Error(`forbidden character in ${JSON.stringify(raw)}`);
  return raw.replace(/&([^;]*);?/g, (all, name: string) => {
    if (!all.endsWith(";")) throw new Error(`bare & in ${JSON.stringify(raw)}`);
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity &${name};`);
    return value;
  });
}

export function parseXml(source: string): XmlElement {
  let text = source.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/;
  while (text.length > 0) {
    const lt = text.indexOf("<");
    const chunk = lt === -1 ? text : text.slice(0, lt);
    stack[stack.length - 1]!.text += decode(chunk);
    if (lt === -1) break;
    text = text.slice(lt);
    const m = tag.exec(text);
    if (!m) throw new Error(`malformed tag at ${JSON.stringify(text.slice(0, 40))}`);
    const [all, closing, name, attrText, selfClosing] = m as unknown as [string, string, string, string, string];
    text = text.slice(all.length);
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (a[1]! in attrs) throw new Error(`repeated attribute ${a[1]}`);
      attrs[a[1]!] = decode(a[2] ?? a[3] ?? "");
    }
    const element: XmlElement = { name, attrs, children: [], text: "" };
    stack[stack.length - 1]!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== "") throw new Error("expected exactly one root element");
  return root.children[0]!;
}

export const all = (e: XmlElement, name: string): XmlElement[] =>
  e.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
