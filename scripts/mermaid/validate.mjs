// Parses Mermaid files with the real mermaid parser: `node validate.mjs FILE...`.
// Prints one line per file and exits 1 if any fails. mermaid expects a browser;
// jsdom supplies the window and document its sanitiser (DOMPurify) needs.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

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
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, 'utf8'));
    if (!result || !String(result.diagramType).startsWith('flowchart')) {
      throw new Error(`not a flowchart: ${JSON.stringify(result)}`);
    }
    console.log(`ok    ${file}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL  ${file}\n${String(error?.message ?? error)}`);
  }
}
process.exit(failed ? 1 : 0);
