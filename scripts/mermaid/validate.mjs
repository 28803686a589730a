// Checks Mermaid files with the real mermaid library: `node validate.mjs FILE...`.
//
// For each file: mermaid.parse() must accept it, then mermaid.render() must lay
// it out and draw it, and every quoted label must come out of the drawing as the
// text it encodes (so escaping is checked, not just syntax). mermaid expects a
// browser: jsdom supplies the DOM, and SVG text measurement (which jsdom lacks)
// is stubbed with fixed sizes: the layout is meaningless, the drawing is real.
// Prints one line per file; exits 1 if any fails, 2 if the checker itself is broken.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const name of ['window', 'document', 'navigator', 'Element', 'HTMLElement', 'SVGElement',
  'SVGSVGElement', 'Node', 'Document', 'DOMParser', 'XMLSerializer', 'CSSStyleSheet',
  'MutationObserver', 'getComputedStyle']) {
  if (!(name in globalThis)) {
    globalThis[name] = name === 'window' ? dom.window : dom.window[name];
  }
}
// Rough text metrics: 7px a character, 17px a line. Equal sizes for every box
// would stack nodes on one another and send mermaid down degenerate paths.
function measure(element) {
  const lines = (element.innerHTML ?? '').split(/<br\s*\/?>/i).map((l) => l.replace(/<[^>]*>/g, ''));
  const longest = Math.max(1, ...lines.map((l) => l.length));
  return { x: 0, y: 0, width: 7 * longest + 10, height: 17 * lines.length + 6 };
}
dom.window.SVGElement.prototype.getBBox = function getBBox() { return measure(this); };
dom.window.HTMLElement.prototype.getBoundingClientRect = function getBoundingClientRect() {
  const { width, height } = measure(this);
  return { x: 0, y: 0, top: 0, left: 0, right: width, bottom: height, width, height };
};
dom.window.SVGElement.prototype.getComputedTextLength = function getComputedTextLength() {
  return measure(this).width;
};

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

// The text a quoted pipec label stands for: mermaid entity codes decoded and
// line breaks dropped (the drawing's textContent has none either).
const NAMED = { quot: '"', amp: '&', lt: '<', gt: '>' };
function decode(label) {
  return label
    .replaceAll('<br/>', '')
    .replace(/#(\d+|quot|amp|lt|gt);/g, (_, n) => NAMED[n] ?? String.fromCodePoint(Number(n)));
}

function labels(source) {
  return [...source.matchAll(/"([^"]*)"/g)].map((m) => decode(m[1]));
}

function renderedTexts(svg) {
  const doc = new JSDOM(svg).window.document;
  return new Set([...doc.querySelectorAll('.nodeLabel, .edgeLabel, text')].map((e) => e.textContent));
}

// A parser that accepts anything would pass every file: make sure this one
// still rejects a label broken by an unescaped quote before trusting it.
try {
  await mermaid.parse('flowchart TD\n  a["x"]y"] --> b\n');
  console.log('FAIL  mermaid.parse accepted a broken diagram: the validator is not working');
  process.exit(2);
} catch {
  // expected
}

let failed = 0;
let n = 0;
for (const file of process.argv.slice(2)) {
  try {
    const source = readFileSync(file, 'utf8');
    const result = await mermaid.parse(source);
    if (!result || !String(result.diagramType).startsWith('flowchart')) {
      throw new Error(`not a flowchart: ${JSON.stringify(result)}`);
    }
    n += 1;
    const { svg } = await mermaid.render(`graph${n}`, source);
    const texts = renderedTexts(svg);
    const missing = labels(source).filter((label) => !texts.has(label));
    if (missing.length > 0) {
      throw new Error(`labels not drawn as written:\n  ${missing.map((m) => JSON.stringify(m)).join('\n  ')}`);
    }
    console.log(`ok    ${file} (mermaid)`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL  ${file}\n${String(error?.message ?? error)}`);
    if (process.env.VALIDATE_DEBUG) console.log(error?.stack);
  }
}
process.exit(failed ? 1 : 0);
