/**
 * npm's postinstall: just-bash 3.4.2 runs every registered command inside a revocable
 * membrane (a Proxy over its context, an AbortController, a WeakMap, a copy of each object
 * the command touches) raced against a deadline timer, so that an *untrusted* extension
 * cannot keep using the shell after it returns. tuxnet's tools are host code registered as
 * trusted commands (just-bash's default); for them that membrane is pure cost, about 60 µs
 * and 40 KB of garbage per command (bench c runs 19,800). This edits just-bash's three
 * bundles so that a command whose `trusted` is set gets its context as is and runs without
 * the race (an abort still reaches it through ctx.signal, which every tuxnet tool obeys);
 * untrusted commands keep the membrane. Idempotent; fails loudly when a bundle does not have
 * the shape it expects (another just-bash version), so an upgrade cannot silently lose it.
 * Node-only.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/*tuxnet:trusted-direct*/";
const ID = "[\\w$]+";
// pf(): `let g=ff(m,t),y=ta(g.context,t),S=()=>{g.revoke(),b()};try{let v=()=>ma(…,()=>u.execute(n,y)),k=()=>wm(v,y,S,t,…),A=u.trusted?…`
const SHAPE = new RegExp(
  `let (${ID})=(${ID})\\((${ID}),(${ID})\\),(${ID})=(${ID})\\(\\1\\.context,\\4\\),(${ID})=\\(\\)=>\\{\\1\\.revoke\\(\\),(${ID})\\(\\)\\};` +
    `try\\{let (${ID})=\\(\\)=>(${ID})\\([^;]*?\\(\\)=>(${ID})\\.execute\\((${ID}),\\5\\)\\),(${ID})=\\(\\)=>(${ID})\\(\\9,\\5,\\7,\\4,`,
  "g",
);

export function patch(src) {
  if (src.includes(MARK)) return src;
  let n = 0;
  const out = src.replace(SHAPE, (span, g, ff, m, t, _y, _ta, _s, _b, v, _ma, u, _args, k, wm) => {
    n++;
    return span
      .replace(`let ${g}=${ff}(${m},${t}),`, `let ${g}=${u}.trusted?${MARK}{context:${m},revoke(){}}:${ff}(${m},${t}),`)
      .replace(`,${k}=()=>${wm}(${v},`, `,${k}=()=>${u}.trusted?${v}():${wm}(${v},`);
  });
  if (n !== 1) throw new Error(`just-bash bundle: expected one command dispatch to patch, found ${n}`);
  return out;
}

const bundle = join(dirname(fileURLToPath(import.meta.resolve("just-bash"))));
for (const f of ["index.js", "index.cjs", "browser.js"]) {
  const path = join(bundle, f);
  if (!existsSync(path)) throw new Error(`${path}: missing`);
  const src = readFileSync(path, "utf8");
  const out = patch(src);
  if (out !== src) writeFileSync(path, out);
}
