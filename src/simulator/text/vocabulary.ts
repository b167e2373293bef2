import { encodeTokens } from '../../core/tokens/tokenizer.js';

/**
 * Words that are one o200k token each with a leading space, capitalised or not. Text built from
 * them (plus "." which is its own token) has an exact, known token count, so the hot path never
 * tokenizes generated text. A test checks the count against the real tokenizer.
 */
const CANDIDATES =
  `the of and to in is that for it as with was on be by this are from at or an have not but they
which one you all were can their has more will would there been if so about what when also into than some other time
its only these may like then over such any new because most through where after many well much our very just both even
first people made how work data system model each used between while make way out could should those two part same number
state different use given form high point case however since within example world under long right good small large set
results three information real order process during important without back level another still change place general
before common power based simple value rate every better language text signal network source light clear open early quick
quiet bright calm steady river stone cloud garden window morning evening answer question idea plan story city road field
paper music water fire air earth`.split(/\s+/);

export interface Vocabulary {
  lower: readonly string[];
  upper: readonly string[];
  /** Capitalised words that are one token without the leading space: the first piece of a text. */
  starts: readonly string[];
}

let cached: Vocabulary | undefined;

export function vocabulary(): Vocabulary {
  if (cached) return cached;
  const lower: string[] = [];
  const upper: string[] = [];
  for (const w of CANDIDATES) {
    if (w === '') continue;
    const lo = ` ${w}`;
    const up = ` ${w[0]!.toUpperCase()}${w.slice(1)}`;
    if (encodeTokens(lo).length === 1 && encodeTokens(up).length === 1) {
      lower.push(lo);
      upper.push(up);
    }
  }
  const starts = upper.map((w) => w.slice(1)).filter((w) => encodeTokens(w).length === 1);
  cached = { lower, upper, starts };
  return cached;
}
