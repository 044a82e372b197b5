// Reads a JSON list of query texts on stdin and prints, for each, where src/syntax.js marks its first error
// ({from, to, message}) or null. Run by tests/server/web/test_workbench_syntax.py (needs `npm ci` here first).
import { syntaxError } from "../src/syntax.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input);
process.stdout.write(JSON.stringify(texts.map((text) => syntaxError(text, "http://example.org/"))));
