// Where sparqljs says a query goes wrong, as a range of the text. Jison reports the location of the last token it
// accepted and the text of the one it refused, so the refused token starts after that location, past blanks and
// comments. Kept free of the editor so node can test it alone.
import sparqljs from "sparqljs";

const BLANK = /[\s]/;

function offsetOf(text, line, column) {
  let at = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf("\n", at);
    if (next < 0) return text.length;
    at = next + 1;
  }
  return Math.min(text.length, at + column);
}

function skipBlanks(text, at) {
  while (at < text.length) {
    if (BLANK.test(text[at])) at++;
    else if (text[at] === "#") {
      const end = text.indexOf("\n", at);
      at = end < 0 ? text.length : end + 1;
    } else break;
  }
  return at;
}

function expectedList(expected) {
  const names = (expected || []).map((e) => e.replace(/^'|'$/g, "")).filter((e) => !/^[A-Z_0-9]+$/.test(e) || e.length < 8);
  return names.slice(0, 10).join(" ");
}

// {from, to, message} for the first error in `text`, or null when sparqljs accepts it.
export function syntaxError(text, baseIRI) {
  try {
    new sparqljs.Parser({ baseIRI }).parse(text);
    return null;
  } catch (error) {
    const hash = error.hash;
    const message = String(error.message || error);
    if (hash && hash.loc) {
      const after = offsetOf(text, hash.loc.last_line, hash.loc.last_column);
      let from = skipBlanks(text, after);
      let to = from + Math.max(1, (hash.text || "").length);
      if (hash.token === "EOF" || from >= text.length) {
        // Nothing left to refuse: mark the last token the parser took.
        from = offsetOf(text, hash.loc.first_line, hash.loc.first_column);
        to = Math.max(from + 1, after);
      } else if (hash.token === "INVALID") {
        while (to < text.length && /[^\s{}()<>.;,]/.test(text[to])) to++; // the whole unreadable word
      }
      const got = hash.token === "EOF" ? "end of query" : `'${text.slice(from, to)}'`;
      const expected = expectedList(hash.expected);
      return {
        from: Math.min(from, text.length),
        to: Math.min(to, text.length),
        message: `Unexpected ${got}` + (expected ? `; expected one of: ${expected}` : ""),
      };
    }
    const prefix = /^Unknown prefix: (.*)$/.exec(message);
    if (prefix) {
      const use = new RegExp(`(^|[^\\w?$:-])(${prefix[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}):`, "m").exec(text);
      if (use) {
        const from = use.index + use[1].length;
        return { from, to: from + use[2].length + 1, message };
      }
    }
    return { from: 0, to: Math.min(text.length, Math.max(1, text.indexOf("\n"))), message };
  }
}
