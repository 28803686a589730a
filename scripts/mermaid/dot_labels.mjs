// Checks that Graphviz drew every DOT label as the text it encodes:
// `node dot_labels.mjs FILE.dot FILE.svg`. Escaping mistakes that still parse
// (a `\N` read as the node name, an `&amp;` decoded to `&`) show up here.
// No dependencies: the DOT pipec writes and the SVG Graphviz writes are regular
// enough for regular expressions.
import { readFileSync } from 'node:fs';

const [dotFile, svgFile] = process.argv.slice(2);
if (!dotFile || !svgFile) {
  console.log('usage: node dot_labels.mjs FILE.dot FILE.svg');
  process.exit(2);
}

// The lines a DOT label stands for: `\"` and `\\` unescaped, `\n` and `\l` end
// lines, and the `&amp;` pipec writes for a literal `&` decoded.
function labelLines(raw) {
  const lines = [];
  let line = '';
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1];
      i += 1;
      if (next === 'n' || next === 'l' || next === 'r') {
        lines.push(line);
        line = '';
      } else {
        line += next;
      }
    } else {
      line += c;
    }
  }
  lines.push(line);
  return lines.map((l) => l.replaceAll('&amp;', '&').trim()).filter((l) => l.length > 0);
}

function xmlDecode(text) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return named[e];
  });
}

const dot = readFileSync(dotFile, 'utf8');
const svg = readFileSync(svgFile, 'utf8');
const drawn = new Set([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => xmlDecode(m[1]).trim()));
const expected = [...dot.matchAll(/label="((?:[^"\\]|\\.)*)"/g)].flatMap((m) => labelLines(m[1]));
const missing = expected.filter((line) => !drawn.has(line));
if (missing.length > 0) {
  console.log(`FAIL  ${dotFile}: labels not drawn as written:\n  ${missing.map((m) => JSON.stringify(m)).join('\n  ')}`);
  process.exit(1);
}
