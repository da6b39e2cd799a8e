import { SaxesParser } from "saxes";
import { ControlRoomError } from "../../music/errors.ts";

/**
 * A small element tree for DAWproject's XML, read with saxes (a non-validating parser that
 * knows only the five predefined entities). A DOCTYPE is refused outright, so neither
 * external entities nor entity expansion (the "billion laughs") can happen; depth, size
 * and element count are bounded before anything is built from them.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 128,
  maxElements: 2_000_000,
};

export function parseXml(
  text: string,
  fileName: string,
  limits: Partial<XmlLimits> = {},
): XmlElement {
  const all = { ...DEFAULT_XML_LIMITS, ...limits };
  const fail = (code: string, message: string): never => {
    throw new ControlRoomError(code, `${fileName}: ${message}`, fileName);
  };
  if (text.length > all.maxBytes) {
    fail("E_XML_TOO_LARGE", `is ${text.length} characters long; at most ${all.maxBytes} are read`);
  }
  // Checked before parsing too: a DOCTYPE is never needed and is where entity bombs live.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    fail(
      "E_XML_DOCTYPE",
      "declares a DOCTYPE or entities; DAWproject files have none, so it is refused (no entity expansion)",
    );
  }
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  parser.on("doctype", () => {
    fail("E_XML_DOCTYPE", "declares a DOCTYPE; it is refused (no entity expansion)");
  });
  parser.on("opentag", (tag) => {
    elements++;
    if (elements > all.maxElements)
      fail("E_XML_TOO_LARGE", `has more than ${all.maxElements} elements`);
    if (stack.length >= all.maxDepth) {
      fail("E_XML_TOO_DEEP", `nests elements deeper than ${all.maxDepth} levels`);
    }
    const attributes: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(tag.attributes)) {
      attributes[key] = typeof value === "string" ? value : value.value;
    }
    const element: XmlElement = { name: tag.name, attributes, children: [], text: "" };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("cdata", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof ControlRoomError) throw error;
    fail("E_XML_SYNTAX", `is not well-formed XML: ${(error as Error).message}`);
  }
  if (!root) return fail("E_XML_SYNTAX", "has no root element");
  return root;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** Writes an element tree back as XML text (two-space indent, attributes in insertion order). */
export function serializeXml(element: XmlElement, indent = ""): string {
  const attributes = Object.entries(element.attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join("");
  const text = element.text.trim();
  if (element.children.length === 0 && text === "") {
    return `${indent}<${element.name}${attributes}/>\n`;
  }
  if (element.children.length === 0) {
    return `${indent}<${element.name}${attributes}>${escapeXml(text)}</${element.name}>\n`;
  }
  const inner = element.children.map((c) => serializeXml(c, `${indent}  `)).join("");
  return `${indent}<${element.name}${attributes}>\n${inner}${indent}</${element.name}>\n`;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** A convenience for building: `el("Clip", {time: 0}, [el("Notes")])`. */
export function el(
  name: string,
  attributes: Record<string, string | number | boolean | undefined> = {},
  children: XmlElement[] = [],
  text = "",
): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    attrs[key] = typeof value === "number" ? formatNumber(value) : String(value);
  }
  return { name, attributes: attrs, children, text };
}

/** Shortest text that reads back as the same double; infinities as the spec writes them. */
export function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  if (Object.is(value, -0)) return "0";
  return String(value);
}
